import { checkMigrationOrder, type Migration } from '../sqlite/migrations.js';
import type { PgDatabase } from './database.js';

/**
 * The PostgreSQL schema, as ordered migrations: the SQLite layout (sqlite/migrations.ts) with
 * PostgreSQL types. A released migration is never edited, only followed by a new one.
 * - timestamps are BIGINT milliseconds since the Unix epoch (read back as numbers);
 * - arrays and objects are JSON text, as in SQLite, so both stores share one row mapping
 *   (store/sql/rows.ts) and a row is read back exactly as written;
 * - the disabled flag is a nullable SMALLINT 0/1;
 * - keys are TEXT compared with the database's deterministic collation (equal only when the
 *   bytes are equal, R8); orderings that must match the other stores say COLLATE "C".
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE authorization_codes (
  code_hash      TEXT   NOT NULL PRIMARY KEY,
  grant_id       TEXT   NOT NULL,
  client_id      TEXT   NOT NULL,
  user_id        TEXT   NOT NULL,
  redirect_uri   TEXT   NOT NULL,
  scope          TEXT   NOT NULL,
  resources      TEXT   NOT NULL,
  code_challenge TEXT   NOT NULL,
  auth_time      BIGINT NOT NULL,
  issued_at      BIGINT NOT NULL,
  expires_at     BIGINT NOT NULL,
  used_at        BIGINT
);
CREATE INDEX authorization_codes_expires_at ON authorization_codes (expires_at);

CREATE TABLE grants (
  id                      TEXT   NOT NULL PRIMARY KEY,
  user_id                 TEXT   NOT NULL,
  client_id               TEXT   NOT NULL,
  scope                   TEXT   NOT NULL,
  resources               TEXT   NOT NULL,
  auth_method             TEXT   NOT NULL,
  instance_key_thumbprint TEXT,
  created_at              BIGINT NOT NULL,
  expires_at              BIGINT NOT NULL,
  revoked_at              BIGINT,
  revoked_reason          TEXT
);
CREATE INDEX grants_client_user ON grants (client_id, user_id);
CREATE INDEX grants_user_created ON grants (user_id, created_at);

CREATE TABLE refresh_tokens (
  token_hash TEXT   NOT NULL PRIMARY KEY,
  grant_id   TEXT   NOT NULL,
  client_id  TEXT   NOT NULL,
  user_id    TEXT   NOT NULL,
  scope      TEXT   NOT NULL,
  resources  TEXT   NOT NULL,
  issued_at  BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at    BIGINT
);
CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);

CREATE TABLE consents (
  user_id     TEXT   NOT NULL,
  client_id   TEXT   NOT NULL,
  scope       TEXT   NOT NULL,
  resources   TEXT   NOT NULL,
  fingerprint TEXT   NOT NULL,
  granted_at  BIGINT NOT NULL,
  PRIMARY KEY (user_id, client_id)
);
CREATE INDEX consents_client ON consents (client_id);

CREATE TABLE users (
  id            TEXT     NOT NULL PRIMARY KEY,
  username      TEXT     NOT NULL UNIQUE,
  password_hash TEXT     NOT NULL,
  created_at    BIGINT   NOT NULL,
  disabled      SMALLINT CHECK (disabled IN (0, 1))
);

CREATE TABLE signing_keys (
  kid          TEXT   NOT NULL PRIMARY KEY,
  alg          TEXT   NOT NULL,
  private_jwk  TEXT   NOT NULL,
  public_jwk   TEXT   NOT NULL,
  created_at   BIGINT NOT NULL,
  activates_at BIGINT NOT NULL,
  retires_at   BIGINT,
  expires_at   BIGINT
);

CREATE TABLE replay_entries (
  namespace  TEXT   NOT NULL,
  id         TEXT   NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (namespace, id)
);
CREATE INDEX replay_entries_expires_at ON replay_entries (expires_at);

CREATE TABLE interactions (
  id         TEXT   NOT NULL PRIMARY KEY,
  params     TEXT   NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  user_id    TEXT,
  auth_time  BIGINT
);
CREATE INDEX interactions_expires_at ON interactions (expires_at);

CREATE TABLE sessions (
  id_hash    TEXT   NOT NULL PRIMARY KEY,
  user_id    TEXT   NOT NULL,
  auth_time  BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE counters (
  counter_key    TEXT   NOT NULL PRIMARY KEY,
  hits           BIGINT NOT NULL,
  window_ends_at BIGINT NOT NULL
);
CREATE INDEX counters_window_ends_at ON counters (window_ends_at);

CREATE TABLE registered_clients (
  client_id  TEXT   NOT NULL PRIMARY KEY,
  metadata   TEXT   NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE client_documents (
  client_id     TEXT   NOT NULL PRIMARY KEY,
  body          TEXT   NOT NULL,
  digest        TEXT   NOT NULL,
  fetched_at    BIGINT NOT NULL,
  fresh_until   BIGINT NOT NULL,
  stale_until   BIGINT NOT NULL,
  etag          TEXT,
  last_modified TEXT
);
CREATE INDEX client_documents_stale_until ON client_documents (stale_until);
`,
  },
];

/** Where the schema of a database stands against the migrations this release knows. */
export interface SchemaStatus {
  readonly current: number;
  readonly latest: number;
}

/**
 * Apply the migrations this schema has not seen yet, in order, in one transaction. A transaction
 * advisory lock keyed by the schema serialises instances that start together: the second waits,
 * then finds the work done. Returns the versions applied. A schema written by a newer release is
 * refused rather than used half-understood.
 */
export async function migratePostgres(
  db: PgDatabase,
  now: number,
  migrations: readonly Migration[] = POSTGRES_MIGRATIONS,
): Promise<number[]> {
  checkMigrationOrder(migrations);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`cimd-migrations:${db.schema}`]);
    // The schema name was checked to be a plain identifier (see openPgDatabase).
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${db.schema}`);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER NOT NULL PRIMARY KEY,
      name       TEXT    NOT NULL,
      applied_at BIGINT  NOT NULL
    )`);
    const current = await currentVersion(tx);
    const latest = migrations.at(-1)?.version ?? 0;
    refuseNewer(current, latest);
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await tx.query(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        now,
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}

/**
 * Check, without changing anything, that the schema is exactly at this release's version (for
 * instances started with `stores.migrateOnStart` off). Throws with what to do otherwise.
 */
export async function checkPostgresSchema(
  db: PgDatabase,
  migrations: readonly Migration[] = POSTGRES_MIGRATIONS,
): Promise<SchemaStatus> {
  const exists = await db.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [`${db.schema}.schema_migrations`]);
  const current = exists.rows[0]?.found == null ? 0 : await currentVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  refuseNewer(current, latest);
  if (current < latest) {
    throw new Error(
      `The PostgreSQL schema "${db.schema}" is at version ${current}, this release needs ${latest}: run "cimd-server migrate"`,
    );
  }
  return { current, latest };
}

async function currentVersion(q: { query: PgDatabase['query'] }): Promise<number> {
  const row = await q.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
  return row.rows[0]?.version ?? 0;
}

function refuseNewer(current: number, latest: number): void {
  if (current > latest) {
    throw new Error(`The database schema is at version ${current}, newer than this release knows (${latest})`);
  }
}
