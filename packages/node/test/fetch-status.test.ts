import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Fetcher, ReasonCode } from '@cimd/core';
import { createSafeFetcher } from '@cimd/node';
import {
  createTestPki,
  createTestResolver,
  fetchRequest,
  jsonAnswer,
  loopbackFetcherOptions,
  startOriginServer,
  watchConnectionAttempts,
  type OriginServer,
  type TestPki,
  type TestResolver,
  rejectsWithCode,
} from './kit/index.js';

const VALID = { client_id: 'https://client.test/cimd.json' };
const BOT_CHALLENGE =
  '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>';

let pki: TestPki;
let origin: OriginServer;
let target: OriginServer;
let dns: TestResolver;
let fetcher: Fetcher;

before(async () => {
  pki = await createTestPki();
  origin = await startOriginServer({ certificate: pki.leaf });
  target = await startOriginServer({ certificate: pki.leaf }); // a second origin that redirects point at
  dns = createTestResolver({
    'client.test': '127.0.0.1',
    'attacker.test': '127.0.0.1',
    'metadata.attacker.test': '169.254.169.254',
  });
  fetcher = createSafeFetcher(loopbackFetcherOptions(pki, dns));
});
after(async () => {
  await origin.close();
  await target.close();
  await pki.dispose();
});

async function rejectsWith(path: string, code: ReasonCode, conditional = false): Promise<string> {
  const request = fetchRequest(
    origin.url('client.test', path),
    'client-metadata',
    conditional ? { conditional: { etag: '"a"' } } : {},
  );
  return (await rejectsWithCode(fetcher.fetch(request), code)).message;
}

describe('R33: redirects are never followed', () => {
  for (const status of [301, 302, 303, 307, 308]) {
    test(`R33: a ${status} to a valid document on another public host is an error and the target is never contacted`, async () => {
      target.route('/real.json', jsonAnswer(VALID));
      const location = target.url('attacker.test', '/real.json').href;
      origin.route(`/r${status}`, { status, headers: { location } });
      const before = { hits: target.hits(), connections: target.connections.count, lookups: dns.calls('attacker.test') };

      const message = await rejectsWith(`/r${status}`, 'fetch-redirect');

      assert.ok(message.includes(location), `the message names the Location: ${message}`);
      assert.ok(message.includes(String(status)));
      assert.equal(target.hits(), before.hits);
      assert.equal(target.connections.count, before.connections);
      assert.equal(dns.calls('attacker.test'), before.lookups, 'the target host is not even resolved');
    });

    test(`R33, R69: a ${status} to the cloud metadata address is an error and nothing but the origin is connected to`, async () => {
      origin.route(`/meta${status}`, { status, headers: { location: 'https://169.254.169.254/latest/meta-data/iam' } });
      origin.route(`/meta-name${status}`, { status, headers: { location: 'https://metadata.attacker.test/latest' } });
      const watch = watchConnectionAttempts();
      try {
        assert.match(await rejectsWith(`/meta${status}`, 'fetch-redirect'), /169\.254\.169\.254/);
        assert.match(await rejectsWith(`/meta-name${status}`, 'fetch-redirect'), /metadata\.attacker\.test/);
      } finally {
        watch.stop();
      }
      const targets = watch.attempts.flatMap((a) => a.targets);
      assert.ok(targets.length > 0, 'the origin itself was connected to');
      for (const t of targets)
        assert.ok(t.startsWith('127.0.0.1:') || t.startsWith('client.test:'), `unexpected connection to ${t}`);
      assert.equal(dns.calls('metadata.attacker.test'), 0);
    });
  }

  test('R33: a redirect without a Location is still a redirect error', async () => {
    origin.route('/r-none', { status: 302 });
    assert.match(await rejectsWith('/r-none', 'fetch-redirect'), /no Location/);
  });
});

describe('R32: exactly 200 is success', () => {
  for (const status of [201, 202, 203, 204, 206, 400, 401, 403, 404, 410, 429, 500, 502, 503]) {
    const code = status === 404 || status === 410 ? 'fetch-gone' : 'fetch-bad-status';
    test(`R17, R32: ${status} is ${code} naming the status`, async () => {
      const body = status === 204 ? '' : JSON.stringify(VALID);
      origin.route(`/s${status}`, { status, headers: { 'content-type': 'application/json' }, body });
      const message = await rejectsWith(`/s${status}`, code);
      assert.ok(message.includes(` ${status}`), message);
    });
  }

  test('R32: a 304 to an unconditional request is fetch-bad-status', async () => {
    origin.route('/s304', { status: 304 });
    assert.match(await rejectsWith('/s304', 'fetch-bad-status'), /304/);
  });

  test('R32: a 304 to a conditional request is a success', async () => {
    origin.route('/c304', { status: 304, headers: { etag: '"a"' } });
    const result = await fetcher.fetch(
      fetchRequest(origin.url('client.test', '/c304'), 'client-metadata', { conditional: { etag: '"a"' } }),
    );
    assert.equal(result.status, 304);
  });

  test('R32: a conditional request still refuses 206 and 3xx', async () => {
    origin.route('/c206', { status: 206, headers: { 'content-type': 'application/json' }, body: '{}' });
    origin.route('/c302', { status: 302, headers: { location: '/elsewhere' } });
    await rejectsWith('/c206', 'fetch-bad-status', true);
    await rejectsWith('/c302', 'fetch-redirect', true);
  });
});

describe('H5: bot-challenge pages are refused', () => {
  test('H5, R32: an HTML bot-challenge page with status 403 is fetch-bad-status', async () => {
    origin.route('/challenge403', { status: 403, headers: { 'content-type': 'text/html; charset=UTF-8' }, body: BOT_CHALLENGE });
    await rejectsWith('/challenge403', 'fetch-bad-status');
  });

  test('H5: an HTML bot-challenge page with status 200 is fetch-content-type', async () => {
    origin.route('/challenge200', { status: 200, headers: { 'content-type': 'text/html; charset=UTF-8' }, body: BOT_CHALLENGE });
    assert.match(await rejectsWith('/challenge200', 'fetch-content-type'), /text\/html/);
  });

  test('H5: text/html is refused even when a missing Content-Type is accepted', async () => {
    const lenient = createSafeFetcher(loopbackFetcherOptions(pki, dns, { acceptMissingContentType: true }));
    origin.route('/html-lenient', { status: 200, headers: { 'content-type': 'text/html' }, body: BOT_CHALLENGE });
    await assert.rejects(lenient.fetch(fetchRequest(origin.url('client.test', '/html-lenient'))), { code: 'fetch-content-type' });
  });
});
