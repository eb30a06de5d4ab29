import type { Gate } from '../gate.js';
import type { InteractionRecord, InteractionStore } from '../interactions.js';
import type { Sweepable } from '../sweepable.js';
import type { SqliteDatabase } from './database.js';
import { parseObject, toJson } from './rows.js';

interface InteractionRow {
  id: string;
  params: string;
  created_at: number;
  expires_at: number;
  user_id: string | null;
  auth_time: number | null;
}

const COLUMNS = 'id, params, created_at, expires_at, user_id, auth_time';

function toParams(text: string): InteractionRecord['params'] {
  const params = parseObject(text, 'interactions.params');
  for (const value of Object.values(params)) {
    const ok = typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
    if (!ok) throw new Error('Column interactions.params holds a value that is neither a string nor strings');
  }
  return params as InteractionRecord['params'];
}

function toRecord(row: InteractionRow): InteractionRecord {
  return {
    id: row.id,
    params: toParams(row.params),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    ...(row.user_id === null ? {} : { userId: row.user_id }),
    ...(row.auth_time === null ? {} : { authTime: row.auth_time }),
  };
}

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
        upsert.run({
          id: record.id,
          params: toJson(record.params),
          created_at: record.createdAt,
          expires_at: record.expiresAt,
          user_id: record.userId ?? null,
          auth_time: record.authTime ?? null,
        });
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
