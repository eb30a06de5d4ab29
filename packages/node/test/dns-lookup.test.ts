import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import { createDnsLookup, type LookupFunction } from '@cimd/node';

/**
 * A tiny authoritative name server on loopback (UDP), enough for c-ares: A and AAAA answers,
 * NXDOMAIN, an empty answer (NODATA), and names it never answers. Every query is counted.
 */
interface TestNameServer {
  readonly server: string;
  queries(name: string): number;
  close(): Promise<void>;
}

type Zone = Readonly<
  Record<string, { readonly a?: readonly string[]; readonly aaaa?: readonly string[]; readonly silent?: true }>
>;

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return Buffer.from(groups.flatMap((g) => [Number.parseInt(g, 16) >> 8, Number.parseInt(g, 16) & 0xff]));
}

async function startNameServer(zone: Zone): Promise<TestNameServer> {
  const counts = new Map<string, number>();
  const socket: Socket = createSocket('udp4');
  socket.on('message', (query, peer) => {
    let offset = 12;
    const labels: string[] = [];
    while (offset < query.length && query[offset] !== 0) {
      const length = query[offset] as number;
      labels.push(query.subarray(offset + 1, offset + 1 + length).toString('ascii'));
      offset += length + 1;
    }
    const questionEnd = offset + 5;
    const type = query.readUInt16BE(offset + 1);
    const name = labels.join('.').toLowerCase();
    counts.set(name, (counts.get(name) ?? 0) + 1);
    const entry = zone[name];
    if (entry?.silent === true) return;
    const addresses = entry === undefined ? [] : ((type === 28 ? entry.aaaa : type === 1 ? entry.a : []) ?? []);
    const header = Buffer.alloc(12);
    header.writeUInt16BE(query.readUInt16BE(0), 0);
    header.writeUInt16BE(entry === undefined ? 0x8183 : 0x8180, 2); // response, RD, RA; NXDOMAIN when unknown
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(addresses.length, 6);
    const answers = addresses.map((address) => {
      const data = type === 1 ? Buffer.from(address.split('.').map(Number)) : ipv6Bytes(address);
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0); // the question's name
      rr.writeUInt16BE(type, 2);
      rr.writeUInt16BE(1, 4); // IN
      rr.writeUInt32BE(60, 6);
      rr.writeUInt16BE(data.length, 10);
      return Buffer.concat([rr, data]);
    });
    socket.send(Buffer.concat([header, query.subarray(12, questionEnd), ...answers]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return {
    server: `127.0.0.1:${port}`,
    queries: (name) => counts.get(name) ?? 0,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

describe('the default DNS lookup: c-ares queries, cancellable (H2, H4)', () => {
  let ns: TestNameServer;
  let lookup: LookupFunction;
  before(async () => {
    ns = await startNameServer({
      'both.test': { a: ['203.0.113.7'], aaaa: ['2001:db8::7'] },
      'v4only.test': { a: ['198.51.100.1', '198.51.100.2'] },
      'silent.test': { silent: true },
    });
    lookup = createDnsLookup({ servers: [ns.server], attemptTimeoutMs: 60_000, tries: 1 });
  });
  after(() => ns.close());

  test('H2: every answer of both families is returned, to be checked one by one', async () => {
    assert.deepEqual(await lookup('both.test'), [
      { address: '2001:db8::7', family: 6 },
      { address: '203.0.113.7', family: 4 },
    ]);
    assert.deepEqual(await lookup('v4only.test'), [
      { address: '198.51.100.1', family: 4 },
      { address: '198.51.100.2', family: 4 },
    ]);
  });

  test('R69: localhost names are loopback (RFC 6761), answered without a query, so the fetcher refuses them', async () => {
    for (const name of ['localhost', 'LOCALHOST.', 'cimd-service.localhost', 'a.b.localhost']) {
      assert.deepEqual(await lookup(name), [
        { address: '::1', family: 6 },
        { address: '127.0.0.1', family: 4 },
      ]);
      assert.equal(ns.queries(name.toLowerCase().replace(/\.$/, '')), 0, `${name}: no query`);
    }
    await assert.rejects(lookup('localhost.example'), { code: 'ENOTFOUND' }, 'only names below localhost');
  });

  test('a name that does not exist fails with ENOTFOUND', async () => {
    await assert.rejects(lookup('missing.test'), { code: 'ENOTFOUND' });
  });

  test('H4: an aborted lookup is cancelled at once, even when the name server never answers', async () => {
    const controller = new AbortController();
    const pending = lookup('silent.test', { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    // Each attempt may wait a minute (attemptTimeoutMs): only the cancellation ends it this soon.
    await assert.rejects(pending, (e: unknown) => ['ECANCELLED', 'ETIMEOUT'].includes(String((e as { code?: unknown }).code)));
    await assert.rejects(lookup('silent.test', { signal: AbortSignal.abort() }), { code: 'ECANCELLED' });
  });

  test('regression: lookups that a name server never answers do not hold up other lookups (no thread pool)', async () => {
    const controller = new AbortController();
    // More than libuv's four thread-pool threads: with dns.lookup, the next lookup would wait for them.
    const stuck = Array.from({ length: 8 }, () => lookup('silent.test', { signal: controller.signal }));
    try {
      assert.deepEqual(await lookup('both.test'), [
        { address: '2001:db8::7', family: 6 },
        { address: '203.0.113.7', family: 4 },
      ]);
      assert.ok(ns.queries('silent.test') >= 8, 'the stuck queries were sent');
    } finally {
      controller.abort();
      await Promise.allSettled(stuck);
    }
  });
});
