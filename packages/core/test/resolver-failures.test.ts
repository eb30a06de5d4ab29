import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CimdError,
  createClientResolver,
  createMemoryDocumentCache,
  isCimdError,
  type DocumentCache,
  type ReasonCode,
} from '@cimd/core';
import { ManualClock } from './support/manual-clock.js';
import { MapFetcher } from './support/map-fetcher.js';
import { codes, documentFor, HOUR, ID, MINUTE, SECOND, setup } from './support/resolver-setup.js';

const ID2 = 'https://app.example/other/client.json';
const MAX_AGE_600 = { 'cache-control': 'max-age=600' };

describe('admission policy before any fetch (H20)', () => {
  test('H20: a denied client_id is refused with fetch-policy-denied and nothing is fetched', async () => {
    for (const admit of [() => 'deny' as const, () => Promise.resolve('deny' as const)]) {
      const { fetcher, events, resolver } = setup({ hooks: { admit } });
      fetcher.serve(ID, { body: documentFor(ID) });
      await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { name: 'CimdError', code: 'fetch-policy-denied' });
      assert.equal(fetcher.count(), 0);
      assert.deepEqual(codes(events), ['fetch-policy-denied']);
    }
  });

  test('H20, R75: admission is asked on every resolution, so a client denied later is not served from the cache', async () => {
    let decision: 'allow' | 'deny' = 'allow';
    const { fetcher, resolver } = setup({ hooks: { admit: () => decision } });
    fetcher.serve(ID, { body: documentFor(ID), headers: MAX_AGE_600 });
    await resolver.resolve(ID, { use: 'authorize' });
    decision = 'deny';
    await assert.rejects(resolver.resolve(ID, { use: 'token' }), { code: 'fetch-policy-denied' });
    assert.equal(fetcher.count(), 1);
  });

  test('H20: the hook gets the client_id and a copy of the URL; changing the copy changes nothing', async () => {
    const seen: string[] = [];
    const { fetcher, resolver } = setup({
      hooks: {
        admit: (clientId, url) => {
          seen.push(clientId);
          url.hostname = 'attacker.example';
          return 'allow';
        },
      },
    });
    fetcher.serve(ID, { body: documentFor(ID) });
    await resolver.resolve(ID, { use: 'authorize' });
    assert.deepEqual(seen, [ID]);
    assert.equal(fetcher.requests[0]?.url.href, ID);
  });

  test('H20: a hook that throws, or answers anything but allow, denies', async () => {
    const answers = [
      () => {
        throw new Error('policy store down');
      },
      () => 'maybe' as 'allow',
    ];
    for (const admit of answers) {
      const { fetcher, resolver } = setup({ hooks: { admit } });
      fetcher.serve(ID, { body: documentFor(ID) });
      await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { code: 'fetch-policy-denied' });
      assert.equal(fetcher.count(), 0);
    }
  });

  test('R1, R4, H1: a client_id that breaks the URL rules is refused with its findings and never fetched', async () => {
    const { fetcher, events, resolver } = setup();
    const bad = 'http://app.example';
    await assert.rejects(resolver.resolve(bad, { use: 'authorize' }), (e: unknown) => {
      assert.ok(isCimdError(e));
      assert.deepEqual(e.findings.map((f) => f.code).sort(), ['client-id-not-https', 'client-id-path-missing']);
      return true;
    });
    assert.equal(fetcher.count(), 0);
    assert.equal(events[0]?.origin, undefined);
  });

  test('H17: the URL policy of the evaluate options applies', async () => {
    const { fetcher, resolver } = setup({ evaluate: { urlPolicy: { reserved: ['https://app.example/oauth/client.json'] } } });
    await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { code: 'client-id-reserved' });
    assert.equal(fetcher.count(), 0);
  });
});

describe('errors and invalid documents are never cached (R39, R40)', () => {
  const failures: readonly ReasonCode[] = [
    'fetch-bad-status',
    'fetch-timeout',
    'fetch-too-large',
    'fetch-redirect',
    'fetch-connect',
  ];
  for (const failure of failures) {
    test(`R39: after ${failure}, the next request fetches again`, async () => {
      const { fetcher, store, resolver } = setup();
      fetcher.serve(ID, { fail: failure });
      await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { code: failure });
      assert.equal(store.size, 0);
      await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { code: failure });
      assert.equal(fetcher.count(), 2);
      fetcher.serve(ID, { body: documentFor(ID) });
      assert.equal((await resolver.resolve(ID, { use: 'authorize' })).source, 'fetched');
      assert.equal(fetcher.count(), 3);
    });
  }

  const invalid: ReadonlyArray<readonly [string, string, ReasonCode]> = [
    ['a client_id mismatch', documentFor('https://other.example/client.json'), 'client-id-mismatch'],
    ['malformed JSON', '{"client_id": ', 'document-not-json'],
    ['a client_secret', documentFor(ID, { client_secret: 's3cr3t' }), 'client-secret-present'],
    [
      'a shared-secret method',
      documentFor(ID, { token_endpoint_auth_method: 'client_secret_basic' }),
      'shared-secret-auth-method',
    ],
  ];
  for (const [what, body, code] of invalid) {
    test(`R40: a document with ${what} is refused, not cached, and fetched again next time`, async () => {
      const { fetcher, store, events, resolver } = setup();
      fetcher.serve(ID, { body, headers: MAX_AGE_600 });
      await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { name: 'CimdError', code });
      assert.equal(store.size, 0);
      await assert.rejects(resolver.resolve(ID, { use: 'token' }), { code });
      assert.equal(fetcher.count(), 2);
      assert.deepEqual(codes(events), [code, code]);
      fetcher.serve(ID, { body: documentFor(ID), headers: MAX_AGE_600 });
      assert.equal((await resolver.resolve(ID, { use: 'authorize' })).source, 'fetched');
    });
  }

  test('R40: the server capabilities of the evaluate options decide, e.g. private_key_jwt without keys', async () => {
    const { fetcher, resolver } = setup({ evaluate: { server: { authMethods: ['private_key_jwt'] } } });
    fetcher.serve(ID, { body: documentFor(ID) });
    await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { code: 'auth-method-unsupported' });
  });

  test("R16: a cached entry that fails validation when read back (another client's document) is dropped and refetched", async () => {
    const clock = new ManualClock();
    const store = createMemoryDocumentCache({ clock });
    const now = clock.now();
    await store.set(ID, {
      body: documentFor('https://attacker.example/client.json'),
      digest: 'sha256:x',
      fetchedAt: now,
      freshUntil: now + HOUR,
      staleUntil: now + 2 * HOUR,
    });
    const fetcher = new MapFetcher().serve(ID, { body: documentFor(ID), headers: MAX_AGE_600 });
    const resolver = createClientResolver({ fetcher, clock, cache: { store } });
    const r = await resolver.resolve(ID, { use: 'authorize' });
    assert.equal(r.source, 'fetched');
    assert.equal(r.metadata.client_id, ID);
    assert.equal(fetcher.count(), 1);
  });

  test('a fetcher that throws something other than a CimdError yields fetch-network, with the cause kept', async () => {
    const { fetcher, resolver } = setup();
    const cause = new TypeError('socket hang up');
    fetcher.serve(ID, { throws: cause });
    await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), (e: unknown) => {
      assert.ok(isCimdError(e));
      assert.equal(e.code, 'fetch-network');
      assert.equal(e.cause, cause);
      return true;
    });
  });

  test('R36: a failing cache store yields cache-unavailable, a CimdError', async () => {
    const broken: DocumentCache = {
      get: () => Promise.reject(new Error('ECONNREFUSED')),
      set: () => Promise.reject(new Error('ECONNREFUSED')),
      delete: () => Promise.reject(new Error('ECONNREFUSED')),
    };
    const { fetcher, resolver } = setup({ cache: { store: broken } });
    fetcher.serve(ID, { body: documentFor(ID) });
    await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), {
      name: 'CimdError',
      code: 'cache-unavailable',
      status: 500,
    });
    await assert.rejects(resolver.invalidate(ID), { code: 'cache-unavailable' });
  });
});

describe('last good copy (H9)', () => {
  async function expiredWithFailingOrigin(options: Parameters<typeof setup>[0] = {}, fail: ReasonCode = 'fetch-connect') {
    const s = setup({ ...options, freshness: { refreshAheadFraction: 0, ...options.freshness } });
    s.fetcher.serve(ID, { body: documentFor(ID), headers: MAX_AGE_600 });
    const first = await s.resolver.resolve(ID, { use: 'authorize' });
    s.clock.advance(600 * SECOND);
    s.fetcher.serve(ID, { fail });
    return { ...s, first };
  }

  test('H9: when the refetch fails, a token resolution gets the last valid copy as stale-grace', async () => {
    const { fetcher, events, resolver, first } = await expiredWithFailingOrigin();
    const r = await resolver.resolve(ID, { use: 'token' });
    assert.equal(r.source, 'stale-grace');
    assert.equal(r.digest, first.digest);
    assert.equal(r.freshUntil, first.freshUntil);
    assert.equal(fetcher.count(), 2);
    const event = events.at(-1);
    assert.equal(event?.code, 'stale-grace');
    assert.equal(event.error?.code, 'fetch-connect');
  });

  test('H9: an authorize resolution never gets a stale copy: the failure is thrown', async () => {
    const { events, resolver } = await expiredWithFailingOrigin();
    await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { code: 'fetch-connect' });
    assert.equal(codes(events).at(-1), 'fetch-connect');
  });

  test('H9: an invalid new document is bridged for token too, and does not replace the cached copy', async () => {
    const { fetcher, resolver, first } = await expiredWithFailingOrigin();
    fetcher.serve(ID, { body: documentFor(ID, { client_secret: 'oops' }), headers: MAX_AGE_600 });
    assert.equal((await resolver.resolve(ID, { use: 'token' })).source, 'stale-grace');
    await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { code: 'client-secret-present' });
    fetcher.serve(ID, { fail: 'fetch-timeout' });
    assert.equal((await resolver.resolve(ID, { use: 'token' })).digest, first.digest);
  });

  test('H9: never after the grace window (default 1 h after freshness ended)', async () => {
    const { clock, resolver } = await expiredWithFailingOrigin();
    clock.advance(HOUR - 1);
    assert.equal((await resolver.resolve(ID, { use: 'token' })).source, 'stale-grace');
    clock.advance(1);
    await assert.rejects(resolver.resolve(ID, { use: 'token' }), { code: 'fetch-connect' });
  });

  test('H9: never beyond maxMs after the origin last confirmed the document', async () => {
    // Fresh for 10 min (max-age=600); grace 1 h; but maxMs 15 min caps the grace at 5 min.
    const { clock, resolver } = await expiredWithFailingOrigin({ freshness: { maxMs: 15 * MINUTE, staleGraceMs: HOUR } });
    clock.advance(5 * MINUTE - 1);
    assert.equal((await resolver.resolve(ID, { use: 'token' })).source, 'stale-grace');
    clock.advance(1);
    await assert.rejects(resolver.resolve(ID, { use: 'token' }), { code: 'fetch-connect' });
  });

  test('H9: a document its origin says is gone (404, 410) is never served from the grace: the client withdrew it', async () => {
    const gone = await expiredWithFailingOrigin({}, 'fetch-gone');
    await assert.rejects(gone.resolver.resolve(ID, { use: 'token' }), { code: 'fetch-gone' });
    const outage = await expiredWithFailingOrigin({}, 'fetch-bad-status');
    assert.equal((await outage.resolver.resolve(ID, { use: 'token' })).source, 'stale-grace', 'a 5xx is an outage');
  });

  test('regression, H9: once the origin said gone, a later outage does not bring the withdrawn copy back', async () => {
    const { fetcher, resolver, store } = await expiredWithFailingOrigin({}, 'fetch-gone');
    await assert.rejects(resolver.resolve(ID, { use: 'token' }), { code: 'fetch-gone' });
    assert.equal(await store.get(ID), undefined, 'the copy is dropped');
    fetcher.serve(ID, { fail: 'fetch-timeout' });
    await assert.rejects(resolver.resolve(ID, { use: 'token' }), { code: 'fetch-timeout' });
  });

  test('regression, H9: a 404 seen by a background refresh ends the cached document at once', async () => {
    const { clock, fetcher, resolver } = setup();
    fetcher.serve(ID, { body: documentFor(ID), headers: { 'cache-control': 'max-age=1000' } });
    await resolver.resolve(ID, { use: 'authorize' });
    clock.advance(950 * SECOND); // in the last 10 %: a hit refreshes in the background
    fetcher.serve(ID, { fail: 'fetch-gone' });
    assert.equal((await resolver.resolve(ID, { use: 'authorize' })).source, 'cache-hit');
    await resolver.drain();
    await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { code: 'fetch-gone' });
  });

  test('H9: staleGraceMs 0 turns the last good copy off', async () => {
    const { resolver } = await expiredWithFailingOrigin({ freshness: { staleGraceMs: 0 } });
    await assert.rejects(resolver.resolve(ID, { use: 'token' }), { code: 'fetch-connect' });
  });
});

describe('per-origin backoff (H8)', () => {
  const backoff = { threshold: 3, baseMs: 30 * SECOND, maxMs: 10 * MINUTE };

  test('H8: after N consecutive failures the origin is refused with fetch-backoff, without traffic, for a growing interval', async () => {
    const { clock, fetcher, resolver } = setup({ backoff });
    fetcher.serve(ID, { fail: 'fetch-connect' }).serve(ID2, { fail: 'fetch-connect' });
    for (let i = 0; i < 3; i++) await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { code: 'fetch-connect' });
    assert.equal(fetcher.count(), 3);
    // Another client on the same origin is refused too, and nothing is sent.
    await assert.rejects(resolver.resolve(ID2, { use: 'authorize' }), (e: unknown) => {
      assert.ok(isCimdError(e));
      assert.equal(e.code, 'fetch-backoff');
      assert.equal(e.wire, 'temporarily_unavailable');
      assert.equal(e.headers['retry-after'], '30');
      return true;
    });
    assert.equal(fetcher.count(), 3);
    // When the interval has passed, one probe goes out; its failure doubles the interval.
    clock.advance(30 * SECOND);
    await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { code: 'fetch-connect' });
    assert.equal(fetcher.count(), 4);
    clock.advance(60 * SECOND - 1);
    await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { code: 'fetch-backoff' });
    assert.equal(fetcher.count(), 4);
  });

  test('H8: a success resets the origin; counting starts again from zero', async () => {
    const { clock, fetcher, resolver } = setup({ backoff });
    fetcher.serve(ID, { fail: 'fetch-timeout' });
    for (let i = 0; i < 3; i++) await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { code: 'fetch-timeout' });
    clock.advance(30 * SECOND);
    fetcher.serve(ID, { body: documentFor(ID), headers: MAX_AGE_600 });
    assert.equal((await resolver.resolve(ID, { use: 'authorize' })).source, 'fetched');
    fetcher.serve(ID2, { fail: 'fetch-timeout' });
    for (let i = 0; i < 2; i++) await assert.rejects(resolver.resolve(ID2, { use: 'authorize' }), { code: 'fetch-timeout' });
    await assert.rejects(resolver.resolve(ID2, { use: 'authorize' }), { code: 'fetch-timeout' });
    assert.equal(fetcher.count(), 7, 'two failures after the reset did not reach the threshold');
  });

  test('H8: failures about one URL (a 404, an invalid document) never put a shared origin into backoff', async () => {
    const { fetcher, resolver } = setup({ backoff });
    fetcher.serve(ID2, { body: documentFor('https://elsewhere.example/c.json') });
    for (let i = 0; i < 10; i++) {
      await assert.rejects(resolver.resolve('https://app.example/missing.json', { use: 'authorize' }), {
        code: 'fetch-gone',
      });
    }
    for (let i = 0; i < 10; i++) {
      await assert.rejects(resolver.resolve(ID2, { use: 'authorize' }), { code: 'client-id-mismatch' });
    }
    assert.equal(fetcher.count(), 20);
    fetcher.serve(ID, { body: documentFor(ID) });
    assert.equal((await resolver.resolve(ID, { use: 'authorize' })).source, 'fetched');
  });

  test('H8: the counted failures are configurable', async () => {
    const { fetcher, resolver } = setup({ backoff: { ...backoff, threshold: 1, countedReasons: ['fetch-gone'] } });
    await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { code: 'fetch-gone' });
    await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { code: 'fetch-backoff' });
    assert.equal(fetcher.count(), 1);
  });

  test('H8, H9: a token resolution of an expired entry is bridged while the origin is in backoff', async () => {
    const { clock, fetcher, resolver } = setup({ backoff: { ...backoff, threshold: 1 }, freshness: { refreshAheadFraction: 0 } });
    fetcher.serve(ID, { body: documentFor(ID), headers: MAX_AGE_600 });
    await resolver.resolve(ID, { use: 'authorize' });
    clock.advance(600 * SECOND);
    fetcher.serve(ID, { fail: 'fetch-dns' });
    assert.equal((await resolver.resolve(ID, { use: 'token' })).source, 'stale-grace');
    await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { code: 'fetch-backoff' });
    assert.equal((await resolver.resolve(ID, { use: 'token' })).source, 'stale-grace');
    assert.equal(fetcher.count(), 2);
  });
});

test('options out of range are refused when the resolver is created', () => {
  const fetcher = new MapFetcher();
  assert.throws(() => createClientResolver({ fetcher, freshness: { minMs: HOUR, maxMs: MINUTE } }), RangeError);
  assert.throws(() => createClientResolver({ fetcher, freshness: { refreshAheadFraction: 1 } }), RangeError);
  assert.throws(() => createClientResolver({ fetcher, freshness: { staleGraceMs: -1 } }), RangeError);
  assert.throws(() => createClientResolver({ fetcher, backoff: { threshold: 0 } }), RangeError);
});

describe('beforeFirstFetch hook', () => {
  test('asked only when nothing is cached, with the use; its CimdError refuses the fetch unchanged', async () => {
    const asked: string[] = [];
    const { fetcher, resolver } = setup({
      hooks: {
        beforeFirstFetch: (clientId, use) => {
          asked.push(use);
          if (use === 'token') throw new CimdError('client-unknown', `${clientId} is not known`);
        },
      },
    });
    fetcher.serve(ID, { body: documentFor(ID) });
    await assert.rejects(resolver.resolve(ID, { use: 'token' }), { code: 'client-unknown' });
    assert.equal(fetcher.count(), 0);
    await resolver.resolve(ID, { use: 'authorize' });
    await resolver.resolve(ID, { use: 'token' }); // cached now: not asked
    assert.deepEqual(asked, ['token', 'authorize']);
  });

  test('a hook that throws something else refuses with fetch-policy-denied', async () => {
    const { fetcher, resolver } = setup({
      hooks: {
        beforeFirstFetch: () => {
          throw new Error('database down');
        },
      },
    });
    fetcher.serve(ID, { body: documentFor(ID) });
    await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { code: 'fetch-policy-denied' });
    assert.equal(fetcher.count(), 0);
  });
});
