/**
 * The SQLite schema, as ordered migrations. A migration is applied once, in a transaction, and
 * recorded in `schema_migrations`; a released migration is never edited, only followed by a new one.
 *
 * The SQL is kept to what PostgreSQL also accepts, so that its store can start from the same text:
 * - timestamps are integer milliseconds since the Unix epoch (PostgreSQL: BIGINT, not INTEGER);
 * - arrays (scope, resources) and objects (JWKs, request parameters) are JSON text (PostgreSQL may
 *   keep TEXT or use JSONB);
 * - optional flags are a nullable 0/1 INTEGER (PostgreSQL: a nullable BOOLEAN or SMALLINT);
 * - every PRIMARY KEY column is declared NOT NULL: SQLite would otherwise accept NULL keys in
 *   ordinary tables (PostgreSQL implies NOT NULL);
 * - no WITHOUT ROWID, STRICT, AUTOINCREMENT or other SQLite-only clauses.
 */
export interface Migration {
  /** Positive and strictly increasing. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

import { TRUST_MIGRATION } from './trust-migration.js';

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE authorization_codes (
  code_hash      TEXT    NOT NULL PRIMARY KEY,
  grant_id       TEXT    NOT NULL,
  client_id      TEXT    NOT NULL,
  user_id        TEXT    NOT NULL,
  redirect_uri   TEXT    NOT NULL,
  scope          TEXT    NOT NULL,
  resources      TEXT    NOT NULL,
  code_challenge TEXT    NOT NULL,
  auth_time      INTEGER NOT NULL,
  issued_at      INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  used_at        INTEGER
);
CREATE INDEX authorization_codes_expires_at ON authorization_codes (expires_at);

CREATE TABLE grants (
  id                      TEXT    NOT NULL PRIMARY KEY,
  user_id                 TEXT    NOT NULL,
  client_id               TEXT    NOT NULL,
  scope                   TEXT    NOT NULL,
  resources               TEXT    NOT NULL,
  auth_method             TEXT    NOT NULL,
  instance_key_thumbprint TEXT,
  created_at              INTEGER NOT NULL,
  expires_at              INTEGER NOT NULL,
  revoked_at              INTEGER,
  revoked_reason          TEXT
);
CREATE INDEX grants_client_user ON grants (client_id, user_id);
CREATE INDEX grants_user_created ON grants (user_id, created_at);

CREATE TABLE refresh_tokens (
  token_hash TEXT    NOT NULL PRIMARY KEY,
  grant_id   TEXT    NOT NULL,
  client_id  TEXT    NOT NULL,
  user_id    TEXT    NOT NULL,
  scope      TEXT    NOT NULL,
  resources  TEXT    NOT NULL,
  issued_at  INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
);
CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);

CREATE TABLE consents (
  user_id     TEXT    NOT NULL,
  client_id   TEXT    NOT NULL,
  scope       TEXT    NOT NULL,
  resources   TEXT    NOT NULL,
  fingerprint TEXT    NOT NULL,
  granted_at  INTEGER NOT NULL,
  PRIMARY KEY (user_id, client_id)
);
CREATE INDEX consents_client ON consents (client_id);

CREATE TABLE users (
  id            TEXT    NOT NULL PRIMARY KEY,
  username      TEXT    NOT NULL UNIQUE,
  password_hash TEXT    NOT NULL,
  created_at    INTEGER NOT NULL,
  disabled      INTEGER CHECK (disabled IN (0, 1))
);

CREATE TABLE signing_keys (
  kid          TEXT    NOT NULL PRIMARY KEY,
  alg          TEXT    NOT NULL,
  private_jwk  TEXT    NOT NULL,
  public_jwk   TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  activates_at INTEGER NOT NULL,
  retires_at   INTEGER,
  expires_at   INTEGER
);

CREATE TABLE replay_entries (
  namespace  TEXT    NOT NULL,
  id         TEXT    NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, id)
);
CREATE INDEX replay_entries_expires_at ON replay_entries (expires_at);

CREATE TABLE interactions (
  id         TEXT    NOT NULL PRIMARY KEY,
  params     TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  user_id    TEXT,
  auth_time  INTEGER
);
CREATE INDEX interactions_expires_at ON interactions (expires_at);

CREATE TABLE sessions (
  id_hash    TEXT    NOT NULL PRIMARY KEY,
  user_id    TEXT    NOT NULL,
  auth_time  INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE counters (
  counter_key    TEXT    NOT NULL PRIMARY KEY,
  hits           INTEGER NOT NULL,
  window_ends_at INTEGER NOT NULL
);
CREATE INDEX counters_window_ends_at ON counters (window_ends_at);

CREATE TABLE registered_clients (
  client_id  TEXT    NOT NULL PRIMARY KEY,
  metadata   TEXT    NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE client_documents (
  client_id     TEXT    NOT NULL PRIMARY KEY,
  body          TEXT    NOT NULL,
  digest        TEXT    NOT NULL,
  fetched_at    INTEGER NOT NULL,
  fresh_until   INTEGER NOT NULL,
  stale_until   INTEGER NOT NULL,
  etag          TEXT,
  last_modified TEXT
);
CREATE INDEX client_documents_stale_until ON client_documents (stale_until);
`,
  },
  TRUST_MIGRATION,
  {
    version: 3,
    name: "grants: the user's authentication time (auth_time of refreshed tokens)",
    // Nullable: grants from before this migration fall back to their creation time.
    sql: 'ALTER TABLE grants ADD COLUMN auth_time INTEGER;',
  },
];

/** Throw unless the versions are positive and strictly increasing (both SQL stores check this). */
export function checkMigrationOrder(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const { version } of migrations) {
    if (!Number.isSafeInteger(version) || version <= previous)
      throw new Error('Migrations must have strictly increasing positive versions');
    previous = version;
  }
}
