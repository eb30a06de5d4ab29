import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The server's Prometheus metrics, in a registry of its own (several servers may share a process). */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'route' | 'status'>;
  readonly authorizeOutcomes: Counter<'outcome'>;
  readonly resolverOutcomes: Counter<'outcome'>;
  readonly fetchDuration: Histogram<'purpose' | 'outcome'>;
  readonly tokensIssued: Counter<'grant_type'>;
  readonly tokenErrors: Counter<'reason'>;
  readonly logins: Counter<'outcome'>;
}

export function createMetrics(withDefaults = true): Metrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'cimd_' });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: 'cimd_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers,
    }),
    authorizeOutcomes: new Counter({
      name: 'cimd_authorize_outcomes_total',
      help: 'Authorization endpoint outcomes (code, login, consent, error reason codes)',
      labelNames: ['outcome'],
      registers,
    }),
    resolverOutcomes: new Counter({
      name: 'cimd_resolver_outcomes_total',
      help: 'Client metadata resolutions by outcome (fetched, cache-hit, revalidated, stale-grace, or a reason code)',
      labelNames: ['outcome'],
      registers,
    }),
    fetchDuration: new Histogram({
      name: 'cimd_fetch_duration_seconds',
      help: 'Outbound fetches of client-chosen URLs by purpose and outcome',
      labelNames: ['purpose', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    tokensIssued: new Counter({
      name: 'cimd_tokens_issued_total',
      help: 'Token responses by grant type',
      labelNames: ['grant_type'],
      registers,
    }),
    tokenErrors: new Counter({
      name: 'cimd_token_errors_total',
      help: 'Token endpoint refusals by reason code',
      labelNames: ['reason'],
      registers,
    }),
    logins: new Counter({ name: 'cimd_logins_total', help: 'Login attempts by outcome', labelNames: ['outcome'], registers }),
  };
}
