import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { isCimdError, type ResolvedClient } from '@cimd/core';
import { codes, documentFor, HOUR, ID, MINUTE, SECOND, setup } from './support/resolver-setup.js';

const ORIGIN = 'https://app.example';
const NO_REFRESH_AHEAD = { freshness: { refreshAheadFraction: 0 } } as const;

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('base64url')}`;
}

describe('fetch and cache (R29, R30, R36–R38, R77, M-AS1, M-AS3)', () => {
  test('R29: an unknown client_id causes exactly one GET of that URL and yields validated, negotiated metadata', async () => {
    const { clock, fetcher, events, resolver } = setup();
    const body = documentFor(ID);
    fetcher.serve(ID, { body, headers: { 'cache-control': 'max-age=600' } });
    const r = await resolver.resolve(ID, { use: 'authorize' });
    assert.equal(fetcher.count(), 1);
    assert.equal(fetcher.requests[0]?.url.href, ID);
    assert.equal(fetcher.requests[0]?.purpose, 'client-metadata');
    assert.equal(fetcher.requests[0]?.conditional, undefined);
    assert.equal(r.clientId, ID);
    assert.equal(r.metadata.client_id, ID);
    assert.deepEqual(r.metadata.redirect_uris, ['https://app.example/callback']);
    assert.equal(r.negotiated.token_endpoint_auth_method, 'none');
    assert.equal(r.source, 'fetched');
    assert.equal(r.fetchedAt, clock.now());
    assert.equal(r.freshUntil, clock.now() + 600 * SECOND);
    assert.equal(r.digest, sha256(body));
    assert.deepEqual(events, [{ code: 'fetched', clientId: ID, origin: ORIGIN, ms: 0, use: 'authorize' }]);
  });

  test('R37, R77: within max-age, every resolution is served from the cache without a fetch', async () => {
    const { clock, fetcher, events, resolver } = setup(NO_REFRESH_AHEAD);
    fetcher.serve(ID, { body: documentFor(ID), headers: { 'cache-control': 'max-age=600' } });
    const first = await resolver.resolve(ID, { use: 'authorize' });
    const later: ResolvedClient[] = [];
    for (let t = 10; t < 600; t += 10) {
      clock.advance(10 * SECOND);
      later.push(await resolver.resolve(ID, { use: t % 20 === 0 ? 'token' : 'authorize' }));
    }
    assert.equal(fetcher.count(), 1);
    assert.ok(later.every((r) => r.source === 'cache-hit' && r.digest === first.digest && r.fetchedAt === first.fetchedAt));
    assert.deepEqual(new Set(codes(events.slice(1))), new Set(['cache-hit']));
  });

  test('R30: at expiry the next resolution fetches again', async () => {
    const { clock, fetcher, resolver } = setup(NO_REFRESH_AHEAD);
    fetcher.serve(ID, { body: documentFor(ID), headers: { 'cache-control': 'max-age=600' } });
    await resolver.resolve(ID, { use: 'authorize' });
    clock.advance(600 * SECOND - 1);
    assert.equal((await resolver.resolve(ID, { use: 'authorize' })).source, 'cache-hit');
    clock.advance(1);
    fetcher.serve(ID, { body: documentFor(ID, { client_name: 'Renamed' }), headers: { 'cache-control': 'max-age=600' } });
    const r = await resolver.resolve(ID, { use: 'authorize' });
    assert.equal(fetcher.count(), 2);
    assert.equal(r.source, 'fetched');
    assert.equal(r.metadata.client_name, 'Renamed');
    assert.equal(r.fetchedAt, clock.now());
  });

  test('R38: a year-long max-age is clamped to the configured maximum', async () => {
    const { clock, fetcher, resolver } = setup({ freshness: { maxMs: HOUR, refreshAheadFraction: 0 } });
    fetcher.serve(ID, { body: documentFor(ID), headers: { 'cache-control': 'max-age=31536000' } });
    const r = await resolver.resolve(ID, { use: 'authorize' });
    assert.equal(r.freshUntil, r.fetchedAt + HOUR);
    clock.advance(HOUR);
    await resolver.resolve(ID, { use: 'authorize' });
    assert.equal(fetcher.count(), 2);
  });

  test('R38: no-store is cached for the configured minimum, not refetched on every request', async () => {
    const { clock, fetcher, resolver } = setup(NO_REFRESH_AHEAD);
    fetcher.serve(ID, { body: documentFor(ID), headers: { 'cache-control': 'no-store, no-cache, max-age=0' } });
    const r = await resolver.resolve(ID, { use: 'authorize' });
    assert.equal(r.freshUntil, r.fetchedAt + 5 * MINUTE);
    clock.advance(4 * MINUTE);
    assert.equal((await resolver.resolve(ID, { use: 'authorize' })).source, 'cache-hit');
    assert.equal(fetcher.count(), 1);
  });

  test('R8, R16: the cache is keyed by the client_id as written; another spelling is fetched and judged on its own', async () => {
    const { fetcher, store, resolver } = setup();
    fetcher.serve(ID, { body: documentFor(ID), headers: { 'cache-control': 'max-age=600' } });
    await resolver.resolve(ID, { use: 'authorize' });
    const spelled = 'https://app.example:443/oauth/client.json';
    await assert.rejects(resolver.resolve(spelled, { use: 'authorize' }), { name: 'CimdError', code: 'client-id-mismatch' });
    assert.equal(fetcher.count(), 2);
    assert.equal(store.size, 1);
  });

  test('R36: invalidate forgets the cached document; the next resolution fetches', async () => {
    const { fetcher, resolver } = setup();
    fetcher.serve(ID, { body: documentFor(ID), headers: { 'cache-control': 'max-age=600' } });
    await resolver.resolve(ID, { use: 'authorize' });
    await resolver.invalidate(ID);
    assert.equal((await resolver.resolve(ID, { use: 'authorize' })).source, 'fetched');
    assert.equal(fetcher.count(), 2);
  });

  test('a throwing event hook does not change the outcome', async () => {
    const { fetcher, resolver } = setup({
      hooks: {
        onEvent: () => {
          throw new Error('metrics are down');
        },
      },
    });
    fetcher.serve(ID, { body: documentFor(ID) });
    assert.equal((await resolver.resolve(ID, { use: 'authorize' })).source, 'fetched');
  });
});

describe('single-flight (H8)', () => {
  test('H8: 1,000 concurrent resolutions of one client_id cause one fetch and share its outcome', async () => {
    const { fetcher, events, resolver } = setup();
    fetcher.serve(ID, { body: documentFor(ID), headers: { 'cache-control': 'max-age=600' } });
    const release = fetcher.hold();
    const all = Array.from({ length: 1000 }, (_, i) => resolver.resolve(ID, { use: i % 2 === 0 ? 'authorize' : 'token' }));
    await tick();
    assert.equal(fetcher.count(), 1);
    release();
    const results = await Promise.all(all);
    assert.equal(fetcher.count(), 1);
    assert.equal(new Set(results.map((r) => r.digest)).size, 1);
    assert.ok(results.every((r) => r.source === 'fetched'));
    assert.equal(events.filter((e) => e.code === 'fetched' && e.coalesced === undefined).length, 1);
    assert.equal(events.filter((e) => e.code === 'fetched' && e.coalesced === true).length, 999);
  });

  test('H8, R39: 1,000 concurrent resolutions of a failing client_id cause one fetch; the next one fetches again', async () => {
    const { fetcher, resolver } = setup();
    fetcher.serve(ID, { fail: 'fetch-timeout' });
    const release = fetcher.hold();
    const all = Array.from({ length: 1000 }, () => resolver.resolve(ID, { use: 'authorize' }));
    await tick();
    release();
    const outcomes = await Promise.allSettled(all);
    assert.ok(outcomes.every((o) => o.status === 'rejected' && isCimdError(o.reason) && o.reason.code === 'fetch-timeout'));
    assert.equal(fetcher.count(), 1);
    await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { code: 'fetch-timeout' });
    assert.equal(fetcher.count(), 2);
  });

  test('H8: concurrent resolutions of different client_ids fetch each one once', async () => {
    const { fetcher, resolver } = setup();
    const ids = Array.from({ length: 10 }, (_, i) => `https://app${i}.example/cimd.json`);
    for (const id of ids) fetcher.serve(id, { body: documentFor(id) });
    const release = fetcher.hold();
    const all = ids.flatMap((id) => Array.from({ length: 10 }, () => resolver.resolve(id, { use: 'authorize' })));
    await tick();
    release();
    const results = await Promise.all(all);
    assert.equal(fetcher.count(), 10);
    for (const id of ids) assert.equal(fetcher.count(id), 1, id);
    assert.deepEqual(new Set(results.map((r) => r.clientId)), new Set(ids));
  });
});

describe('conditional revalidation (R37)', () => {
  test('R37: an expired entry is revalidated with its ETag; a 304 renews it without reading the document again', async () => {
    const { clock, fetcher, events, resolver } = setup(NO_REFRESH_AHEAD);
    const body = documentFor(ID);
    fetcher.serve(ID, { body, headers: { 'cache-control': 'max-age=600', etag: '"v1"' } });
    const first = await resolver.resolve(ID, { use: 'authorize' });
    assert.equal(first.etag, '"v1"');
    clock.advance(600 * SECOND);
    // The origin now says the document may live longer; the 304 carries its new Cache-Control.
    fetcher.serve(ID, { body, headers: { 'cache-control': 'max-age=1200', etag: '"v1"' } });
    const r = await resolver.resolve(ID, { use: 'authorize' });
    assert.deepEqual(fetcher.requests[1]?.conditional, { etag: '"v1"' });
    assert.equal(r.source, 'revalidated');
    assert.equal(r.fetchedAt, clock.now());
    assert.equal(r.freshUntil, clock.now() + 1200 * SECOND);
    assert.equal(r.digest, first.digest);
    assert.deepEqual(r.metadata, first.metadata);
    assert.equal(codes(events).at(-1), 'revalidated');
    clock.advance(1000 * SECOND);
    assert.equal((await resolver.resolve(ID, { use: 'authorize' })).source, 'cache-hit');
    assert.equal(fetcher.count(), 2);
  });

  test('R37: Last-Modified is sent when there is no ETag', async () => {
    const { clock, fetcher, resolver } = setup(NO_REFRESH_AHEAD);
    const lastModified = 'Sun, 01 Nov 2026 10:00:00 GMT';
    fetcher.serve(ID, { body: documentFor(ID), headers: { 'cache-control': 'max-age=600', 'last-modified': lastModified } });
    await resolver.resolve(ID, { use: 'authorize' });
    clock.advance(600 * SECOND);
    const r = await resolver.resolve(ID, { use: 'authorize' });
    assert.deepEqual(fetcher.requests[1]?.conditional, { lastModified });
    assert.equal(r.source, 'revalidated');
    assert.equal(r.lastModified, lastModified);
  });

  test('R37: a changed document answers 200 and replaces the entry', async () => {
    const { clock, fetcher, resolver } = setup(NO_REFRESH_AHEAD);
    fetcher.serve(ID, { body: documentFor(ID), headers: { 'cache-control': 'max-age=600', etag: '"v1"' } });
    const first = await resolver.resolve(ID, { use: 'authorize' });
    clock.advance(600 * SECOND);
    const changed = documentFor(ID, { client_name: 'Version 2' });
    fetcher.serve(ID, { body: changed, headers: { 'cache-control': 'max-age=600', etag: '"v2"' } });
    const r = await resolver.resolve(ID, { use: 'authorize' });
    assert.equal(r.source, 'fetched');
    assert.equal(r.etag, '"v2"');
    assert.equal(r.digest, sha256(changed));
    assert.notEqual(r.digest, first.digest);
    assert.equal(r.metadata.client_name, 'Version 2');
  });

  test('R32: with conditional revalidation off, no condition is sent and the document is read again', async () => {
    const { clock, fetcher, resolver } = setup({ ...NO_REFRESH_AHEAD, cache: { conditional: false } });
    fetcher.serve(ID, { body: documentFor(ID), headers: { 'cache-control': 'max-age=600', etag: '"v1"' } });
    await resolver.resolve(ID, { use: 'authorize' });
    clock.advance(600 * SECOND);
    const r = await resolver.resolve(ID, { use: 'authorize' });
    assert.equal(fetcher.requests[1]?.conditional, undefined);
    assert.equal(r.source, 'fetched');
  });

  test('R32: a 304 to a request that was not conditional is an error and nothing is cached', async () => {
    const { fetcher, store, resolver } = setup();
    fetcher.serve(ID, { notModified: true });
    await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { code: 'fetch-bad-status' });
    assert.equal(store.size, 0);
  });

  test('R37: malformed validators are neither kept nor sent', async () => {
    const { clock, fetcher, resolver } = setup(NO_REFRESH_AHEAD);
    fetcher.serve(ID, {
      body: documentFor(ID),
      headers: { 'cache-control': 'max-age=600', etag: 'v1-unquoted', 'last-modified': 'last tuesday' },
    });
    const r = await resolver.resolve(ID, { use: 'authorize' });
    assert.equal(r.etag, undefined);
    assert.equal(r.lastModified, undefined);
    clock.advance(600 * SECOND);
    await resolver.resolve(ID, { use: 'authorize' });
    assert.equal(fetcher.requests[1]?.conditional, undefined);
  });
});

describe('refresh-ahead (R30)', () => {
  test('R30: a hit in the last 10 % of the lifetime returns at once and refreshes once in the background', async () => {
    const { clock, fetcher, events, resolver } = setup();
    fetcher.serve(ID, { body: documentFor(ID), headers: { 'cache-control': 'max-age=1000' } });
    const first = await resolver.resolve(ID, { use: 'authorize' });
    clock.advance(899 * SECOND);
    assert.equal((await resolver.resolve(ID, { use: 'authorize' })).source, 'cache-hit');
    assert.equal(fetcher.count(), 1, 'no refresh before the last 10 %');

    clock.advance(1 * SECOND);
    const changed = documentFor(ID, { client_name: 'Refreshed' });
    fetcher.serve(ID, { body: changed, headers: { 'cache-control': 'max-age=1000' } });
    const release = fetcher.hold();
    // Resolves while the background fetch is still held: the caller does not wait for it.
    const hit = await resolver.resolve(ID, { use: 'authorize' });
    assert.equal(hit.source, 'cache-hit');
    assert.equal(hit.digest, first.digest);
    assert.equal(codes(events).at(-1), 'refresh-ahead');
    for (let i = 0; i < 5; i++) assert.equal((await resolver.resolve(ID, { use: 'token' })).source, 'cache-hit');
    await tick();
    assert.equal(fetcher.count(), 2, 'one background refresh');

    release();
    await resolver.drain();
    const refreshed = events.find((e) => e.use === 'refresh');
    assert.equal(refreshed?.code, 'fetched');
    const after = await resolver.resolve(ID, { use: 'authorize' });
    assert.equal(after.source, 'cache-hit');
    assert.equal(after.metadata.client_name, 'Refreshed');
    assert.equal(after.fetchedAt, clock.now());
    assert.equal(fetcher.count(), 2);
  });

  test('R30: a failed background refresh is reported, never thrown, and not repeated for the same entry', async () => {
    const { clock, fetcher, events, resolver } = setup();
    fetcher.serve(ID, { body: documentFor(ID), headers: { 'cache-control': 'max-age=1000' } });
    await resolver.resolve(ID, { use: 'authorize' });
    clock.advance(950 * SECOND);
    fetcher.serve(ID, { fail: 'fetch-timeout' });
    assert.equal((await resolver.resolve(ID, { use: 'authorize' })).source, 'cache-hit');
    await resolver.drain();
    const failed = events.find((e) => e.use === 'refresh');
    assert.equal(failed?.code, 'fetch-timeout');
    assert.equal(failed.error?.code, 'fetch-timeout');
    for (let i = 0; i < 5; i++) {
      clock.advance(5 * SECOND);
      assert.equal((await resolver.resolve(ID, { use: 'authorize' })).source, 'cache-hit');
    }
    await resolver.drain();
    assert.equal(fetcher.count(), 2);
    clock.advance(25 * SECOND); // expired now: the foreground takes over
    await assert.rejects(resolver.resolve(ID, { use: 'authorize' }), { code: 'fetch-timeout' });
    assert.equal(fetcher.count(), 3);
  });

  test('R30: refreshAheadFraction 0 turns refresh-ahead off', async () => {
    const { clock, fetcher, resolver } = setup(NO_REFRESH_AHEAD);
    fetcher.serve(ID, { body: documentFor(ID), headers: { 'cache-control': 'max-age=1000' } });
    await resolver.resolve(ID, { use: 'authorize' });
    clock.advance(999 * SECOND);
    await resolver.resolve(ID, { use: 'authorize' });
    await resolver.drain();
    assert.equal(fetcher.count(), 1);
  });
});

describe('peek: cache only, for decisions that must not cause traffic (H20)', () => {
  test('peek never fetches: undefined before any resolution, the client once cached, undefined after expiry', async () => {
    const { clock, fetcher, resolver } = setup(NO_REFRESH_AHEAD);
    fetcher.serve(ID, { body: documentFor(ID), headers: { 'cache-control': 'max-age=600' } });
    assert.equal(await resolver.peek(ID), undefined);
    assert.equal(fetcher.count(), 0);
    await resolver.resolve(ID, { use: 'authorize' });
    const peeked = await resolver.peek(ID);
    assert.equal(peeked?.clientId, ID);
    assert.equal(peeked?.source, 'cache-hit');
    clock.advance(600 * SECOND);
    assert.equal(await resolver.peek(ID), undefined, 'a stale entry is never peeked');
    assert.equal(fetcher.count(), 1);
  });

  test('peek answers undefined for a client_id that breaks the URL rules or is not admitted', async () => {
    const { fetcher, resolver } = setup({ hooks: { admit: () => 'deny' } });
    fetcher.serve(ID, { body: documentFor(ID) });
    assert.equal(await resolver.peek('http://app.example/c'), undefined);
    assert.equal(await resolver.peek(ID), undefined);
    assert.equal(fetcher.count(), 0);
  });
});
