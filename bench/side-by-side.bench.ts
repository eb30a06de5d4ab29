/**
 * cimd side by side with node-oidc-provider (issue 9), in one run, on one machine.
 *
 *   npm run bench -- side-by-side            (about 3 minutes)
 *   npm run bench -- --quick side-by-side    (a smoke run: fewer ids, shorter windows, one run)
 *
 * Processes (see docs/benchmarks.md, "Side by side"): the HTTPS client host (test CA, counting
 * hits) and the load generator share CPU 0; cimd, the peer and the bare ceiling sit on CPU 1 and
 * are loaded one at a time. Every loop is bounded in count and time; every helper exits when this
 * process ends.
 *
 * Scenarios: (1) /authorize, one client_id, cached; (2) /authorize over 1,000 and 10,000 client_ids
 * drawn Zipf(1.1); (3) cold discovery latency over 500 unseen client_ids; (4) single-flight, 1,000
 * concurrent first requests for one client_id, origin fetches counted; (5a) code exchange, public
 * client, and the bare ceiling; (5b) code exchange with private_key_jwt; (6) refresh with rotation;
 * (7) heap per cached client at 100,000 clients (bench/resolver-memory.bench.ts); (8) isolation:
 * healthy clients' p99 while other origins are slow, oversized or redirecting.
 *
 * BENCH_PROFILE=cimd|peer|ceiling writes a CPU profile of that server to bench/results/.
 *
 * bench timeout: 290 s
 */
import { execFile, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { JWK } from 'jose';
import { createTestPki } from '../packages/node/test/kit/pki.js';
import { QUICK, summarize } from './lib.js';
import { BENCH_PASSWORD, type PublicJwk } from './side-by-side/documents.js';
import { PINNED, startHelper, type Helper } from './side-by-side/processes.js';
import { Figures, markdown, ratios, type Row } from './side-by-side/report.js';
import {
  authorizeLoad,
  ceilingTokens,
  coldDiscovery,
  isolation,
  singleFlight,
  tokens,
  type Bench,
  type Server,
} from './side-by-side/scenarios.js';
import { zipfDraws } from './side-by-side/zipf.js';

const S = QUICK
  ? {
      runs: 1,
      users: 2,
      windowMs: 500,
      ids: [200],
      coldIds: 50,
      sameHostIds: 20,
      burst: 200,
      tokens: 200,
      warmMs: 300,
      warmTokens: 100,
      isoMs: 600,
      heapClients: 20_000,
      heapRuns: 1,
    }
  : {
      runs: 3,
      users: 8,
      windowMs: 1500,
      ids: [1000, 10_000],
      coldIds: 500,
      sameHostIds: 100,
      burst: 1000,
      tokens: 2000,
      warmMs: 700,
      warmTokens: 200,
      isoMs: 3000,
      heapClients: 100_000,
      heapRuns: 3,
    };
const CONCURRENCY = 32;
const ZIPF_S = 1.1;
const ISO_RATE = 600;
const ABUSE_RATE = 60;
const HEALTHY_HOSTS = 4;
const HEALTHY_PER_HOST = 10;
/** The column of cimd on its in-memory store. */
const MEMORY = 'cimd, memory store';

const root = fileURLToPath(new URL('..', import.meta.url));
const results = join(root, 'bench', 'results');
const started = performance.now();
const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const say = (line: string): void => console.log(`[${elapsed()}] ${line}`);
/** Progress within a run, with BENCH_VERBOSE=1. */
const verbose = (line: string): void => {
  if (process.env['BENCH_VERBOSE'] === '1') say(line);
};

/** Install the peer into bench/peer/node_modules from its lock file when it is not there yet. */
async function ensurePeer(): Promise<void> {
  const peer = join(root, 'bench', 'peer');
  if (existsSync(join(peer, 'node_modules', 'oidc-provider', 'package.json'))) return;
  say('installing the peer (oidc-provider, bench/peer) with npm ci');
  await promisify(execFile)('npm', ['ci', '--no-audit', '--no-fund', '--prefix', peer], { timeout: 180_000 });
}

function ecKeys(kid: string): { publicJwk: PublicJwk; privateJwk: JWK } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    publicJwk: { ...(publicKey.export({ format: 'jwk' }) as Omit<PublicJwk, 'kid'>), kid },
    privateJwk: { ...(privateKey.export({ format: 'jwk' }) as JWK), kid, alg: 'ES256', use: 'sig' },
  };
}

function profileFlags(name: string): string[] {
  return process.env['BENCH_PROFILE'] === name ? ['--cpu-prof', '--cpu-prof-dir', results] : [];
}

/** The commit measured ("-dirty" when the tree has changes); BENCH_COMMIT names it for a tree without .git. */
async function commit(): Promise<string> {
  if (process.env['BENCH_COMMIT'] !== undefined) return process.env['BENCH_COMMIT'];
  const run = promisify(execFile);
  const head = (await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: root })).stdout.trim();
  const dirty = (await run('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root })).stdout.trim() !== '';
  return dirty ? `${head}-dirty` : head;
}

/** Scenario (7): bench/resolver-memory.bench.ts in its own process; its per-run figures. */
function heapPerClient(clients: number, runs: number): Promise<number[]> {
  const file = join(root, 'bench', 'resolver-memory.bench.ts');
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--conditions=source', '--import', 'tsx', file, String(clients), String(runs)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = /heap per cached client, per run: ([\d ]+) B/.exec(out)?.[1];
      if (code !== 0 || line === undefined) reject(new Error(`resolver-memory bench failed (${code}): ${out}`));
      else resolve(line.trim().split(/\s+/).map(Number));
    });
  });
}

/** (7) at 100,000 clients: the resolver-memory benchmark's figure from this same `npm run bench`, or measured now. */
async function heapFigures(): Promise<number[]> {
  try {
    const saved = JSON.parse(readFileSync(join(results, 'resolver-memory.json'), 'utf8')) as {
      runId: string;
      clients: number;
      perRun: number[];
    };
    if (saved.runId === process.env['BENCH_RUN_ID'] && saved.clients === S.heapClients) return saved.perRun;
  } catch {
    // not measured in this run: measure it
  }
  return heapPerClient(S.heapClients, S.heapRuns);
}

/**
 * The Zipf seed of the client_id draws. Every run (and the warm-up) sends the same sequence to
 * every server: runs differ only by what the machine does meanwhile.
 */
const SEED = 1000;

/** The ranks drawn at least once among `cap` draws over `n` ids: the clients users approve beforehand. */
function drawnRanks(n: number, cap: number): number[] {
  return [...new Set(zipfDraws(n, ZIPF_S, cap, SEED))].sort((a, b) => a - b);
}

const loadBefore = loadavg();
await ensurePeer();
mkdirSync(results, { recursive: true });
const pki = await createTestPki();
const data = mkdtempSync(join(tmpdir(), 'cimd-side-by-side-'));
const clientKey = ecKeys('bench-client');
const asKey = ecKeys('peer-as');
const helpers: Helper[] = [];
const figures = new Figures();

try {
  const doc = await startHelper(
    'document server',
    'document-server.ts',
    [pki.leaf.certPath, pki.leaf.keyPath, JSON.stringify(clientKey.publicJwk)],
    { cpu: 0 },
  );
  helpers.push(doc);
  const docPort = doc.ready['port'] as number;
  const origin = (host: string): string => `https://${host}:${docPort}`;
  const healthyHosts = Array.from({ length: HEALTHY_HOSTS }, (_, k) => `h${k}.client.test`);
  // (3) asks for each unseen client_id on a host of its own (each needs a new TLS connection).
  const coldHost = (run: number, k: number): string => `u${run}-${k}.client.test`;
  const coldHosts = Array.from({ length: S.runs }, (_, run) =>
    Array.from({ length: S.coldIds }, (_, k) => coldHost(run, k)),
  ).flat();
  const hosts = [
    'client.test',
    'slow.client.test',
    'big.client.test',
    'redirect.client.test',
    ...healthyHosts,
    ...coldHosts,
  ].join(',');
  const started = await Promise.all([
    startHelper('load generator', 'driver.ts', [], { cpu: 0 }),
    startHelper('cimd', 'cimd-server.ts', [pki.ca.certPath, join(data, 'cimd'), String(S.users), 'bench', hosts], {
      cpu: 1,
      nodeFlags: profileFlags('cimd'),
    }),
    startHelper(
      'cimd (default budgets)',
      'cimd-server.ts',
      [pki.ca.certPath, join(data, 'cimd-default'), String(S.users), 'default', hosts],
      { cpu: 1 },
    ),
    startHelper('cimd (memory store)', 'cimd-server.ts', [pki.ca.certPath, 'memory:', String(S.users), 'bench', hosts], {
      cpu: 1,
    }),
    startHelper('peer', 'peer-server.ts', [pki.ca.certPath, JSON.stringify(asKey.privateJwk)], {
      cpu: 1,
      nodeFlags: profileFlags('peer'),
    }),
    startHelper('ceiling', 'ceiling-server.ts', [mkdtempSync(join(data, 'ceiling-'))], {
      cpu: 1,
      nodeFlags: profileFlags('ceiling'),
    }),
  ]);
  helpers.push(...started);
  const [driver, cimdHelper, cimdDefaultHelper, cimdMemoryHelper, peerHelper, ceilingHelper] = started;
  const b: Bench = {
    figures,
    call: <T>(op: string, args: Record<string, unknown>): Promise<T> => driver.channel.call<T>({ op, ...args }),
    hits: (path?: string) => doc.channel.call<number>(path === undefined ? { op: 'total' } : { op: 'hits', path }),
  };
  const urlOf = (h: Helper): string => h.ready['url'] as string;
  say(`helpers ready (pinned to CPUs: ${PINNED ? 'yes' : 'no'})`);

  // Client ids: the distributions draw from /c/<rank>.json on client.test (C0 is rank 0).
  const maxIds = Math.max(...S.ids);
  const ids = Array.from({ length: maxIds }, (_, i) => `${origin('client.test')}/c/${i}.json`);
  const c0 = ids[0] as string;
  const publicClient = `${origin('client.test')}/p/1.json`;
  const healthy = healthyHosts.flatMap((h) => Array.from({ length: HEALTHY_PER_HOST }, (_, j) => `${origin(h)}/c/${j}.json`));
  // Each (2) window sends at most this many requests (3,000 a second), so that the clients
  // users must approve beforehand are known: the distinct ids among those draws.
  const caps = new Map(S.ids.map((n) => [n, Math.round((S.windowMs + 500) * 3)]));

  // Setup (untimed): users sign in and approve the clients they will use, as returning users have.
  const heap = heapFigures();
  const login = async (name: string, h: Helper, authorizePath: string): Promise<Server> => {
    const cookies = await b.call<string[]>('login', {
      base: urlOf(h),
      authorizePath,
      clientId: c0,
      users: S.users,
      password: BENCH_PASSWORD,
    });
    return { name, helper: h, target: { base: urlOf(h), authorizePath, cookies } };
  };
  const cimd = await login('cimd', cimdHelper, '/authorize');
  const cimdDefault = await login('cimd', cimdDefaultHelper, '/authorize');
  const cimdMemory = await login(MEMORY, cimdMemoryHelper, '/authorize');
  const peer = await login('peer', peerHelper, '/auth');
  const ceiling: Server = {
    name: 'ceiling',
    helper: ceilingHelper,
    target: { base: urlOf(ceilingHelper), authorizePath: '', cookies: [] },
  };
  /** Approve `list` on a server; the peer gives a session a new identifier after each interaction. */
  const approve = async (server: Server, list: readonly string[], users?: readonly number[], serial = false): Promise<number> => {
    const done = await b.call<{ approved: number; cookies: string[] }>('approve', {
      target: server.target,
      ids: list,
      users,
      serial,
    });
    server.target = { ...server.target, cookies: done.cookies };
    return done.approved;
  };
  // Rank k is used by user k mod users (driver.ts), and so approved by that user.
  const ranks = [...new Set(S.ids.flatMap((n) => drawnRanks(n, caps.get(n) ?? 0)))].sort((x, y) => x - y);
  const toApprove = ranks.map((k) => ids[k] as string);
  const approvers = ranks.map((k) => k % S.users);
  for (const server of [cimd, peer]) {
    const start = performance.now();
    const n = await approve(server, toApprove, approvers);
    await approve(server, [publicClient]);
    await approve(server, healthy);
    say(`${server.name}: ${n} clients approved in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
  await approve(cimdDefault, healthy, undefined, true);
  await approve(cimdMemory, [publicClient]);
  for (const v of await heap) figures.add('(7) heap per cached client, 1 KB documents', 'bytes', 'lower', 'cimd', v);

  const tokenLoad = { n: S.tokens, concurrency: CONCURRENCY, publicClient, jwtClient: c0, jwk: clientKey.privateJwk };
  const authorize = (server: Server, n: number, recordIt = true): Promise<void> =>
    authorizeLoad(
      b,
      server,
      {
        scenario: n === 1 ? '(1) /authorize, 1 client_id' : `(2) /authorize, ${n.toLocaleString('en-US')} client_ids, Zipf`,
        ids: ids.slice(0, n),
        seed: SEED,
        cap: n === 1 ? 200_000 : (caps.get(n) ?? 0),
        windowMs: recordIt ? S.windowMs : S.warmMs,
        concurrency: CONCURRENCY,
      },
      recordIt,
    );
  // Warm-up (untimed): every path of every server once under load, so that no run measures the JIT.
  for (const server of [cimd, peer]) {
    await authorize(server, maxIds, false);
    await tokens(b, server, { ...tokenLoad, n: S.warmTokens }, false);
  }
  await authorize(cimdMemory, 1, false);
  await tokens(b, cimdMemory, { ...tokenLoad, n: S.warmTokens }, false);
  await ceilingTokens(b, ceiling, S.warmTokens, CONCURRENCY, false);
  await b.call('isolation', { target: cimdDefault.target, ids: healthy, rate: ISO_RATE, durationMs: S.warmMs, seed: 1 });
  say('setup and warm-up done');

  const iso = (server: Server, run: number): Promise<void> =>
    isolation(
      b,
      server,
      {
        healthy,
        abuseUrls: ['slow', 'big', 'redirect'].map((h) => `${origin(`${h}.client.test`)}/x/${server.name}-${run}-{n}.json`),
        rate: ISO_RATE,
        abuseRate: ABUSE_RATE,
        durationMs: S.isoMs,
        seed: 2000 + run,
        drainMs: QUICK ? 200 : 1000,
      },
      run % 2 === 0,
    );
  for (let run = 0; run < S.runs; run++) {
    say(`run ${run + 1} of ${S.runs}`);
    // Servers take turns, the first one alternating run by run, so that drift touches both alike.
    for (const server of run % 2 === 0 ? [cimd, peer] : [peer, cimd]) {
      const step = (what: string): void => verbose(`  ${server.name}: ${what}`);
      for (const n of [1, ...S.ids]) await authorize(server, n);
      step('(1), (2) done');
      const cold = Array.from({ length: S.coldIds }, (_, k) => `${origin(coldHost(run, k))}/cold/${server.name}.json`);
      await coldDiscovery(b, server, '(3) cold discovery, each client_id on its own host', cold);
      step('(3) done');
      const sameHost = Array.from(
        { length: S.sameHostIds },
        (_, k) => `${origin('client.test')}/cold/${server.name}-${run}-${k}.json`,
      );
      await coldDiscovery(b, server, '(3b) cold discovery, client_ids on one host', sameHost);
      step('(3b) done');
      const sf = `${origin('client.test')}/cold/single-flight-${server.name}-${run}.json`;
      await singleFlight(
        b,
        server,
        `(4) single-flight, ${S.burst} concurrent first requests`,
        sf,
        S.burst,
        server === peer ? '/.well-known/openid-configuration' : '/healthz',
      );
      step('(4) done');
      await tokens(b, server, tokenLoad);
      step('(5a), (5b), (6) done');
    }
    await ceilingTokens(b, ceiling, S.tokens, CONCURRENCY);
    verbose('  ceiling done');
    // What durability costs: cimd on its in-memory store (tests only), as the peer keeps its state.
    await authorize(cimdMemory, 1);
    await tokens(b, cimdMemory, tokenLoad);
    verbose('  cimd, memory store done');
    for (const server of run % 2 === 0 ? [cimdDefault, peer] : [peer, cimdDefault]) await iso(server, run);
    verbose('  (8) done');
  }

  // Targets, as ratios within each run (medians over runs).
  const target = (scenario: string, unit: string, text: string, met: (row: Row) => boolean): void => {
    const row = figures.rows.find((r) => r.scenario === scenario && r.unit === unit);
    if (row !== undefined) row.target = { text, met: met(row) };
  };
  const cimdPeer = (row: Row): number => ratios(row, 'cimd', 'peer')?.median ?? NaN;
  const cimdMedian = (row: Row): number => summarize(row.values.get('cimd') ?? []).median;
  target('(1) /authorize, 1 client_id', 'req/s', 'cimd/peer ≥ 2', (row) => cimdPeer(row) >= 2);
  target(
    `(2) /authorize, ${maxIds.toLocaleString('en-US')} client_ids, Zipf`,
    'req/s',
    'cimd/peer ≥ 5',
    (row) => cimdPeer(row) >= 5,
  );
  target(
    '(5a) token: code + PKCE, public client',
    'req/s',
    'cimd/peer ≥ 1.5 and cimd/ceiling ≥ 0.4',
    (row) => cimdPeer(row) >= 1.5 && (ratios(row, 'cimd', 'ceiling')?.median ?? 0) >= 0.4,
  );
  target(`(4) single-flight, ${S.burst} concurrent first requests`, 'origin fetches', 'cimd exactly 1', (row) =>
    (row.values.get('cimd') ?? []).every((v) => v === 1),
  );
  target('(7) heap per cached client, 1 KB documents', 'bytes', '≤ 1,536 B', (row) => cimdMedian(row) <= 1536);
  target('(8) isolation: p99 bad / quiet', 'ratio', 'cimd ≤ 1.10', (row) => cimdMedian(row) <= 1.1);
  figures
    .row('(7) heap per cached client, 1 KB documents', 'bytes', 'lower')
    .notes.push(
      'peer: not measurable at this size: its document cache is a fixed LRU of 100 entries (two generations, so at most ~200 documents; lib/helpers/client_id_metadata_document.js), so at 100,000 clients it holds ~200 and fetches the rest again',
    );

  const meta = [
    `commit ${await commit()}, node ${process.version}, oidc-provider 9.13.3`,
    `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB; ${PINNED ? 'servers pinned to CPU 1, load generator and client host to CPU 0' : 'not pinned'}`,
    `load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    `${S.runs} run(s)${QUICK ? ' (quick mode)' : ''}; ${CONCURRENCY} requests in flight; ${S.windowMs} ms windows; ${S.users} users; ${elapsed()} in all`,
  ];
  const table = markdown(
    figures,
    ['cimd', 'peer', 'ceiling', MEMORY],
    [
      ['cimd', 'peer'],
      ['cimd', 'ceiling'],
      [MEMORY, 'peer'],
    ],
  );
  console.log(`\n${meta.join('\n')}\n\n${table}\n`);
  const file = join(results, `side-by-side${QUICK ? '-quick' : ''}`);
  writeFileSync(`${file}.md`, `${meta.map((m) => `- ${m}`).join('\n')}\n\n${table}\n`);
  writeFileSync(
    `${file}.json`,
    JSON.stringify({ meta, rows: figures.rows.map((r) => ({ ...r, values: Object.fromEntries(r.values) })) }, null, 2),
  );
} finally {
  await Promise.all(helpers.map((h) => h.stop()));
  rmSync(data, { recursive: true, force: true });
  await pki.dispose();
}
