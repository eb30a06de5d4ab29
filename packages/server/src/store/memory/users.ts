import type { Gate } from '../gate.js';
import type { UserRecord, UserStore } from '../users.js';
import { storeConflict, storeNotFound } from '../store-errors.js';
import { frozenCopy } from './frozen-copy.js';

/** Local accounts in memory, with a unique index on the username (compared as given). */
export function createMemoryUserStore(gate: Gate): UserStore {
  const users = new Map<string, UserRecord>();
  const idByUsername = new Map<string, string>();
  return {
    create: (user) =>
      gate.run(() => {
        if (users.has(user.id)) throw storeConflict('user (id or username)');
        if (idByUsername.has(user.username)) throw storeConflict('user (id or username)');
        users.set(user.id, frozenCopy(user));
        idByUsername.set(user.username, user.id);
      }),
    findByUsername: (username) =>
      gate.run(() => {
        const id = idByUsername.get(username);
        return id === undefined ? undefined : users.get(id);
      }),
    findById: (id) => gate.run(() => users.get(id)),
    setPasswordHash: (id, passwordHash) =>
      gate.run(() => {
        const user = users.get(id);
        if (user === undefined) throw storeNotFound('user');
        users.set(id, frozenCopy({ ...user, passwordHash }));
      }),
    setDisabled: (id, disabled) =>
      gate.run(() => {
        const user = users.get(id);
        if (user === undefined) throw storeNotFound('user');
        users.set(id, frozenCopy({ ...user, disabled }));
      }),
  };
}
