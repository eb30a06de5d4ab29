/**
 * A grant: what one user allowed one client, started by one authorization code. Every refresh
 * token and access token issued in the flow belongs to it; revoking it revokes them all.
 */
export interface GrantRecord {
  readonly id: string;
  readonly userId: string;
  readonly clientId: string;
  readonly scope: readonly string[];
  readonly resources: readonly string[];
  /** The client authentication method the grant was issued under (`none`, `private_key_jwt`, ...). */
  readonly authMethod: string;
  /** For attestation-bound grants: the JWK thumbprint of the client instance key. */
  readonly instanceKeyThumbprint?: string;
  readonly createdAt: number;
  /** When the user authenticated for this grant (`auth_time` of its tokens, refreshed ones too). */
  readonly authTime?: number;
  /** Absolute end of the grant (refresh tokens never outlive it). */
  readonly expiresAt: number;
  readonly revokedAt?: number;
  readonly revokedReason?: string;
}

/**
 * Grants. Contract:
 * - `revoke` is idempotent and keeps the first revocation time and reason; it returns whether
 *   this call revoked an active grant;
 * - `get` returns revoked grants too (callers check `revokedAt`).
 */
export interface GrantStore {
  create(grant: GrantRecord): Promise<void>;
  get(id: string): Promise<GrantRecord | undefined>;
  revoke(id: string, now: number, reason: string): Promise<boolean>;
  /**
   * Bind an active grant to a client instance key (attestation §10.3), atomically and once: the
   * thumbprint is set only when none is; returns whether the grant is now bound to `thumbprint`
   * (true again for the same thumbprint, false for another one or an unknown or inactive grant).
   */
  bindInstanceKey(id: string, thumbprint: string, now: number): Promise<boolean>;
  /** Revoke every active grant of a client (optionally only one user's); returns how many. */
  revokeByClient(clientId: string, now: number, reason: string, userId?: string): Promise<number>;
  /** Active grants of a user (for a "connected apps" view). */
  listActiveByUser(userId: string, now: number): Promise<GrantRecord[]>;
}
