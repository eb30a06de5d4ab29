import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createSecureContext } from 'node:tls';
import { isCimdError, type CimdError } from '@cimd/core';
import { checkTarget } from '../src/fetch-target.js';
import { pinnedConnector, pinnedLookup } from '../src/pinned-connect.js';

/** A TCP server that records, per connection, how many bytes arrived before it closed. */
let server: Server;
let port: number;
const received: Promise<number>[] = [];

before(async () => {
  server = createServer((socket: Socket) => {
    received.push(
      new Promise((resolve) => {
        let bytes = 0;
        socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(bytes));
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function connectWith(
  url: string,
  addresses: readonly { address: string; family: number }[],
  allowLoopback: boolean,
): Promise<CimdError> {
  const connect = pinnedConnector({
    target: checkTarget(new URL(url), new Set()),
    addresses,
    policy: { allowLoopback },
    connectTimeoutMs: 2000,
    secureContext: createSecureContext(),
    signal: new AbortController().signal,
    onPeer: () => assert.fail('a refused peer must not be reported as connected'),
  });
  return new Promise((resolve, reject) => {
    connect({ hostname: 'ignored', protocol: 'https:', port: String(port) }, (error, socket) => {
      if (error !== null && isCimdError(error)) resolve(error);
      else reject(new Error(`expected a CimdError, got ${String(error)}${socket === null ? '' : ' and a socket'}`));
    });
  });
}

describe('H2: defence in depth: the connected peer is checked again before anything is sent', () => {
  test('H2: a peer in a refused block is closed after the TCP handshake, before the TLS ClientHello', async () => {
    const error = await connectWith(`https://client.test:${port}/x`, [{ address: '127.0.0.1', family: 4 }], false);
    assert.equal(error.code, 'fetch-blocked-address');
    assert.match(error.message, /reached 127\.0\.0\.1, which is in the special-purpose block 127\.0\.0\.0\/8/);
    assert.equal(await received.at(-1), 0, 'not one byte reached the peer');
  });

  test('H2: a peer that is not among the checked answers is closed, even when loopback is allowed', async () => {
    // The URL names 127.0.0.1 directly, so Node connects there without asking the lookup; the
    // checked answers say 127.0.0.9. The mismatch alone refuses the socket.
    const error = await connectWith(`https://127.0.0.1:${port}/x`, [{ address: '127.0.0.9', family: 4 }], true);
    assert.equal(error.code, 'fetch-blocked-address');
    assert.match(error.message, /not among the checked answers/);
    assert.equal(await received.at(-1), 0);
  });
});

describe('H2: the pinned lookup hands Node only the checked answers', () => {
  const answers = [
    { address: '127.0.0.1', family: 4 },
    { address: '::1', family: 6 },
  ];
  const lookup = pinnedLookup('client.test', answers);
  const ask = (
    host: string,
    options: object,
  ): Promise<{ error: Error | null; address: string | LookupAddress[]; family?: number }> =>
    new Promise((resolve) => {
      lookup(host, options, (error, address, family) => resolve({ error, address, ...(family === undefined ? {} : { family }) }));
    });

  test('H2: with { all: true } (Node 20 Happy Eyeballs) it returns every checked answer', async () => {
    assert.deepEqual((await ask('client.test', { all: true, hints: 32 })).address, answers);
  });

  test('H2: without `all` it returns the first answer, honouring a family filter', async () => {
    assert.deepEqual(await ask('client.test', {}), { error: null, address: '127.0.0.1', family: 4 });
    assert.deepEqual(await ask('client.test', { family: 6 }), { error: null, address: '::1', family: 6 });
  });

  test('H2: it answers for no other host name', async () => {
    const { error } = await ask('attacker.test', { all: true });
    assert.equal((error as NodeJS.ErrnoException).code, 'ENOTFOUND');
  });
});
