import { storeNotFound } from '../store-errors.js';
import { USER_COLUMNS as COLUMNS, userFromRow, userToRow, type UserRow } from '../sql/rows.js';
import type { UserRecord, UserStore } from '../users.js';
import { insertStatement, insertUnique, rowValues, type PgDatabase } from './database.js';

/** Local accounts in PostgreSQL; the UNIQUE index on `username` enforces uniqueness across instances. */
export function createPgUserStore(db: PgDatabase): UserStore {
  const insert = insertStatement('users', COLUMNS);
  const one = async (where: string, value: string): Promise<UserRecord | undefined> => {
    const row = (await db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE ${where} = $1`, [value])).rows[0];
    return row === undefined ? undefined : userFromRow(row);
  };
  return {
    create: (user) => insertUnique(db.query(insert, rowValues(userToRow(user), COLUMNS)), 'user (id or username)'),
    findByUsername: (username) => one('username', username),
    findById: (id) => one('id', id),
    async setPasswordHash(id, passwordHash) {
      const changed = await db.query('UPDATE users SET password_hash = $1 WHERE id = $2', [passwordHash, id]);
      if (changed.rowCount === 0) throw storeNotFound('user');
    },
    async setDisabled(id, disabled) {
      const changed = await db.query('UPDATE users SET disabled = $1 WHERE id = $2', [disabled ? 1 : 0, id]);
      if (changed.rowCount === 0) throw storeNotFound('user');
    },
  };
}
