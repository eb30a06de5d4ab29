import type { QueryResultRow } from 'pg';
import type { SqlRunner } from '../sql/sql-runner.js';
import { insertUnique, type PgDatabase } from './database.js';

/** `?` placeholders as PostgreSQL's `$1`, `$2`, … (the statements have no `?` inside literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** A {@link SqlRunner} over the PostgreSQL pool. */
export function pgRunner(db: PgDatabase): SqlRunner {
  return {
    async all<R>(sql: string, params: readonly unknown[] = []) {
      return (await db.query<QueryResultRow>(numbered(sql), params)).rows as R[];
    },
    async run(sql, params = []) {
      let changes = 0;
      await insertUnique(
        db.query(numbered(sql), params).then((r) => (changes = r.rowCount ?? 0)),
        'trust record',
      );
      return changes;
    },
  };
}
