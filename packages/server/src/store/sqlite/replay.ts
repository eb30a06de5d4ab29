import type { Gate } from '../gate.js';
import type { ReplayStore } from '../replay.js';
import type { Sweepable } from '../sweepable.js';
import type { SqliteDatabase } from './database.js';

/**
 * One-time identifiers in SQLite. `remember` is one upsert that writes only when the pair is new
 * or its hold has ended; the row count says which (PostgreSQL: the same statement, row count
 * from the command tag).
 */
export function createSqliteReplayStore(db: SqliteDatabase, gate: Gate): ReplayStore & Sweepable {
  const hold = db.prepare<{ namespace: string; id: string; expiresAt: number; now: number }>(
    `INSERT INTO replay_entries (namespace, id, expires_at) VALUES (@namespace, @id, @expiresAt)
     ON CONFLICT (namespace, id) DO UPDATE SET expires_at = excluded.expires_at
     WHERE replay_entries.expires_at <= @now`,
  );
  const held = db
    .prepare<[string, string, number], number>('SELECT 1 FROM replay_entries WHERE namespace = ? AND id = ? AND expires_at > ?')
    .pluck();
  const sweep = db.prepare<[number]>('DELETE FROM replay_entries WHERE expires_at <= ?');
  return {
    remember: (namespace, id, expiresAt, now) => gate.run(() => hold.run({ namespace, id, expiresAt, now }).changes === 1),
    seen: (namespace, id, now) => gate.run(() => held.get(namespace, id, now) !== undefined),
    sweep: (now) => sweep.run(now).changes,
  };
}
