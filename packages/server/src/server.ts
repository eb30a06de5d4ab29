import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import { systemClock, type Clock, type Fetcher, type SingleFlight } from '@cimd/core';
import type { Authenticator } from './auth/authenticator.js';
import { isSharedDeployment, openBackends } from './backends.js';
import { clusterBudgetLimits, withClusterBudget } from './cluster-budget.js';
import type { ServerConfig } from './config.js';
import { createContext, type ServerContext } from './context.js';
import { createApp } from './http/app.js';
import type { Logger } from './observability/logger.js';
import { createLogger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import type { Stores } from './store/stores.js';
import type { ClientAuthMethod } from './token/client-auth.js';
import type { RegistrationDataSource } from './trust/registration-data.js';
import { secureRandom, type Random } from './util/random.js';

/** What a server is built from besides its configuration: every part replaceable (tests, embedding). */
export interface ServerParts {
  /** The safe transport for client-chosen URLs (see `buildFetcher`). */
  readonly fetcher: Fetcher;
  /** Default: opened from `config.stores` (with `singleFlight` when `cacheUrl` is set). */
  readonly stores?: Stores;
  /** Coalescing of metadata fetches; default in-process (a shared one with `stores`, see backends.ts). */
  readonly singleFlight?: SingleFlight;
  readonly clock?: Clock;
  readonly random?: Random;
  readonly authenticator?: Authenticator;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  readonly clientAuthMethods?: readonly ClientAuthMethod[];
  /** Where domain registration data (RDAP-like) comes from; default none (docs/trust.md). */
  readonly registrationData?: RegistrationDataSource;
  /** Extra routes mounted before the server's own (the development demo uses this). */
  readonly extend?: (app: Hono, ctx: ServerContext) => void;
}

/** A built server: the HTTP application plus what it holds open. */
export interface CimdServer {
  readonly app: Hono;
  readonly context: ServerContext;
  /** Handle one request in memory (tests, serverless adapters). */
  fetch(request: Request): Promise<Response>;
  close(): Promise<void>;
}

export { openStores } from './backends.js';

/** Build the authorization server (no socket yet; see {@link listen}). */
export async function createServer(config: ServerConfig, parts: ServerParts): Promise<CimdServer> {
  const clock = parts.clock ?? systemClock;
  const backends =
    parts.stores === undefined
      ? await openBackends(config, clock)
      : { stores: parts.stores, ...(parts.singleFlight === undefined ? {} : { singleFlight: parts.singleFlight }) };
  const stores = backends.stores;
  const context = createContext({
    config,
    stores,
    // Several instances share the fetch rate budgets through the stores' counters.
    fetcher: isSharedDeployment(config)
      ? withClusterBudget(parts.fetcher, stores.counters, clock, clusterBudgetLimits(config.fetch.budgets))
      : parts.fetcher,
    ...(backends.singleFlight === undefined ? {} : { singleFlight: backends.singleFlight }),
    clock,
    random: parts.random ?? secureRandom,
    log: parts.logger ?? createLogger(config.logging.level),
    metrics: parts.metrics ?? createMetrics(),
    ...(parts.authenticator === undefined ? {} : { authenticator: parts.authenticator }),
    ...(parts.clientAuthMethods === undefined ? {} : { methods: parts.clientAuthMethods }),
    ...(parts.registrationData === undefined ? {} : { registrationData: parts.registrationData }),
  });
  const app = createApp(context, parts.extend);
  return {
    app,
    context,
    fetch: async (request) => app.fetch(request),
    async close() {
      await context.resolver.drain();
      await stores.close();
    },
  };
}

/** A server listening on a socket. */
export interface ListeningServer {
  /** The base URL actually bound (the port is known even when 0 was asked for). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Listen on `host:port` (port 0 picks a free one). */
export function listen(app: Hono, host: string, port: number): Promise<ListeningServer> {
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined;
    try {
      server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
        const shownHost = host.includes(':') ? `[${host}]` : host;
        resolve({
          url: `http://${shownHost}:${info.port}`,
          port: info.port,
          close: () =>
            new Promise<void>((done) => {
              server?.close(() => done());
              if ('closeAllConnections' in (server as object))
                (server as unknown as { closeAllConnections(): void }).closeAllConnections();
            }),
        });
      });
      server.once('error', reject);
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
