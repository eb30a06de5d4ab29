export { createMemoryStores } from './memory/memory-stores.js';
export type { MemoryStoresOptions } from './memory/memory-stores.js';
export { openSqliteStores } from './sqlite/sqlite-stores.js';
export type { SqliteStoresOptions } from './sqlite/sqlite-stores.js';
export { SQLITE_MIGRATIONS } from './sqlite/migrations.js';
export { openPostgresStores } from './postgres/postgres-stores.js';
export type { PostgresStoresOptions } from './postgres/postgres-stores.js';
export { POSTGRES_MIGRATIONS, checkPostgresSchema, migratePostgres } from './postgres/migrations.js';
export type { Migration } from './sqlite/migrations.js';
export type { AuthorizationCodeRecord, CodeConsumption, CodeStore } from './codes.js';
export type { ConsentRecord, ConsentStore } from './consents.js';
export type { CounterStore } from './counters.js';
export type { GrantRecord, GrantStore } from './grants.js';
export type { InteractionRecord, InteractionStore } from './interactions.js';
export type { KeyStore, SigningKeyRecord } from './keys.js';
export type { RefreshRotation, RefreshTokenRecord, RefreshTokenStore } from './refresh-tokens.js';
export type { RegisteredClientRecord, RegisteredClientStore } from './registered-clients.js';
export type { ReplayStore } from './replay.js';
export type { SessionRecord, SessionStore } from './sessions.js';
export type { Stores } from './stores.js';
export type { UserRecord, UserStore } from './users.js';
export type {
  AdmissionRuleStore,
  ApprovalRecord,
  ApprovalStore,
  AuditEvent,
  AuditStore,
  ClientVersionRecord,
  ClientVersionStore,
  DomainRecord,
  DomainStore,
  LogoRecord,
  LogoStore,
  StoredAdmissionRule,
  TrustedClientRecord,
  TrustedClientStore,
  TrustStores,
  VersionStatus,
} from './trust.js';
