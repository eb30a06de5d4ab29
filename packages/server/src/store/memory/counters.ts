import type { Gate } from '../gate.js';
import type { CounterStore } from '../counters.js';
import { checkWindow } from '../counter-window.js';
import type { Sweepable } from '../sweepable.js';
import { ExpiringMap } from './expiring-map.js';

interface Window {
  hits: number;
  readonly endsAt: number;
}

/** Fixed-window counters in memory. */
export function createMemoryCounterStore(gate: Gate): CounterStore & Sweepable {
  const windows = new ExpiringMap<Window>((window) => window.endsAt);
  return {
    increment: (key, windowMs, now) =>
      gate.run(() => {
        checkWindow(windowMs);
        const window = windows.live(key, now);
        if (window === undefined) {
          windows.set(key, { hits: 1, endsAt: now + windowMs }, now);
          return 1;
        }
        window.hits += 1;
        return window.hits;
      }),
    get: (key, now) => gate.run(() => windows.live(key, now)?.hits ?? 0),
    release: (key, now) =>
      gate.run(() => {
        const window = windows.live(key, now);
        if (window !== undefined && window.hits > 0) window.hits -= 1;
      }),
    reset: (key) => gate.run(() => windows.delete(key)),
    sweep: (now) => windows.sweep(now),
  };
}
