import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { isCimdError, type Fetcher } from '@cimd/core';
import { createSafeFetcher } from '@cimd/node';
import {
  createTestPki,
  createTestResolver,
  fetchRequest,
  inNetworkNamespace,
  jsonAnswer,
  runInNetworkNamespace,
  startCountingListener,
  startOriginServer,
  type CountingListener,
  type OriginServer,
  type TestResolver,
} from './kit/index.js';

/**
 * "A real special-purpose address is never connected to", shown without any test bypass: this
 * file re-runs itself inside `unshare --net` (root, as in CI), where the forbidden addresses are
 * real addresses of the namespace's loopback with listeners counting every TCP connection. The
 * fetcher runs with production settings; the namespace has no other interface, so even a faulty
 * fetcher could not send anything off the machine.
 */

/** A stand-in for a public host, reachable only inside the namespace. */
const PUBLIC = '1.2.3.4';
/** Special-purpose addresses put on the namespace's loopback, each with a counting listener on :443. */
const FORBIDDEN = [
  '10.0.0.5',
  '169.254.169.254',
  '172.16.0.1',
  '192.168.1.10',
  '100.64.0.1',
  '198.18.0.1',
  '192.0.2.1',
  'fd00::5',
  '2001:db8::5',
  '64:ff9b::a9fe:a9fe',
  '2002:a9fe:a9fe::1',
  'fec0::5',
] as const;
/** A proxy the environment points at; a fetcher honouring HTTPS_PROXY would connect here. */
const PROXY = { host: '10.0.0.5', port: 8080 } as const;

if (!inNetworkNamespace()) {
  test('R34, R69, R70, H2, H3: inside a private network namespace, no special-purpose address is ever connected to', async (t) => {
    const pki = await createTestPki();
    try {
      const proxy = `http://${PROXY.host}:${PROXY.port}`;
      const result = await runInNetworkNamespace({
        file: fileURLToPath(import.meta.url),
        addresses: [PUBLIC, ...FORBIDDEN],
        env: {
          NODE_EXTRA_CA_CERTS: pki.ca.certPath, // production trust store + the test CA, as an operator would
          CIMD_NETNS_CERT: pki.leaf.certPath,
          CIMD_NETNS_KEY: pki.leaf.keyPath,
          HTTPS_PROXY: proxy,
          https_proxy: proxy,
          HTTP_PROXY: proxy,
          http_proxy: proxy,
          ALL_PROXY: proxy,
          NO_PROXY: '',
        },
      });
      for (const line of result.output.split('\n').filter((l) => /^\s*(not )?ok \d+ - /.test(l))) t.diagnostic(line.trim());
      const help = 'the namespace run needs root and util-linux `unshare` (CI runs as root)';
      assert.equal(result.code, 0, `inner run failed (${help}):\n${result.output}`);
      assert.equal(result.fail, 0, result.output);
      assert.equal(result.tests, result.pass, `every inner test must pass, none skipped:\n${result.output}`);
      assert.ok(result.pass >= FORBIDDEN.length + 7, `too few inner tests ran (${result.pass}):\n${result.output}`);
    } finally {
      await pki.dispose();
    }
  });
} else {
  describe('inside the namespace', () => {
    let origin: OriginServer;
    let proxy: CountingListener;
    const listeners = new Map<string, CountingListener>();
    let dns: TestResolver;
    let fetcher: Fetcher;

    const host = (address: string): string => `h-${address.replace(/[.:]/g, '-')}.attacker.test`;
    const connectionsToForbidden = (): number => [...listeners.values()].reduce((n, l) => n + l.connections.count, 0);

    before(async () => {
      const certificate = {
        certPem: await readFile(process.env.CIMD_NETNS_CERT ?? '', 'utf8'),
        keyPem: await readFile(process.env.CIMD_NETNS_KEY ?? '', 'utf8'),
        certPath: process.env.CIMD_NETNS_CERT ?? '',
        keyPath: process.env.CIMD_NETNS_KEY ?? '',
      };
      origin = await startOriginServer({ certificate, host: PUBLIC, port: 443 });
      origin.route('/cimd.json', jsonAnswer({ client_id: 'https://www.client.test/cimd.json' }));
      origin.route('/to-metadata', { status: 302, headers: { location: 'https://169.254.169.254/latest/meta-data/' } });
      origin.route('/to-intranet', { status: 307, headers: { location: 'https://intranet.attacker.test/admin' } });
      for (const address of FORBIDDEN) listeners.set(address, await startCountingListener(address, 443));
      proxy = await startCountingListener(PROXY.host, PROXY.port);
      dns = createTestResolver({
        'www.client.test': PUBLIC,
        'intranet.attacker.test': '10.0.0.5',
        'rebind.client.test': [[PUBLIC], ['10.0.0.5']],
        'mixed.client.test': [PUBLIC, ...FORBIDDEN],
        ...Object.fromEntries(FORBIDDEN.map((a) => [host(a), a])),
      });
      fetcher = createSafeFetcher({ lookup: dns.lookup }); // production settings
    });
    after(async () => {
      await Promise.all([origin.close(), proxy.close(), ...[...listeners.values()].map((l) => l.close())]);
    });

    test('R69: sanity: the stand-in public host is fetched with production settings', async () => {
      const result = await fetcher.fetch(fetchRequest(new URL('https://www.client.test/cimd.json')));
      assert.equal(result.status, 200);
      assert.equal(result.address, PUBLIC);
    });

    for (const address of FORBIDDEN) {
      test(`R69: a host resolving to ${address} is refused and the listener on ${address}:443 sees no connection`, async () => {
        await assert.rejects(fetcher.fetch(fetchRequest(new URL(`https://${host(address)}/cimd.json`))), {
          code: 'fetch-blocked-address',
        });
        assert.equal(listeners.get(address)?.connections.count, 0);
      });
    }

    test('R69: an IP-literal URL of a forbidden address is refused without a connection', async () => {
      for (const url of ['https://10.0.0.5/x', 'https://169.254.169.254/latest/meta-data/', 'https://[fd00::5]/x']) {
        await assert.rejects(fetcher.fetch(fetchRequest(new URL(url))), { code: 'fetch-blocked-address' });
      }
      assert.equal(connectionsToForbidden(), 0);
    });

    test('R69: a host with the public answer and every forbidden one (mixed answers) is refused; nothing connects', async () => {
      const before = origin.connections.count;
      await assert.rejects(fetcher.fetch(fetchRequest(new URL('https://mixed.client.test/cimd.json'))), {
        code: 'fetch-blocked-address',
      });
      assert.equal(origin.connections.count, before);
      assert.equal(connectionsToForbidden(), 0);
    });

    test('H2: DNS rebinding (public first, 10.0.0.5 next): the second fetch is refused and 10.0.0.5 is never reached', async () => {
      const url = new URL('https://rebind.client.test/cimd.json');
      assert.equal((await fetcher.fetch(fetchRequest(url))).address, PUBLIC);
      await assert.rejects(fetcher.fetch(fetchRequest(url)), { code: 'fetch-blocked-address' });
      assert.equal(listeners.get('10.0.0.5')?.connections.count, 0);
    });

    test('R33: redirects to the metadata address and to an intranet name are errors; neither target is reached', async () => {
      for (const path of ['/to-metadata', '/to-intranet']) {
        await assert.rejects(fetcher.fetch(fetchRequest(new URL(`https://www.client.test${path}`))), { code: 'fetch-redirect' });
      }
      assert.equal(dns.calls('intranet.attacker.test'), 0);
      assert.equal(connectionsToForbidden(), 0);
    });

    test('R70: in development with allowLoopback, the resolve override to 10.0.0.5 and 169.254.169.254 is still refused', async () => {
      const dev = createSafeFetcher({
        mode: 'development',
        bindAddress: '127.0.0.1',
        env: {},
        development: { allowLoopback: true, resolve: { 'meta.test': '169.254.169.254', 'intranet.test': '10.0.0.5' } },
      });
      for (const url of ['https://meta.test/latest/meta-data/', 'https://intranet.test/']) {
        await assert.rejects(
          dev.fetch(fetchRequest(new URL(url))),
          (error) => isCimdError(error) && error.code === 'fetch-blocked-address',
        );
      }
      assert.equal(connectionsToForbidden(), 0);
    });

    test('H3: HTTPS_PROXY, HTTP_PROXY and ALL_PROXY are ignored: the fetch goes direct and the proxy sees nothing', async () => {
      assert.equal(process.env.HTTPS_PROXY, `http://${PROXY.host}:${PROXY.port}`, 'the outer run set the proxy variables');
      const result = await fetcher.fetch(fetchRequest(new URL('https://www.client.test/cimd.json')));
      assert.equal(result.address, PUBLIC);
      assert.equal(proxy.connections.count, 0);
    });
  });
}
