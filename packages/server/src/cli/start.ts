import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { IMPLEMENTED_DRAFT, systemClock } from '@cimd/core';
import { PACKAGE_VERSION } from '@cimd/node';
import type { ServerConfig } from '../config.js';
import { startCimdService, type CimdService } from '../demo/cimd-service.js';
import { mountDemoClient } from '../demo/demo-client.js';
import { ensureDevPki } from '../demo/dev-pki.js';
import { buildFetcher } from '../fetch-setup.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { openBackends, redactUrl } from '../backends.js';
import { createServer, listen, type CimdServer, type ListeningServer } from '../server.js';
import { startRefresher } from '../trust/refresher.js';
import { secureRandom } from '../util/random.js';
import { createUser, generatePassword, resetPassword } from './users-command.js';

/** The host name of the development CIMD Service; the development resolver maps it to loopback. */
export const DEV_SERVICE_HOST = 'cimd-service.localhost';
export const DEMO_USERNAME = 'demo';
/** How often a running server deletes expired rows from its stores. */
export const SWEEP_INTERVAL_MS = 5 * 60_000;

export interface StartOptions {
  readonly config: ServerConfig;
  /** Development extras: the CIMD Service, the demo app and the demo user. */
  readonly demo: boolean;
  /** Port of the development CIMD Service (0: any free port). */
  readonly servicePort: number;
  readonly resetDemoPassword: boolean;
  /** Where the human-readable start banner goes. */
  readonly say: (line: string) => void;
  readonly logger?: Logger;
}

export interface RunningServer {
  readonly server: CimdServer;
  readonly listening: ListeningServer;
  readonly config: ServerConfig;
  readonly service?: CimdService;
  readonly demoClientId?: string;
  /** The demo password, only when it was created or reset by this start. */
  readonly demoPassword?: string;
  close(): Promise<void>;
}

/** A free TCP port on `host` (for `--port 0`, so the issuer can name the real port). */
async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function dataDirOf(config: ServerConfig): string {
  const url = config.stores.url;
  return url.startsWith('sqlite:') ? dirname(resolvePath(url.slice('sqlite:'.length))) : resolvePath('.data');
}

/** Start the authorization server (and, in development with `demo`, the demo around it). */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  let config = options.config;
  if (config.server.port === 0) {
    const port = await freePort(config.server.host);
    const issuer = config.server.issuer.replace(/:0$/, `:${port}`);
    config = { ...config, server: { ...config.server, port, issuer } };
  }
  const log = options.logger ?? createLogger(config.logging.level);
  const metrics = createMetrics();
  const clock = systemClock;
  const { stores, singleFlight } = await openBackends(config, clock, (error) =>
    log.warn({ event: 'redis', err: error }, 'Redis connection trouble'),
  );

  let service: CimdService | undefined;
  let extraCaPem: string | undefined;
  if (options.demo) {
    if (config.server.mode !== 'development') throw new Error('The demo runs only in development mode');
    const pki = await ensureDevPki(join(dataDirOf(config), 'dev-pki'), [DEV_SERVICE_HOST]);
    extraCaPem = pki.caPem;
    service = await startCimdService({
      hostname: DEV_SERVICE_HOST,
      listenHost: '127.0.0.1',
      port: options.servicePort,
      certPem: pki.certPem,
      keyPem: pki.keyPem,
    });
    config = {
      ...config,
      fetch: { ...config.fetch, resolve: { ...config.fetch.resolve, [DEV_SERVICE_HOST]: '127.0.0.1' }, allowLoopback: true },
      policy: { ...config.policy, cimdServices: [...config.policy.cimdServices, service.origin] },
    };
  }

  const fetcher = buildFetcher(config, log, metrics, extraCaPem === undefined ? {} : { extraCaPem });
  let demoClientId = '';
  const server = await createServer(config, {
    fetcher,
    stores,
    ...(singleFlight === undefined ? {} : { singleFlight }),
    clock,
    logger: log,
    metrics,
    ...(service === undefined ? {} : { extend: (app, ctx) => mountDemoClient(app, ctx, () => demoClientId) }),
  });
  const listening = await listen(server.app, config.server.host, config.server.port);
  // Expired codes, tokens, jtis, sessions and counters are deleted every few minutes. With several
  // instances each one sweeps; the deletes are idempotent, so that costs only a few statements.
  const sweeper = setInterval(() => {
    stores.sweep(clock.now()).then(
      (removed) => log.debug({ event: 'sweep', removed }, 'expired rows deleted'),
      (error: unknown) => log.warn({ event: 'sweep', err: error }, 'sweep failed'),
    );
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();
  // R61: pre-registered clients are fetched again on a schedule (trust.refreshIntervalS).
  const stopRefresher = startRefresher(server.context, config.trust.refreshIntervalS);

  let demoPassword: string | undefined;
  if (service !== undefined) {
    demoClientId = service.provision('/clients/demo-app.json', {
      client_name: 'cimd demo app',
      redirect_uris: [`${config.server.issuer}/demo/callback`],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    const exists = (await stores.users.findByUsername(DEMO_USERNAME)) !== undefined;
    if (!exists || options.resetDemoPassword) {
      demoPassword = generatePassword(secureRandom);
      if (exists) await resetPassword(stores, DEMO_USERNAME, demoPassword);
      else await createUser(stores, secureRandom, DEMO_USERNAME, demoPassword, clock.now());
    }
  }

  const say = options.say;
  say(`cimd-server ${PACKAGE_VERSION} implementing ${IMPLEMENTED_DRAFT}`);
  say(
    `  mode     ${config.server.mode.toUpperCase()}${config.server.mode === 'development' ? ' (development-only fetch options are active; never expose this server)' : ''}`,
  );
  say(`  issuer   ${config.server.issuer}`);
  say(`  store    ${redactUrl(config.stores.url)}`);
  if (config.stores.cacheUrl !== undefined)
    say(`  cache    ${redactUrl(config.stores.cacheUrl)} (shared metadata cache and fetch single-flight)`);
  say(`  metrics  ${config.server.issuer}/metrics`);
  if (service !== undefined) {
    say(
      `  CIMD Service (development)  ${service.origin}  (trusted by this server only, via ${join(dataDirOf(config), 'dev-pki', 'dev-ca.crt')})`,
    );
    say('');
    say(`Demo: open ${config.server.issuer}/demo in a browser and sign in as "${DEMO_USERNAME}"`);
    if (demoPassword !== undefined)
      say(`      with the password ${demoPassword}   (shown once; "npm start -- --reset-demo-password" makes a new one)`);
    else say('      (the password was shown when the user was created; "npm start -- --reset-demo-password" makes a new one)');
  }

  return {
    server,
    listening,
    config,
    ...(service === undefined ? {} : { service, demoClientId }),
    ...(demoPassword === undefined ? {} : { demoPassword }),
    async close() {
      clearInterval(sweeper);
      stopRefresher();
      await listening.close();
      await service?.close();
      await server.close();
    },
  };
}
