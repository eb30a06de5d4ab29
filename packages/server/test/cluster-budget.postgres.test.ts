import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isCimdError } from '@cimd/core';
import { withClusterBudget } from '../src/cluster-budget.js';
import { openPostgresStores } from '../src/store/postgres/postgres-stores.js';
import type { Stores } from '../src/store/stores.js';
import { ManualClock, MapFetcher } from './support/harness.js';
import { POSTGRES_URL, testSchemas } from './support/postgres.js';

const schemas = testSchemas('budget');

describe('cluster fetch budgets over the shared counters', () => {
  let a: Stores;
  let b: Stores;
  before(async () => {
    const schema = schemas.next();
    const open = (): Promise<Stores> => openPostgresStores({ connectionString: POSTGRES_URL, schema, maxConnections: 4 });
    [a, b] = await Promise.all([open(), open()]);
  });
  after(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  const request = (url: string) => ({ url: new URL(url), purpose: 'client-metadata' as const });
  const outcome = (p: Promise<unknown>): Promise<string> =>
    p.then(
      () => 'fetched',
      (e: unknown) => (isCimdError(e) ? e.code : 'other'),
    );

  test('H8: two instances together fetch one origin no more often than the per-origin budget, then again in the next window', async () => {
    const clock = new ManualClock();
    const origin = new MapFetcher();
    for (let i = 0; i < 10; i++) origin.serve(`https://busy.example/c${i}.json`, { body: '{}' });
    const limits = { perOriginPerMinute: 3, globalPerMinute: 1000 };
    const [viaA, viaB] = [a, b].map((stores) => withClusterBudget(origin, stores.counters, clock, limits)) as [
      ReturnType<typeof withClusterBudget>,
      ReturnType<typeof withClusterBudget>,
    ];
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        outcome((i % 2 === 0 ? viaA : viaB).fetch(request(`https://busy.example/c${i}.json`))),
      ),
    );
    assert.equal(outcomes.filter((o) => o === 'fetched').length, 3);
    assert.equal(outcomes.filter((o) => o === 'fetch-over-budget').length, 7);
    assert.equal(origin.count(), 3, 'refused fetches never reach the origin');
    clock.advance(60_000);
    assert.equal(await outcome(viaB.fetch(request('https://busy.example/c0.json'))), 'fetched');
  });

  test('H8: the global budget bounds the cluster across origins', async () => {
    const clock = new ManualClock(Date.UTC(2027, 0, 1));
    const origin = new MapFetcher();
    for (let i = 0; i < 8; i++) origin.serve(`https://o${i}.example/c.json`, { body: '{}' });
    const limits = { perOriginPerMinute: 1000, globalPerMinute: 5 };
    const fetchers = [a, b].map((stores) => withClusterBudget(origin, stores.counters, clock, limits));
    const outcomes = [];
    for (let i = 0; i < 8; i++) {
      outcomes.push(await outcome((fetchers[i % 2] as (typeof fetchers)[number]).fetch(request(`https://o${i}.example/c.json`))));
    }
    assert.deepEqual(outcomes, [...Array<string>(5).fill('fetched'), ...Array<string>(3).fill('fetch-over-budget')]);
  });
});
