import { CimdError } from '@cimd/core';
import { DatabaseError, Pool, TypeOverrides, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';
import { storeConflict } from '../store-errors.js';

/** Something that runs one statement: the pool, or the connection of a transaction. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(sql: string, values?: readonly unknown[]): Promise<QueryResult<R>>;
}

/** A pool of connections to one database (and schema), closed once for all stores. */
export interface PgDatabase extends Queryable {
  /** The schema the stores live in (`public` unless one was named). */
  readonly schema: string;
  /**
   * Run `work` in one transaction on one connection (READ COMMITTED): committed when it
   * resolves, rolled back when it throws.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly closed: boolean;
}

export interface PgDatabaseOptions {
  /** `postgres://` or `postgresql://` URL (libpq syntax, as `pg` reads it). */
  readonly connectionString: string;
  /** A schema of its own (created by the migrations); default `public`. */
  readonly schema?: string;
  /** Most connections of this process (default 10). */
  readonly maxConnections?: number;
}

/**
 * Split a configured PostgreSQL URL into what `pg` reads and our `schema` query parameter
 * (`postgres://user@host:5432/db?schema=cimd`).
 */
export function parsePostgresUrl(text: string): { connectionString: string; schema?: string } {
  const url = new URL(text);
  const schema = url.searchParams.get('schema');
  url.searchParams.delete('schema');
  return { connectionString: url.href, ...(schema === null ? {} : { schema }) };
}

/** An unquoted PostgreSQL identifier we create ourselves: no quoting, no case folding surprises. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Timestamps are BIGINT milliseconds; `pg` returns BIGINT as a string unless told otherwise. */
const INT8_OID = 20;
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`A BIGINT column holds ${text}, beyond the safe integers`);
  return value;
}
const typeParsers = new TypeOverrides();
typeParsers.setTypeParser(INT8_OID, 'text', parseInt8);

export function isSchemaName(name: string): boolean {
  return SCHEMA_NAME.test(name);
}

/**
 * Open a pool. Every connection gets the schema as its `search_path`, so statements name tables
 * without a schema and two test runs (or two deployments) in one database never meet. Nothing is
 * sent until the first statement.
 */
export function openPgDatabase(options: PgDatabaseOptions): PgDatabase {
  const schema = options.schema ?? 'public';
  if (!isSchemaName(schema)) throw new RangeError(`The schema name "${schema}" must match ${SCHEMA_NAME.source}`);
  const max = options.maxConnections ?? 10;
  if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('maxConnections must be a positive integer');
  const pool = new Pool({
    connectionString: options.connectionString,
    max,
    types: typeParsers,
    options: `-c search_path=${schema}`,
    application_name: 'cimd-server',
    connectionTimeoutMillis: 10_000,
  });
  // An idle connection that the server drops (restart, failover) is reported here; the pool
  // replaces it, so logging is the caller's business, not a crash.
  pool.on('error', () => undefined);
  let closed = false;
  const open = (): void => {
    if (closed) throw new CimdError('store-closed', 'The PostgreSQL stores are closed');
  };
  return {
    schema,
    get closed() {
      return closed;
    },
    async query<R extends QueryResultRow>(sql: string, values: readonly unknown[] = []) {
      open();
      return pool.query<R>(sql, [...values]);
    },
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      open();
      const client: PoolClient = await pool.connect();
      let broken: unknown;
      try {
        await client.query('BEGIN');
        const tx: Queryable = { query: (sql, values = []) => client.query(sql, [...values]) };
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError; // the connection is unusable; the pool must not hand it out again
        }
        throw error;
      } finally {
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** Whether an error is a violated PRIMARY KEY or UNIQUE constraint (SQLSTATE 23505). */
function isUniqueViolation(error: unknown): boolean {
  return error instanceof DatabaseError && error.code === '23505';
}

/** Run an INSERT, turning a unique-key violation into a `store-conflict` error. */
export async function insertUnique(insert: Promise<unknown>, what: string): Promise<void> {
  try {
    await insert;
  } catch (error) {
    if (isUniqueViolation(error)) throw storeConflict(what, error);
    throw error;
  }
}

/** `INSERT INTO table (a, b) VALUES ($1, $2)` and the row's values in that order. */
export function insertStatement(table: string, columns: string): string {
  const names = columns.split(', ');
  return `INSERT INTO ${table} (${columns}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`;
}

export function rowValues<R extends object>(row: R, columns: string): unknown[] {
  return columns.split(', ').map((name) => (row as Record<string, unknown>)[name]);
}
