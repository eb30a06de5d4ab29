import { promises as dns } from 'node:dns';
import { Resolver } from 'node:dns/promises';
import { CimdError, isCimdError } from '@cimd/core';
import { untilAborted } from './deadline.js';
import type { FetchTarget } from './fetch-target.js';

/** One DNS answer, as `dns.lookup(host, { all: true })` gives it. */
export interface LookupAddress {
  readonly address: string;
  /** 4 or 6. */
  readonly family: number;
}

/**
 * The injectable DNS seam: every address the host name resolves to. A lookup should give up when
 * `signal` aborts (the fetch's deadline); one that cannot is still abandoned at the deadline.
 */
export type LookupFunction = (hostname: string, options?: { readonly signal?: AbortSignal }) => Promise<readonly LookupAddress[]>;

/** Options of {@link createDnsLookup}. */
export interface DnsLookupOptions {
  /** Name servers (`address` or `address:port`); default the system's (resolv.conf). */
  readonly servers?: readonly string[];
  /** Time one query attempt may take before it is sent again (c-ares `timeout`); default 2000 ms. */
  readonly attemptTimeoutMs?: number;
  /** Attempts per query (c-ares `tries`); default 2. */
  readonly tries?: number;
}

/** `localhost` and every name below it (RFC 6761 §6.3), with or without the root's dot. */
const LOCALHOST = /^(?:[^.]+\.)*localhost\.?$/i;
const LOOPBACK_ANSWERS: readonly LookupAddress[] = [
  { address: '::1', family: 6 },
  { address: '127.0.0.1', family: 4 },
];

/** Of two failed queries, the error that says more: ENODATA (the name exists, without this family) says least. */
function worse(hostname: string, a: unknown, b: unknown): Error {
  const chosen = a === undefined ? b : b !== undefined && (a as { code?: unknown }).code === 'ENODATA' ? b : a;
  if (chosen instanceof Error) return chosen;
  return Object.assign(new Error(`${hostname} has no address`), { code: 'ENODATA' });
}

/**
 * The default resolver: DNS queries through c-ares (`node:dns` `Resolver`), AAAA and A at once,
 * every answer returned (every answer is checked). Unlike `dns.lookup`, it never occupies one of
 * libuv's four thread-pool threads: a name server that never answers cannot block other lookups
 * (or password hashing) in the process, and an aborted lookup is cancelled, not abandoned. It does
 * not read /etc/hosts (a client's document is on a public name); `localhost` names are loopback.
 */
export function createDnsLookup(options: DnsLookupOptions = {}): LookupFunction {
  return async (hostname, { signal } = {}) => {
    // RFC 6761 §6.3: localhost names are loopback, answered here and never sent to a name server.
    if (LOCALHOST.test(hostname)) return LOOPBACK_ANSWERS;
    if (signal?.aborted === true)
      throw Object.assign(new Error(`The lookup of ${hostname} was cancelled`), { code: 'ECANCELLED' });
    const resolver = new Resolver({ timeout: options.attemptTimeoutMs ?? 2000, tries: options.tries ?? 2 });
    if (options.servers !== undefined) resolver.setServers([...options.servers]);
    const cancel = (): void => resolver.cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      const [v6, v4] = await Promise.allSettled([resolver.resolve6(hostname), resolver.resolve4(hostname)]);
      const answers: LookupAddress[] = [
        ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
        ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
      ];
      if (answers.length > 0) return answers;
      throw worse(hostname, v4.status === 'rejected' ? v4.reason : undefined, v6.status === 'rejected' ? v6.reason : undefined);
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  };
}

/** The default lookup of the safe fetcher: {@link createDnsLookup} with its defaults. */
export const dnsLookup: LookupFunction = createDnsLookup();

/**
 * The operating system's resolver (`dns.lookup`: /etc/hosts, nsswitch), for deployments that need
 * it. `verbatim` keeps the resolver's order; `all` returns every answer, because every answer is
 * checked. It runs on libuv's thread pool and cannot be cancelled: a name server that never
 * answers holds a thread until the system gives up, so prefer {@link dnsLookup} for names chosen
 * by strangers.
 */
export const systemLookup: LookupFunction = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** Development host overrides, like curl's `--resolve`: host name → address(es). */
export type ResolveOverrides = ReadonlyMap<string, readonly string[]>;

/**
 * Step 2, first half (H2): resolve the host once. The answers returned here are the only ones the
 * connection will ever use; nothing resolves the name again for this fetch. An IP literal is its
 * own answer. A development override replaces DNS for the names it lists; its addresses are
 * checked like any other.
 */
export async function resolveOnce(
  target: FetchTarget,
  lookup: LookupFunction,
  overrides: ResolveOverrides,
  signal: AbortSignal,
): Promise<readonly LookupAddress[]> {
  if (target.ipLiteral !== 0) return [{ address: target.hostname, family: target.ipLiteral }];
  const override = overrides.get(target.hostname);
  if (override !== undefined) return override.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  let answers: readonly LookupAddress[];
  try {
    answers = await untilAborted(lookup(target.hostname, { signal }), signal);
  } catch (error) {
    if (isCimdError(error)) throw error;
    const code = (error as { code?: unknown }).code;
    const why = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
    throw new CimdError('fetch-dns', `The host ${target.hostname} could not be resolved: ${why}`, { cause: error });
  }
  if (answers.length === 0) throw new CimdError('fetch-dns', `The host ${target.hostname} resolved to no address`);
  return answers;
}
