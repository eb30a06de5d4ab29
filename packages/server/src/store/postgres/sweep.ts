import type { Queryable } from './database.js';

/** A PostgreSQL store part with expiring rows; `Stores.sweep` runs every part in one transaction. */
export interface PgSweepable {
  sweep(tx: Queryable, now: number): Promise<number>;
}

/** The sweep of one table: delete the rows whose `column` is at or before `now`. */
export function sweepTable(table: string, column: string): PgSweepable['sweep'] {
  return async (tx, now) => (await tx.query(`DELETE FROM ${table} WHERE ${column} <= $1`, [now])).rowCount ?? 0;
}
