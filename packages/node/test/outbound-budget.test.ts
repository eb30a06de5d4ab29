import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { isCimdError, type Clock } from '@cimd/core';
import { createSafeFetcher, DEFAULT_BUDGETS, OutboundBudget, TokenBucket, type OutboundBudgetLimits } from '@cimd/node';
import {
  createTestPki,
  createTestResolver,
  fetchRequest,
  loopbackFetcherOptions,
  startOriginServer,
  type OriginServer,
  type TestPki,
  waitFor,
} from './kit/index.js';

/** A clock that moves only when told to. */
function manualClock(start = 1_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

const LIMITS: OutboundBudgetLimits = {
  perOrigin: { concurrent: 2, perMinute: 30, burst: 3 },
  global: { concurrent: 4, perMinute: 600, burst: 5 },
};

function overBudget(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error) => {
    assert.ok(isCimdError(error));
    assert.equal(error.code, 'fetch-over-budget');
    assert.equal(error.wire, 'temporarily_unavailable');
    assert.match(error.message, pattern);
    return true;
  });
}

describe('H8: outbound budgets (pure, on an injected clock)', () => {
  test('H8: the defaults are 2 per origin and 16 globally at once, 30 and 600 a minute', () => {
    assert.deepEqual(DEFAULT_BUDGETS, {
      perOrigin: { concurrent: 2, perMinute: 30, burst: 10 },
      global: { concurrent: 16, perMinute: 600, burst: 60 },
    });
  });

  test('H8: per-origin concurrency: a third fetch to one origin is refused at once; another origin is not affected', () => {
    const budget = new OutboundBudget(LIMITS, manualClock());
    const a1 = budget.acquire('https://a.example');
    budget.acquire('https://a.example');
    overBudget(() => budget.acquire('https://a.example'), /2 fetches to https:\/\/a\.example are already in flight/);
    budget.acquire('https://b.example');
    a1();
    budget.acquire('https://a.example'); // a slot was freed
    assert.equal(budget.inFlight('https://a.example'), 2);
  });

  test('H8: global concurrency caps the sum over origins', () => {
    const budget = new OutboundBudget(LIMITS, manualClock());
    for (const o of ['a', 'b', 'c', 'd']) budget.acquire(`https://${o}.example`);
    overBudget(() => budget.acquire('https://e.example'), /global concurrency/);
    assert.equal(budget.inFlight(), 4);
  });

  test('H8: per-origin rate: the burst is spent, then one token returns every 60000/perMinute ms', () => {
    const clock = manualClock();
    const budget = new OutboundBudget(LIMITS, clock);
    for (let i = 0; i < 3; i++) budget.acquire('https://a.example')(); // acquire and release at once
    overBudget(() => budget.acquire('https://a.example'), /rate budget of 30 fetches a minute to https:\/\/a\.example/);
    clock.advance(1999);
    overBudget(() => budget.acquire('https://a.example'), /rate budget/);
    clock.advance(1);
    budget.acquire('https://a.example')();
    overBudget(() => budget.acquire('https://a.example'), /rate budget/);
  });

  test('H8: global rate spans origins', () => {
    const clock = manualClock();
    const budget = new OutboundBudget(LIMITS, clock);
    for (let i = 0; i < 5; i++) budget.acquire(`https://o${i}.example`)();
    overBudget(() => budget.acquire('https://o9.example'), /global rate budget of 600/);
    clock.advance(100); // 600 a minute: one token every 100 ms
    budget.acquire('https://o9.example')();
  });

  test('H8: a refusal costs nothing, and release is idempotent', () => {
    const clock = manualClock();
    const budget = new OutboundBudget(LIMITS, clock);
    const r1 = budget.acquire('https://a.example');
    const r2 = budget.acquire('https://a.example');
    overBudget(() => budget.acquire('https://a.example'), /concurrency/); // took no token
    r1();
    r1();
    r2();
    assert.equal(budget.inFlight(), 0);
    budget.acquire('https://a.example')(); // the third token is still there
    overBudget(() => budget.acquire('https://a.example'), /rate budget/);
  });

  test('H8: many distinct origins do not grow memory without bound (idle, refilled origins are forgotten)', () => {
    const clock = manualClock();
    const budget = new OutboundBudget(
      { perOrigin: { concurrent: 1, perMinute: 60, burst: 1 }, global: { concurrent: 10, perMinute: 1e9, burst: 1e9 } },
      clock,
    );
    for (let i = 0; i < 5000; i++) {
      budget.acquire(`https://o${i}.example`)();
      clock.advance(1000); // each origin's bucket refills within a second
    }
    const size = (budget as unknown as { origins: Map<string, unknown> }).origins.size;
    assert.ok(size <= 2048, `tracked ${size} origins`);
  });

  test('H8: a token bucket never goes above its burst and ignores a clock stepping back', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(60, 2, clock);
    clock.advance(3_600_000);
    assert.ok(bucket.full());
    bucket.take();
    bucket.take();
    assert.equal(bucket.available(), false);
    clock.advance(-10_000);
    assert.equal(bucket.available(), false);
    clock.advance(10_000 + 999);
    assert.equal(bucket.available(), false, 'the step back did not refill, and 999 ms is not yet a token');
    clock.advance(1);
    assert.equal(bucket.available(), true);
  });
});

describe('H8: budgets in the fetcher', () => {
  let pki: TestPki;
  let origin: OriginServer;
  const held: ServerResponse[] = [];

  before(async () => {
    pki = await createTestPki();
    origin = await startOriginServer({ certificate: pki.leaf });
    origin.route('/hold', (_request, response) => void held.push(response));
    origin.route('/ok', { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' });
  });
  after(async () => {
    await origin.close();
    await pki.dispose();
  });

  test('H8: over the per-origin concurrency a fetch is refused at once (never queued), and the budget frees up after completion', async () => {
    const dns = createTestResolver({ 'client.test': '127.0.0.1' });
    const fetcher = createSafeFetcher(loopbackFetcherOptions(pki, dns, { budgets: { perOrigin: { concurrent: 2 } } }));
    const url = (path: string): URL => origin.url('client.test', path);

    const first = fetcher.fetch(fetchRequest(url('/hold')));
    const second = fetcher.fetch(fetchRequest(url('/hold')));
    await waitFor(() => held.length === 2);

    // Both are in flight and the server has not answered: the third is refused without waiting.
    await assert.rejects(fetcher.fetch(fetchRequest(url('/ok'))), { code: 'fetch-over-budget' });
    assert.equal(origin.hits('/ok'), 0, 'the refused fetch sent nothing');
    assert.equal(dns.calls('client.test'), 2, 'and resolved nothing');

    for (const response of held.splice(0)) response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    assert.equal((await first).status, 200);
    assert.equal((await second).status, 200);
    assert.equal((await fetcher.fetch(fetchRequest(url('/ok')))).status, 200);
  });

  test('H8: a failed fetch releases its slot too', async () => {
    const dns = createTestResolver({ 'client.test': '127.0.0.1' });
    const fetcher = createSafeFetcher(loopbackFetcherOptions(pki, dns, { budgets: { perOrigin: { concurrent: 1 } } }));
    for (let i = 0; i < 3; i++) {
      await assert.rejects(fetcher.fetch(fetchRequest(origin.url('client.test', '/missing'))), { code: 'fetch-gone' });
    }
  });

  test('H8: the per-origin rate applies through the fetcher with its injected clock', async () => {
    const clock = manualClock();
    const dns = createTestResolver({ 'client.test': '127.0.0.1' });
    const fetcher = createSafeFetcher(
      loopbackFetcherOptions(pki, dns, { clock, budgets: { perOrigin: { perMinute: 30, burst: 2 } } }),
    );
    const url = origin.url('client.test', '/ok');
    await fetcher.fetch(fetchRequest(url));
    await fetcher.fetch(fetchRequest(url));
    await assert.rejects(fetcher.fetch(fetchRequest(url)), { code: 'fetch-over-budget' });
    clock.advance(2000);
    assert.equal((await fetcher.fetch(fetchRequest(url))).status, 200);
  });
});
