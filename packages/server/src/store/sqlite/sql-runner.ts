import type { Statement } from 'better-sqlite3';
import type { Gate } from '../gate.js';
import type { SqlRunner } from '../sql/sql-runner.js';
import type { SqliteDatabase } from './database.js';
import { insertUnique } from './rows.js';

/** A {@link SqlRunner} over a better-sqlite3 connection: each statement prepared once, run behind the gate. */
export function sqliteRunner(db: SqliteDatabase, gate: Gate): SqlRunner {
  const prepared = new Map<string, Statement<unknown[], unknown>>();
  const statement = (sql: string): Statement<unknown[], unknown> => {
    let s = prepared.get(sql);
    if (s === undefined) {
      s = db.prepare<unknown[], unknown>(sql.replaceAll('COLLATE "C"', 'COLLATE BINARY'));
      prepared.set(sql, s);
    }
    return s;
  };
  return {
    all: <R>(sql: string, params: readonly unknown[] = []) => gate.run(() => statement(sql).all(...params) as R[]),
    run: (sql, params = []) =>
      gate.run(() => {
        let changes = 0;
        insertUnique(() => (changes = statement(sql).run(...params).changes), 'trust record');
        return changes;
      }),
  };
}
