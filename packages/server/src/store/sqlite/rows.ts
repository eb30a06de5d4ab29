import Database from 'better-sqlite3';
import { storeConflict } from '../store-errors.js';

/** Arrays and objects are kept as JSON text (see migrations.ts). */
export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

/** A JSON array of strings read back from a column; anything else means the row was damaged. */
export function parseStringArray(text: string, column: string): string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new Error(`Column ${column} does not hold a JSON array of strings`);
  }
  return value;
}

/** A JSON object read back from a column; anything else means the row was damaged. */
export function parseObject(text: string, column: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`Column ${column} does not hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

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
