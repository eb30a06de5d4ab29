/** What a user approved for a client, remembered so that the next request may skip the page. */
export interface ConsentRecord {
  readonly userId: string;
  readonly clientId: string;
  readonly scope: readonly string[];
  readonly resources: readonly string[];
  /** Digest of the security-relevant metadata at approval time (R64). */
  readonly fingerprint: string;
  readonly grantedAt: number;
}

/**
 * Consents, keyed by (userId, clientId) with the client_id exactly as written (R63: a different
 * URL is an unrelated client). Contract: `put` replaces; `revoke` is idempotent.
 */
export interface ConsentStore {
  get(userId: string, clientId: string): Promise<ConsentRecord | undefined>;
  put(record: ConsentRecord): Promise<void>;
  revoke(userId: string, clientId: string): Promise<void>;
  /** Revoke every consent for a client (or only one user's); returns how many were removed. */
  revokeByClient(clientId: string, userId?: string): Promise<number>;
  /** How many distinct users have a consent for the client (reputation). */
  countUsers(clientId: string): Promise<number>;
}
