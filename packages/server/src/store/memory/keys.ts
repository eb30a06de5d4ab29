import type { Gate } from '../gate.js';
import type { KeyStore, SigningKeyRecord } from '../keys.js';
import { storeConflict, storeNotFound } from '../store-errors.js';
import { frozenCopy } from './frozen-copy.js';

/** Oldest first, then by kid: the order the SQL stores use. */
function byCreation(a: SigningKeyRecord, b: SigningKeyRecord): number {
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0;
}

/** Signing keys in memory. `update` sets only the timestamps present in the patch. */
export function createMemoryKeyStore(gate: Gate): KeyStore {
  const keys = new Map<string, SigningKeyRecord>();
  return {
    list: () => gate.run(() => [...keys.values()].sort(byCreation)),
    add: (record) =>
      gate.run(() => {
        if (keys.has(record.kid)) throw storeConflict('signing key');
        keys.set(record.kid, frozenCopy(record));
      }),
    update: (kid, patch) =>
      gate.run(() => {
        const key = keys.get(kid);
        if (key === undefined) throw storeNotFound('signing key');
        const next: SigningKeyRecord = {
          ...key,
          ...(patch.retiresAt === undefined ? {} : { retiresAt: patch.retiresAt }),
          ...(patch.expiresAt === undefined ? {} : { expiresAt: patch.expiresAt }),
        };
        keys.set(kid, frozenCopy(next));
      }),
  };
}
