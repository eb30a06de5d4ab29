import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { isCimdError, type Fetcher } from '@cimd/core';
import { ACCEPT, createSafeFetcher, DEFAULT_USER_AGENT, PACKAGE_VERSION, type FetchEvent } from '@cimd/node';
import {
  createTestPki,
  createTestResolver,
  fetchRequest,
  jsonAnswer,
  loopbackFetcherOptions,
  startOriginServer,
  type OriginServer,
  type TestPki,
  type TestResolver,
  rejectsWithCode,
  waitFor,
} from './kit/index.js';

const DOCUMENT = { client_id: 'https://client.test/cimd.json', client_name: 'Happy' };

let pki: TestPki;
let origin: OriginServer;
let dns: TestResolver;
let fetcher: Fetcher;
const events: FetchEvent[] = [];

before(async () => {
  pki = await createTestPki();
  origin = await startOriginServer({ certificate: pki.leaf });
  dns = createTestResolver({ 'client.test': '127.0.0.1', 'logo.client.test': '127.0.0.1' });
  fetcher = createSafeFetcher(loopbackFetcherOptions(pki, dns, { onFetch: (e) => events.push(e) }));
});
after(async () => {
  await origin.close();
  await pki.dispose();
});

/** Header names and values of the last request the origin saw, names lower-cased. */
function lastRequestHeaders(): [string, string][] {
  const raw = origin.requests.at(-1)?.rawHeaders ?? [];
  const pairs: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) pairs.push([(raw[i] as string).toLowerCase(), raw[i + 1] as string]);
  return pairs;
}

describe('the happy path', () => {
  test('R29, H2: a 200 JSON document is fetched; the server sees SNI and Host = the original host name, the peer is the checked address', async () => {
    origin.route('/cimd.json', jsonAnswer(DOCUMENT, { 'Cache-Control': 'max-age=60', ETag: '"v1"' }));
    const url = origin.url('client.test', '/cimd.json');
    const result = await fetcher.fetch(fetchRequest(url));

    assert.equal(result.status, 200);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(result.body)), DOCUMENT);
    assert.equal(result.address, '127.0.0.1');
    assert.ok(result.ms >= 0);
    // Header names come back lower-cased.
    assert.equal(result.headers['cache-control'], 'max-age=60');
    assert.equal(result.headers.etag, '"v1"');
    assert.equal(result.headers['content-type'], 'application/json');

    const seen = origin.requests.at(-1);
    assert.equal(seen?.servername, 'client.test');
    assert.equal(seen?.method, 'GET');
    assert.equal(seen?.path, '/cimd.json');
    assert.equal(seen?.remoteAddress, '127.0.0.1');
    assert.equal(new Map(lastRequestHeaders()).get('host'), `client.test:${origin.port}`);
    assert.equal(dns.calls('client.test'), 1, 'resolved exactly once');
  });

  test('H3, H5, H6: the request carries exactly host, connection, accept, accept-encoding and user-agent, and nothing else', async () => {
    origin.route('/exact.json', jsonAnswer(DOCUMENT));
    await fetcher.fetch(fetchRequest(origin.url('client.test', '/exact.json')));
    assert.deepEqual(lastRequestHeaders(), [
      ['host', `client.test:${origin.port}`],
      ['connection', 'keep-alive'],
      ['accept', 'application/json'],
      ['accept-encoding', 'identity'],
      ['user-agent', DEFAULT_USER_AGENT],
    ]);
  });

  test('H2: each fetch has a connection of its own that ends with it; the next fetch connects, resolves and checks again', async () => {
    const sockets: Socket[] = [];
    // The origin invites a long keep-alive: only the fetcher ending the connection closes it
    // promptly (Node's server itself would wait 5 s, far past the waits below).
    origin.route('/own.json', (request, response) => {
      sockets.push(request.socket);
      response.writeHead(200, { 'content-type': 'application/json', 'keep-alive': 'timeout=600' }).end(JSON.stringify(DOCUMENT));
    });
    const connections = origin.connections.count;
    const lookups = dns.calls('client.test');
    await fetcher.fetch(fetchRequest(origin.url('client.test', '/own.json')));
    await waitFor(() => sockets[0]?.destroyed === true, 'the first connection closed at the origin', 100);
    await fetcher.fetch(fetchRequest(origin.url('client.test', '/own.json')));
    await waitFor(() => sockets[1]?.destroyed === true, 'the second connection closed at the origin', 100);
    assert.equal(origin.connections.count - connections, 2);
    assert.notEqual(sockets[0], sockets[1]);
    assert.equal(dns.calls('client.test') - lookups, 2);
  });

  test('H5: jwks asks for JSON and logo asks for raster images only; the User-Agent is configurable', async () => {
    origin.route('/jwks.json', jsonAnswer({ keys: [] }));
    origin.route('/logo.png', { status: 200, headers: { 'content-type': 'image/png' }, body: new Uint8Array([0x89, 0x50]) });
    const custom = createSafeFetcher(loopbackFetcherOptions(pki, dns, { userAgent: 'as.example/1.0 (+https://as.example/bot)' }));

    await custom.fetch(fetchRequest(origin.url('client.test', '/jwks.json'), 'jwks'));
    assert.equal(new Map(lastRequestHeaders()).get('accept'), 'application/json');
    assert.equal(new Map(lastRequestHeaders()).get('user-agent'), 'as.example/1.0 (+https://as.example/bot)');

    const logo = await custom.fetch(fetchRequest(origin.url('logo.client.test', '/logo.png'), 'logo'));
    assert.deepEqual([...logo.body], [0x89, 0x50]);
    assert.equal(new Map(lastRequestHeaders()).get('accept'), ACCEPT.logo);
    assert.equal(ACCEPT.logo, 'image/png, image/jpeg, image/gif, image/webp');
  });

  test('R32: a conditional request sends if-none-match and if-modified-since and accepts 304 with an empty body', async () => {
    origin.route('/cond.json', (request, response) => {
      if (request.headers['if-none-match'] === '"v7"') response.writeHead(304, { etag: '"v7"' }).end();
      else response.writeHead(200, { 'content-type': 'application/json', etag: '"v7"' }).end('{}');
    });
    const lastModified = 'Sat, 28 Nov 2026 10:00:00 GMT';
    const result = await fetcher.fetch(
      fetchRequest(origin.url('client.test', '/cond.json'), 'client-metadata', { conditional: { etag: '"v7"', lastModified } }),
    );
    assert.equal(result.status, 304);
    assert.equal(result.body.length, 0);
    const headers = new Map(lastRequestHeaders());
    assert.equal(headers.get('if-none-match'), '"v7"');
    assert.equal(headers.get('if-modified-since'), lastModified);
    assert.equal(lastRequestHeaders().length, 7);
  });

  test('H3: a conditional value that could split a header is left out, so the request is unconditional', async () => {
    origin.route('/cond-bad.json', jsonAnswer({}));
    await fetcher.fetch(
      fetchRequest(origin.url('client.test', '/cond-bad.json'), 'client-metadata', {
        conditional: { etag: '"x"\r\nCookie: a=b' },
      }),
    );
    const names = lastRequestHeaders().map(([name]) => name);
    assert.ok(!names.includes('if-none-match'));
    assert.ok(!names.includes('cookie'));
  });

  test('R32: a 304 answering a request whose conditional values were all left out is fetch-bad-status', async () => {
    origin.route('/cond-304', { status: 304 });
    const request = fetchRequest(origin.url('client.test', '/cond-304'), 'client-metadata', { conditional: { etag: 'a\nb' } });
    await rejectsWithCode(fetcher.fetch(request), 'fetch-bad-status');
  });

  test('metrics hook: onFetch reports each fetch once, with origin, purpose, outcome, status, bytes, ms and address', async () => {
    origin.route('/event.json', jsonAnswer(DOCUMENT));
    origin.route('/missing.json', { status: 404, headers: { 'content-type': 'application/json' }, body: '{}' });
    events.length = 0;
    const url = origin.url('client.test', '/event.json');
    const fetched = await fetcher.fetch(fetchRequest(url));
    await assert.rejects(fetcher.fetch(fetchRequest(origin.url('client.test', '/missing.json'))), { code: 'fetch-gone' });

    assert.equal(events.length, 2);
    const [ok, failed] = events as [FetchEvent, FetchEvent];
    assert.deepEqual(
      { ...ok, ms: 0 },
      {
        origin: url.origin,
        purpose: 'client-metadata',
        outcome: 'fetched',
        status: 200,
        bytes: fetched.body.length,
        ms: 0,
        address: '127.0.0.1',
      },
    );
    assert.equal(failed.outcome, 'fetch-gone');
    assert.equal(failed.status, 404);
    assert.equal(failed.bytes, 0);
  });

  test('metrics hook: a throwing onFetch changes nothing about the fetch', async () => {
    origin.route('/hook.json', jsonAnswer(DOCUMENT));
    const loud = createSafeFetcher(
      loopbackFetcherOptions(pki, dns, {
        onFetch: () => {
          throw new Error('metrics backend down');
        },
      }),
    );
    const result = await loud.fetch(fetchRequest(origin.url('client.test', '/hook.json')));
    assert.equal(result.status, 200);
  });

  test('R35: a caller that aborts gets fetch-aborted, never a raw AbortError', async () => {
    origin.route('/never', () => undefined); // holds the request open
    const controller = new AbortController();
    const pending = fetcher.fetch(
      fetchRequest(origin.url('client.test', '/never'), 'client-metadata', { signal: controller.signal }),
    );
    await waitFor(() => origin.hits('/never') === 1);
    controller.abort(new Error('user went away'));
    await assert.rejects(pending, (error) => isCimdError(error) && error.code === 'fetch-aborted');
  });

  test('H3: the default User-Agent is fixed and names this package version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(PACKAGE_VERSION, pkg.version);
    assert.ok(DEFAULT_USER_AGENT.startsWith(`cimd/${pkg.version} `));
  });
});
