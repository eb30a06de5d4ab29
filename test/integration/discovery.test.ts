/**
 * Safe discovery end to end inside one process: the real resolver (`@cimd/core`) over the real
 * SSRF-safe fetcher (`@cimd/node`) against real HTTPS origins on loopback (the node test kit:
 * test CA, injected DNS, development mode bound to 127.0.0.1). Every count is taken at the
 * origin server, not at the fetcher.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClientResolver, type ClientResolver, type ResolverEvent, type ResolverFreshnessOptions } from '@cimd/core';
import { createSafeFetcher, documentDigest, type FetchEvent } from '@cimd/node';
import { ManualClock } from '../../packages/core/test/support/manual-clock.js';
import {
  createTestPki,
  createTestResolver,
  jsonAnswer,
  loopbackFetcherOptions,
  rejectsWithCode,
  startOriginServer,
  waitFor,
  type OriginServer,
  type TestPki,
  type TestResolver,
} from '../../packages/node/test/kit/index.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

let pki: TestPki;
let origin: OriginServer;
/** A second origin, only ever a redirect target: it must never be contacted. */
let target: OriginServer;
let dns: TestResolver;

before(async () => {
  pki = await createTestPki();
  origin = await startOriginServer({ certificate: pki.leaf });
  target = await startOriginServer({ certificate: pki.leaf });
  dns = createTestResolver({ 'client.test': '127.0.0.1', 'target.client.test': '127.0.0.1' });
});
after(async () => {
  await origin.close();
  await target.close();
  await pki.dispose();
});

/** The client_id served at `path` on the origin: `https://client.test:<port><path>`. */
function idAt(path: string): string {
  return origin.url('client.test', path).href;
}

/** A small valid document for `clientId`. */
function documentFor(clientId: string): Record<string, unknown> {
  return { client_id: clientId, client_name: 'Integration App', redirect_uris: ['https://client.test/callback'] };
}

interface Setup {
  readonly resolver: ClientResolver;
  readonly clock: ManualClock;
  readonly events: ResolverEvent[];
  readonly fetches: FetchEvent[];
}

/** A resolver over a safe fetcher for the kit's origins, with a manual clock for freshness. */
function setup(freshness: Partial<ResolverFreshnessOptions> = {}): Setup {
  const clock = new ManualClock();
  const events: ResolverEvent[] = [];
  const fetches: FetchEvent[] = [];
  const fetcher = createSafeFetcher(loopbackFetcherOptions(pki, dns, { onFetch: (e) => fetches.push(e) }));
  const resolver = createClientResolver({
    digest: documentDigest,
    fetcher,
    clock,
    freshness: { refreshAheadFraction: 0, ...freshness },
    hooks: { onEvent: (e) => events.push(e) },
  });
  return { resolver, clock, events, fetches };
}

describe('resolver over the safe fetcher: the happy path', () => {
  test('R29, M-AS2: an unknown client_id is fetched once over TLS from the checked address, validated and negotiated', async () => {
    const path = '/happy.json';
    const id = idAt(path);
    origin.route(path, jsonAnswer(documentFor(id), { 'cache-control': 'max-age=600' }));
    const { resolver, fetches } = setup();

    const client = await resolver.resolve(id, { use: 'authorize' });

    assert.equal(client.source, 'fetched');
    assert.equal(client.clientId, id);
    assert.equal(client.metadata.client_name, 'Integration App');
    assert.deepEqual(client.negotiated.grant_types, ['authorization_code']);
    assert.equal(client.negotiated.token_endpoint_auth_method, 'none');
    assert.match(client.digest, /^sha256:[A-Za-z0-9_-]{43}$/);
    assert.equal(origin.hits(path), 1);
    const seen = origin.requests.at(-1);
    assert.equal(seen?.servername, 'client.test', 'SNI is the client_id host');
    assert.equal(seen?.remoteAddress, '127.0.0.1');
    assert.deepEqual(
      fetches.map((f) => [f.outcome, f.status, f.address]),
      [['fetched', 200, '127.0.0.1']],
    );
  });
});

describe('single-flight against a real origin (H8)', () => {
  test('H8, R77: 1,000 concurrent resolutions of one new client_id make exactly one request and one connection at the origin', async () => {
    const path = '/stampede.json';
    const id = idAt(path);
    const body = JSON.stringify(documentFor(id));
    // Hold the answer until the request has arrived: every resolution has started by then, and
    // any that did not join the flight would show up as a second request.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    origin.route(path, (_request, response) => {
      void held.then(() =>
        response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=600' }).end(body),
      );
    });
    const { resolver, events } = setup();
    const connectionsBefore = origin.connections.count;

    const all = Promise.all(Array.from({ length: 1000 }, () => resolver.resolve(id, { use: 'authorize' })));
    await waitFor(() => origin.hits(path) === 1, 'the request at the origin');
    release();
    const clients = await all;

    assert.equal(clients.length, 1000);
    assert.equal(new Set(clients.map((c) => c.digest)).size, 1, 'every caller got the same document');
    assert.equal(origin.hits(path), 1, 'exactly one request counted at the origin');
    assert.equal(origin.connections.count - connectionsBefore, 1, 'exactly one TCP connection');
    const led = events.filter((e) => e.code === 'fetched' && e.coalesced !== true);
    const joined = events.filter((e) => e.code === 'fetched' && e.coalesced === true);
    assert.equal(led.length, 1);
    assert.equal(joined.length, 999);
    // And afterwards, the cache answers.
    assert.equal((await resolver.resolve(id, { use: 'authorize' })).source, 'cache-hit');
    assert.equal(origin.hits(path), 1);
  });
});

describe('the cache honours the origin within bounds (R37, R38)', () => {
  test('R37, R77: max-age=600 is honoured: no request within 600 s, a new one after', async () => {
    const path = '/max-age.json';
    const id = idAt(path);
    origin.route(path, jsonAnswer(documentFor(id), { 'cache-control': 'max-age=600' }));
    const { resolver, clock } = setup();

    const first = await resolver.resolve(id, { use: 'authorize' });
    assert.equal(first.freshUntil - first.fetchedAt, 600 * SECOND);
    clock.advance(600 * SECOND - 1);
    assert.equal((await resolver.resolve(id, { use: 'authorize' })).source, 'cache-hit');
    assert.equal(origin.hits(path), 1, 'no request within max-age');
    clock.advance(1);
    assert.equal((await resolver.resolve(id, { use: 'authorize' })).source, 'fetched');
    assert.equal(origin.hits(path), 2, 'a new request once max-age has passed (R30)');
  });

  test('R38, R77: no-store gets the configured minimum lifetime, not zero', async () => {
    const path = '/no-store.json';
    const id = idAt(path);
    origin.route(path, jsonAnswer(documentFor(id), { 'cache-control': 'no-store, no-cache, max-age=0' }));
    const { resolver, clock } = setup({ minMs: 2 * MINUTE });

    const first = await resolver.resolve(id, { use: 'authorize' });
    assert.equal(first.freshUntil - first.fetchedAt, 2 * MINUTE);
    clock.advance(2 * MINUTE - 1);
    await resolver.resolve(id, { use: 'authorize' });
    assert.equal(origin.hits(path), 1, 'served from the cache for the minimum lifetime');
    clock.advance(1);
    await resolver.resolve(id, { use: 'authorize' });
    assert.equal(origin.hits(path), 2);
  });

  test('R38: max-age=31536000 is clamped to the configured maximum', async () => {
    const path = '/a-year.json';
    const id = idAt(path);
    origin.route(path, jsonAnswer(documentFor(id), { 'cache-control': 'max-age=31536000' }));
    const { resolver, clock } = setup({ maxMs: 24 * HOUR, staleGraceMs: 0 });

    const first = await resolver.resolve(id, { use: 'authorize' });
    assert.equal(first.freshUntil - first.fetchedAt, 24 * HOUR);
    clock.advance(24 * HOUR - 1);
    await resolver.resolve(id, { use: 'authorize' });
    assert.equal(origin.hits(path), 1);
    clock.advance(1);
    assert.equal((await resolver.resolve(id, { use: 'authorize' })).source, 'fetched');
    assert.equal(origin.hits(path), 2, 'refetched after the maximum, whatever the origin asked');
  });
});

describe('failures are never cached (R39, R40)', () => {
  test('R39: after a 500 the next resolution fetches again, and succeeds once the origin recovers', async () => {
    const path = '/flaky.json';
    const id = idAt(path);
    origin.route(path, {
      status: 500,
      headers: { 'content-type': 'application/json', 'cache-control': 'max-age=3600' },
      body: '{}',
    });
    const { resolver } = setup();

    await rejectsWithCode(resolver.resolve(id, { use: 'authorize' }), 'fetch-bad-status');
    await rejectsWithCode(resolver.resolve(id, { use: 'authorize' }), 'fetch-bad-status');
    assert.equal(origin.hits(path), 2, 'the 500 was not cached');
    origin.route(path, jsonAnswer(documentFor(id), { 'cache-control': 'max-age=600' }));
    assert.equal((await resolver.resolve(id, { use: 'authorize' })).source, 'fetched');
    assert.equal(origin.hits(path), 3);
  });

  test('R40, R16: a document naming another client_id is refused and not cached: the next resolution fetches again', async () => {
    const path = '/impostor.json';
    const id = idAt(path);
    origin.route(path, jsonAnswer(documentFor(idAt('/someone-else.json')), { 'cache-control': 'max-age=3600' }));
    const { resolver } = setup();

    await rejectsWithCode(resolver.resolve(id, { use: 'authorize' }), 'client-id-mismatch');
    await rejectsWithCode(resolver.resolve(id, { use: 'authorize' }), 'client-id-mismatch');
    assert.equal(origin.hits(path), 2, 'the invalid document was not cached');
  });
});

describe('redirects (R33)', () => {
  test('R33, H7: a 302 to a valid document is an error and the target is never contacted', async () => {
    const path = '/moved.json';
    const id = idAt(path);
    const targetUrl = target.url('target.client.test', '/cimd.json');
    target.route('/cimd.json', jsonAnswer(documentFor(targetUrl.href)));
    origin.route(path, { status: 302, headers: { location: targetUrl.href, 'cache-control': 'max-age=3600' } });
    const { resolver, fetches } = setup();

    await rejectsWithCode(resolver.resolve(id, { use: 'authorize' }), 'fetch-redirect');
    await rejectsWithCode(resolver.resolve(id, { use: 'authorize' }), 'fetch-redirect');

    assert.equal(origin.hits(path), 2, 'the redirect was not cached either');
    assert.equal(target.connections.count, 0, 'the redirect target was never contacted');
    assert.equal(target.hits(), 0);
    assert.deepEqual(
      fetches.map((f) => [f.outcome, f.status]),
      [
        ['fetch-redirect', 302],
        ['fetch-redirect', 302],
      ],
    );
  });
});

describe('conditional revalidation (R32, R37)', () => {
  test('R32, R37: an expired entry is revalidated with If-None-Match; a real 304 renews it without a body and by its own headers', async () => {
    const path = '/etag.json';
    const id = idAt(path);
    const body = JSON.stringify(documentFor(id));
    const conditions: (string | undefined)[] = [];
    origin.route(path, (request, response) => {
      const condition = request.headers['if-none-match'];
      conditions.push(condition);
      if (condition === '"v1"') {
        response.writeHead(304, { etag: '"v1"', 'cache-control': 'max-age=900' }).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json', etag: '"v1"', 'cache-control': 'max-age=600' }).end(body);
    });
    const { resolver, clock, fetches } = setup();

    const first = await resolver.resolve(id, { use: 'authorize' });
    assert.equal(first.source, 'fetched');
    assert.equal(first.etag, '"v1"');
    clock.advance(600 * SECOND);
    const second = await resolver.resolve(id, { use: 'authorize' });

    assert.equal(second.source, 'revalidated');
    assert.deepEqual(conditions, [undefined, '"v1"'], 'the refetch carried the stored ETag');
    assert.deepEqual(
      fetches.map((f) => [f.status, f.bytes]),
      [
        [200, Buffer.byteLength(body)],
        [304, 0],
      ],
    );
    assert.equal(second.digest, first.digest, 'the same document');
    assert.equal(second.fetchedAt, clock.now());
    assert.equal(second.freshUntil - second.fetchedAt, 900 * SECOND, "the 304's own max-age");
    clock.advance(900 * SECOND - 1);
    assert.equal((await resolver.resolve(id, { use: 'authorize' })).source, 'cache-hit');
    assert.equal(origin.hits(path), 2);
  });
});
