import type { InteractionStore } from '../interactions.js';
import { INTERACTION_COLUMNS, interactionFromRow, interactionToRow, type InteractionRow } from '../sql/rows.js';
import { insertStatement, rowValues, type PgDatabase } from './database.js';
import { sweepTable, type PgSweepable } from './sweep.js';

/** Pending interactions in PostgreSQL. `save` inserts or replaces (the login step saves the record again). */
export function createPgInteractionStore(db: PgDatabase): InteractionStore & PgSweepable {
  const upsert = `${insertStatement('interactions', INTERACTION_COLUMNS)}
    ON CONFLICT (id) DO UPDATE SET
      params = excluded.params, created_at = excluded.created_at, expires_at = excluded.expires_at,
      user_id = excluded.user_id, auth_time = excluded.auth_time`;
  return {
    async save(record) {
      await db.query(upsert, rowValues(interactionToRow(record), INTERACTION_COLUMNS));
    },
    async get(id, now) {
      const rows = await db.query<InteractionRow>(
        `SELECT ${INTERACTION_COLUMNS} FROM interactions WHERE id = $1 AND expires_at > $2`,
        [id, now],
      );
      const row = rows.rows[0];
      return row === undefined ? undefined : interactionFromRow(row);
    },
    async delete(id) {
      await db.query('DELETE FROM interactions WHERE id = $1', [id]);
    },
    sweep: sweepTable('interactions', 'expires_at'),
  };
}
