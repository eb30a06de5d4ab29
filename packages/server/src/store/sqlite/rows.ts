import Database from 'better-sqlite3';
import { storeConflict } from '../store-errors.js';

/**
 * Whether an error is a violated PRIMARY KEY or UNIQUE constraint (PostgreSQL: SQLSTATE 23505).
 */
function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof Database.SqliteError &&
    (error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || error.code === 'SQLITE_CONSTRAINT_UNIQUE')
  );
}

/** Run an INSERT, turning a unique-key violation into a `store-conflict` error. */
export function insertUnique(insert: () => unknown, what: string): void {
  try {
    insert();
  } catch (error) {
    if (isUniqueViolation(error)) throw storeConflict(what, error);
    throw error;
  }
}
