import { checkWindow } from '../counter-window.js';
import type { CounterStore } from '../counters.js';
import type { PgDatabase } from './database.js';
import { sweepTable, type PgSweepable } from './sweep.js';

/**
 * Fixed-window counters in PostgreSQL, shared by every instance (login throttles and fetch
 * budgets hold for the cluster). `increment` is one upsert: a new key, or a key whose window has
 * ended, starts a window at 1; otherwise the count goes up by one. Concurrent increments of one
 * key serialise on its row lock, so none is lost.
 */
export function createPgCounterStore(db: PgDatabase): CounterStore & PgSweepable {
  return {
    async increment(key, windowMs, now) {
      checkWindow(windowMs);
      const rows = await db.query<{ hits: number }>(
        `INSERT INTO counters (counter_key, hits, window_ends_at) VALUES ($1, 1, $2)
         ON CONFLICT (counter_key) DO UPDATE SET
           hits = CASE WHEN counters.window_ends_at <= $3 THEN 1 ELSE counters.hits + 1 END,
           window_ends_at = CASE WHEN counters.window_ends_at <= $3 THEN excluded.window_ends_at
                                 ELSE counters.window_ends_at END
         RETURNING hits`,
        [key, now + windowMs, now],
      );
      const hits = rows.rows[0]?.hits;
      if (hits === undefined) throw new Error('The counter upsert returned no row');
      return hits;
    },
    async get(key, now) {
      const rows = await db.query<{ hits: number }>('SELECT hits FROM counters WHERE counter_key = $1 AND window_ends_at > $2', [
        key,
        now,
      ]);
      return rows.rows[0]?.hits ?? 0;
    },
    async release(key, now) {
      await db.query('UPDATE counters SET hits = hits - 1 WHERE counter_key = $1 AND window_ends_at > $2 AND hits > 0', [
        key,
        now,
      ]);
    },
    async reset(key) {
      await db.query('DELETE FROM counters WHERE counter_key = $1', [key]);
    },
    sweep: sweepTable('counters', 'window_ends_at'),
  };
}
