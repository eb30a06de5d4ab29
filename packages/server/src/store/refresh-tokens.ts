/** One refresh token, stored by the SHA-256 of its value. Tokens of one grant form a family. */
export interface RefreshTokenRecord {
  readonly tokenHash: string;
  readonly grantId: string;
  readonly clientId: string;
  readonly userId: string;
  readonly scope: readonly string[];
  readonly resources: readonly string[];
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** When it was exchanged for its successor; a second use is reuse. */
  readonly usedAt?: number;
}

export type RefreshRotation =
  | { readonly status: 'rotated'; readonly previous: RefreshTokenRecord }
  /** Already used: the family is compromised and the caller revokes the grant (RFC 9700 §4.14.2). */
  | { readonly status: 'reused'; readonly previous: RefreshTokenRecord }
  | { readonly status: 'unknown' };

/**
 * Refresh tokens with rotation. Contract:
 * - `rotate` is atomic: it marks the token used and saves `next` only if the token was unused and
 *   unexpired; of concurrent calls for one token exactly one returns `rotated`, the others
 *   `reused` (and `next` of those is not saved);
 * - a token past `expiresAt` is `unknown`.
 */
export interface RefreshTokenStore {
  save(record: RefreshTokenRecord): Promise<void>;
  find(tokenHash: string, now: number): Promise<RefreshTokenRecord | undefined>;
  rotate(tokenHash: string, next: RefreshTokenRecord, now: number): Promise<RefreshRotation>;
}
