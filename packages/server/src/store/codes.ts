/** One authorization code, stored by the SHA-256 of its value (the value itself is never stored). */
export interface AuthorizationCodeRecord {
  readonly codeHash: string;
  /** The grant this code starts; revoking the grant revokes everything issued from the code. */
  readonly grantId: string;
  readonly clientId: string;
  readonly userId: string;
  /** The redirect_uri of the authorization request, exactly as sent (RFC 6749 §4.1.3). */
  readonly redirectUri: string;
  readonly scope: readonly string[];
  readonly resources: readonly string[];
  /** BASE64URL(SHA256(code_verifier)) (PKCE S256, RFC 7636). */
  readonly codeChallenge: string;
  readonly authTime: number;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export type CodeConsumption =
  | { readonly status: 'consumed'; readonly record: AuthorizationCodeRecord }
  /** A second use before expiry: the caller revokes what the first use issued (OAuth 2.1 §4.1.3). */
  | { readonly status: 'reused'; readonly record: AuthorizationCodeRecord }
  | { readonly status: 'unknown' };

/**
 * Authorization codes. Contract:
 * - `consume` is atomic: of any number of concurrent calls for one code, exactly one returns
 *   `consumed`; every later call until `expiresAt` returns `reused`;
 * - a code past `expiresAt` is `unknown` (and may be deleted by the store at any time after).
 */
export interface CodeStore {
  save(record: AuthorizationCodeRecord): Promise<void>;
  consume(codeHash: string, now: number): Promise<CodeConsumption>;
}
