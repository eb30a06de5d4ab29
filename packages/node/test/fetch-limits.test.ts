import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Fetcher, FetchPurpose, ReasonCode } from '@cimd/core';
import { createSafeFetcher, DEFAULT_MAX_BYTES, type FetchEvent, type SafeFetcherOptions } from '@cimd/node';
import {
  createTestPki,
  createTestResolver,
  drip,
  fetchRequest,
  loopbackFetcherOptions,
  rawResponse,
  startRawTlsServer,
  type RawTlsServer,
  type TestPki,
  type TestResolver,
  rejectsWithCode,
} from './kit/index.js';

const JSON_HEAD = { 'content-type': 'application/json', connection: 'close' } as const;

let pki: TestPki;
let raw: RawTlsServer;
let dns: TestResolver;
let fetcher: Fetcher;
const events: FetchEvent[] = [];

before(async () => {
  pki = await createTestPki();
  raw = await startRawTlsServer({ certificate: pki.leaf });
  dns = createTestResolver({ 'client.test': '127.0.0.1' });
  fetcher = make({ onFetch: (e) => events.push(e) });
});
after(async () => {
  await raw.close();
  await pki.dispose();
});

function make(extra: SafeFetcherOptions = {}): Fetcher {
  return createSafeFetcher(loopbackFetcherOptions(pki, dns, extra));
}

/** A JSON-looking body of exactly `n` bytes. */
function jsonOfSize(n: number): Buffer {
  const overhead = '{"x":""}'.length;
  return Buffer.from(`{"x":"${'a'.repeat(n - overhead)}"}`);
}

async function expectCode(
  path: string,
  code: ReasonCode,
  options: { fetcher?: Fetcher; purpose?: FetchPurpose } = {},
): Promise<string> {
  const pending = (options.fetcher ?? fetcher).fetch(fetchRequest(raw.url('client.test', path), options.purpose));
  return (await rejectsWithCode(pending, code)).message;
}

describe('R73: byte caps count bytes read', () => {
  test('R73: a client-metadata document of exactly 5120 bytes is accepted, 5121 bytes is fetch-too-large', async () => {
    const cap = DEFAULT_MAX_BYTES['client-metadata'];
    assert.equal(cap, 5120);
    raw.behave('/exact', (s) => void s.end(rawResponse(200, { ...JSON_HEAD, 'content-length': cap }, jsonOfSize(cap))));
    raw.behave('/plus1', (s) => void s.end(rawResponse(200, { ...JSON_HEAD, 'content-length': cap + 1 }, jsonOfSize(cap + 1))));
    const ok = await fetcher.fetch(fetchRequest(raw.url('client.test', '/exact')));
    assert.equal(ok.body.length, cap);
    await expectCode('/plus1', 'fetch-too-large');
  });

  test('R73: a declared Content-Length over the cap fails at once, before any body arrives', async () => {
    // The server declares 1 MB and then sends nothing: only the header can end this fetch early,
    // and the outcome is fetch-too-large, not fetch-timeout.
    raw.behave('/declared-huge', (s) => void s.write(rawResponse(200, { ...JSON_HEAD, 'content-length': 1_048_576 })));
    events.length = 0;
    assert.match(await expectCode('/declared-huge', 'fetch-too-large'), /declares 1048576 bytes/);
    assert.equal(events.at(-1)?.bytes, 0);
  });

  test('R73: a body over the cap without Content-Length (read until close) is fetch-too-large', async () => {
    raw.behave('/no-length', (s) => void s.end(rawResponse(200, JSON_HEAD, jsonOfSize(100_000))));
    await expectCode('/no-length', 'fetch-too-large');
  });

  test('R73: a chunked body over the cap is fetch-too-large, and reading stops near the cap', async () => {
    const chunk = 'a'.repeat(1024);
    raw.behave('/chunked', async (s) => {
      s.write(rawResponse(200, { ...JSON_HEAD, 'transfer-encoding': 'chunked' }));
      for (let i = 0; i < 64; i++) {
        if (s.destroyed) return;
        s.write(`400\r\n${chunk}\r\n`);
        await new Promise((r) => setImmediate(r));
      }
      s.end('0\r\n\r\n');
    });
    events.length = 0;
    await expectCode('/chunked', 'fetch-too-large');
    const bytes = events.at(-1)?.bytes ?? 0;
    assert.ok(bytes > 5120 && bytes <= 5120 + 64 * 1024, `stopped after ${bytes} bytes`);
  });

  test('R73: a Content-Length smaller than what is sent yields exactly the declared bytes, never more', async () => {
    const body = jsonOfSize(50_000);
    raw.behave('/lie-small', (s) => void s.end(rawResponse(200, { ...JSON_HEAD, 'content-length': 100 }, body)));
    const result = await fetcher.fetch(fetchRequest(raw.url('client.test', '/lie-small')));
    assert.deepEqual(Buffer.from(result.body), body.subarray(0, 100));
  });

  test('R73: a small Content-Length next to a large chunked body is refused', async () => {
    const big = 'a'.repeat(100_000);
    raw.behave('/lie-chunked', (s) => {
      const head = rawResponse(200, { ...JSON_HEAD, 'content-length': 10, 'transfer-encoding': 'chunked' });
      s.end(Buffer.concat([head, Buffer.from(`${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n`)]));
    });
    await expectCode('/lie-chunked', 'fetch-network');
  });

  test('R73: a Content-Length larger than the body that arrives is fetch-network, not a short document', async () => {
    raw.behave('/lie-large', (s) => void s.end(rawResponse(200, { ...JSON_HEAD, 'content-length': 4000 }, '{"a":1}')));
    await expectCode('/lie-large', 'fetch-network');
  });

  test('R73: the caps are per purpose (jwks 65536, logo 262144) and configurable', async () => {
    assert.equal(DEFAULT_MAX_BYTES.jwks, 65_536);
    assert.equal(DEFAULT_MAX_BYTES.logo, 262_144);
    const doc = jsonOfSize(20_000);
    raw.behave('/20k', (s) => void s.end(rawResponse(200, { ...JSON_HEAD, 'content-length': doc.length }, doc)));
    raw.behave('/70k', (s) => void s.end(rawResponse(200, JSON_HEAD, jsonOfSize(70_000))));
    const png = Buffer.alloc(300_000, 1);
    raw.behave('/big.png', (s) => void s.end(rawResponse(200, { 'content-type': 'image/png' }, png)));

    await expectCode('/20k', 'fetch-too-large');
    assert.equal((await fetcher.fetch(fetchRequest(raw.url('client.test', '/20k'), 'jwks'))).body.length, 20_000);
    await expectCode('/70k', 'fetch-too-large', { purpose: 'jwks' });
    await expectCode('/big.png', 'fetch-too-large', { purpose: 'logo' });

    const roomy = make({ limits: { maxBytes: { 'client-metadata': 32_768 } } });
    assert.equal((await roomy.fetch(fetchRequest(raw.url('client.test', '/20k')))).body.length, 20_000);
  });
});

describe('H6: content encodings', () => {
  test('H6: a gzip bomb sent regardless of Accept-Encoding is refused without decompressing', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024)); // 50 MiB of zeros in about 50 KiB
    assert.ok(bomb.length < 65_536);
    raw.behave('/bomb', (s) => {
      s.end(rawResponse(200, { ...JSON_HEAD, 'content-encoding': 'gzip', 'content-length': bomb.length }, bomb));
    });
    events.length = 0;
    assert.match(await expectCode('/bomb', 'fetch-content-encoding', { purpose: 'jwks' }), /gzip/);
    assert.equal(events.at(-1)?.bytes, 0, 'not one body byte was read');
  });

  test('H6: br and deflate are refused too; an explicit identity is accepted', async () => {
    raw.behave('/br', (s) => void s.end(rawResponse(200, { ...JSON_HEAD, 'content-encoding': 'br', 'content-length': 2 }, '{}')));
    raw.behave('/deflate', (s) => void s.end(rawResponse(200, { ...JSON_HEAD, 'content-encoding': 'deflate' }, '{}')));
    raw.behave('/identity', (s) => {
      s.end(rawResponse(200, { ...JSON_HEAD, 'content-encoding': 'identity', 'content-length': 2 }, '{}'));
    });
    await expectCode('/br', 'fetch-content-encoding');
    await expectCode('/deflate', 'fetch-content-encoding');
    assert.equal((await fetcher.fetch(fetchRequest(raw.url('client.test', '/identity')))).status, 200);
  });
});

describe('H6: response headers are capped', () => {
  test('H6: a response head over 8 KiB is fetch-headers-too-large', async () => {
    raw.behave('/fat-headers', (s) => {
      s.end(rawResponse(200, { ...JSON_HEAD, 'x-padding': 'p'.repeat(10_000), 'content-length': 2 }, '{}'));
    });
    await expectCode('/fat-headers', 'fetch-headers-too-large');
  });

  test('H6: many small headers add up and are capped the same way', async () => {
    const headers: Record<string, string> = { ...JSON_HEAD, 'content-length': '2' };
    for (let i = 0; i < 400; i++) headers[`x-h${i}`] = 'v'.repeat(20);
    raw.behave('/many-headers', (s) => void s.end(rawResponse(200, headers, '{}')));
    await expectCode('/many-headers', 'fetch-headers-too-large');
  });

  test('H6: the header cap is configurable', async () => {
    raw.behave('/4k-headers', (s) => {
      s.end(rawResponse(200, { ...JSON_HEAD, 'x-padding': 'p'.repeat(4000), 'content-length': 2 }, '{}'));
    });
    assert.equal((await fetcher.fetch(fetchRequest(raw.url('client.test', '/4k-headers')))).status, 200);
    await expectCode('/4k-headers', 'fetch-headers-too-large', { fetcher: make({ limits: { maxHeaderBytes: 2048 } }) });
  });
});

describe('H4: deadlines', () => {
  const quick = (): Fetcher => make({ limits: { deadlineMs: 300, connectTimeoutMs: 2000 } });

  test('H4: a server that never sends headers ends at the deadline with fetch-timeout', async () => {
    raw.behave('/silent', () => undefined);
    await expectCode('/silent', 'fetch-timeout', { fetcher: quick() });
  });

  test('H4: headers dripped a byte at a time end at the deadline with fetch-timeout', async () => {
    const head = rawResponse(200, { ...JSON_HEAD, 'content-length': 2 }, '{}');
    raw.behave('/slow-headers', (s) => void drip(s, head, 1, 50));
    await expectCode('/slow-headers', 'fetch-timeout', { fetcher: quick() });
  });

  test('H4: a body dripped a byte at a time ends at the deadline with fetch-timeout, though it is under the cap', async () => {
    const body = jsonOfSize(200);
    raw.behave('/drip', (s) => {
      s.write(rawResponse(200, { ...JSON_HEAD, 'content-length': body.length }));
      void drip(s, body, 1, 50);
    });
    events.length = 0;
    const slow = make({ limits: { deadlineMs: 300 }, onFetch: (e) => events.push(e) });
    await expectCode('/drip', 'fetch-timeout', { fetcher: slow });
    const bytes = events.at(-1)?.bytes ?? 0;
    assert.ok(bytes < body.length, `only part of the body arrived (${bytes} of ${body.length})`);
  });

  test('H4: a TLS handshake that never completes ends with fetch-timeout from the connect timeout', async () => {
    const sockets = new Set<Socket>();
    const mute = createServer((socket) => void sockets.add(socket.on('error', () => undefined))); // accepts, never speaks TLS
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    const port = (mute.address() as { port: number }).port;
    try {
      const slowConnect = make({ limits: { connectTimeoutMs: 200, deadlineMs: 5000 } });
      const error = await rejectsWithCode(
        slowConnect.fetch(fetchRequest(new URL(`https://client.test:${port}/x`))),
        'fetch-timeout',
      );
      assert.match(error.message, /Connecting to https:\/\/client\.test:\d+ took longer than 200 ms/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => mute.close(r));
    }
  });
});
