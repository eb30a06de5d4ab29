/** A validated authorization request waiting for login and consent. */
export interface InteractionRecord {
  readonly id: string;
  /** The authorization request parameters as received (validated later, step by step). */
  readonly params: Readonly<Record<string, string | readonly string[]>>;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Set after login. */
  readonly userId?: string;
  readonly authTime?: number;
}

/** Pending interactions. Contract: entries past `expiresAt` are never returned; `delete` is idempotent. */
export interface InteractionStore {
  save(record: InteractionRecord): Promise<void>;
  get(id: string, now: number): Promise<InteractionRecord | undefined>;
  delete(id: string): Promise<void>;
}
