/**
 * The little a SQL store needs from a database, so that one implementation serves SQLite and
 * PostgreSQL (the trust stores use it): run a statement with `?` placeholders and get its rows or
 * the number of rows it changed. Each statement is atomic by itself; the SQL is kept to what both
 * databases accept (see sqlite/migrations.ts), with one spelling to translate: `COLLATE "C"`
 * (byte order) is PostgreSQL's name for SQLite's `COLLATE BINARY`.
 *
 * A violated unique key becomes a `store-conflict` CimdError; a closed store rejects with
 * `store-closed`.
 */
export interface SqlRunner {
  all<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}
