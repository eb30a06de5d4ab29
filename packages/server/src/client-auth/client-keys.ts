import {
  CimdError,
  computeFreshness,
  createSingleFlight,
  parseJwkSet,
  type Clock,
  type Fetcher,
  type FreshnessBounds,
  type PublicJwk,
} from '@cimd/core';
import type { Client } from '../clients/client.js';
import { JwksCache } from './jwks-cache.js';

/** Where a client's keys came from. */
export type KeySource = 'jwks' | 'jwks_uri';

export interface ClientKeySet {
  readonly keys: readonly PublicJwk[];
  readonly source: KeySource;
  /** True when this call fetched the set (so a refetch right away would gain nothing). */
  readonly fetched: boolean;
}

/**
 * The public keys of a client, taken ONLY from its own metadata document (J2, R54, draft-03 §6):
 * the inline `jwks`, or the `jwks_uri`, fetched through the safe fetcher (purpose `jwks`, with its
 * own byte cap) and kept in a bounded cache for the HTTP freshness lifetime clamped to the same
 * bounds as documents (R37, R38).
 */
export interface ClientKeys {
  /** The client's keys (a fetch when the jwks_uri is not cached and fresh). */
  keys(client: Client): Promise<ClientKeySet>;
  /**
   * After an unknown kid or a failed verification: fetch the jwks_uri again, at most once per
   * refetch interval per client (J2). Undefined when the keys are inline or the client refetched
   * too recently; the caller then fails without any fetch.
   */
  refetch(client: Client): Promise<ClientKeySet | undefined>;
}

export interface ClientKeysOptions {
  readonly fetcher: Fetcher;
  readonly clock: Clock;
  readonly freshness: FreshnessBounds;
  /** Least time between two refetches for one client, ms. */
  readonly refetchIntervalMs: number;
  /** Most cached key sets (default 10,000). */
  readonly maxEntries?: number;
  /** Largest JWK Set accepted, bytes (the fetcher caps the body too; default 65,536). */
  readonly maxBytes?: number;
}

const NO_KEYS: readonly PublicJwk[] = [];

export function createClientKeys(options: ClientKeysOptions): ClientKeys {
  const cache = new JwksCache(options.maxEntries);
  const flights = createSingleFlight();
  /** client_id → time of its last refetch; bounded like the cache. */
  const lastRefetch = new Map<string, number>();
  const maxTracked = options.maxEntries ?? 10_000;

  async function fetchSet(uri: string): Promise<readonly PublicJwk[]> {
    return flights.run(uri, async () => {
      let url: URL;
      try {
        url = new URL(uri);
      } catch {
        throw new CimdError('uri-not-https', `jwks_uri "${uri}" is not a URL`);
      }
      const response = await options.fetcher.fetch({ url, purpose: 'jwks' });
      const parsed = parseJwkSet(response.body, { maxBytes: options.maxBytes ?? 65_536 });
      if (!parsed.ok) throw CimdError.fromFindings(parsed.reasons);
      const now = options.clock.now();
      const { lifetimeMs } = computeFreshness(response.headers, now, options.freshness);
      cache.set(uri, { keys: parsed.jwks.keys, fetchedAt: now, freshUntil: now + lifetimeMs });
      return parsed.jwks.keys;
    });
  }

  function inline(client: Client): ClientKeySet | undefined {
    const jwks = client.metadata.jwks;
    return jwks === undefined ? undefined : { keys: jwks.keys, source: 'jwks', fetched: false };
  }

  return {
    async keys(client) {
      const own = inline(client);
      if (own !== undefined) return own;
      const uri = client.metadata.jwks_uri;
      if (uri === undefined) return { keys: NO_KEYS, source: 'jwks', fetched: false };
      const cached = cache.fresh(uri, options.clock.now());
      if (cached !== undefined) return { keys: cached.keys, source: 'jwks_uri', fetched: false };
      return { keys: await fetchSet(uri), source: 'jwks_uri', fetched: true };
    },
    async refetch(client) {
      const uri = client.metadata.jwks_uri;
      if (inline(client) !== undefined || uri === undefined) return undefined;
      const now = options.clock.now();
      const last = lastRefetch.get(client.clientId);
      if (last !== undefined && now - last < options.refetchIntervalMs) return undefined;
      lastRefetch.delete(client.clientId);
      lastRefetch.set(client.clientId, now);
      if (lastRefetch.size > maxTracked) {
        const oldest = lastRefetch.keys().next().value;
        if (oldest !== undefined) lastRefetch.delete(oldest);
      }
      return { keys: await fetchSet(uri), source: 'jwks_uri', fetched: true };
    },
  };
}
