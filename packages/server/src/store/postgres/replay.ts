import type { ReplayStore } from '../replay.js';
import type { PgDatabase } from './database.js';
import { sweepTable, type PgSweepable } from './sweep.js';

/**
 * One-time identifiers in PostgreSQL. `remember` is one upsert that writes only when the pair is
 * new or its hold has ended; the row count says which. A concurrent insert of the same pair waits
 * for the first to commit, then meets the conflict and its WHERE finds the hold live: 0 rows.
 */
export function createPgReplayStore(db: PgDatabase): ReplayStore & PgSweepable {
  return {
    async remember(namespace, id, expiresAt, now) {
      const held = await db.query(
        `INSERT INTO replay_entries (namespace, id, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (namespace, id) DO UPDATE SET expires_at = excluded.expires_at
         WHERE replay_entries.expires_at <= $4`,
        [namespace, id, expiresAt, now],
      );
      return held.rowCount === 1;
    },
    async seen(namespace, id, now) {
      const rows = await db.query('SELECT 1 FROM replay_entries WHERE namespace = $1 AND id = $2 AND expires_at > $3', [
        namespace,
        id,
        now,
      ]);
      return rows.rows.length > 0;
    },
    sweep: sweepTable('replay_entries', 'expires_at'),
  };
}
