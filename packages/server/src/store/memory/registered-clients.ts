import type { Gate } from '../gate.js';
import type { RegisteredClientRecord, RegisteredClientStore } from '../registered-clients.js';
import { storeConflict } from '../store-errors.js';
import { frozenCopy } from './frozen-copy.js';

/** Dynamically registered clients in memory. */
export function createMemoryRegisteredClientStore(gate: Gate): RegisteredClientStore {
  const clients = new Map<string, RegisteredClientRecord>();
  return {
    create: (record) =>
      gate.run(() => {
        if (clients.has(record.clientId)) throw storeConflict('registered client');
        clients.set(record.clientId, frozenCopy(record));
      }),
    get: (clientId) => gate.run(() => clients.get(clientId)),
  };
}
