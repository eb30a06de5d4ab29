import type { Gate } from '../gate.js';
import type { ReplayStore } from '../replay.js';
import { compoundKey } from './compound-key.js';
import type { Sweepable } from '../sweepable.js';
import { ExpiringMap } from './expiring-map.js';

/** One-time identifiers in memory: the (namespace, id) pair maps to the end of its hold. */
export function createMemoryReplayStore(gate: Gate): ReplayStore & Sweepable {
  const held = new ExpiringMap<number>((expiresAt) => expiresAt);
  return {
    remember: (namespace, id, expiresAt, now) =>
      gate.run(() => {
        const key = compoundKey(namespace, id);
        if (held.live(key, now) !== undefined) return false;
        held.set(key, expiresAt, now);
        return true;
      }),
    seen: (namespace, id, now) => gate.run(() => held.live(compoundKey(namespace, id), now) !== undefined),
    sweep: (now) => held.sweep(now),
  };
}
