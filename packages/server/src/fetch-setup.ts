import { readFileSync } from 'node:fs';
import type { Fetcher } from '@cimd/core';
import { createSafeFetcher, PACKAGE_VERSION, type DevelopmentOptions, type LookupFunction } from '@cimd/node';
import type { ServerConfig } from './config.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';

export interface FetcherExtras {
  /** A development CA (PEM) in addition to `fetch.extraCaFile` (the demo's own CA). */
  readonly extraCaPem?: string;
  /** Development resolver overrides in addition to `fetch.resolve`. */
  readonly resolve?: Readonly<Record<string, string>>;
  /** The DNS seam (tests). */
  readonly lookup?: LookupFunction;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The one safe fetch of the server, configured from the `fetch` and `server` groups. Development
 * options reach the fetcher only in development mode on loopback; the fetcher refuses them
 * otherwise (R70), so a wrong configuration fails at start, never silently.
 */
export function buildFetcher(config: ServerConfig, log: Logger, metrics: Metrics, extras: FetcherExtras = {}): Fetcher {
  const f = config.fetch;
  const cas = [f.extraCaFile === undefined ? undefined : readFileSync(f.extraCaFile, 'utf8'), extras.extraCaPem].filter(
    (x): x is string => x !== undefined,
  );
  const resolve = { ...f.resolve, ...extras.resolve };
  const development: DevelopmentOptions | undefined =
    cas.length > 0 || Object.keys(resolve).length > 0 || f.allowLoopback
      ? {
          ...(Object.keys(resolve).length > 0 ? { resolve } : {}),
          ...(cas.length > 0 ? { extraCa: cas.join('\n') } : {}),
          ...(f.allowLoopback ? { allowLoopback: true } : {}),
        }
      : undefined;
  return createSafeFetcher({
    userAgent: `cimd-server/${PACKAGE_VERSION} (+${config.server.issuer})`,
    // Logos stop being read at trust.maxLogoBytes (R74): larger ones are refused without the rest.
    limits: { maxBytes: { 'client-metadata': f.maxDocumentBytes, logo: config.trust.maxLogoBytes }, deadlineMs: f.timeoutMs },
    budgets: f.budgets,
    mode: config.server.mode,
    bindAddress: config.server.host,
    ...(extras.env === undefined ? {} : { env: extras.env }),
    ...(extras.lookup === undefined ? {} : { lookup: extras.lookup }),
    ...(development === undefined ? {} : { development }),
    onFetch(event) {
      metrics.fetchDuration.observe({ purpose: event.purpose, outcome: event.outcome }, event.ms / 1000);
      const fields = { event: 'fetch', ...event };
      if (event.outcome === 'fetched') log.debug(fields, 'fetched');
      else log.warn(fields, 'fetch refused or failed');
    },
  });
}
