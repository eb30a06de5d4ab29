import type { FetchPurpose, FetchRequest } from '@cimd/core';
import type { SafeFetcherOptions } from '@cimd/node';
import type { TestPki } from './pki.js';
import type { TestResolver } from './test-resolver.js';

/** Budgets high enough that a test file fetching hundreds of times is never throttled. */
export const UNTHROTTLED_BUDGETS = {
  perOrigin: { concurrent: 64, perMinute: 100_000, burst: 10_000 },
  global: { concurrent: 64, perMinute: 100_000, burst: 10_000 },
} as const;

/**
 * Options for a fetcher that talks to the kit's servers on loopback: development mode, bound to
 * 127.0.0.1, trusting the test CA, loopback allowed (and nothing else), DNS from the test
 * resolver, an empty environment (so a developer's NODE_ENV does not leak in), and
 * {@link UNTHROTTLED_BUDGETS}. Everything else stays at production defaults; `extra` overrides
 * any of it (budget tests pass their own `budgets`).
 */
export function loopbackFetcherOptions(pki: TestPki, resolver: TestResolver, extra: SafeFetcherOptions = {}): SafeFetcherOptions {
  return {
    mode: 'development',
    bindAddress: '127.0.0.1',
    env: {},
    lookup: resolver.lookup,
    budgets: UNTHROTTLED_BUDGETS,
    ...extra,
    development: { extraCa: pki.ca.certPem, allowLoopback: true, ...extra.development },
  };
}

/** A fetch request for `url` (a client-metadata document unless told otherwise). */
export function fetchRequest(
  url: URL,
  purpose: FetchPurpose = 'client-metadata',
  more: Partial<FetchRequest> = {},
): FetchRequest {
  return { url, purpose, ...more };
}
