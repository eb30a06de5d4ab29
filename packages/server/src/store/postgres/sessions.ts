import type { SessionStore } from '../sessions.js';
import { SESSION_COLUMNS, sessionFromRow, sessionToRow, type SessionRow } from '../sql/rows.js';
import { insertStatement, insertUnique, rowValues, type PgDatabase } from './database.js';
import { sweepTable, type PgSweepable } from './sweep.js';

/** Login sessions in PostgreSQL, so that a login on one instance holds on every other. */
export function createPgSessionStore(db: PgDatabase): SessionStore & PgSweepable {
  const insert = insertStatement('sessions', SESSION_COLUMNS);
  return {
    create: (record) => insertUnique(db.query(insert, rowValues(sessionToRow(record), SESSION_COLUMNS)), 'session'),
    async get(idHash, now) {
      const rows = await db.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id_hash = $1 AND expires_at > $2`, [
        idHash,
        now,
      ]);
      const row = rows.rows[0];
      return row === undefined ? undefined : sessionFromRow(row);
    },
    async delete(idHash) {
      await db.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
    },
    sweep: sweepTable('sessions', 'expires_at'),
  };
}
