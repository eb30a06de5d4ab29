import type { Duplex } from 'node:stream';
import type { SecureContext } from 'node:tls';
import { Client, type Dispatcher } from 'undici';
import type { AddressPolicy } from './address-policy.js';
import type { FetchTarget } from './fetch-target.js';
import { pinnedConnector } from './pinned-connect.js';
import type { LookupAddress } from './resolve-host.js';

export interface ExchangeSettings {
  readonly policy: AddressPolicy;
  readonly connectTimeoutMs: number;
  /** undici `maxHeaderSize`: the response head may not exceed this many bytes. */
  readonly maxHeaderBytes: number;
  /** A backstop for undici's own header/body timers; the deadline signal is the real limit. */
  readonly deadlineMs: number;
  /** Trusted roots and TLS floor, built once per fetcher. */
  readonly secureContext: SecureContext;
}

/** A response whose head has arrived; the body is still on the wire. */
export interface PinnedExchange {
  readonly status: number;
  /** Names lower-cased by undici; repeated fields are arrays. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Dispatcher.ResponseData['body'];
  /** The peer address the connection actually reached. */
  readonly address: string;
}

/** One connection for one request: nothing is sent before {@link PinnedConnection.get}. */
export interface PinnedConnection {
  /** Send the GET and wait for the response head. */
  get(headers: Readonly<Record<string, string>>): Promise<PinnedExchange>;
  /** Destroy the connection and anything left of the body (idempotent). */
  close(): void;
}

/**
 * Steps 3 and 4: a fresh connection to the checked addresses, for one GET.
 *
 * One undici `Client` per fetch, destroyed afterwards: no connection outlives the check that
 * admitted it, and a later fetch always resolves and checks again. undici's `request` follows no
 * redirects, decompresses nothing and reads no proxy variables (only its `EnvHttpProxyAgent`
 * does, which is not used), and it sends only `host`, `connection` and the headers given.
 */
export function openPinned(
  target: FetchTarget,
  addresses: readonly LookupAddress[],
  settings: ExchangeSettings,
  signal: AbortSignal,
): PinnedConnection {
  let address = '';
  let socket: Duplex | undefined;
  const connect = pinnedConnector({
    target,
    addresses,
    policy: settings.policy,
    connectTimeoutMs: settings.connectTimeoutMs,
    secureContext: settings.secureContext,
    signal,
    onPeer: (peer) => (address = peer),
  });
  const client = new Client(target.origin, {
    // The connector's socket is kept, so that `close` can end it without an error (see there).
    connect: (options, callback) =>
      connect(options, (...args) => {
        socket = args[1] ?? undefined;
        callback(...args);
      }),
    maxHeaderSize: settings.maxHeaderBytes,
    headersTimeout: settings.deadlineMs,
    bodyTimeout: settings.deadlineMs,
    pipelining: 1,
  });
  return {
    async get(headers) {
      const response = await client.request({
        path: target.path,
        method: 'GET',
        headers: { ...headers },
        signal,
      });
      return { status: response.statusCode, headers: response.headers, body: response.body, address };
    },
    close() {
      // The connection serves exactly one request and ends here, after the body was read (or
      // not wanted). Not with `connection: close` (undici's `reset`): undici would then destroy
      // the socket itself with an error object and format its stack, which cost ~0.1 ms of CPU
      // per fetch (bench/discovery.bench.ts). Destroyed first, the socket leaves undici's own
      // destroy nothing to fail.
      socket?.destroy();
      client.destroy().catch(() => undefined);
    },
  };
}
