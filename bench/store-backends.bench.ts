/**
 * Token issuance on the storage backends side by side, in one run (issue: scale-out):
 * the code → token exchange through the real `/token` endpoint (form parsing, client resolution
 * from the cache, PKCE, atomic code redemption, grant and refresh token rows, ES256 access token)
 * on
 * - SQLite (a file in a fresh temporary folder, WAL),
 * - PostgreSQL with one instance (a schema of its own, dropped at the end),
 * - PostgreSQL with two instances (two servers, each with its own pool and Redis connections,
 *   on one schema and one Redis prefix; the exchanges alternate between them).
 *
 *   node --conditions=source --import tsx bench/store-backends.bench.ts [runs]
 *
 * Needs PostgreSQL and Redis (CIMD_TEST_POSTGRES_URL, CIMD_TEST_REDIS_URL; defaults: the local
 * services). Each run first issues CODES codes through `/authorize` (a signed-in user whose
 * consent is remembered, untimed), then times their exchange with IN_FLIGHT requests at once.
 * The setups take turns run by run, so drift of the machine spreads over all three. `runs`
 * (default 5, at least 3) give the median with min and max, and the ratios of the medians.
 * Everything runs in this one process on the same cores as the databases, so "two instances"
 * measures what sharing costs (more connections, the cluster budget counters), not what a second
 * machine would add. Afterwards, the bytes each issued token leaves in the stores.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { systemClock } from '../packages/core/src/index.js';
import { MapFetcher } from '../packages/core/test/support/map-fetcher.js';
import { hashPassword } from '../packages/server/src/auth/password.js';
import { mergeConfig, type ConfigInput } from '../packages/server/src/config.js';
import { createLogger } from '../packages/server/src/observability/logger.js';
import { createMetrics } from '../packages/server/src/observability/metrics.js';
import { createServer, type CimdServer } from '../packages/server/src/server.js';
import { Browser } from '../packages/server/test/support/browser.js';
import { fmt, QUICK, summarize, type Summary } from './lib.js';

const runs = Math.max(3, Number(process.argv[2] ?? (QUICK ? 3 : 5)));
const CODES = QUICK ? 100 : 300;
const IN_FLIGHT = 8;
const POSTGRES_URL = process.env['CIMD_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env['CIMD_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const ISSUER = 'https://as.example';
const CLIENT_ID = 'https://app.example/oauth/client.json';
const REDIRECT_URI = 'https://app.example/callback';
const PASSWORD = 'bench password, not a secret';
const tag = randomBytes(4).toString('hex');
const schema = `cimd_bench_${tag}`;
const prefix = `cimd-bench-${tag}:`;
const folder = mkdtempSync(join(tmpdir(), 'cimd-bench-backends-'));

const fetcher = new MapFetcher().serve(CLIENT_ID, {
  body: JSON.stringify({
    client_id: CLIENT_ID,
    client_name: 'Bench App',
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
  }),
  headers: { 'content-type': 'application/json', 'cache-control': 'max-age=3600' },
});

/** A setup: the servers that answer `/token` (in turn) and the browser that collects codes. */
interface Setup {
  readonly name: string;
  readonly servers: readonly CimdServer[];
  readonly browser: Browser;
  readonly results: number[];
}

async function setup(name: string, stores: NonNullable<ConfigInput['stores']>, instances: number): Promise<Setup> {
  const config = mergeConfig({
    server: { issuer: ISSUER, host: '127.0.0.1', port: 0 },
    stores,
    policy: { authenticateBeforeFetch: false },
    // One bench user approves the client: it counts as established, so the first-seen token
    // allowance (100 an hour) does not stop the benchmark.
    trust: { usersForNoWarning: 1 },
  });
  const parts = { fetcher, clock: systemClock, logger: createLogger('silent'), metrics: createMetrics(false) };
  const servers: CimdServer[] = [];
  for (let i = 0; i < instances; i++) servers.push(await createServer(config, parts));
  const first = servers[0] as CimdServer;
  if ((await first.context.stores.users.findByUsername('bench')) === undefined) {
    await first.context.stores.users.create({
      id: `u_bench_${name.replace(/\W/g, '')}`,
      username: 'bench',
      passwordHash: await hashPassword(PASSWORD, { log2N: 10, r: 8, p: 1 }),
      createdAt: Date.now(),
    });
  }
  const browser = new Browser(first, ISSUER);
  await browser.authorize(authorizeQuery(pkcePair().challenge), { username: 'bench', password: PASSWORD });
  return { name, servers, browser, results: [] };
}

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeQuery(challenge: string): URLSearchParams {
  return new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    scope: 'read offline_access',
    state: 's',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
}

/** Codes from `/authorize` for the signed-in, consenting user (untimed). */
async function codes(s: Setup): Promise<{ code: string; verifier: string }[]> {
  const out = [];
  for (let i = 0; i < CODES; i++) {
    const { verifier, challenge } = pkcePair();
    const response = await s.browser.get(`/authorize?${authorizeQuery(challenge).toString()}`);
    const code = new URL(response.headers.get('location') ?? 'x:').searchParams.get('code');
    if (code === null) throw new Error(`${s.name}: /authorize gave no code (${response.status})`);
    out.push({ code, verifier });
  }
  return out;
}

/** Exchange every code, IN_FLIGHT at once, alternating servers; returns tokens per second. */
async function exchange(s: Setup, batch: readonly { code: string; verifier: string }[]): Promise<number> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < batch.length; i = next++) {
      const { code, verifier } = batch[i] as { code: string; verifier: string };
      const server = s.servers[i % s.servers.length] as CimdServer;
      const res = await server.fetch(
        new Request(`${ISSUER}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code,
            code_verifier: verifier,
            client_id: CLIENT_ID,
            redirect_uri: REDIRECT_URI,
          }).toString(),
        }),
      );
      if (res.status !== 200) throw new Error(`${s.name}: /token answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return (batch.length * 1000) / (performance.now() - start);
}

const pgUrl = new URL(POSTGRES_URL);
pgUrl.searchParams.set('schema', schema);
const redisUrl = new URL(REDIS_URL);
redisUrl.searchParams.set('prefix', prefix);

const setups: Setup[] = [];
try {
  setups.push(await setup('SQLite', { url: `sqlite:${join(folder, 'cimd.db')}` }, 1));
  setups.push(await setup('PostgreSQL, 1 instance', { url: pgUrl.href }, 1));
  setups.push(await setup('PostgreSQL + Redis, 2 instances', { url: pgUrl.href, cacheUrl: redisUrl.href }, 2));

  // Warm-up: one untimed batch each (JIT, pools, prepared plans, the cached client).
  for (const s of setups) await exchange(s, await codes(s));
  for (let r = 0; r < runs; r++) {
    for (const s of setups) s.results.push(await exchange(s, await codes(s)));
  }

  console.log(`token issuance through /token (code → tokens), ${CODES} exchanges a run, ${IN_FLIGHT} in flight, ${runs} runs`);
  const summaries = new Map<string, Summary>();
  for (const s of setups) {
    const summary = summarize(s.results);
    summaries.set(s.name, summary);
    console.log(`  ${s.name.padEnd(32)} ${fmt(summary, ' tokens/s')}`);
  }
  const median = (name: string): number => summaries.get(name)?.median ?? NaN;
  console.log('ratios of the medians');
  console.log(`  PostgreSQL / SQLite                 ${(median('PostgreSQL, 1 instance') / median('SQLite')).toFixed(2)}`);
  console.log(
    `  2 instances / 1 instance (PG)       ${(median('PostgreSQL + Redis, 2 instances') / median('PostgreSQL, 1 instance')).toFixed(2)}`,
  );

  // What one issued token leaves behind (a code row, a grant, a refresh token), before any sweep.
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  const size = await admin.query<{ tables: string; flows: string }>(
    `SELECT (pg_total_relation_size('${schema}.authorization_codes') + pg_total_relation_size('${schema}.grants')
             + pg_total_relation_size('${schema}.refresh_tokens'))::text AS tables,
            (SELECT COUNT(*) FROM ${schema}.grants)::text AS flows`,
  );
  await admin.end();
  const row = size.rows[0];
  if (row !== undefined) {
    console.log(
      `PostgreSQL: ${row.flows} flows (both PostgreSQL setups) in ${(Number(row.tables) / 1024).toFixed(0)} KiB of code, grant and refresh token tables and indexes: ${Math.round(Number(row.tables) / Number(row.flows))} B a flow`,
    );
  }
  const file = join(folder, 'cimd.db');
  const sqliteBytes = statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
  const sqliteFlows = CODES * (runs + 1) + 1;
  console.log(
    `SQLite: ${sqliteFlows} flows in a ${(sqliteBytes / 1024).toFixed(0)} KiB file (with WAL, every table): ${Math.round(sqliteBytes / sqliteFlows)} B a flow`,
  );

  // What a cached client metadata document costs in each shared cache (a 1 KiB document).
  const pgSetup = setups[1]?.servers[0];
  const redisSetup = setups[2]?.servers[0];
  if (pgSetup !== undefined && redisSetup !== undefined) {
    const body = JSON.stringify({ client_id: CLIENT_ID, client_name: 'x'.repeat(900), redirect_uris: [REDIRECT_URI] });
    const entry = { body, digest: `sha256:${'a'.repeat(43)}`, fetchedAt: Date.now(), freshUntil: Date.now() + 3_600_000 };
    const count = 2000;
    const redis = new Redis(REDIS_URL);
    const before = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
    for (let i = 0; i < count; i++) {
      const id = `https://c${i}.example/oauth/client-metadata.json`;
      await redisSetup.context.stores.documents.set(id, { ...entry, staleUntil: entry.freshUntil + 3_600_000, etag: `"v${i}"` });
      await pgSetup.context.stores.documents.set(id, { ...entry, staleUntil: entry.freshUntil + 3_600_000, etag: `"v${i}"` });
    }
    const afterBytes = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
    redis.disconnect();
    const admin2 = new pg.Client({ connectionString: POSTGRES_URL });
    await admin2.connect();
    const docs = await admin2.query<{ bytes: string }>(
      `SELECT pg_total_relation_size('${schema}.client_documents')::text AS bytes`,
    );
    await admin2.end();
    console.log(
      `a cached ${body.length}-byte document: Redis ${Math.round((afterBytes - before) / count)} B, PostgreSQL ${Math.round(Number(docs.rows[0]?.bytes) / (count + 1))} B (table and index, ${count} documents)`,
    );
  }
} finally {
  for (const s of setups) for (const server of s.servers) await server.close();
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  rmSync(folder, { recursive: true, force: true });
}
