import { createHash, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { hashPassword } from '../../src/auth/password.js';
import { mergeConfig, type ConfigInput, type ServerConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createServer, type CimdServer } from '../../src/server.js';
import { createMemoryStores } from '../../src/store/memory/memory-stores.js';
import type { Stores } from '../../src/store/stores.js';
import type { RegistrationDataSource } from '../../src/trust/registration-data.js';
import { ManualClock } from '../../../core/test/support/manual-clock.js';
import { MapFetcher } from '../../../core/test/support/map-fetcher.js';
import { Browser } from './browser.js';

export { ManualClock, MapFetcher };

export const ISSUER = 'https://as.example';
export const CLIENT_ID = 'https://app.example/oauth/client.json';
export const REDIRECT_URI = 'https://app.example/callback';
export const PASSWORD = 'correct horse battery staple';

/** A client metadata document for `clientId`, with overrides. */
export function document(clientId = CLIENT_ID, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    client_id: clientId,
    client_name: 'Example App',
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    ...extra,
  });
}

export interface Harness {
  readonly server: CimdServer;
  readonly config: ServerConfig;
  readonly stores: Stores;
  readonly clock: ManualClock;
  readonly fetcher: MapFetcher;
  /** Log lines written by the server (JSON). */
  readonly logs: string[];
  /** A new browser (its own cookie jar) talking to the server in memory. */
  browser(): Browser;
  /** Create a user with the test password; returns its id. */
  addUser(username: string): Promise<string>;
  /** Serve a document (max-age 600 unless headers say otherwise). */
  serve(clientId: string, body: string, headers?: Record<string, string>): void;
  /** A client_id no other test uses (on a host below app.example), its document served (with `extra` members). */
  newClient(extra?: Record<string, unknown>): string;
  /**
   * Let the server see a client as an authorization request would (its document is fetched and
   * recorded in the trust registry): the token endpoint only fetches clients seen that way.
   */
  seeClient(clientId: string): Promise<void>;
  close(): Promise<void>;
}

/** Cheap scrypt parameters for tests: the production defaults cost ~100 ms per hash. */
const TEST_SCRYPT = { log2N: 10, r: 8, p: 1 };

export interface HarnessOptions {
  /** Wrap the memory stores, e.g. to give a store the latency of a database. */
  readonly wrapStores?: (stores: Stores) => Stores;
  /** Domain registration data (docs/trust.md); default none. */
  readonly registrationData?: RegistrationDataSource;
}

export async function createHarness(overrides: ConfigInput = {}, options: HarnessOptions = {}): Promise<Harness> {
  const config = mergeConfig(
    {
      server: { issuer: ISSUER, host: '127.0.0.1', port: 0 },
      stores: { url: 'memory:' },
      policy: { resources: ['https://api.example/mcp', 'https://api.example/other'] },
    },
    overrides,
  );
  const clock = new ManualClock();
  const fetcher = new MapFetcher();
  const memory = createMemoryStores({ clock });
  const stores = options.wrapStores?.(memory) ?? memory;
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const server = await createServer(config, {
    fetcher,
    stores,
    clock,
    logger: createLogger('debug', sink),
    metrics: createMetrics(false),
    ...(options.registrationData === undefined ? {} : { registrationData: options.registrationData }),
  });
  const harness: Harness = {
    server,
    config,
    stores,
    clock,
    fetcher,
    logs,
    browser: () => new Browser(server, ISSUER),
    async addUser(username) {
      const id = `u_${randomBytes(6).toString('hex')}`;
      await stores.users.create({
        id,
        username,
        passwordHash: await hashPassword(PASSWORD, TEST_SCRYPT),
        createdAt: clock.now(),
      });
      return id;
    },
    serve(clientId, body, headers = { 'content-type': 'application/json', 'cache-control': 'max-age=600' }) {
      fetcher.serve(clientId, { body, headers });
    },
    newClient(extra = {}) {
      // Below app.example, the host of REDIRECT_URI: a first-seen client may redirect only to its own site (R62).
      const id = `https://app${++clientCounter}.app.example/oauth/client.json`;
      harness.serve(id, document(id, extra));
      return id;
    },
    async seeClient(clientId) {
      await server.context.clients.find(clientId, 'authorize');
    },
    close: () => server.close(),
  };
  return harness;
}

let clientCounter = 0;

/** A PKCE pair (RFC 7636 S256). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Authorization request parameters with sensible defaults. */
export function authorizeParams(
  overrides: Record<string, string | undefined> = {},
  challenge = pkce().challenge,
): URLSearchParams {
  const base: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    scope: 'read',
    state: 'st-123',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(base)) if (v !== undefined) q.set(k, v);
  return q;
}
