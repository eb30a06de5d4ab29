import type { LookupAddress as DnsLookupAddress, LookupOptions } from 'node:dns';
import { connect as tcpConnect, type LookupFunction as NetLookupFunction, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type SecureContext, type TLSSocket } from 'node:tls';
import { CimdError } from '@cimd/core';
import type { buildConnector } from 'undici';
import { addressRefusal, type AddressPolicy } from './address-policy.js';
import type { FetchTarget } from './fetch-target.js';
import type { LookupAddress } from './resolve-host.js';
import { classifyAddress } from './special-addresses.js';

export interface PinnedConnectOptions {
  readonly target: FetchTarget;
  /** The answers step 2 resolved and checked: the only addresses this connection may use. */
  readonly addresses: readonly LookupAddress[];
  readonly policy: AddressPolicy;
  readonly connectTimeoutMs: number;
  /** Trusted roots and TLS floor, built once per fetcher (see `fetcherSettings`). */
  readonly secureContext: SecureContext;
  /** The fetch's deadline; aborting it destroys a connection in progress. */
  readonly signal: AbortSignal;
  /** Told the peer address once the TCP connection is up and checked. */
  readonly onPeer: (address: string) => void;
}

/**
 * Step 3 (H2, H14): an undici connector that connects only to the already-checked addresses.
 *
 * 1. TCP to the target, with a `lookup` that hands back the checked answers (Node 20 asks with
 *    `{ all: true }` for Happy Eyeballs) and never resolves anything;
 * 2. once TCP is up, check the socket's actual peer address again, before a single byte is sent
 *    (defence in depth: destroy and fail `fetch-blocked-address` if it is not allowed);
 * 3. then TLS over that socket with SNI and certificate name = the URL's host, full verification.
 *
 * The connect timeout covers 1 to 3; the fetch deadline covers everything.
 */
export function pinnedConnector(options: PinnedConnectOptions): buildConnector.connector {
  const { target, addresses, policy, connectTimeoutMs, signal } = options;
  return (_undiciOptions, callback) => {
    let settled = false;
    let socket: Socket | TLSSocket | undefined;
    const settle = (error: Error | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (error === undefined && socket !== undefined) return callback(null, socket);
      socket?.destroy();
      callback(error ?? new CimdError('fetch-connect', `No connection to ${target.origin}`), null);
    };
    const onAbort = (): void => settle(signal.reason as Error);
    const timer = setTimeout(() => {
      settle(new CimdError('fetch-timeout', `Connecting to ${target.origin} took longer than ${connectTimeoutMs} ms`));
    }, connectTimeoutMs);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });

    const tcp = tcpConnect({ host: target.hostname, port: target.port, lookup: pinnedLookup(target.hostname, addresses) });
    socket = tcp;
    // Before TLS starts, a socket error is a connect failure; once it has started, a TLS one.
    // After settling, a late error (the connection torn down after use) needs no CimdError.
    tcp.once('error', (error: Error) => {
      if (!settled) settle(socket === tcp ? connectError(target, addresses, error) : tlsError(target, error));
    });
    tcp.once('connect', () => {
      const peer = tcp.remoteAddress ?? '(unknown)';
      const checked = addresses.some((a) => sameAddress(a.address, peer));
      const refusal = checked ? addressRefusal(peer, policy) : `${peer}, an address that was not among the checked answers`;
      if (refusal !== undefined) {
        return settle(
          new CimdError(
            'fetch-blocked-address',
            `The connection to ${target.hostname} reached ${refusal}; closed before sending`,
          ),
        );
      }
      options.onPeer(peer);
      if (target.protocol === 'http:') return settle(undefined);
      const tls = tlsConnect(tlsOptions(tcp, target, options.secureContext));
      socket = tls;
      tls.once('error', (error: Error) => {
        if (!settled) settle(tlsError(target, error));
      });
      tls.once('secureConnect', () => {
        if (!tls.authorized) return settle(tlsError(target, tls.authorizationError ?? new Error('unauthorized')));
        settle(undefined);
      });
    });
  };
}

/**
 * A `lookup` for `net.connect` that answers only for the target host, only with the checked
 * addresses, in both of Node's calling conventions.
 */
export function pinnedLookup(hostname: string, addresses: readonly LookupAddress[]): NetLookupFunction {
  return (host: string, options: LookupOptions, callback) => {
    const family = options.family === 4 || options.family === 6 ? options.family : undefined;
    const answers: DnsLookupAddress[] = addresses
      .filter((a) => family === undefined || a.family === family)
      .map((a) => ({ address: a.address, family: a.family }));
    const first = answers[0];
    if (host !== hostname || first === undefined) {
      const error = Object.assign(new Error(`No checked address for ${host}`), { code: 'ENOTFOUND' });
      return callback(error, '', 0);
    }
    if (options.all === true) return callback(null, answers);
    callback(null, first.address, first.family);
  };
}

/** Whether two texts name the same IP address (IPv6 has many spellings). */
function sameAddress(a: string, b: string): boolean {
  const x = classifyAddress(a)?.address;
  return x !== undefined && x === classifyAddress(b)?.address;
}

function tlsOptions(socket: Socket, target: FetchTarget, secureContext: SecureContext): ConnectionOptions {
  const tls: ConnectionOptions = {
    socket,
    secureContext,
    // The name the certificate must carry (a DNS name, or an IP literal's IP SAN).
    host: target.hostname,
    ALPNProtocols: ['http/1.1'],
    // Explicit, so that no one mistakes its absence for an option: never false (H14).
    rejectUnauthorized: true,
  };
  // SNI carries DNS names only (RFC 6066 §3).
  if (target.ipLiteral === 0) tls.servername = target.hostname;
  return tls;
}

function errorCode(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.message;
}

function connectError(target: FetchTarget, addresses: readonly LookupAddress[], error: Error): CimdError {
  const tried = addresses.map((a) => a.address).join(', ');
  return new CimdError('fetch-connect', `Could not connect to ${target.origin} at ${tried}: ${errorCode(error)}`, {
    cause: error,
  });
}

function tlsError(target: FetchTarget, error: Error): CimdError {
  return new CimdError('fetch-tls', `TLS with ${target.origin} failed: ${errorCode(error)}: ${error.message}`, {
    cause: error,
  });
}
