import type { Migration } from './migrations.js';

/**
 * Migration 2: the trust tables (store/trust.ts). Written in the SQL both databases accept, like
 * migration 1 (PostgreSQL turns every INTEGER into BIGINT).
 */
export const TRUST_MIGRATION: Migration = {
  version: 2,
  name: 'trust: client registry, approvals, versions, domains, audit, admission rules, logos',
  sql: `
CREATE TABLE trust_clients (
  client_id     TEXT    NOT NULL PRIMARY KEY,
  domain        TEXT    NOT NULL,
  first_seen_at INTEGER NOT NULL,
  last_fetch_at INTEGER,
  digest        TEXT    NOT NULL,
  snapshot      TEXT    NOT NULL,
  trust         TEXT,
  pinned        INTEGER NOT NULL CHECK (pinned IN (0, 1)),
  registered    INTEGER NOT NULL CHECK (registered IN (0, 1)),
  updated_at    INTEGER NOT NULL
);
CREATE INDEX trust_clients_domain ON trust_clients (domain);
CREATE INDEX trust_clients_first_seen ON trust_clients (first_seen_at);

CREATE TABLE trust_approvals (
  client_id   TEXT    NOT NULL,
  user_id     TEXT    NOT NULL,
  domain      TEXT    NOT NULL,
  approved_at INTEGER NOT NULL,
  PRIMARY KEY (client_id, user_id)
);
CREATE INDEX trust_approvals_domain ON trust_approvals (domain, user_id);

CREATE TABLE trust_versions (
  id         TEXT    NOT NULL PRIMARY KEY,
  client_id  TEXT    NOT NULL,
  digest     TEXT    NOT NULL,
  snapshot   TEXT    NOT NULL,
  classes    TEXT    NOT NULL,
  status     TEXT    NOT NULL,
  seen_at    INTEGER NOT NULL,
  decided_by TEXT,
  decided_at INTEGER
);
CREATE INDEX trust_versions_client ON trust_versions (client_id, seen_at);
CREATE INDEX trust_versions_status ON trust_versions (status, seen_at);

CREATE TABLE trust_domains (
  domain        TEXT    NOT NULL PRIMARY KEY,
  registrant    TEXT,
  registered_at INTEGER,
  checked_at    INTEGER NOT NULL
);

CREATE TABLE trust_audit (
  id        TEXT    NOT NULL PRIMARY KEY,
  at        INTEGER NOT NULL,
  actor     TEXT    NOT NULL,
  action    TEXT    NOT NULL,
  client_id TEXT,
  detail    TEXT    NOT NULL
);
CREATE INDEX trust_audit_at ON trust_audit (at);
CREATE INDEX trust_audit_client ON trust_audit (client_id, at);

CREATE TABLE trust_rules (
  id         TEXT    NOT NULL PRIMARY KEY,
  effect     TEXT    NOT NULL,
  kind       TEXT    NOT NULL,
  value      TEXT    NOT NULL,
  resource   TEXT,
  created_at INTEGER NOT NULL,
  created_by TEXT    NOT NULL
);

CREATE TABLE trust_logos (
  client_id   TEXT    NOT NULL PRIMARY KEY,
  digest      TEXT    NOT NULL,
  media_type  TEXT    NOT NULL,
  bytes       TEXT    NOT NULL,
  source_uri  TEXT    NOT NULL,
  fetched_at  INTEGER NOT NULL,
  fresh_until INTEGER NOT NULL
);
CREATE INDEX trust_logos_digest ON trust_logos (digest);
`,
};
