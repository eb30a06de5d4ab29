import { checkMigrationOrder, SQLITE_MIGRATIONS, type Migration } from '../sqlite/migrations.js';
import type { PgDatabase } from './database.js';

/**
 * The PostgreSQL schema: the SQLite migrations (sqlite/migrations.ts), which are written in the
 * SQL both databases accept, with one change: INTEGER columns (timestamps in milliseconds, counts,
 * the 0/1 disabled flag) become BIGINT, because PostgreSQL's INTEGER has 32 bits. So both stores
 * share one table layout and one row mapping (store/sql/rows.ts), and a migration added for SQLite
 * reaches PostgreSQL too (it must stay within the common SQL; the PostgreSQL contract suite runs
 * it). A released migration is never edited, only followed by a new one.
 * - arrays and objects are JSON text, as in SQLite, so a row is read back exactly as written;
 * - keys are TEXT compared with the database's deterministic collation (equal only when the
 *   bytes are equal, R8); orderings that must match the other stores say COLLATE "C".
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = SQLITE_MIGRATIONS.map((migration) => ({
  ...migration,
  sql: migration.sql.replace(/\bINTEGER\b/g, 'BIGINT'),
}));

/** Where the schema of a database stands against the migrations this release knows. */
export interface SchemaStatus {
  readonly current: number;
  readonly latest: number;
}

/**
 * Apply the migrations this schema has not seen yet, in order, in one transaction. A transaction
 * advisory lock keyed by the schema serialises instances that start together: the second waits,
 * then finds the work done. Returns the versions applied. A schema written by a newer release is
 * refused rather than used half-understood.
 */
export async function migratePostgres(
  db: PgDatabase,
  now: number,
  migrations: readonly Migration[] = POSTGRES_MIGRATIONS,
): Promise<number[]> {
  checkMigrationOrder(migrations);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`cimd-migrations:${db.schema}`]);
    // The schema name was checked to be a plain identifier (see openPgDatabase).
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${db.schema}`);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER NOT NULL PRIMARY KEY,
      name       TEXT    NOT NULL,
      applied_at BIGINT  NOT NULL
    )`);
    const current = await currentVersion(tx);
    const latest = migrations.at(-1)?.version ?? 0;
    refuseNewer(current, latest);
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await tx.query(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        now,
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}

/**
 * Check, without changing anything, that the schema is exactly at this release's version (for
 * instances started with `stores.migrateOnStart` off). Throws with what to do otherwise.
 */
export async function checkPostgresSchema(
  db: PgDatabase,
  migrations: readonly Migration[] = POSTGRES_MIGRATIONS,
): Promise<SchemaStatus> {
  const exists = await db.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [`${db.schema}.schema_migrations`]);
  const current = exists.rows[0]?.found == null ? 0 : await currentVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  refuseNewer(current, latest);
  if (current < latest) {
    throw new Error(
      `The PostgreSQL schema "${db.schema}" is at version ${current}, this release needs ${latest}: run "cimd-server migrate"`,
    );
  }
  return { current, latest };
}

async function currentVersion(q: { query: PgDatabase['query'] }): Promise<number> {
  const row = await q.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
  return row.rows[0]?.version ?? 0;
}

function refuseNewer(current: number, latest: number): void {
  if (current > latest) {
    throw new Error(`The database schema is at version ${current}, newer than this release knows (${latest})`);
  }
}
