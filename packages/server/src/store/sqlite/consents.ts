import type { ConsentStore } from '../consents.js';
import type { Gate } from '../gate.js';
import type { SqliteDatabase } from './database.js';
import { CONSENT_COLUMNS as COLUMNS, consentFromRow as toRecord, consentToRow, type ConsentRow } from '../sql/rows.js';

/** Consents in SQLite, one row per (user_id, client_id); `put` is an upsert. */
export function createSqliteConsentStore(db: SqliteDatabase, gate: Gate): ConsentStore {
  const read = db.prepare<[string, string], ConsentRow>(`SELECT ${COLUMNS} FROM consents WHERE user_id = ? AND client_id = ?`);
  // INSERT ... ON CONFLICT ... DO UPDATE: the same statement in PostgreSQL.
  const upsert = db.prepare<ConsentRow>(
    `INSERT INTO consents (${COLUMNS}) VALUES (@user_id, @client_id, @scope, @resources, @fingerprint, @granted_at)
     ON CONFLICT (user_id, client_id) DO UPDATE SET
       scope = excluded.scope, resources = excluded.resources,
       fingerprint = excluded.fingerprint, granted_at = excluded.granted_at`,
  );
  const remove = db.prepare<[string, string]>('DELETE FROM consents WHERE user_id = ? AND client_id = ?');
  const removeAll = db.prepare<[string]>('DELETE FROM consents WHERE client_id = ?');
  // The key is (user_id, client_id), so each row of a client is a distinct user.
  const count = db.prepare<[string], number>('SELECT COUNT(*) FROM consents WHERE client_id = ?').pluck();
  return {
    get: (userId, clientId) =>
      gate.run(() => {
        const row = read.get(userId, clientId);
        return row === undefined ? undefined : toRecord(row);
      }),
    put: (record) =>
      gate.run(() => {
        upsert.run(consentToRow(record));
      }),
    revoke: (userId, clientId) =>
      gate.run(() => {
        remove.run(userId, clientId);
      }),
    revokeByClient: (clientId, userId) =>
      gate.run(() => (userId === undefined ? removeAll.run(clientId) : remove.run(userId, clientId)).changes),
    countUsers: (clientId) => gate.run(() => count.get(clientId) ?? 0),
  };
}
