/** A client registered through Dynamic Client Registration (RFC 7591), when enabled. */
export interface RegisteredClientRecord {
  /** Random, never starting with "https://" (R59). */
  readonly clientId: string;
  /** The accepted registration metadata, as JSON text. */
  readonly metadata: string;
  readonly createdAt: number;
}

/** DCR clients. Contract: `clientId` is unique. */
export interface RegisteredClientStore {
  create(record: RegisteredClientRecord): Promise<void>;
  get(clientId: string): Promise<RegisteredClientRecord | undefined>;
}
