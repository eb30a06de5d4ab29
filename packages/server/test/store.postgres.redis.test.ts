import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { withSharedDocuments } from '../src/backends.js';
import { openPostgresStores } from '../src/store/postgres/postgres-stores.js';
import { openRedisCoordination } from '../src/store/redis/coordination.js';
import { parseRedisUrl } from '../src/store/redis/connection.js';
import { storeContract, T0 } from './store-contract.js';
import { cachedDocument, CLIENT } from './store-contract/fixtures.js';
import { POSTGRES_URL, testSchemas } from './support/postgres.js';
import { REDIS_URL, testRedisPrefixes } from './support/redis.js';

const schemas = testSchemas('sharedcache');
const prefixes = testRedisPrefixes('sharedcache');

// The deployment of several instances: state in PostgreSQL, documents in Redis. The same
// contract holds, the Redis DocumentCache included (R8 keys, staleUntil by the injected clock,
// close refuses further work).
storeContract('PostgreSQL + Redis cache', async ({ clock }) => {
  const stores = await openPostgresStores({ connectionString: POSTGRES_URL, schema: schemas.next(), clock, maxConnections: 4 });
  const coordination = await openRedisCoordination({ url: prefixes.url(prefixes.next()), clock });
  return withSharedDocuments(stores, coordination);
});

describe('Redis document cache: what the contract does not say', () => {
  test('an entry expires in Redis itself at its staleUntil, so an abandoned cache empties without a sweep', async () => {
    const prefix = prefixes.next();
    const coordination = await openRedisCoordination({ url: prefixes.url(prefix), clock: { now: () => T0 } });
    const raw = new Redis(REDIS_URL);
    try {
      await coordination.documents.set(CLIENT, cachedDocument({ staleUntil: T0 + 90_000 }));
      const ttl = await raw.pttl(`${prefix}doc:${CLIENT}`);
      assert.ok(ttl > 85_000 && ttl <= 90_000, `PTTL ${ttl}`);
      await coordination.documents.set('https://gone.example/cimd.json', cachedDocument({ staleUntil: T0 }));
      assert.equal(await raw.exists(`${prefix}doc:https://gone.example/cimd.json`), 0, 'an entry already stale is not stored');
    } finally {
      raw.disconnect();
      await coordination.close();
    }
  });

  test('a damaged value is a miss and is removed (the cache never hands the resolver a malformed entry)', async () => {
    const prefix = prefixes.next();
    const coordination = await openRedisCoordination({ url: prefixes.url(prefix), clock: { now: () => T0 } });
    const raw = new Redis(REDIS_URL);
    try {
      for (const damaged of ['not json', '{"body":1}', JSON.stringify({ ...cachedDocument(), etag: 7 })]) {
        await raw.set(`${prefix}doc:${CLIENT}`, damaged);
        assert.equal(await coordination.documents.get(CLIENT), undefined, damaged);
        assert.equal(await raw.exists(`${prefix}doc:${CLIENT}`), 0);
      }
    } finally {
      raw.disconnect();
      await coordination.close();
    }
  });

  test('the configured URL carries the key prefix; anything but redis:// and rediss:// is refused', () => {
    assert.deepEqual(parseRedisUrl('redis://127.0.0.1:6379/2?prefix=prod:'), {
      url: 'redis://127.0.0.1:6379/2',
      prefix: 'prod:',
    });
    assert.deepEqual(parseRedisUrl('rediss://cache.internal'), { url: 'rediss://cache.internal', prefix: 'cimd:' });
    assert.throws(() => parseRedisUrl('http://127.0.0.1:6379'), /redis:\/\//);
    assert.throws(() => parseRedisUrl('redis://127.0.0.1?prefix=a%20b'), /prefix/);
  });
});

describe('Redis single-flight', () => {
  const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  test('H8: across three instances, at most one load of a key runs at any moment, and each instance loads once', async () => {
    const prefix = prefixes.next();
    const instances = await Promise.all(
      [0, 1, 2].map(() => openRedisCoordination({ url: prefixes.url(prefix), clock: { now: () => T0 } })),
    );
    try {
      let active = 0;
      let most = 0;
      let loads = 0;
      const load = async (): Promise<string> => {
        loads += 1;
        active += 1;
        most = Math.max(most, active);
        await pause(30);
        active -= 1;
        return 'loaded';
      };
      const results = await Promise.all(
        instances.flatMap((instance) =>
          Array.from({ length: 5 }, () => instance.singleFlight.run('https://app.example/c', load)),
        ),
      );
      assert.equal(most, 1, 'never two loads at once');
      assert.equal(loads, 3, 'one load per instance: callers within an instance share it');
      assert.ok(results.every((r) => r === 'loaded'));
    } finally {
      await Promise.all(instances.map((i) => i.close()));
    }
  });

  test("a crashed holder's lock expires: the next caller loads after lockTtlMs instead of waiting forever", async () => {
    const prefix = prefixes.next();
    const coordination = await openRedisCoordination({ url: prefixes.url(prefix), clock: { now: () => T0 }, lockTtlMs: 1000 });
    const raw = new Redis(REDIS_URL);
    try {
      // A holder that took the lock and vanished (no release, no message).
      await raw.set(`${prefix}lock:https://app.example/c`, 'crashed-holder', 'PX', 300);
      let loads = 0;
      const value = await coordination.singleFlight.run('https://app.example/c', () => Promise.resolve(++loads));
      assert.equal(value, 1);
      assert.equal(await raw.exists(`${prefix}lock:https://app.example/c`), 0, 'our lock was released');
    } finally {
      raw.disconnect();
      await coordination.close();
    }
  });

  test("a release never deletes another holder's lock (the compare-and-delete script)", async () => {
    const prefix = prefixes.next();
    const coordination = await openRedisCoordination({ url: prefixes.url(prefix), clock: { now: () => T0 }, lockTtlMs: 200 });
    const raw = new Redis(REDIS_URL);
    try {
      const key = `${prefix}lock:https://app.example/slow`;
      // Our load outlives our lock; meanwhile another instance takes the key.
      await coordination.singleFlight.run('https://app.example/slow', async () => {
        await pause(400);
        await raw.set(key, 'next-holder', 'PX', 5000);
      });
      assert.equal(await raw.get(key), 'next-holder');
    } finally {
      raw.disconnect();
      await coordination.close();
    }
  });

  test('a load that fails releases the lock and rejects every caller with its error', async () => {
    const prefix = prefixes.next();
    const coordination = await openRedisCoordination({ url: prefixes.url(prefix), clock: { now: () => T0 } });
    const raw = new Redis(REDIS_URL);
    try {
      const failing = (): Promise<never> => Promise.reject(new Error('origin down'));
      const outcomes = await Promise.allSettled([1, 2, 3].map(() => coordination.singleFlight.run('k', failing)));
      assert.ok(outcomes.every((o) => o.status === 'rejected' && (o.reason as Error).message === 'origin down'));
      assert.equal(await raw.exists(`${prefix}lock:k`), 0);
    } finally {
      raw.disconnect();
      await coordination.close();
    }
  });
});
