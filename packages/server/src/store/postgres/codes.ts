import type { CodeStore } from '../codes.js';
import { CODE_COLUMNS as COLUMNS, codeFromRow, codeToRow, type CodeRow } from '../sql/rows.js';
import { insertStatement, insertUnique, rowValues, type PgDatabase } from './database.js';
import { sweepTable, type PgSweepable } from './sweep.js';

/**
 * Authorization codes in PostgreSQL. `consume` is one conditional UPDATE: under READ COMMITTED a
 * concurrent UPDATE of the same row waits for the first to commit, then evaluates its WHERE again
 * on the new row version, finds `used_at` set and changes nothing. So of any number of callers on
 * any number of connections and instances, exactly one gets the row back.
 */
export function createPgCodeStore(db: PgDatabase): CodeStore & PgSweepable {
  const insert = insertStatement('authorization_codes', COLUMNS);
  return {
    save: (record) => insertUnique(db.query(insert, rowValues(codeToRow(record), COLUMNS)), 'authorization code'),
    async consume(codeHash, now) {
      const claimed = await db.query<CodeRow>(
        `UPDATE authorization_codes SET used_at = $2
         WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2
         RETURNING ${COLUMNS}`,
        [codeHash, now],
      );
      const won = claimed.rows[0];
      if (won !== undefined) return { status: 'consumed', record: codeFromRow(won) };
      const read = await db.query<CodeRow>(
        `SELECT ${COLUMNS} FROM authorization_codes WHERE code_hash = $1 AND expires_at > $2`,
        [codeHash, now],
      );
      const row = read.rows[0];
      // An unused row here was saved after the UPDATE looked: at that instant the code was unknown.
      if (row === undefined || row.used_at === null) return { status: 'unknown' };
      return { status: 'reused', record: codeFromRow(row) };
    },
    sweep: sweepTable('authorization_codes', 'expires_at'),
  };
}
