/**
 * Safe discovery, three paths measured in one run (issue: safe discovery; stack.md §4):
 *
 *   (a) cached  `resolver.resolve()` of a client already in the cache (a hit: URL rules, cache
 *               read, the document validated again, negotiation), one at a time;
 *   (b) cold    `resolver.resolve()` of a client_id never seen before, through the SSRF-safe
 *               fetcher: URL rules, pinned resolution and address check, a fresh TCP + TLS
 *               connection, GET, status/media-type/size checks, strict JSON, validation,
 *               negotiation, freshness, digest, cache write;
 *   (c) bare    undici `request()` of the same document over a fresh TLS connection (same trust
 *               store, no session reuse) and nothing else: the ceiling (b) is compared with.
 *
 * Targets: (a)/(b) ≤ 1/50 and (b)/(c) ≤ 1.20. Both are reported for wall time per operation
 * (what a caller waits) and for CPU time per operation in this process (what it costs us; the
 * server's half of each handshake is not in it).
 *
 * The HTTPS document server (`bench/document-server.ts`) runs in a separate process (not pinned
 * to a core), so that its TLS work is not counted here and the measured process keeps about one
 * of the two cores. It serves a distinct ~1 KB document for every `/c/<n>.json`; each cold
 * resolution asks for a new n.
 *
 * What (b) adds to (c) is broken down, and what limits it explained, in docs/benchmarks.md.
 *
 *   node --conditions=source --import tsx bench/discovery.bench.ts [runs=5]
 *
 * Bounded: a run alternates cold and bare operations for RUN_MS or PAIRS pairs, whichever comes
 * first, then does BATCHES × BATCH cached resolutions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createSecureContext, rootCertificates } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { createClientResolver, createMemoryDocumentCache } from '@cimd/core';
import { createSafeFetcher, documentDigest } from '@cimd/node';
import { Client } from 'undici';
import { createTestPki, type TestPki } from '../packages/node/test/kit/pki.js';
import { QUICK, summarize, type Summary } from './lib.js';
import { sampleDocument } from './sample-document.js';

// tsx turns source maps on, which makes every formatted stack trace several times dearer. The
// product runs as compiled JavaScript without them, so measure that way.
process.setSourceMapsEnabled(false);

const RUNS = Math.max(3, Number(process.argv[2] ?? (QUICK ? 3 : 5)));
/** Each run alternates cold and bare operations for about this long (bounded by PAIRS too). */
const RUN_MS = QUICK ? 500 : 3000;
const PAIRS = 1000;
/** The cached path, per run: this many batches of BATCH resolutions. */
const BATCHES = QUICK ? 40 : 200;
const BATCH = 100;
/** Clients kept warm for the cached path (hits rotate over them, as real traffic would). */
const WARM_CLIENTS = QUICK ? 200 : 1000;

interface Measured {
  /** Wall milliseconds per operation. */
  readonly wallMs: number;
  /** CPU milliseconds (user + system, all threads of this process) per operation. */
  readonly cpuMs: number;
}

/** Wall and CPU milliseconds of one call of `op` (`times` calls in a row, divided). */
async function timed(op: (i: number) => Promise<unknown>, times = 1): Promise<Measured> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < times; i++) await op(i);
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs: wall / times, cpuMs: (used.user + used.system) / 1000 / times };
}

/**
 * Let the event loop finish what an operation left behind (the closed socket's callbacks), so
 * that it is not counted in the next operation, which may be of the other path.
 */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1));
}

/** The median wall and CPU time of a list of measurements. */
function medianOf(list: readonly Measured[]): Measured {
  return { wallMs: summarize(list.map((m) => m.wallMs)).median, cpuMs: summarize(list.map((m) => m.cpuMs)).median };
}

/**
 * One run: cold and bare operations alternate one by one (so that drift and background noise
 * touch both alike), with a pause between operations, for RUN_MS or PAIRS pairs; then the cached path in batches. Each path's
 * figure is the median over its operations (batches for the cached path).
 */
async function run(): Promise<Record<'cached' | 'cold' | 'bare', Measured>> {
  const colds: Measured[] = [];
  const bares: Measured[] = [];
  const start = performance.now();
  for (let i = 0; i < PAIRS && performance.now() - start < RUN_MS; i++) {
    colds.push(await timed(cold));
    await settle();
    bares.push(await timed(bare));
    await settle();
  }
  const batches: Measured[] = [];
  for (let i = 0; i < BATCHES; i++) batches.push(await timed((k) => cached(i * BATCH + k), BATCH));
  return { cached: medianOf(batches), cold: medianOf(colds), bare: medianOf(bares) };
}

async function startDocumentServer(pki: TestPki): Promise<{ port: number; child: ChildProcess }> {
  const script = fileURLToPath(new URL('./document-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script, pki.leaf.certPath, pki.leaf.keyPath], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const timer = setTimeout(() => child.kill(), 30_000);
  const [line] = (await once(lines, 'line')) as [string];
  clearTimeout(timer);
  lines.close();
  return { port: (JSON.parse(line) as { port: number }).port, child };
}

const pki = await createTestPki();
const server = await startDocumentServer(pki);
const { port } = server;
const idOf = (n: number): string => `https://client.test:${port}/c/${n}.json`;

// (a) and (b): the resolver over the safe fetcher, as the server wires them, in development mode
// only for the name override, the test CA and loopback; every other rule is production's.
const fetcher = createSafeFetcher({
  mode: 'development',
  bindAddress: '127.0.0.1',
  env: {},
  development: { resolve: { 'client.test': '127.0.0.1' }, extraCa: pki.ca.certPem, allowLoopback: true },
  budgets: {
    perOrigin: { concurrent: 4, perMinute: 1_000_000, burst: 1_000_000 },
    global: { concurrent: 4, perMinute: 1_000_000, burst: 1_000_000 },
  },
});
const resolver = createClientResolver({
  digest: documentDigest,
  fetcher,
  cache: { store: createMemoryDocumentCache({ maxEntries: 100_000 }) },
});
let nextClient = 0;
async function cold(): Promise<void> {
  const client = await resolver.resolve(idOf(nextClient++), { use: 'authorize' });
  if (client.source !== 'fetched') throw new Error(`expected a fetch, got ${client.source}`);
}
async function cached(i: number): Promise<void> {
  const client = await resolver.resolve(idOf(i % WARM_CLIENTS), { use: 'authorize' });
  if (client.source !== 'cache-hit') throw new Error(`expected a cache hit, got ${client.source}`);
}

// (c): a bare undici GET over a fresh TLS connection, with the same trust store as the fetcher.
const secureContext = createSecureContext({ minVersion: 'TLSv1.2', ca: [...rootCertificates, pki.ca.certPem] });
let nextBare = 1_000_000;
async function bare(): Promise<void> {
  const client = new Client(`https://127.0.0.1:${port}`, {
    connect: { servername: 'client.test', secureContext, maxCachedSessions: 0 },
  });
  try {
    const response = await client.request({
      path: `/c/${nextBare++}.json`,
      method: 'GET',
      headers: { host: `client.test:${port}`, accept: 'application/json' },
    });
    const body = await response.body.arrayBuffer();
    if (response.statusCode !== 200 || body.byteLength === 0) throw new Error(`bare GET: ${response.statusCode}`);
  } finally {
    client.destroy().catch(() => undefined);
  }
}

try {
  // Warm-up: JIT, the TLS stacks of both processes, and the clients the cached path rotates over.
  for (let i = 0; i < WARM_CLIENTS; i++) await cold();
  for (let i = 0; i < (QUICK ? 100 : 300); i++) await bare();
  for (let i = 0; i < (QUICK ? 4000 : 20_000); i++) await cached(i);

  const results = { cached: [] as Measured[], cold: [] as Measured[], bare: [] as Measured[] };
  for (let r = 0; r < RUNS; r++) {
    const one = await run();
    for (const key of ['cached', 'cold', 'bare'] as const) results[key].push(one[key]);
  }
  report(results);
} finally {
  server.child.stdin?.end();
  await pki.dispose();
}

function report(results: Record<'cached' | 'cold' | 'bare', Measured[]>): void {
  const pick = (list: Measured[], key: keyof Measured): Summary => summarize(list.map((m) => m[key]));
  const ms = (s: Summary, digits: number): string =>
    `${s.median.toFixed(digits)} ms (min ${s.min.toFixed(digits)}, max ${s.max.toFixed(digits)})`;
  /** Per-run ratios of two paths measured side by side in the same run. */
  const ratios = (a: Measured[], b: Measured[], key: keyof Measured): Summary =>
    summarize(a.map((m, i) => m[key] / (b[i]?.[key] ?? NaN)));
  const ratio = (s: Summary, digits = 3): string =>
    `${s.median.toFixed(digits)} (min ${s.min.toFixed(digits)}, max ${s.max.toFixed(digits)})`;

  console.log(
    `node ${process.version}; ${RUNS} runs, each the median per operation of up to ${PAIRS} alternating cold/bare pairs (${RUN_MS} ms at most) and of ${BATCHES} cached batches of ${BATCH}; document server in a separate process`,
  );
  console.log(
    `document ${sampleDocument(new URL(idOf(0)), '0').byteLength} bytes; ${nextClient} cold resolutions, ${nextBare - 1_000_000} bare GETs in all`,
  );
  for (const key of ['wallMs', 'cpuMs'] as const) {
    const label = key === 'wallMs' ? 'wall time per operation' : 'CPU time per operation (this process)';
    const a = pick(results.cached, key);
    const b = pick(results.cold, key);
    const c = pick(results.bare, key);
    const ac = ratios(results.cached, results.cold, key);
    const bc = ratios(results.cold, results.bare, key);
    console.log(`\n${label}:`);
    console.log(`  (a) cached resolution        ${ms(a, 4)}`);
    console.log(`  (b) cold resolution          ${ms(b, 3)}`);
    console.log(`  (c) bare undici GET          ${ms(c, 3)}`);
    console.log(
      `  cached/cold ${ratio(ac, 5)} = 1/${Math.round(1 / ac.median)}; target <= 1/50: ${ac.median <= 1 / 50 ? 'met' : 'MISSED'}`,
    );
    console.log(`  cold/bare   ${ratio(bc)}; target <= 1.20: ${bc.median <= 1.2 ? 'met' : 'MISSED'}`);
  }
}
