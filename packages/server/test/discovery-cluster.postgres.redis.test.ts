/**
 * Discovery in a cluster: several "instances" (each its own resolver, safe fetcher, in-process
 * single-flight, Redis connections and PostgreSQL pool) resolving one new client_id at the same
 * moment against a real HTTPS origin on loopback (the node test kit). The fetches are counted at
 * the origin.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClientResolver, systemClock, type ClientResolver, type DocumentCache } from '@cimd/core';
import { createSafeFetcher } from '@cimd/node';
import { openPostgresStores } from '../src/store/postgres/postgres-stores.js';
import { openRedisCoordination, type RedisCoordination } from '../src/store/redis/coordination.js';
import type { Stores } from '../src/store/stores.js';
import {
  createTestPki,
  createTestResolver,
  loopbackFetcherOptions,
  startOriginServer,
  type OriginServer,
  type TestPki,
  type TestResolver,
} from '../../node/test/kit/index.js';
import { POSTGRES_URL, testSchemas } from './support/postgres.js';
import { testRedisPrefixes } from './support/redis.js';

const schemas = testSchemas('discovery');
const prefixes = testRedisPrefixes('discovery');

let pki: TestPki;
let origin: OriginServer;
let dns: TestResolver;
let paths = 0;

before(async () => {
  pki = await createTestPki();
  origin = await startOriginServer({ certificate: pki.leaf });
  dns = createTestResolver({ 'client.test': '127.0.0.1' });
});
after(async () => {
  await origin.close();
  await pki.dispose();
});

/** A new client_id on the origin, answered after `delayMs` so that every instance asks meanwhile. */
function slowClient(delayMs: number): { clientId: string; path: string } {
  const path = `/clients/${++paths}.json`;
  const clientId = origin.url('client.test', path).href;
  const body = JSON.stringify({ client_id: clientId, client_name: 'Cluster App', redirect_uris: ['https://client.test/cb'] });
  origin.route(path, (_request, response) => {
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=600' });
      response.end(body);
    }, delayMs);
  });
  return { clientId, path };
}

interface Instance {
  readonly resolver: ClientResolver;
  close(): Promise<void>;
}

/** One instance: its own fetcher and resolver, the shared cache `documents` and a Redis single-flight. */
function instance(coordination: RedisCoordination, documents: DocumentCache, more: () => Promise<void>): Instance {
  const resolver = createClientResolver({
    fetcher: createSafeFetcher(loopbackFetcherOptions(pki, dns)),
    clock: systemClock,
    cache: { store: documents, singleFlight: coordination.singleFlight },
  });
  return {
    resolver,
    async close() {
      await resolver.drain();
      await coordination.close();
      await more();
    },
  };
}

async function resolveEverywhere(instances: readonly Instance[], clientId: string, perInstance: number) {
  return Promise.all(
    instances.flatMap((i) => Array.from({ length: perInstance }, () => i.resolver.resolve(clientId, { use: 'authorize' }))),
  );
}

describe('a new client_id resolved by several instances at once', () => {
  test('H8, R36: four instances sharing a Redis cache, 25 resolutions each: the origin serves one fetch', async () => {
    const url = prefixes.url(prefixes.next());
    const instances = await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const coordination = await openRedisCoordination({ url, clock: systemClock });
        return instance(coordination, coordination.documents, () => Promise.resolve());
      }),
    );
    try {
      const { clientId, path } = slowClient(150);
      const resolved = await resolveEverywhere(instances, clientId, 25);
      assert.equal(origin.hits(path), 1);
      // One instance fetched (its 25 callers shared that flight); the others found its document.
      const fetchedBy = instances.filter((_, i) => resolved.slice(i * 25, i * 25 + 25).some((r) => r.source === 'fetched'));
      assert.equal(fetchedBy.length, 1);
      assert.ok(resolved.every((r) => r.metadata.client_name === 'Cluster App'));
      // Later resolutions anywhere are cache hits.
      const again = await resolveEverywhere(instances, clientId, 1);
      assert.ok(again.every((r) => r.source === 'cache-hit'));
      assert.equal(origin.hits(path), 1);
    } finally {
      await Promise.all(instances.map((i) => i.close()));
    }
  });

  test('H8, R36: three instances with the documents in PostgreSQL and the single-flight in Redis: one fetch', async () => {
    const url = prefixes.url(prefixes.next());
    const schema = schemas.next();
    const instances = await Promise.all(
      [0, 1, 2].map(async () => {
        const stores: Stores = await openPostgresStores({ connectionString: POSTGRES_URL, schema, maxConnections: 4 });
        const coordination = await openRedisCoordination({ url, clock: systemClock });
        return instance(coordination, stores.documents, () => stores.close());
      }),
    );
    try {
      const { clientId, path } = slowClient(150);
      const resolved = await resolveEverywhere(instances, clientId, 10);
      assert.equal(origin.hits(path), 1);
      assert.ok(resolved.every((r) => r.clientId === clientId));
    } finally {
      await Promise.all(instances.map((i) => i.close()));
    }
  });

  test('H8, R39: when the one fetch fails, nothing is cached and each instance tries again in turn, never all at once', async () => {
    const url = prefixes.url(prefixes.next());
    const instances = await Promise.all(
      [0, 1, 2].map(async () => {
        const coordination = await openRedisCoordination({ url, clock: systemClock });
        return instance(coordination, coordination.documents, () => Promise.resolve());
      }),
    );
    try {
      const path = `/clients/${++paths}.json`;
      const clientId = origin.url('client.test', path).href;
      let inFlight = 0;
      let most = 0;
      origin.route(path, (_request, response) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        setTimeout(() => {
          inFlight -= 1;
          response.writeHead(404, { 'content-type': 'text/plain' });
          response.end('no such client');
        }, 50);
      });
      const outcomes = await Promise.allSettled(
        instances.flatMap((i) => [1, 2, 3].map(() => i.resolver.resolve(clientId, { use: 'authorize' }))),
      );
      assert.ok(outcomes.every((o) => o.status === 'rejected'));
      assert.equal(most, 1, 'the origin never saw two of these fetches at once');
      assert.ok(origin.hits(path) <= instances.length, `at most one fetch per instance, saw ${origin.hits(path)}`);
    } finally {
      await Promise.all(instances.map((i) => i.close()));
    }
  });
});
