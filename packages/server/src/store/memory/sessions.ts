import type { Gate } from '../gate.js';
import type { SessionRecord, SessionStore } from '../sessions.js';
import { storeConflict } from '../store-errors.js';
import type { Sweepable } from '../sweepable.js';
import { ExpiringMap } from './expiring-map.js';
import { frozenCopy } from './frozen-copy.js';

/** Login sessions in memory. */
export function createMemorySessionStore(gate: Gate): SessionStore & Sweepable {
  const sessions = new ExpiringMap<SessionRecord>((record) => record.expiresAt);
  return {
    create: (record) =>
      gate.run(() => {
        if (sessions.has(record.idHash)) throw storeConflict('session');
        sessions.set(record.idHash, frozenCopy(record), record.authTime);
      }),
    get: (idHash, now) => gate.run(() => sessions.live(idHash, now)),
    delete: (idHash) => gate.run(() => sessions.delete(idHash)),
    sweep: (now) => sessions.sweep(now),
  };
}
