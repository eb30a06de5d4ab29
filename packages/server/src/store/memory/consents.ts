import type { Gate } from '../gate.js';
import type { ConsentRecord, ConsentStore } from '../consents.js';
import { compoundKey } from './compound-key.js';
import { frozenCopy } from './frozen-copy.js';

/** Consents in memory, keyed by (userId, clientId), with the set of users per client for `countUsers`. */
export function createMemoryConsentStore(gate: Gate): ConsentStore {
  const consents = new Map<string, ConsentRecord>();
  const usersByClient = new Map<string, Set<string>>();
  return {
    get: (userId, clientId) => gate.run(() => consents.get(compoundKey(userId, clientId))),
    put: (record) =>
      gate.run(() => {
        consents.set(compoundKey(record.userId, record.clientId), frozenCopy(record));
        const users = usersByClient.get(record.clientId);
        if (users === undefined) usersByClient.set(record.clientId, new Set([record.userId]));
        else users.add(record.userId);
      }),
    revoke: (userId, clientId) =>
      gate.run(() => {
        consents.delete(compoundKey(userId, clientId));
        const users = usersByClient.get(clientId);
        users?.delete(userId);
        if (users?.size === 0) usersByClient.delete(clientId);
      }),
    revokeByClient: (clientId, userId) =>
      gate.run(() => {
        const users = usersByClient.get(clientId);
        if (users === undefined) return 0;
        const targets = userId === undefined ? [...users] : users.has(userId) ? [userId] : [];
        for (const u of targets) {
          consents.delete(compoundKey(u, clientId));
          users.delete(u);
        }
        if (users.size === 0) usersByClient.delete(clientId);
        return targets.length;
      }),
    countUsers: (clientId) => gate.run(() => usersByClient.get(clientId)?.size ?? 0),
  };
}
