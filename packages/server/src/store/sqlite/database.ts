import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { checkMigrationOrder, SQLITE_MIGRATIONS, type Migration } from './migrations.js';

export type SqliteDatabase = Database.Database;

/** How long a statement waits for another connection's write lock before failing with SQLITE_BUSY. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Open (creating when missing) the database file, with the settings every connection needs:
 * - a busy timeout (better-sqlite3's `timeout` is SQLite's `busy_timeout`), set as the file opens
 *   so that even the statements below wait for a lock held by another process instead of failing;
 * - WAL, so readers never block the writer and two processes can share the file;
 * - `synchronous=NORMAL`: with WAL, a commit survives a process crash; only an OS crash or power
 *   loss may lose the last commits (never corrupt the file);
 * - `foreign_keys=ON` (off by default in SQLite; per connection).
 *
 * The folder is created (owner-only) when missing, and a new file is created owner-only before
 * SQLite opens it: it holds signing keys and token hashes. SQLite gives the -wal and -shm files
 * the permissions of the database file.
 */
export function openDatabase(path: string, busyTimeoutMs: number): SqliteDatabase {
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0)
    throw new RangeError('busyTimeoutMs must be a non-negative integer');
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  const db = new Database(path, { timeout: busyTimeoutMs });
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`SQLite refused WAL mode (journal_mode is ${String(mode)})`);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Apply the migrations this database has not seen yet, in order, in one IMMEDIATE transaction:
 * two processes opening a new file at once serialise here, and the second finds the work done.
 * Returns the versions applied (empty when the schema was current). A database written by a newer
 * release (a version above the last one known here) is refused rather than used half-understood.
 */
export function migrate(db: SqliteDatabase, now: number, migrations: readonly Migration[] = SQLITE_MIGRATIONS): number[] {
  checkMigrationOrder(migrations);
  const apply = db.transaction((): number[] => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER NOT NULL PRIMARY KEY,
      name       TEXT    NOT NULL,
      applied_at INTEGER NOT NULL
    )`);
    const row = db.prepare<[], { version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations').get();
    const current = row?.version ?? 0;
    const latest = migrations.at(-1)?.version ?? 0;
    if (current > latest) {
      throw new Error(`The database schema is at version ${current}, newer than this release knows (${latest})`);
    }
    const record = db.prepare<[number, string, number]>(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, now);
      applied.push(migration.version);
    }
    return applied;
  });
  return apply.immediate();
}
