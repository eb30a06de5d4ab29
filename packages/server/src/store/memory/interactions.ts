import type { Gate } from '../gate.js';
import type { InteractionRecord, InteractionStore } from '../interactions.js';
import type { Sweepable } from '../sweepable.js';
import { ExpiringMap } from './expiring-map.js';
import { frozenCopy } from './frozen-copy.js';

/** Pending interactions in memory. `save` inserts or replaces (the login step saves the record again). */
export function createMemoryInteractionStore(gate: Gate): InteractionStore & Sweepable {
  const interactions = new ExpiringMap<InteractionRecord>((record) => record.expiresAt);
  return {
    save: (record) => gate.run(() => interactions.set(record.id, frozenCopy(record), record.createdAt)),
    get: (id, now) => gate.run(() => interactions.live(id, now)),
    delete: (id) => gate.run(() => interactions.delete(id)),
    sweep: (now) => interactions.sweep(now),
  };
}
