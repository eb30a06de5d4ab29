import type { Gate } from '../gate.js';
import { storeNotFound } from '../store-errors.js';
import type { UserRecord, UserStore } from '../users.js';
import type { SqliteDatabase } from './database.js';
import { insertUnique } from './rows.js';

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  created_at: number;
  disabled: 0 | 1 | null;
}

const COLUMNS = 'id, username, password_hash, created_at, disabled';

function toRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    ...(row.disabled === null ? {} : { disabled: row.disabled === 1 }),
  };
}

/** Local accounts in SQLite; the UNIQUE index on `username` enforces uniqueness across processes. */
export function createSqliteUserStore(db: SqliteDatabase, gate: Gate): UserStore {
  const insert = db.prepare<UserRow>(
    `INSERT INTO users (${COLUMNS}) VALUES (@id, @username, @password_hash, @created_at, @disabled)`,
  );
  const byUsername = db.prepare<[string], UserRow>(`SELECT ${COLUMNS} FROM users WHERE username = ?`);
  const byId = db.prepare<[string], UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = ?`);
  const setHash = db.prepare<[string, string]>('UPDATE users SET password_hash = ? WHERE id = ?');
  const found = (row: UserRow | undefined): UserRecord | undefined => (row === undefined ? undefined : toRecord(row));
  return {
    create: (user) =>
      gate.run(() =>
        insertUnique(
          () =>
            insert.run({
              id: user.id,
              username: user.username,
              password_hash: user.passwordHash,
              created_at: user.createdAt,
              disabled: user.disabled === undefined ? null : user.disabled ? 1 : 0,
            }),
          'user (id or username)',
        ),
      ),
    findByUsername: (username) => gate.run(() => found(byUsername.get(username))),
    findById: (id) => gate.run(() => found(byId.get(id))),
    setPasswordHash: (id, passwordHash) =>
      gate.run(() => {
        if (setHash.run(passwordHash, id).changes === 0) throw storeNotFound('user');
      }),
  };
}
