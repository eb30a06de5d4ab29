import type { AdminTrust, AdmissionRule, ChangeClass } from '@cimd/core';

/**
 * The stores of the trust model (docs/trust.md): one small interface per concern. Every
 * implementation (memory, SQLite, PostgreSQL) passes the one contract suite
 * (test/store-contract/trust.ts). client_ids are compared exactly as written (R8).
 */

/** What the server knows about one CIMD client_id it has seen. */
export interface TrustedClientRecord {
  readonly clientId: string;
  /** The registrable domain of the client_id's host (see `registrableDomain`). */
  readonly domain: string;
  /** When this server first resolved a valid document for it. */
  readonly firstSeenAt: number;
  /** When the document was last fetched (or revalidated). */
  readonly lastFetchAt?: number;
  /** Digest of the document in effect (for a pinned client: the approved one). */
  readonly digest: string;
  /** The document in effect, as JSON (see `clients/client-snapshot.ts`). */
  readonly snapshot: string;
  /** An administrator's decision (trusted, blocked, reviewed); none by default. */
  readonly trust?: AdminTrust;
  /** Pinned: a changed document waits for an administrator instead of taking effect. */
  readonly pinned: boolean;
  /** Pre-registered by an administrator (R61): admitted in allow-list mode, refreshed on schedule. */
  readonly registered: boolean;
  readonly updatedAt: number;
}

/**
 * Client records. Contract: `create` inserts only when absent and returns what is stored (the
 * earlier record when another caller won) and whether this call created it; `replaceDocument` replaces the document only when the
 * stored digest is `expected` (compare-and-set) and returns whether it did; the setters return
 * false for an unknown client_id.
 */
export interface TrustedClientStore {
  get(clientId: string): Promise<TrustedClientRecord | undefined>;
  create(record: TrustedClientRecord): Promise<{ readonly record: TrustedClientRecord; readonly created: boolean }>;
  replaceDocument(clientId: string, expected: string, next: { digest: string; snapshot: string }, now: number): Promise<boolean>;
  /** Record a fetch; the stored time only ever moves forward. */
  touchFetch(clientId: string, at: number): Promise<void>;
  setTrust(clientId: string, trust: AdminTrust | undefined, now: number): Promise<boolean>;
  setPinned(clientId: string, pinned: boolean, now: number): Promise<boolean>;
  setRegistered(clientId: string, registered: boolean, now: number): Promise<boolean>;
  /** Records ordered by first sighting, then client_id (byte order); optionally only pre-registered ones or one domain's. */
  list(options: {
    readonly limit: number;
    readonly offset?: number;
    readonly registered?: boolean;
    readonly domain?: string;
  }): Promise<TrustedClientRecord[]>;
  /** How many client_ids of a registrable domain are recorded. */
  countByDomain(domain: string): Promise<number>;
}

/** One user's approval of one client_id: the unit of reputation. */
export interface ApprovalRecord {
  readonly clientId: string;
  readonly userId: string;
  readonly domain: string;
  readonly approvedAt: number;
}

/**
 * Approvals, one per (client_id, user). Contract: `record` is atomic and idempotent (a second
 * approval by the same user changes nothing and is not `added`); it returns the count after it.
 */
export interface ApprovalStore {
  record(approval: ApprovalRecord): Promise<{ readonly added: boolean; readonly approvals: number }>;
  count(clientId: string): Promise<number>;
  /** The earliest approval (the user a first-seen client is associated with). */
  first(clientId: string): Promise<ApprovalRecord | undefined>;
  /** Distinct users who approved any client_id of a registrable domain. */
  usersByDomain(domain: string): Promise<number>;
}

/**
 * What became of one version of a client's document:
 * `first-seen` (the first one), `accepted` (a change that took effect), `pending` (a change of a
 * pinned client, waiting), `approved` / `rejected` (an administrator's answer to a pending one).
 */
export type VersionStatus = 'first-seen' | 'accepted' | 'pending' | 'approved' | 'rejected';

export interface ClientVersionRecord {
  readonly id: string;
  readonly clientId: string;
  readonly digest: string;
  readonly snapshot: string;
  /** The change classes against the version in effect before it. */
  readonly classes: readonly ChangeClass[];
  readonly status: VersionStatus;
  readonly seenAt: number;
  readonly decidedBy?: string;
  readonly decidedAt?: number;
}

/**
 * The history of each client's documents and the approval queue of pinned clients. Contract:
 * `list` is newest first (then id, byte order descending); `add` keeps at most
 * {@link MAX_VERSIONS_PER_CLIENT} versions per client that are not pending, dropping the oldest;
 * `decide` moves a pending version to approved or rejected once and returns whether it did.
 */
export interface ClientVersionStore {
  add(version: ClientVersionRecord): Promise<void>;
  get(id: string): Promise<ClientVersionRecord | undefined>;
  /** The newest version of a client with this digest. */
  latest(clientId: string, digest: string): Promise<ClientVersionRecord | undefined>;
  list(query: {
    readonly clientId?: string;
    readonly status?: VersionStatus;
    readonly limit: number;
  }): Promise<ClientVersionRecord[]>;
  decide(id: string, status: 'approved' | 'rejected', by: string, at: number): Promise<boolean>;
}

export const MAX_VERSIONS_PER_CLIENT = 50;

/** Registration data of a domain (RDAP-like), as last looked up. */
export interface DomainRecord {
  readonly domain: string;
  readonly registrant?: string;
  readonly registeredAt?: number;
  readonly checkedAt: number;
}

/** Domains' registration data. Contract: `put` replaces. */
export interface DomainStore {
  get(domain: string): Promise<DomainRecord | undefined>;
  put(record: DomainRecord): Promise<void>;
}

/** One trust decision: an administrator's, or the server's own. */
export interface AuditEvent {
  readonly id: string;
  readonly at: number;
  /** `admin:<user name>`, `cli:<name>` or `system`. */
  readonly actor: string;
  readonly action: string;
  readonly clientId?: string;
  /** Plain JSON: what was decided and why. */
  readonly detail: Readonly<Record<string, unknown>>;
}

/** The audit trail. Contract: append-only; `list` is newest first (then id descending, byte order). */
export interface AuditStore {
  append(event: AuditEvent): Promise<void>;
  list(query: { readonly clientId?: string; readonly action?: string; readonly limit: number }): Promise<AuditEvent[]>;
}

/** An admission rule managed in the admin console (the configuration's rules come on top). */
export interface StoredAdmissionRule extends AdmissionRule {
  readonly id: string;
  readonly createdAt: number;
  readonly createdBy: string;
}

/** Stored admission rules. Contract: `list` in creation order (then id); `remove` returns whether a rule went. */
export interface AdmissionRuleStore {
  list(): Promise<StoredAdmissionRule[]>;
  add(rule: StoredAdmissionRule): Promise<void>;
  remove(id: string): Promise<boolean>;
}

/** A client's logo, fetched, checked by content and kept to be served from this server (R74). */
export interface LogoRecord {
  readonly clientId: string;
  /** base64url SHA-256 of the bytes: the name it is served under, `/logos/<digest>`. */
  readonly digest: string;
  /** The sniffed type, never the one the client's server claimed. */
  readonly mediaType: string;
  readonly bytes: Uint8Array;
  readonly sourceUri: string;
  readonly fetchedAt: number;
  readonly freshUntil: number;
}

/** Logos, one per client (a new one replaces the old). */
export interface LogoStore {
  put(logo: LogoRecord): Promise<void>;
  forClient(clientId: string): Promise<LogoRecord | undefined>;
  byDigest(digest: string): Promise<LogoRecord | undefined>;
  delete(clientId: string): Promise<void>;
}

export interface TrustStores {
  readonly clients: TrustedClientStore;
  readonly approvals: ApprovalStore;
  readonly versions: ClientVersionStore;
  readonly domains: DomainStore;
  readonly audit: AuditStore;
  readonly rules: AdmissionRuleStore;
  readonly logos: LogoStore;
}
