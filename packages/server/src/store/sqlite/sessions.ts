import type { Gate } from '../gate.js';
import type { SessionRecord, SessionStore } from '../sessions.js';
import type { Sweepable } from '../sweepable.js';
import type { SqliteDatabase } from './database.js';
import { SESSION_COLUMNS as COLUMNS, sessionFromRow, sessionToRow, type SessionRow } from '../sql/rows.js';
import { insertUnique } from './rows.js';

/** Login sessions in SQLite. */
export function createSqliteSessionStore(db: SqliteDatabase, gate: Gate): SessionStore & Sweepable {
  const insert = db.prepare<SessionRow>(`INSERT INTO sessions (${COLUMNS}) VALUES (@id_hash, @user_id, @auth_time, @expires_at)`);
  const read = db.prepare<[string, number], SessionRow>(`SELECT ${COLUMNS} FROM sessions WHERE id_hash = ? AND expires_at > ?`);
  const remove = db.prepare<[string]>('DELETE FROM sessions WHERE id_hash = ?');
  const sweep = db.prepare<[number]>('DELETE FROM sessions WHERE expires_at <= ?');
  return {
    create: (record) => gate.run(() => insertUnique(() => insert.run(sessionToRow(record)), 'session')),
    get: (idHash, now) =>
      gate.run((): SessionRecord | undefined => {
        const row = read.get(idHash, now);
        return row === undefined ? undefined : sessionFromRow(row);
      }),
    delete: (idHash) =>
      gate.run(() => {
        remove.run(idHash);
      }),
    sweep: (now) => sweep.run(now).changes,
  };
}
