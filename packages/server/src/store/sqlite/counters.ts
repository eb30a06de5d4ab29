import { checkWindow } from '../counter-window.js';
import type { CounterStore } from '../counters.js';
import type { Gate } from '../gate.js';
import type { Sweepable } from '../sweepable.js';
import type { SqliteDatabase } from './database.js';

/**
 * Fixed-window counters in SQLite. `increment` is one upsert: a new key, or a key whose window has
 * ended, starts a window at 1; otherwise the count goes up by one. Every SET expression reads the
 * row as it was before the statement (standard SQL; PostgreSQL does the same), and RETURNING hands
 * back the new count without a second read.
 */
export function createSqliteCounterStore(db: SqliteDatabase, gate: Gate): CounterStore & Sweepable {
  const increment = db
    .prepare<{ key: string; endsAt: number; now: number }, number>(
      `INSERT INTO counters (counter_key, hits, window_ends_at) VALUES (@key, 1, @endsAt)
       ON CONFLICT (counter_key) DO UPDATE SET
         hits = CASE WHEN counters.window_ends_at <= @now THEN 1 ELSE counters.hits + 1 END,
         window_ends_at = CASE WHEN counters.window_ends_at <= @now THEN excluded.window_ends_at
                               ELSE counters.window_ends_at END
       RETURNING hits`,
    )
    .pluck();
  const read = db
    .prepare<[string, number], number>('SELECT hits FROM counters WHERE counter_key = ? AND window_ends_at > ?')
    .pluck();
  const remove = db.prepare<[string]>('DELETE FROM counters WHERE counter_key = ?');
  const release = db.prepare<[string, number]>(
    'UPDATE counters SET hits = hits - 1 WHERE counter_key = ? AND window_ends_at > ? AND hits > 0',
  );
  const sweep = db.prepare<[number]>('DELETE FROM counters WHERE window_ends_at <= ?');
  return {
    increment: (key, windowMs, now) =>
      gate.run(() => {
        checkWindow(windowMs);
        const hits = increment.get({ key, endsAt: now + windowMs, now });
        if (hits === undefined) throw new Error('The counter upsert returned no row');
        return hits;
      }),
    get: (key, now) => gate.run(() => read.get(key, now) ?? 0),
    release: (key, now) =>
      gate.run(() => {
        release.run(key, now);
      }),
    reset: (key) =>
      gate.run(() => {
        remove.run(key);
      }),
    sweep: (now) => sweep.run(now).changes,
  };
}
