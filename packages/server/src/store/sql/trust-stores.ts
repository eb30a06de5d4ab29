import { storeConflict } from '../store-errors.js';
import {
  MAX_VERSIONS_PER_CLIENT,
  type AdmissionRuleStore,
  type ApprovalStore,
  type AuditStore,
  type ClientVersionStore,
  type DomainStore,
  type LogoStore,
  type TrustedClientStore,
  type TrustStores,
} from '../trust.js';
import type { SqlRunner } from './sql-runner.js';
import {
  APPROVAL_COLUMNS,
  AUDIT_COLUMNS,
  DOMAIN_COLUMNS,
  LOGO_COLUMNS,
  RULE_COLUMNS,
  TRUSTED_CLIENT_COLUMNS,
  VERSION_COLUMNS,
  approvalFromRow,
  auditFromRow,
  auditToRow,
  domainFromRow,
  domainToRow,
  logoFromRow,
  logoToRow,
  placeholders,
  ruleFromRow,
  ruleToRow,
  trustedClientFromRow,
  trustedClientToRow,
  versionFromRow,
  versionToRow,
  type ApprovalRow,
  type AuditRow,
  type DomainRow,
  type LogoRow,
  type RuleRow,
  type TrustedClientRow,
  type VersionRow,
} from './trust-rows.js';

/**
 * The trust stores in SQL, one implementation for SQLite and PostgreSQL (through a
 * {@link SqlRunner}). Atomicity rests on single statements: inserts that do nothing on a held key,
 * conditional updates whose changed-row count says who won.
 */
export function sqlTrustStores(sql: SqlRunner): TrustStores {
  return {
    clients: sqlTrustedClients(sql),
    approvals: sqlApprovals(sql),
    versions: sqlVersions(sql),
    domains: sqlDomains(sql),
    audit: sqlAudit(sql),
    rules: sqlRules(sql),
    logos: sqlLogos(sql),
  };
}

async function one<R, T>(rows: Promise<R[]>, map: (row: R) => T): Promise<T | undefined> {
  const row = (await rows)[0];
  return row === undefined ? undefined : map(row);
}

/** `WHERE a = ? AND b = ?` for the columns given a value, and those values. */
function conditions(columns: Readonly<Record<string, string | number | undefined>>): {
  sql: string;
  params: (string | number)[];
} {
  const used = Object.entries(columns).filter((e): e is [string, string | number] => e[1] !== undefined);
  return {
    sql: used.length === 0 ? '' : `WHERE ${used.map(([c]) => `${c} = ?`).join(' AND ')}`,
    params: used.map(([, v]) => v),
  };
}

async function count(sql: SqlRunner, statement: string, params: readonly unknown[]): Promise<number> {
  return (await sql.all<{ n: number }>(statement, params))[0]?.n ?? 0;
}

function sqlTrustedClients(sql: SqlRunner): TrustedClientStore {
  const select = `SELECT ${TRUSTED_CLIENT_COLUMNS} FROM trust_clients`;
  const get = (clientId: string) =>
    one(sql.all<TrustedClientRow>(`${select} WHERE client_id = ?`, [clientId]), trustedClientFromRow);
  const set = async (column: string, value: unknown, clientId: string, now: number): Promise<boolean> =>
    (await sql.run(`UPDATE trust_clients SET ${column} = ?, updated_at = ? WHERE client_id = ?`, [value, now, clientId])) === 1;
  return {
    get,
    async create(record) {
      const created = await sql.run(
        `INSERT INTO trust_clients (${TRUSTED_CLIENT_COLUMNS}) VALUES (${placeholders(TRUSTED_CLIENT_COLUMNS)})
         ON CONFLICT (client_id) DO NOTHING`,
        trustedClientToRow(record),
      );
      const stored = await get(record.clientId);
      if (stored === undefined) throw new Error('The client record vanished after its insert');
      return { record: stored, created: created === 1 };
    },
    async replaceDocument(clientId, expected, next, now) {
      const changed = await sql.run(
        'UPDATE trust_clients SET digest = ?, snapshot = ?, updated_at = ? WHERE client_id = ? AND digest = ?',
        [next.digest, next.snapshot, now, clientId, expected],
      );
      return changed === 1;
    },
    async touchFetch(clientId, at) {
      await sql.run(
        'UPDATE trust_clients SET last_fetch_at = ? WHERE client_id = ? AND (last_fetch_at IS NULL OR last_fetch_at < ?)',
        [at, clientId, at],
      );
    },
    setTrust: (clientId, trust, now) => set('trust', trust ?? null, clientId, now),
    setPinned: (clientId, pinned, now) => set('pinned', pinned ? 1 : 0, clientId, now),
    setRegistered: (clientId, registered, now) => set('registered', registered ? 1 : 0, clientId, now),
    async list({ limit, offset = 0, registered, domain }) {
      const clause = conditions({ registered: registered === undefined ? undefined : registered ? 1 : 0, domain });
      const rows = await sql.all<TrustedClientRow>(
        `${select} ${clause.sql} ORDER BY first_seen_at, client_id COLLATE "C" LIMIT ? OFFSET ?`,
        [...clause.params, limit, offset],
      );
      return rows.map(trustedClientFromRow);
    },
    countByDomain: (domain) => count(sql, 'SELECT COUNT(*) AS n FROM trust_clients WHERE domain = ?', [domain]),
  };
}

function sqlApprovals(sql: SqlRunner): ApprovalStore {
  const approvals = (clientId: string) => count(sql, 'SELECT COUNT(*) AS n FROM trust_approvals WHERE client_id = ?', [clientId]);
  return {
    async record(a) {
      const added = await sql.run(
        `INSERT INTO trust_approvals (${APPROVAL_COLUMNS}) VALUES (?, ?, ?, ?) ON CONFLICT (client_id, user_id) DO NOTHING`,
        [a.clientId, a.userId, a.domain, a.approvedAt],
      );
      return { added: added === 1, approvals: await approvals(a.clientId) };
    },
    count: approvals,
    first: (clientId) =>
      one(
        sql.all<ApprovalRow>(
          `SELECT ${APPROVAL_COLUMNS} FROM trust_approvals WHERE client_id = ?
           ORDER BY approved_at, user_id COLLATE "C" LIMIT 1`,
          [clientId],
        ),
        approvalFromRow,
      ),
    usersByDomain: (domain) => count(sql, 'SELECT COUNT(DISTINCT user_id) AS n FROM trust_approvals WHERE domain = ?', [domain]),
  };
}

function sqlVersions(sql: SqlRunner): ClientVersionStore {
  const select = `SELECT ${VERSION_COLUMNS} FROM trust_versions`;
  const newest = 'ORDER BY seen_at DESC, id COLLATE "C" DESC';
  return {
    async add(version) {
      await sql.run(
        `INSERT INTO trust_versions (${VERSION_COLUMNS}) VALUES (${placeholders(VERSION_COLUMNS)})`,
        versionToRow(version),
      );
      // Keep the newest versions that are not pending; a pending one waits for its decision.
      await sql.run(
        `DELETE FROM trust_versions WHERE client_id = ? AND status <> 'pending' AND id NOT IN (
           SELECT id FROM trust_versions WHERE client_id = ? AND status <> 'pending' ${newest} LIMIT ?)`,
        [version.clientId, version.clientId, MAX_VERSIONS_PER_CLIENT],
      );
    },
    get: (id) => one(sql.all<VersionRow>(`${select} WHERE id = ?`, [id]), versionFromRow),
    latest: (clientId, digest) =>
      one(
        sql.all<VersionRow>(`${select} WHERE client_id = ? AND digest = ? ${newest} LIMIT 1`, [clientId, digest]),
        versionFromRow,
      ),
    async list({ clientId, status, limit }) {
      const clause = conditions({ client_id: clientId, status });
      return (await sql.all<VersionRow>(`${select} ${clause.sql} ${newest} LIMIT ?`, [...clause.params, limit])).map(
        versionFromRow,
      );
    },
    async decide(id, status, by, at) {
      const changed = await sql.run(
        "UPDATE trust_versions SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'",
        [status, by, at, id],
      );
      return changed === 1;
    },
  };
}

function sqlDomains(sql: SqlRunner): DomainStore {
  return {
    get: (domain) =>
      one(sql.all<DomainRow>(`SELECT ${DOMAIN_COLUMNS} FROM trust_domains WHERE domain = ?`, [domain]), domainFromRow),
    async put(record) {
      await sql.run(
        `INSERT INTO trust_domains (${DOMAIN_COLUMNS}) VALUES (?, ?, ?, ?)
         ON CONFLICT (domain) DO UPDATE SET
           registrant = excluded.registrant, registered_at = excluded.registered_at, checked_at = excluded.checked_at`,
        domainToRow(record),
      );
    },
  };
}

function sqlAudit(sql: SqlRunner): AuditStore {
  return {
    async append(event) {
      await sql.run(`INSERT INTO trust_audit (${AUDIT_COLUMNS}) VALUES (${placeholders(AUDIT_COLUMNS)})`, auditToRow(event));
    },
    async list({ clientId, action, limit }) {
      const clause = conditions({ client_id: clientId, action });
      const rows = await sql.all<AuditRow>(
        `SELECT ${AUDIT_COLUMNS} FROM trust_audit ${clause.sql} ORDER BY at DESC, id COLLATE "C" DESC LIMIT ?`,
        [...clause.params, limit],
      );
      return rows.map(auditFromRow);
    },
  };
}

function sqlRules(sql: SqlRunner): AdmissionRuleStore {
  return {
    async list() {
      const rows = await sql.all<RuleRow>(`SELECT ${RULE_COLUMNS} FROM trust_rules ORDER BY created_at, id COLLATE "C"`);
      return rows.map(ruleFromRow);
    },
    async add(rule) {
      const added = await sql.run(
        `INSERT INTO trust_rules (${RULE_COLUMNS}) VALUES (${placeholders(RULE_COLUMNS)}) ON CONFLICT (id) DO NOTHING`,
        ruleToRow(rule),
      );
      if (added !== 1) throw storeConflict('admission rule');
    },
    remove: async (id) => (await sql.run('DELETE FROM trust_rules WHERE id = ?', [id])) === 1,
  };
}

function sqlLogos(sql: SqlRunner): LogoStore {
  const select = `SELECT ${LOGO_COLUMNS} FROM trust_logos`;
  return {
    async put(logo) {
      await sql.run(
        `INSERT INTO trust_logos (${LOGO_COLUMNS}) VALUES (${placeholders(LOGO_COLUMNS)})
         ON CONFLICT (client_id) DO UPDATE SET
           digest = excluded.digest, media_type = excluded.media_type, bytes = excluded.bytes,
           source_uri = excluded.source_uri, fetched_at = excluded.fetched_at, fresh_until = excluded.fresh_until`,
        logoToRow(logo),
      );
    },
    forClient: (clientId) => one(sql.all<LogoRow>(`${select} WHERE client_id = ?`, [clientId]), logoFromRow),
    byDigest: (digest) => one(sql.all<LogoRow>(`${select} WHERE digest = ? LIMIT 1`, [digest]), logoFromRow),
    async delete(clientId) {
      await sql.run('DELETE FROM trust_logos WHERE client_id = ?', [clientId]);
    },
  };
}
