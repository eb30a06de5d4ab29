import type { ConsentStore } from '../consents.js';
import { CONSENT_COLUMNS as COLUMNS, consentFromRow, consentToRow, type ConsentRow } from '../sql/rows.js';
import { insertStatement, rowValues, type PgDatabase } from './database.js';

/** Consents in PostgreSQL, one row per (user_id, client_id); `put` is an upsert. */
export function createPgConsentStore(db: PgDatabase): ConsentStore {
  const upsert = `${insertStatement('consents', COLUMNS)}
    ON CONFLICT (user_id, client_id) DO UPDATE SET
      scope = excluded.scope, resources = excluded.resources,
      fingerprint = excluded.fingerprint, granted_at = excluded.granted_at`;
  return {
    async get(userId, clientId) {
      const rows = await db.query<ConsentRow>(`SELECT ${COLUMNS} FROM consents WHERE user_id = $1 AND client_id = $2`, [
        userId,
        clientId,
      ]);
      const row = rows.rows[0];
      return row === undefined ? undefined : consentFromRow(row);
    },
    async put(record) {
      await db.query(upsert, rowValues(consentToRow(record), COLUMNS));
    },
    async revoke(userId, clientId) {
      await db.query('DELETE FROM consents WHERE user_id = $1 AND client_id = $2', [userId, clientId]);
    },
    async revokeByClient(clientId, userId) {
      const result =
        userId === undefined
          ? await db.query('DELETE FROM consents WHERE client_id = $1', [clientId])
          : await db.query('DELETE FROM consents WHERE user_id = $1 AND client_id = $2', [userId, clientId]);
      return result.rowCount ?? 0;
    },
    // The key is (user_id, client_id), so each row of a client is a distinct user.
    async countUsers(clientId) {
      const rows = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM consents WHERE client_id = $1', [clientId]);
      return rows.rows[0]?.n ?? 0;
    },
  };
}
