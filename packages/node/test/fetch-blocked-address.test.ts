import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Fetcher } from '@cimd/core';
import { createSafeFetcher } from '@cimd/node';
import {
  createTestPki,
  createTestResolver,
  fetchRequest,
  jsonAnswer,
  loopbackFetcherOptions,
  SPECIAL_SAMPLES,
  startOriginServer,
  watchConnectionAttempts,
  type ConnectionWatch,
  type OriginServer,
  type TestPki,
  rejectsWithCode,
} from './kit/index.js';

// Tests in this file run one at a time (node:test's default inside a file), so the connection
// watch sees only the fetch under test.

let pki: TestPki;
let origin: OriginServer;

before(async () => {
  pki = await createTestPki();
  origin = await startOriginServer({ certificate: pki.leaf });
  origin.route('/cimd.json', jsonAnswer({ client_id: 'https://rebind.client.test/cimd.json' }));
});
after(async () => {
  await origin.close();
  await pki.dispose();
});

/** Run `body` while watching connection attempts; return what was attempted. */
async function watching(body: () => Promise<void>): Promise<ConnectionWatch['attempts']> {
  const watch = watchConnectionAttempts();
  try {
    await body();
  } finally {
    watch.stop();
  }
  return watch.attempts;
}

async function assertBlocked(fetcher: Fetcher, url: string, ...mustName: string[]): Promise<void> {
  const error = await rejectsWithCode(fetcher.fetch(fetchRequest(new URL(url))), 'fetch-blocked-address');
  for (const part of mustName) assert.ok(error.message.includes(part), `"${error.message}" should name ${part}`);
}

describe('R69: every special-purpose block, through the injected DNS, is refused before any connection', () => {
  for (const [i, { address, cidr }] of SPECIAL_SAMPLES.entries()) {
    test(`R69: a host resolving to ${address} is refused, naming host, address and ${cidr}; nothing connects`, async () => {
      const host = `victim${i}.attacker.test`;
      const dns = createTestResolver({ [host]: address });
      const fetcher = createSafeFetcher({ lookup: dns.lookup }); // production defaults
      const attempts = await watching(() => assertBlocked(fetcher, `https://${host}/cimd.json`, host, address, cidr));
      assert.deepEqual(attempts, []);
      assert.equal(dns.calls(host), 1, 'resolved exactly once');
    });
  }

  test('R69: one special-purpose answer among public ones refuses the host (mixed answers)', async () => {
    const dns = createTestResolver({ 'mixed.attacker.test': ['93.184.215.14', '2606:4700::1111', '10.0.0.5'] });
    const fetcher = createSafeFetcher({ lookup: dns.lookup });
    const attempts = await watching(() =>
      assertBlocked(fetcher, 'https://mixed.attacker.test/x', '10.0.0.5', 'one of 3 answers'),
    );
    assert.deepEqual(attempts, []);
  });

  test('R69, R70: with loopback allowed, a loopback answer next to a private one still refuses the host', async () => {
    const dns = createTestResolver({ 'mixed.client.test': ['127.0.0.1', '169.254.169.254'] });
    const fetcher = createSafeFetcher(loopbackFetcherOptions(pki, dns));
    const attempts = await watching(() =>
      assertBlocked(fetcher, origin.url('mixed.client.test', '/cimd.json').href, '169.254.169.254'),
    );
    assert.deepEqual(attempts, []);
    assert.equal(origin.connections.count, 0);
  });

  test('R69: host spellings the URL parser turns into loopback are refused without DNS (2130706433, 0x7f.1, 0177.0.0.1, 127.1, [::1])', async () => {
    const dns = createTestResolver({});
    const fetcher = createSafeFetcher({ lookup: dns.lookup });
    const spellings = [
      ['https://2130706433/x', '127.0.0.0/8'],
      ['https://0x7f.1/x', '127.0.0.0/8'],
      ['https://0177.0.0.1/x', '127.0.0.0/8'],
      ['https://127.1/x', '127.0.0.0/8'],
      ['https://[::1]/x', '::1/128'],
      ['https://[0:0:0:0:0:0:0:1]/x', '::1/128'],
    ] as const;
    const attempts = await watching(async () => {
      for (const [url, cidr] of spellings) await assertBlocked(fetcher, url, cidr);
    });
    assert.deepEqual(attempts, []);
    await assertBlocked(fetcher, 'https://[::ffff:169.254.169.254]/latest', '::ffff:0:0/96', '169.254.169.254');
    await assertBlocked(fetcher, 'https://[fe80::1]/x', 'fe80::/10');
    assert.equal(dns.calls('127.0.0.1'), 0);
  });

  test('R69: "localhost" through the default resolver is refused in production', async () => {
    const fetcher = createSafeFetcher(); // the default lookup answers localhost names itself (RFC 6761): no query leaves
    const attempts = await watching(() => assertBlocked(fetcher, 'https://localhost/cimd.json', 'localhost'));
    assert.deepEqual(attempts, []);
  });
});

describe('H2: resolve once, connect only to what was checked', () => {
  test('H2: DNS rebinding: a loopback answer first, a private one next: the second fetch is refused and nothing reaches the private address', async () => {
    const dns = createTestResolver({ 'rebind.client.test': [['127.0.0.1'], ['10.0.0.5']] });
    const fetcher = createSafeFetcher(loopbackFetcherOptions(pki, dns));
    const url = origin.url('rebind.client.test', '/cimd.json');
    const hitsBefore = origin.hits('/cimd.json');

    const first = await watching(async () => {
      const result = await fetcher.fetch(fetchRequest(url));
      assert.equal(result.address, '127.0.0.1');
    });
    const second = await watching(() => assertBlocked(fetcher, url.href, 'rebind.client.test', '10.0.0.5', '10.0.0.0/8'));

    assert.deepEqual(first.map((a) => a.via).sort(), ['net', 'undici']);
    assert.deepEqual(first.find((a) => a.via === 'net')?.targets, [`127.0.0.1:${origin.port}`]);
    assert.deepEqual(second, [], 'the rebound answer led to no connection attempt at all');
    assert.equal(dns.calls('rebind.client.test'), 2, 'each fetch resolves once');
    assert.equal(origin.hits('/cimd.json'), hitsBefore + 1);
  });

  test('H2: the connection uses only the checked answers, never a second resolution', async () => {
    const dns = createTestResolver({ 'once.client.test': [['127.0.0.1'], ['10.0.0.5']] });
    const fetcher = createSafeFetcher(loopbackFetcherOptions(pki, dns));
    await fetcher.fetch(fetchRequest(origin.url('once.client.test', '/cimd.json')));
    assert.equal(dns.calls('once.client.test'), 1);
  });

  test('R35: a name that does not resolve is fetch-dns; an empty answer is fetch-dns', async () => {
    const dns = createTestResolver({ 'empty.attacker.test': [] });
    const fetcher = createSafeFetcher({ lookup: dns.lookup });
    const error = await rejectsWithCode(fetcher.fetch(fetchRequest(new URL('https://nxdomain.attacker.test/x'))), 'fetch-dns');
    assert.match(error.message, /nxdomain\.attacker\.test.*ENOTFOUND/);
    await assert.rejects(fetcher.fetch(fetchRequest(new URL('https://empty.attacker.test/x'))), { code: 'fetch-dns' });
  });

  test('H4: a resolver that never answers ends at the deadline with fetch-timeout', async () => {
    const fetcher = createSafeFetcher({ lookup: () => new Promise(() => undefined), limits: { deadlineMs: 200 } });
    await assert.rejects(fetcher.fetch(fetchRequest(new URL('https://slow-dns.attacker.test/x'))), { code: 'fetch-timeout' });
  });
});
