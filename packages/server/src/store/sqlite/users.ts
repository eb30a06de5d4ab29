import type { Gate } from '../gate.js';
import { storeNotFound } from '../store-errors.js';
import type { UserRecord, UserStore } from '../users.js';
import type { SqliteDatabase } from './database.js';
import { USER_COLUMNS as COLUMNS, userFromRow as toRecord, userToRow, type UserRow } from '../sql/rows.js';
import { insertUnique } from './rows.js';

/** Local accounts in SQLite; the UNIQUE index on `username` enforces uniqueness across processes. */
export function createSqliteUserStore(db: SqliteDatabase, gate: Gate): UserStore {
  const insert = db.prepare<UserRow>(
    `INSERT INTO users (${COLUMNS}) VALUES (@id, @username, @password_hash, @created_at, @disabled)`,
  );
  const byUsername = db.prepare<[string], UserRow>(`SELECT ${COLUMNS} FROM users WHERE username = ?`);
  const byId = db.prepare<[string], UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = ?`);
  const setHash = db.prepare<[string, string]>('UPDATE users SET password_hash = ? WHERE id = ?');
  const setFlag = db.prepare<[number, string]>('UPDATE users SET disabled = ? WHERE id = ?');
  const found = (row: UserRow | undefined): UserRecord | undefined => (row === undefined ? undefined : toRecord(row));
  return {
    create: (user) => gate.run(() => insertUnique(() => insert.run(userToRow(user)), 'user (id or username)')),
    findByUsername: (username) => gate.run(() => found(byUsername.get(username))),
    findById: (id) => gate.run(() => found(byId.get(id))),
    setPasswordHash: (id, passwordHash) =>
      gate.run(() => {
        if (setHash.run(passwordHash, id).changes === 0) throw storeNotFound('user');
      }),
    setDisabled: (id, disabled) =>
      gate.run(() => {
        if (setFlag.run(disabled ? 1 : 0, id).changes === 0) throw storeNotFound('user');
      }),
  };
}
