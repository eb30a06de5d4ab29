import { performance } from 'node:perf_hooks';
import type { FetchedResource, Fetcher, FetchRequest } from '@cimd/core';
import { assertAllowedAddresses } from './address-policy.js';
import { readCappedBody } from './body-reader.js';
import { startDeadline } from './deadline.js';
import { fetchEvent, type FetchTrace } from './fetch-event.js';
import { checkTarget } from './fetch-target.js';
import { fetcherSettings, type FetcherSettings, type SafeFetcherOptions } from './fetcher-options.js';
import { OutboundBudget } from './outbound-budget.js';
import { isConditional, requestHeaders } from './request-headers.js';
import { resolveOnce } from './resolve-host.js';
import { checkContentEncoding, checkDeclaredLength, checkMediaType, checkStatus } from './response-checks.js';
import { openPinned, type PinnedConnection } from './send-request.js';
import { toFetchError } from './transport-errors.js';

/**
 * The one way the authorization server fetches a URL a client chose (client_id, jwks_uri,
 * logo_uri): the SSRF-safe transport behind the core's {@link Fetcher} seam (draft-03 §5, §9.6,
 * §9.7; R32, R33, R69–R73, H2–H8, H14).
 *
 * Throws `fetch-dev-refused` at construction when development options are given outside
 * development mode on loopback (R70).
 */
export function createSafeFetcher(options: SafeFetcherOptions = {}): Fetcher {
  const settings = fetcherSettings(options);
  const budget = new OutboundBudget(settings.budgets, settings.clock);
  return { fetch: (request) => observed(settings, request, (trace) => safeFetch(settings, budget, request, trace)) };
}

/** The pipeline, one step per line; each step fails with its own `fetch-*` code. */
async function safeFetch(
  settings: FetcherSettings,
  budget: OutboundBudget,
  request: FetchRequest,
  trace: FetchTrace,
): Promise<Omit<FetchedResource, 'ms'>> {
  const target = checkTarget(request.url, settings.allowHttpHosts); // 1. https only
  const release = budget.acquire(target.origin); // 9. per-origin and global budgets, never queued
  const deadline = startDeadline(settings.deadlineMs, target.origin, request.signal); // 8. one deadline for all
  let pinned: PinnedConnection | undefined;
  try {
    const answers = await resolveOnce(target, settings.lookup, settings.overrides, deadline.signal); // 2. resolve once
    const addresses = answers.map((a) => a.address);
    assertAllowedAddresses(target.hostname, addresses, settings.policy); // 2. every answer checked
    pinned = openPinned(target, answers, settings, deadline.signal); // 3. connect only to those
    const headers = requestHeaders(request, settings.userAgent);
    const response = await pinned.get(headers); // 4. GET, fixed headers
    trace.status = response.status;
    trace.address = response.address;
    const status = checkStatus(target, response.status, response.headers, isConditional(headers)); // 5.
    if (status === 200) {
      checkContentEncoding(target, response.headers); // 4. identity only
      checkMediaType(target, response.headers, request.purpose, settings.acceptMissingContentType); // 6.
    }
    const maxBytes = settings.maxBytes[request.purpose];
    checkDeclaredLength(target, response.headers, maxBytes); // 7. cap, early
    const body = await readCappedBody(target, response.body, maxBytes, (n) => (trace.bytes = n)); // 7. cap, counted
    return { status, headers: flattenHeaders(response.headers), body, address: response.address };
  } catch (error) {
    throw toFetchError(error, target.origin, deadline.signal); // 10. stable codes only
  } finally {
    pinned?.close();
    deadline.dispose();
    release();
  }
}

/** Step 12: time the fetch, map stray errors, and tell `onFetch` how it ended. */
async function observed(
  settings: FetcherSettings,
  request: FetchRequest,
  run: (trace: FetchTrace) => Promise<Omit<FetchedResource, 'ms'>>,
): Promise<FetchedResource> {
  const started = performance.now();
  const trace: FetchTrace = { bytes: 0 };
  const origin = request.url.origin;
  const emit = (outcome: Parameters<typeof fetchEvent>[2], ms: number): void => {
    try {
      settings.onFetch?.(fetchEvent(origin, request.purpose, outcome, trace, ms));
    } catch {
      // A metrics hook must not change the outcome of a fetch.
    }
  };
  try {
    const result = await run(trace);
    const ms = performance.now() - started;
    emit('fetched', ms);
    return { ...result, ms };
  } catch (error) {
    const failure = toFetchError(error, origin);
    emit(failure.code, performance.now() - started);
    throw failure;
  }
}

/** Lower-cased names (undici already lower-cases), repeated fields joined as RFC 9110 §5.3 allows. */
function flattenHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
