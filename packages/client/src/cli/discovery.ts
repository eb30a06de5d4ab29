import {
  checkClientIdUrl,
  createClientResolver,
  evaluateDocument,
  isCimdError,
  type EvaluateOptions,
  type FetchedResource,
  type Fetcher,
} from '@cimd/core';
import { createSafeFetcher, documentDigest, type FetchEvent, type SafeFetcherOptions } from '@cimd/node';
import type { CliVerdict } from './report.js';

/**
 * The authorization server's discovery of one client_id, run once: the real resolver (URL rules,
 * admission, fetch, validation, negotiation, freshness) over the real safe fetcher, exactly as
 * the server wires them; only the options come from the command line. Resolves with the verdict
 * in `cimd validate`'s shape plus `fetch` when a response arrived. Throws only when the fetcher
 * refuses its options (`fetch-dev-refused`) or on a bug.
 */
export async function discoverClient(
  clientId: string,
  evaluate: EvaluateOptions,
  transport: SafeFetcherOptions,
): Promise<CliVerdict> {
  let event: FetchEvent | undefined;
  const safe = createSafeFetcher({ ...transport, onFetch: (e) => (event = e) });
  // The resolver reports a rejected document by its reasons only; the body is kept so the
  // report can also show the document's warnings, as `cimd validate` does.
  let received: FetchedResource | undefined;
  const fetcher: Fetcher = {
    async fetch(request) {
      received = await safe.fetch(request);
      return received;
    },
  };
  const resolver = createClientResolver({ fetcher, evaluate, digest: documentDigest });
  try {
    const client = await resolver.resolve(clientId, { use: 'authorize' });
    const lifetimeMs = client.freshUntil - client.fetchedAt;
    return {
      accepted: true,
      client_id: clientId,
      reasons: [],
      warnings: client.warnings,
      negotiated: client.negotiated,
      ...fetchMember(event, lifetimeMs),
    };
  } catch (e) {
    if (!isCimdError(e)) throw e;
    const warnings =
      received?.status === 200
        ? evaluateDocument(clientId, received.body, evaluate).warnings
        : checkClientIdUrl(clientId, evaluate.urlPolicy).warnings;
    // Nothing failed is ever cached (R39, R40): its cache lifetime is 0.
    return { accepted: false, client_id: clientId, reasons: e.findings, warnings, ...fetchMember(event, 0) };
  }
}

/** The `fetch` member, when a response head arrived. */
function fetchMember(event: FetchEvent | undefined, lifetimeMs: number): Pick<CliVerdict, 'fetch'> {
  if (event?.status === undefined) return {};
  return {
    fetch: {
      status: event.status,
      address: event.address ?? '',
      bytes: event.bytes,
      ms: Math.round(event.ms * 10) / 10,
      cache_ttl_s: Math.round(lifetimeMs / 1000),
    },
  };
}
