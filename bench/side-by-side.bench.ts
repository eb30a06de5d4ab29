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
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { JWK } from 'jose';
import { createTestPki } from '../packages/node/test/kit/pki.js';
import { QUICK, summarize } from './lib.js';
import { BENCH_PASSWORD, type PublicJwk } from './side-by-side/documents.js';
import type { MintedCode, Target } from './side-by-side/driver.js';
import type { LoadResult, OpenLoopResult } from './side-by-side/load.js';
import { PINNED, startHelper, type Helper } from './side-by-side/processes.js';
import { Figures, markdown, ratios } from './side-by-side/report.js';

const S = QUICK
  ? {
      runs: 1,
      users: 2,
      windowMs: 500,
      ids: [300],
      coldIds: 50,
      burst: 200,
      tokens: 200,
      isoMs: 600,
      heapClients: 20_000,
      heapRuns: 1,
    }
  : {
      runs: 3,
      users: 8,
      windowMs: 2500,
      ids: [1000, 10_000],
      coldIds: 500,
      burst: 1000,
      tokens: 1500,
      isoMs: 2500,
      heapClients: 100_000,
      heapRuns: 3,
    };
const CONCURRENCY = 32;
const ZIPF_S = 1.1;
const ISO_RATE = 200;
const ABUSE_RATE = 60;
const HEALTHY_HOSTS = 4;
const HEALTHY_PER_HOST = 10;

const root = fileURLToPath(new URL('..', import.meta.url));
const results = join(root, 'bench', 'results');
const started = performance.now();
const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const say = (line: string): void => console.log(`[${elapsed()}] ${line}`);

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
    {
      cpu: 0,
    },
  );
  helpers.push(doc);
  const docPort = doc.ready['port'] as number;
  const origin = (host: string): string => `https://${host}:${docPort}`;
  const healthyHosts = Array.from({ length: HEALTHY_HOSTS }, (_, k) => `h${k}.client.test`);
  const hosts = ['client.test', 'slow.client.test', 'big.client.test', 'redirect.client.test', ...healthyHosts].join(',');
  const started4 = await Promise.all([
    startHelper('load generator', 'driver.ts', [], { cpu: 0 }),
    startHelper('cimd', 'cimd-server.ts', [pki.ca.certPath, join(data, 'cimd'), String(S.users), 'bench', hosts], {
      cpu: 1,
      nodeFlags: profileFlags('cimd'),
    }),
    startHelper(
      'cimd (default budgets)',
      'cimd-server.ts',
      [pki.ca.certPath, join(data, 'cimd-default'), String(S.users), 'default', hosts],
      {
        cpu: 1,
      },
    ),
    startHelper('peer', 'peer-server.ts', [pki.ca.certPath, JSON.stringify(asKey.privateJwk)], {
      cpu: 1,
      nodeFlags: profileFlags('peer'),
    }),
    startHelper('ceiling', 'ceiling-server.ts', [mkdtempSync(join(data, 'ceiling-'))], {
      cpu: 1,
      nodeFlags: profileFlags('ceiling'),
    }),
  ]);
  helpers.push(...started4);
  const [driver, cimd, cimdDefault, peer, ceiling] = started4;
  const call = <T>(op: string, args: Record<string, unknown>): Promise<T> => driver.channel.call<T>({ op, ...args });
  const urlOf = (h: Helper): string => h.ready['url'] as string;
  say(`helpers ready (pinned to CPUs: ${PINNED ? 'yes' : 'no'})`);

  // Client ids. Distribution ids are /c/<rank>.json on client.test; C0 is rank 0.
  const maxIds = Math.max(...S.ids);
  const ids = Array.from({ length: maxIds }, (_, i) => `${origin('client.test')}/c/${i}.json`);
  const c0 = ids[0] as string;
  const publicClient = `${origin('client.test')}/p/1.json`;
  const healthy = healthyHosts.flatMap((h) => Array.from({ length: HEALTHY_PER_HOST }, (_, j) => `${origin(h)}/c/${j}.json`));

  // Setup (untimed): sign in, approve every client for its user, as a returning user would have.
  const heap = heapPerClient(S.heapClients, S.heapRuns);
  const targets = new Map<string, Target>();
  for (const [name, h, path] of [
    ['cimd', cimd, '/authorize'],
    ['cimd (default budgets)', cimdDefault, '/authorize'],
    ['peer', peer, '/auth'],
  ] as const) {
    const cookies = await call<string[]>('login', {
      base: urlOf(h),
      authorizePath: path,
      clientId: c0,
      users: S.users,
      password: BENCH_PASSWORD,
    });
    targets.set(name, { base: urlOf(h), authorizePath: path, cookies });
  }
  const t = (name: string): Target => targets.get(name) as Target;
  /** Approve `list` on a server; its users' session cookies are replaced by the ones after. */
  const approve = async (name: string, list: readonly string[], serial = false): Promise<number> => {
    const done = await call<{ approved: number; cookies: string[] }>('approve', { target: t(name), ids: list, serial });
    targets.set(name, { ...t(name), cookies: done.cookies });
    return done.approved;
  };
  for (const name of ['cimd', 'peer']) {
    const start = performance.now();
    const n = await approve(name, ids);
    await approve(name, [publicClient]);
    await approve(name, healthy);
    say(`${name}: ${n} clients approved in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
  await approve('cimd (default budgets)', healthy, true);
  const heapRuns = await heap;
  for (const v of heapRuns) figures.add('(7) heap per cached client, 1 KB documents', 'bytes', 'lower', 'cimd', v);
  say('setup done');

  const record = (scenario: string, server: string, r: LoadResult, what: 'rps' | 'p50' | 'p99'): void => {
    if (r.count === 0 || r.ok < r.count * 0.99) {
      figures
        .row(scenario, what === 'rps' ? 'req/s' : `${what} ms`, what === 'rps' ? 'higher' : 'lower')
        .notes.push(
          `${server}: only ${r.ok} of ${r.count} responses as expected (${JSON.stringify(r.statuses)}); first: ${r.firstFailure ?? ''}`,
        );
    }
    figures.add(scenario, what === 'rps' ? 'req/s' : `${what} ms`, what === 'rps' ? 'higher' : 'lower', server, r[what]);
  };

  for (let run = 0; run < S.runs; run++) {
    const order = run % 2 === 0 ? ['cimd', 'peer'] : ['peer', 'cimd'];
    say(`run ${run + 1} of ${S.runs}`);
    for (const name of order) {
      const target = t(name);
      // (1) and (2): the redirect with a code, for a signed-in user who approved the client before.
      for (const n of [1, ...S.ids]) {
        const scenario =
          n === 1 ? '(1) /authorize, 1 client_id' : `(2) /authorize, ${n.toLocaleString('en-US')} client_ids, Zipf`;
        const r = await call<LoadResult>('authorize', {
          target,
          ids: ids.slice(0, n),
          s: ZIPF_S,
          seed: 1000 + run,
          concurrency: CONCURRENCY,
          durationMs: S.windowMs + 500,
          warmupMs: 500,
          total: 200_000,
        });
        record(scenario, name, r, 'rps');
        record(scenario, name, r, 'p99');
      }
      // (3) cold discovery: the first request for each never-seen client_id, one at a time.
      const cold = Array.from({ length: S.coldIds }, (_, k) => `${origin('client.test')}/cold/${name}-${run}-${k}.json`);
      const fetchesBefore = await doc.channel.call<number>({ op: 'total' });
      const c = await call<LoadResult>('cold', { target, ids: cold });
      const fetches = (await doc.channel.call<number>({ op: 'total' })) - fetchesBefore;
      record('(3) cold discovery, unseen client_ids', name, c, 'p50');
      record('(3) cold discovery, unseen client_ids', name, c, 'p99');
      if (fetches !== cold.length)
        figures
          .row('(3) cold discovery, unseen client_ids', 'p50 ms', 'lower')
          .notes.push(`${name}: ${fetches} fetches for ${cold.length} ids`);
      // (4) single-flight: many first requests at once for one new client_id.
      const sf = `${origin('client.test')}/cold/single-flight-${name}-${run}.json`;
      const b = await call<LoadResult>('burst', {
        target,
        id: sf,
        n: S.burst,
        warmPath: name === 'peer' ? '/.well-known/openid-configuration' : '/healthz',
      });
      const hits = await doc.channel.call<number>({ op: 'hits', path: new URL(sf).pathname });
      figures.add(`(4) single-flight, ${S.burst} concurrent first requests`, 'origin fetches', 'lower', name, hits);
      if (b.ok < b.count)
        figures
          .row(`(4) single-flight, ${S.burst} concurrent first requests`, 'origin fetches', 'lower')
          .notes.push(`${name}: ${JSON.stringify(b.statuses)}`);
      // (5a), (6): code exchange and refresh, public client; (5b) private_key_jwt.
      const codes = await call<MintedCode[]>('mint', { target, clientId: publicClient, n: S.tokens });
      const ex = await call<{ result: LoadResult; refreshTokens: string[] }>('exchange', {
        base: target.base,
        codes,
        clientId: publicClient,
        concurrency: CONCURRENCY,
        warmup: Math.floor(S.tokens / 10),
      });
      record('(5a) token: code + PKCE, public client', name, ex.result, 'rps');
      const rf = await call<LoadResult>('refresh', {
        base: target.base,
        tokens: ex.refreshTokens,
        clientId: publicClient,
        concurrency: CONCURRENCY,
        warmup: Math.floor(S.tokens / 10),
      });
      record('(6) token: refresh with rotation', name, rf, 'rps');
      const jwtCodes = await call<MintedCode[]>('mint', { target, clientId: c0, n: S.tokens });
      const jx = await call<{ result: LoadResult }>('exchange', {
        base: target.base,
        codes: jwtCodes,
        clientId: c0,
        concurrency: CONCURRENCY,
        warmup: Math.floor(S.tokens / 10),
        jwk: clientKey.privateJwk,
        audience: target.base,
      });
      record('(5b) token: code + private_key_jwt', name, jx.result, 'rps');
    }
    // (5a) the bare ceiling.
    const ceilingCodes = await call<MintedCode[]>('mint-ceiling', { base: urlOf(ceiling), n: S.tokens });
    const cx = await call<{ result: LoadResult }>('exchange', {
      base: urlOf(ceiling),
      codes: ceilingCodes,
      clientId: ceiling.ready['clientId'],
      concurrency: CONCURRENCY,
      warmup: Math.floor(S.tokens / 10),
    });
    record('(5a) token: code + PKCE, public client', 'ceiling', cx.result, 'rps');

    // (8) isolation: healthy clients at a fixed rate, quiet, then with fresh ids on bad origins.
    const isoOrder = run % 2 === 0 ? ['cimd (default budgets)', 'peer', 'cimd'] : ['cimd', 'peer', 'cimd (default budgets)'];
    for (const name of isoOrder) {
      const server = name === 'cimd (default budgets)' ? 'cimd' : name === 'cimd' ? 'cimd, bench budgets' : name;
      const tag = `${name.replace(/\W+/g, '-')}-${run}`;
      const abuse = {
        rate: ABUSE_RATE,
        urls: ['slow', 'big', 'redirect'].map((h) => `${origin(`${h}.client.test`)}/x/${tag}-{n}.json`),
      };
      const common = { target: t(name), ids: healthy, rate: ISO_RATE, durationMs: S.isoMs, seed: 2000 + run };
      const [quiet] = await call<OpenLoopResult[]>('isolation', common);
      const [busy, bad] = await call<OpenLoopResult[]>('isolation', { ...common, abuse });
      if (quiet === undefined || busy === undefined) throw new Error('isolation: no result');
      record('(8) isolation: healthy p99, quiet', server, quiet, 'p99');
      record('(8) isolation: healthy p99, bad origins', server, busy, 'p99');
      figures.add('(8) isolation: p99 bad / quiet', 'ratio', 'lower', server, busy.p99 / quiet.p99);
      if (bad !== undefined)
        figures
          .row('(8) isolation: p99 bad / quiet', 'ratio', 'lower')
          .notes.push(`${server}, run ${run + 1}: abusive requests ${JSON.stringify(bad.statuses)}, skipped ${bad.skipped}`);
    }
  }

  // Targets (as ratios within each run, medians over runs).
  const target = (
    scenario: string,
    unit: string,
    text: string,
    met: (cimdOverPeer: number, row: ReturnType<Figures['row']>) => boolean,
  ): void => {
    const row = figures.rows.find((r) => r.scenario === scenario && r.unit === unit);
    if (row === undefined) return;
    row.target = { text, met: met(ratios(row, 'cimd', 'peer')?.median ?? NaN, row) };
  };
  target('(1) /authorize, 1 client_id', 'req/s', 'cimd/peer ≥ 2', (x) => x >= 2);
  target('(2) /authorize, 10,000 client_ids, Zipf', 'req/s', 'cimd/peer ≥ 5', (x) => x >= 5);
  target(
    '(5a) token: code + PKCE, public client',
    'req/s',
    'cimd/peer ≥ 1.5, cimd/ceiling ≥ 0.4',
    (x, row) => x >= 1.5 && (ratios(row, 'cimd', 'ceiling')?.median ?? 0) >= 0.4,
  );
  target(`(4) single-flight, ${S.burst} concurrent first requests`, 'origin fetches', 'cimd exactly 1', (_x, row) =>
    (row.values.get('cimd') ?? []).every((v) => v === 1),
  );
  target(
    '(7) heap per cached client, 1 KB documents',
    'bytes',
    '≤ 1,536 B',
    (_x, row) => summarize(row.values.get('cimd') ?? []).median <= 1536,
  );
  target(
    '(8) isolation: p99 bad / quiet',
    'ratio',
    'cimd ≤ 1.10',
    (_x, row) => summarize(row.values.get('cimd') ?? []).median <= 1.1,
  );
  figures
    .row('(7) heap per cached client, 1 KB documents', 'bytes', 'lower')
    .notes.push(
      'peer: not measurable: its document cache is a fixed LRU of 100 entries (two generations, at most ~200 documents, lib/helpers/client_id_metadata_document.js), so at 100,000 clients it holds ~200 and refetches the rest',
    );

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const meta = [
    `commit ${await commit()}, node ${process.version}, oidc-provider 9.13.3`,
    `machine: ${availableParallelism()} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB; helpers pinned: ${PINNED ? 'servers on CPU 1, load generator and client host on CPU 0' : 'no'}`,
    `load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    `${S.runs} run(s)${QUICK ? ' (quick mode)' : ''}, ${CONCURRENCY} requests in flight, ${S.windowMs} ms windows; ${elapsed()} in all`,
  ];
  const table = markdown(figures, ['cimd', 'peer', 'ceiling', 'cimd, bench budgets']);
  console.log(`\n${meta.join('\n')}\n\n${table}\n`);
  writeFileSync(
    join(results, `side-by-side${QUICK ? '-quick' : ''}.md`),
    `${meta.map((m) => `- ${m}`).join('\n')}\n\n${table}\n`,
  );
  writeFileSync(
    join(results, `side-by-side${QUICK ? '-quick' : ''}.json`),
    JSON.stringify({ meta, rows: figures.rows.map((r) => ({ ...r, values: Object.fromEntries(r.values) })) }, null, 2),
  );
} finally {
  await Promise.all(helpers.map((h) => h.stop()));
  rmSync(data, { recursive: true, force: true });
  await pki.dispose();
}
