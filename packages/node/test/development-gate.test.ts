import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isCimdError } from '@cimd/core';
import { createSafeFetcher, type SafeFetcherOptions } from '@cimd/node';
import {
  createTestPki,
  createTestResolver,
  fetchRequest,
  jsonAnswer,
  startOriginServer,
  watchConnectionAttempts,
  type OriginServer,
  type TestPki,
  rejectsWithCode,
} from './kit/index.js';

const DEV = { allowLoopback: true } as const;

function refused(options: SafeFetcherOptions, pattern: RegExp): void {
  assert.throws(
    () => createSafeFetcher(options),
    (error) => {
      assert.ok(isCimdError(error), String(error));
      assert.equal(error.code, 'fetch-dev-refused');
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('R70: development options are refused outside development on loopback', () => {
  test('R70: refused without mode "development"', () => {
    refused({ development: DEV, bindAddress: '127.0.0.1', env: {} }, /mode is "production"/);
    refused({ development: DEV, mode: 'production', bindAddress: '127.0.0.1', env: {} }, /mode is "production"/);
  });

  test('R70: refused when the server binds a non-loopback address, or none is given', () => {
    for (const bindAddress of [
      '0.0.0.0',
      '::',
      '10.0.0.5',
      '192.168.1.2',
      '169.254.169.254',
      '203.0.113.1',
      '::ffff:127.0.0.1',
    ]) {
      refused({ development: DEV, mode: 'development', bindAddress, env: {} }, /not a loopback IP address/);
    }
    refused({ development: DEV, mode: 'development', bindAddress: 'localhost', env: {} }, /not a loopback IP address/);
    refused({ development: DEV, mode: 'development', env: {} }, /no bindAddress/);
  });

  test('R70: refused when NODE_ENV is production, even in development mode on loopback', () => {
    refused({ development: DEV, mode: 'development', bindAddress: '127.0.0.1', env: { NODE_ENV: 'production' } }, /NODE_ENV/);
  });

  test('R70: every development option is gated, not only allowLoopback', () => {
    const outside = { bindAddress: '0.0.0.0', mode: 'development', env: {} } as const;
    refused({ ...outside, development: { resolve: { 'x.test': '127.0.0.1' } } }, /bind address/);
    refused({ ...outside, development: { extraCa: '-----BEGIN CERTIFICATE-----' } }, /bind address/);
    refused({ ...outside, development: { allowHttpHosts: ['x.test'] } }, /bind address/);
    refused({ ...outside, development: {} }, /bind address/);
  });

  test('R70: accepted in development mode bound to 127.0.0.0/8 or ::1', () => {
    for (const bindAddress of ['127.0.0.1', '127.0.0.53', '::1', '[::1]']) {
      assert.ok(createSafeFetcher({ development: DEV, mode: 'development', bindAddress, env: {} }));
    }
  });

  test('R70: without development options, mode and bind address change nothing and production needs no gate', () => {
    assert.ok(createSafeFetcher({ mode: 'development', bindAddress: '0.0.0.0', env: { NODE_ENV: 'production' } }));
    assert.ok(createSafeFetcher({ env: { NODE_ENV: 'production' } }));
  });

  test('R70: NODE_ENV is read at construction only', async () => {
    const env: Record<string, string | undefined> = {};
    const dns = createTestResolver({ 'x.test': '10.0.0.5' });
    const fetcher = createSafeFetcher({
      development: DEV,
      mode: 'development',
      bindAddress: '127.0.0.1',
      env,
      lookup: dns.lookup,
    });
    env.NODE_ENV = 'production';
    // Still the same fetcher with the same (development) configuration; 10.x stays refused regardless.
    await assert.rejects(fetcher.fetch(fetchRequest(new URL('https://x.test/a'))), { code: 'fetch-blocked-address' });
  });

  test('bad option values are caller mistakes (TypeError), not silently ignored', () => {
    assert.throws(() => createSafeFetcher({ limits: { deadlineMs: 0 } }), TypeError);
    assert.throws(() => createSafeFetcher({ limits: { maxBytes: { logo: -1 } } }), TypeError);
    assert.throws(() => createSafeFetcher({ budgets: { global: { concurrent: 1.5 } } }), TypeError);
    assert.throws(() => createSafeFetcher({ userAgent: 'x\r\ncookie: a=b' }), TypeError);
    assert.throws(
      () =>
        createSafeFetcher({
          mode: 'development',
          bindAddress: '127.0.0.1',
          env: {},
          development: { resolve: { 'a.test': 'localhost' } },
        }),
      TypeError,
    );
  });
});

describe('R70: allowLoopback opens loopback and nothing else', () => {
  let pki: TestPki;
  let origin: OriginServer;

  before(async () => {
    pki = await createTestPki();
    origin = await startOriginServer({ certificate: pki.leaf });
    origin.route('/cimd.json', jsonAnswer({ client_id: 'x' }));
  });
  after(async () => {
    await origin.close();
    await pki.dispose();
  });

  const devOptions = (more: SafeFetcherOptions = {}): SafeFetcherOptions => ({
    mode: 'development',
    bindAddress: '127.0.0.1',
    env: {},
    ...more,
  });

  test('R70: with allowLoopback, 10.x, 169.254.x and every other private block stay refused, and nothing connects', async () => {
    const targets = [
      '10.0.0.5',
      '169.254.169.254',
      '172.16.0.1',
      '192.168.0.1',
      '100.64.0.1',
      'fd00::1',
      'fe80::1',
      '0.0.0.0',
      '::',
    ];
    const dns = createTestResolver(Object.fromEntries(targets.map((t, i) => [`h${i}.attacker.test`, t])));
    const fetcher = createSafeFetcher(
      devOptions({ lookup: dns.lookup, development: { allowLoopback: true, extraCa: pki.ca.certPem } }),
    );
    const watch = watchConnectionAttempts();
    try {
      for (const [i, address] of targets.entries()) {
        const error = await rejectsWithCode(
          fetcher.fetch(fetchRequest(new URL(`https://h${i}.attacker.test/x`))),
          'fetch-blocked-address',
        );
        assert.ok(error.message.includes(address), error.message);
      }
    } finally {
      watch.stop();
    }
    assert.deepEqual(watch.attempts, []);
  });

  test('R70: the resolve override works like curl --resolve for loopback, and its private addresses are refused', async () => {
    const fetcher = createSafeFetcher(
      devOptions({
        lookup: () => Promise.reject(new Error('DNS must not be asked for overridden names')),
        development: {
          allowLoopback: true,
          extraCa: pki.ca.certPem,
          resolve: {
            'client.test': '127.0.0.1',
            'meta.attacker.test': '169.254.169.254',
            'intranet.attacker.test': ['10.0.0.5'],
          },
        },
      }),
    );
    const ok = await fetcher.fetch(fetchRequest(origin.url('client.test', '/cimd.json')));
    assert.equal(ok.address, '127.0.0.1');
    const watch = watchConnectionAttempts();
    try {
      await assert.rejects(fetcher.fetch(fetchRequest(new URL('https://meta.attacker.test/latest'))), {
        code: 'fetch-blocked-address',
      });
      await assert.rejects(fetcher.fetch(fetchRequest(new URL('https://intranet.attacker.test/'))), {
        code: 'fetch-blocked-address',
      });
    } finally {
      watch.stop();
    }
    assert.deepEqual(watch.attempts, []);
  });

  test('R70: without allowLoopback, a development fetcher still refuses loopback', async () => {
    const dns = createTestResolver({ 'client.test': '127.0.0.1' });
    const fetcher = createSafeFetcher(devOptions({ lookup: dns.lookup, development: { extraCa: pki.ca.certPem } }));
    const connections = origin.connections.count;
    await assert.rejects(fetcher.fetch(fetchRequest(origin.url('client.test', '/cimd.json'))), { code: 'fetch-blocked-address' });
    assert.equal(origin.connections.count, connections);
  });
});
