/** A browser login session, stored by the SHA-256 of its cookie value. */
export interface SessionRecord {
  readonly idHash: string;
  readonly userId: string;
  readonly authTime: number;
  readonly expiresAt: number;
}

/** Login sessions. Contract: entries past `expiresAt` are never returned; `delete` is idempotent. */
export interface SessionStore {
  create(record: SessionRecord): Promise<void>;
  get(idHash: string, now: number): Promise<SessionRecord | undefined>;
  delete(idHash: string): Promise<void>;
}
