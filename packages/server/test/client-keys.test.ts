/**
 * The client key source (J2): keys only from the client's own document, the jwks_uri fetched
 * through the injected safe fetcher with purpose `jwks`, cached for its HTTP lifetime within the
 * server's bounds (like documents, R37, R38), never caching failures (like R39), one fetch for
 * concurrent callers, and a bounded number of cached sets.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Client } from '../src/clients/client.js';
import { createClientKeys } from '../src/client-auth/client-keys.js';
import { JwksCache } from '../src/client-auth/jwks-cache.js';
import { ManualClock, MapFetcher } from './support/harness.js';

const KEY = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
  kid: 'a',
};

function clientWith(jwksUri: string, clientId = 'https://app.example/client.json'): Client {
  return {
    clientId,
    kind: 'cimd',
    metadata: { client_id: clientId, jwks_uri: jwksUri },
    redirectUris: [],
    redirectKinds: [],
    grantTypes: ['authorization_code'],
    authMethods: ['private_key_jwt'],
    applicationType: 'web',
    warnings: [],
  };
}

function setup(maxEntries?: number): { fetcher: MapFetcher; clock: ManualClock; keys: ReturnType<typeof createClientKeys> } {
  const fetcher = new MapFetcher();
  const clock = new ManualClock();
  const keys = createClientKeys({
    fetcher,
    clock,
    freshness: { minMs: 300_000, maxMs: 86_400_000 },
    refetchIntervalMs: 60_000,
    ...(maxEntries === undefined ? {} : { maxEntries }),
  });
  return { fetcher, clock, keys };
}

const body = (...keys: object[]): string => JSON.stringify({ keys });

describe('client keys from the jwks_uri (J2)', () => {
  test('R37, R38: max-age=60 is raised to the 300 s floor; after it the set is fetched again, with purpose jwks', async () => {
    const { fetcher, clock, keys } = setup();
    const uri = 'https://app.example/jwks.json';
    fetcher.serve(uri, { body: body(KEY), headers: { 'content-type': 'application/json', 'cache-control': 'max-age=60' } });
    const client = clientWith(uri);
    assert.equal((await keys.keys(client)).fetched, true);
    clock.advance(299_000);
    assert.equal((await keys.keys(client)).fetched, false);
    clock.advance(2_000);
    assert.equal((await keys.keys(client)).fetched, true);
    assert.equal(fetcher.count(uri), 2);
    assert.ok(fetcher.requests.every((r) => r.purpose === 'jwks'));
  });

  test('R38: max-age of a year is clamped to the 24 h ceiling', async () => {
    const { fetcher, clock, keys } = setup();
    const uri = 'https://app.example/jwks.json';
    fetcher.serve(uri, { body: body(KEY), headers: { 'content-type': 'application/json', 'cache-control': 'max-age=31536000' } });
    await keys.keys(clientWith(uri));
    clock.advance(86_400_000 + 1);
    await keys.keys(clientWith(uri));
    assert.equal(fetcher.count(uri), 2);
  });

  test('H8: fifty concurrent callers of an uncached set cause one fetch', async () => {
    const { fetcher, keys } = setup();
    const uri = 'https://app.example/jwks.json';
    fetcher.serve(uri, { body: body(KEY), headers: { 'content-type': 'application/json' } });
    const release = fetcher.hold();
    const all = Array.from({ length: 50 }, () => keys.keys(clientWith(uri)));
    release();
    const sets = await Promise.all(all);
    assert.equal(fetcher.count(uri), 1);
    assert.ok(sets.every((s) => s.keys[0]?.kid === 'a'));
  });

  test('R39-like: a failed fetch and an invalid set are not cached; the next call fetches again', async () => {
    const { fetcher, keys } = setup();
    const uri = 'https://app.example/jwks.json';
    fetcher.serve(uri, { fail: 'fetch-timeout' });
    await assert.rejects(keys.keys(clientWith(uri)), { code: 'fetch-timeout' });
    fetcher.serve(uri, { body: '{"keys": "nope"}', headers: { 'content-type': 'application/json' } });
    await assert.rejects(keys.keys(clientWith(uri)), { code: 'jwks-invalid' });
    fetcher.serve(uri, { body: body({ kty: 'oct', k: 'c2VjcmV0' }), headers: { 'content-type': 'application/json' } });
    await assert.rejects(keys.keys(clientWith(uri)), { code: 'private-key-material' });
    fetcher.serve(uri, { body: body(KEY), headers: { 'content-type': 'application/json' } });
    assert.equal((await keys.keys(clientWith(uri))).keys.length, 1);
    assert.equal(fetcher.count(uri), 4);
  });

  test('J2: refetch is allowed once per interval per client, and never for inline keys', async () => {
    const { fetcher, clock, keys } = setup();
    const uri = 'https://app.example/jwks.json';
    fetcher.serve(uri, { body: body(KEY), headers: { 'content-type': 'application/json' } });
    const a = clientWith(uri, 'https://a.example/client.json');
    const b = clientWith(uri, 'https://b.example/client.json');
    assert.ok((await keys.refetch(a)) !== undefined);
    assert.equal(await keys.refetch(a), undefined, 'a second refetch within the interval is refused');
    assert.ok((await keys.refetch(b)) !== undefined, 'the limit is per client');
    clock.advance(60_000);
    assert.ok((await keys.refetch(a)) !== undefined);
    const inline: Client = { ...a, metadata: { client_id: a.clientId, jwks: { keys: [KEY] } } };
    assert.equal(await keys.refetch(inline), undefined);
    assert.equal(fetcher.count(uri), 3);
  });

  test('the key-set cache is bounded: the least recently used set leaves first', () => {
    const cache = new JwksCache(2);
    const entry = { keys: [], fetchedAt: 0, freshUntil: 1000 };
    cache.set('a', entry);
    cache.set('b', entry);
    assert.ok(cache.fresh('a', 0) !== undefined);
    cache.set('c', entry);
    assert.equal(cache.size, 2);
    assert.equal(cache.fresh('b', 0), undefined, 'b was least recently used');
    assert.ok(cache.fresh('a', 0) !== undefined);
    assert.equal(cache.fresh('a', 1000), undefined, 'a stale entry is dropped');
  });
});
