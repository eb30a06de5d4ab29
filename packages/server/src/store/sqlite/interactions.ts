import type { Gate } from '../gate.js';
import type { InteractionStore } from '../interactions.js';
import type { Sweepable } from '../sweepable.js';
import type { SqliteDatabase } from './database.js';
import {
  INTERACTION_COLUMNS as COLUMNS,
  interactionFromRow as toRecord,
  interactionToRow,
  type InteractionRow,
} from '../sql/rows.js';

/** Pending interactions in SQLite. `save` inserts or replaces (the login step saves the record again). */
export function createSqliteInteractionStore(db: SqliteDatabase, gate: Gate): InteractionStore & Sweepable {
  const upsert = db.prepare<InteractionRow>(
    `INSERT INTO interactions (${COLUMNS}) VALUES (@id, @params, @created_at, @expires_at, @user_id, @auth_time)
     ON CONFLICT (id) DO UPDATE SET
       params = excluded.params, created_at = excluded.created_at, expires_at = excluded.expires_at,
       user_id = excluded.user_id, auth_time = excluded.auth_time`,
  );
  const read = db.prepare<[string, number], InteractionRow>(
    `SELECT ${COLUMNS} FROM interactions WHERE id = ? AND expires_at > ?`,
  );
  const remove = db.prepare<[string]>('DELETE FROM interactions WHERE id = ?');
  const sweep = db.prepare<[number]>('DELETE FROM interactions WHERE expires_at <= ?');
  return {
    save: (record) =>
      gate.run(() => {
        upsert.run(interactionToRow(record));
      }),
    get: (id, now) =>
      gate.run(() => {
        const row = read.get(id, now);
        return row === undefined ? undefined : toRecord(row);
      }),
    delete: (id) =>
      gate.run(() => {
        remove.run(id);
      }),
    sweep: (now) => sweep.run(now).changes,
  };
}
