import { randomBytes } from 'node:crypto';
import { createSingleFlight, type SingleFlight } from '@cimd/core';
import type { Redis } from 'ioredis';

export interface RedisSingleFlightOptions {
  /** Commands (SET NX PX, the release script). */
  readonly redis: Redis;
  /** A connection of its own for SUBSCRIBE (a subscribed connection can do nothing else). */
  readonly subscriber: Redis;
  readonly prefix: string;
  /**
   * How long a lock holds when its holder never releases it (a crash): another instance may load
   * after this. Longer than one load (the fetch deadline plus validation). Default 15 s.
   */
  readonly lockTtlMs?: number;
  /** How often a waiter tries the lock again when no release message reached it. Default 50 ms. */
  readonly pollMs?: number;
  /** How long a caller waits for its turn before giving up (`cache-unavailable`). Default 45 s. */
  readonly maxWaitMs?: number;
}

/** Delete the lock only if we still hold it, then tell the waiters (one atomic script). */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('del', KEYS[1]) end
redis.call('publish', ARGV[2], '1')
return 1`;

/**
 * A {@link SingleFlight} across instances (H8): at most one `load` per key runs in the cluster at
 * a time.
 *
 * - Within one process, callers of a key join the process's one flight (no Redis traffic each).
 * - Across processes, that flight takes a Redis lock (`SET <prefix>lock:<key> <random> NX PX`).
 *   The holder runs `load` and releases the lock with a script that deletes it only if it still
 *   holds it, and publishes on `<prefix>done:<key>`.
 * - The others wait for that message (or retry every `pollMs`, in case it was missed) and then
 *   take the lock in turn and run their own `load`. The resolver's load first reads the shared
 *   cache and finds the document the first holder stored, so the origin sees one fetch; the
 *   repeats cost one cache read each (the contract of SingleFlight allows them).
 * - A crashed holder's lock expires after `lockTtlMs`; a load that outlives it may overlap the
 *   next one (a second fetch, never a wrong answer).
 */
export function createRedisSingleFlight(options: RedisSingleFlightOptions): SingleFlight {
  const { redis, subscriber, prefix } = options;
  const lockTtlMs = options.lockTtlMs ?? 15_000;
  const pollMs = options.pollMs ?? 50;
  const maxWaitMs = options.maxWaitMs ?? 3 * lockTtlMs;
  const local = createSingleFlight();
  const lockKey = (key: string): string => `${prefix}lock:${key}`;
  const channelOf = (key: string): string => `${prefix}done:${key}`;
  const waiters = new Map<string, Set<() => void>>();

  subscriber.on('message', (channel: string) => {
    if (!channel.startsWith(`${prefix}done:`)) return;
    for (const wake of [...(waiters.get(channel) ?? [])]) wake();
  });

  /** Resolve on the next release message for `key`, or after `pollMs`, whichever is first. */
  function nextTurn(key: string): Promise<void> {
    const channel = channelOf(key);
    return new Promise((resolve) => {
      let set = waiters.get(channel);
      if (set === undefined) {
        set = new Set();
        waiters.set(channel, set);
        subscriber.subscribe(channel).catch(() => undefined); // polling covers a failed subscribe
      }
      const group = set;
      const wake = (): void => {
        clearTimeout(timer);
        group.delete(wake);
        if (group.size === 0 && waiters.get(channel) === group) {
          waiters.delete(channel);
          subscriber.unsubscribe(channel).catch(() => undefined);
        }
        resolve();
      };
      const timer = setTimeout(wake, pollMs);
      group.add(wake);
    });
  }

  async function led<T>(key: string, load: () => Promise<T>): Promise<T> {
    const giveUpAt = performance.now() + maxWaitMs;
    for (;;) {
      const token = randomBytes(16).toString('base64url');
      if ((await redis.set(lockKey(key), token, 'PX', lockTtlMs, 'NX')) === 'OK') {
        try {
          return await load();
        } finally {
          // A failed release leaves the lock to expire; the waiters' polling finds it gone then.
          await redis.eval(RELEASE, 1, lockKey(key), token, channelOf(key)).catch(() => undefined);
        }
      }
      if (performance.now() >= giveUpAt) throw new Error(`Waited ${maxWaitMs} ms for the fetch lock of one client_id`);
      await nextTurn(key);
    }
  }

  return {
    run: (key, load) => local.run(key, () => led(key, load)),
  };
}
