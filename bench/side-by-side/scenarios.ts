/**
 * The scenarios of the side-by-side benchmark, each run against one server at a time by the one
 * load generator. Each records its figures (one value per run) in `Figures`.
 */
import type { JWK } from 'jose';
import type { MintedCode, Target } from './driver.js';
import type { LoadResult, OpenLoopResult } from './load.js';
import type { Helper } from './processes.js';
import type { Figures } from './report.js';

/** A server under test: its helper process and how the load generator reaches it. */
export interface Server {
  /** The name in the tables: "cimd", "peer", "ceiling". */
  readonly name: string;
  readonly helper: Helper;
  target: Target;
}

export interface Bench {
  readonly figures: Figures;
  /** A command to the load generator. */
  call<T>(op: string, args: Record<string, unknown>): Promise<T>;
  /** A command to the client host (hit counts). */
  hits(path?: string): Promise<number>;
}

/** CPU time (µs) a helper has used so far. */
const cpu = (h: Helper): Promise<number> => h.channel.call<number>({ op: 'cpu' });

/** Run `load` against `server`, returning its result and the server's CPU µs per request. */
async function measured<T extends LoadResult>(server: Server, load: () => Promise<T>): Promise<T & { cpuPerRequest: number }> {
  const before = await cpu(server.helper);
  const result = await load();
  const used = (await cpu(server.helper)) - before;
  return { ...result, cpuPerRequest: used / Math.max(1, result.sent) };
}

/** Record throughput or a latency percentile; a note when responses were not as expected. */
export function record(b: Bench, scenario: string, server: string, r: LoadResult, what: 'rps' | 'p50' | 'p99' | 'cpu'): void {
  const unit = what === 'rps' ? 'req/s' : what === 'cpu' ? 'CPU µs/req' : `${what} ms`;
  const value = what === 'cpu' ? (r as LoadResult & { cpuPerRequest: number }).cpuPerRequest : r[what];
  const row = b.figures.row(scenario, unit, what === 'rps' ? 'higher' : 'lower');
  if ((r.count === 0 || r.ok < r.count * 0.99) && !row.notes.some((n) => n.startsWith(`${server}:`))) {
    row.notes.push(
      `${server}: only ${r.ok} of ${r.count} responses as expected (${JSON.stringify(r.statuses)}); first: ${r.firstFailure ?? ''}`,
    );
  }
  b.figures.add(scenario, unit, what === 'rps' ? 'higher' : 'lower', server, value);
}

export interface AuthorizeLoad {
  readonly scenario: string;
  readonly ids: readonly string[];
  readonly seed: number;
  /** At most this many requests (warm-up included), and at most `windowMs` + 500 ms. */
  readonly cap: number;
  readonly windowMs: number;
  readonly concurrency: number;
}

/** (1), (2): the redirect with a code for a signed-in user who approved the client before. */
export async function authorizeLoad(b: Bench, server: Server, o: AuthorizeLoad, recordIt = true): Promise<void> {
  const fetchesBefore = await b.hits();
  const r = await measured(server, () =>
    b.call<LoadResult>('authorize', {
      target: server.target,
      ids: o.ids,
      s: 1.1,
      seed: o.seed,
      concurrency: o.concurrency,
      durationMs: o.windowMs + 500,
      warmupMs: 500,
      total: o.cap,
    }),
  );
  if (!recordIt) return;
  const fetches = (await b.hits()) - fetchesBefore;
  record(b, o.scenario, server.name, r, 'rps');
  record(b, o.scenario, server.name, r, 'p99');
  record(b, o.scenario, server.name, r, 'cpu');
  // How often the server went back to the client host (cache misses), per 1,000 requests.
  b.figures.add(o.scenario, 'fetches per 1,000 req', 'lower', server.name, (1000 * fetches) / Math.max(1, r.sent));
}

/** (3): first requests for never-seen client_ids, one at a time; their origin fetches are counted. */
export async function coldDiscovery(b: Bench, server: Server, scenario: string, ids: readonly string[]): Promise<void> {
  const before = await b.hits();
  const r = await b.call<LoadResult>('cold', { target: server.target, ids });
  const fetches = (await b.hits()) - before;
  record(b, scenario, server.name, r, 'p50');
  record(b, scenario, server.name, r, 'p99');
  if (fetches !== ids.length)
    b.figures.row(scenario, 'p50 ms', 'lower').notes.push(`${server.name}: ${fetches} fetches for ${ids.length} client_ids`);
}

/** (4): `n` concurrent first requests for one new client_id; origin fetches counted. */
export async function singleFlight(
  b: Bench,
  server: Server,
  scenario: string,
  id: string,
  n: number,
  warmPath: string,
): Promise<void> {
  const r = await b.call<LoadResult>('burst', { target: server.target, id, n, warmPath });
  const fetches = await b.hits(new URL(id).pathname);
  b.figures.add(scenario, 'origin fetches', 'lower', server.name, fetches);
  const row = b.figures.row(scenario, 'origin fetches', 'lower');
  if (r.ok < r.count) row.notes.push(`${server.name}: answers ${JSON.stringify(r.statuses)}`);
}

export interface TokenLoad {
  readonly n: number;
  readonly concurrency: number;
  /** The public client (none) and the private_key_jwt client, with the latter's key. */
  readonly publicClient: string;
  readonly jwtClient: string;
  readonly jwk: JWK;
}

type Exchanged = { result: LoadResult; refreshTokens: string[] };

/** (5a), (6), (5b): code exchange (public), refresh with rotation, code exchange (private_key_jwt). */
export async function tokens(b: Bench, server: Server, o: TokenLoad, recordIt = true): Promise<void> {
  const warmup = Math.floor(o.n / 10);
  const codes = await b.call<MintedCode[]>('mint', { target: server.target, clientId: o.publicClient, n: o.n });
  let refreshTokens: string[] = [];
  const ex = await measured(server, async () => {
    const e = await b.call<Exchanged>('exchange', {
      base: server.target.base,
      codes,
      clientId: o.publicClient,
      concurrency: o.concurrency,
      warmup,
    });
    refreshTokens = e.refreshTokens;
    return e.result;
  });
  const rf = await measured(server, () =>
    b.call<LoadResult>('refresh', {
      base: server.target.base,
      tokens: refreshTokens,
      clientId: o.publicClient,
      concurrency: o.concurrency,
      warmup,
    }),
  );
  const jwtCodes = await b.call<MintedCode[]>('mint', { target: server.target, clientId: o.jwtClient, n: o.n });
  const jx = await measured(server, async () => {
    const e = await b.call<Exchanged>('exchange', {
      base: server.target.base,
      codes: jwtCodes,
      clientId: o.jwtClient,
      concurrency: o.concurrency,
      warmup,
      jwk: o.jwk,
      audience: server.target.base,
    });
    return e.result;
  });
  if (!recordIt) return;
  for (const what of ['rps', 'cpu'] as const) {
    record(b, '(5a) token: code + PKCE, public client', server.name, ex, what);
    record(b, '(5b) token: code + private_key_jwt', server.name, jx, what);
    record(b, '(6) token: refresh with rotation', server.name, rf, what);
  }
}

/** (5a) for the bare ceiling: the same exchange against the minimal handler. */
export async function ceilingTokens(b: Bench, ceiling: Server, n: number, concurrency: number, recordIt = true): Promise<void> {
  const codes = await b.call<MintedCode[]>('mint-ceiling', { base: ceiling.target.base, n });
  const r = await measured(ceiling, async () => {
    const e = await b.call<Exchanged>('exchange', {
      base: ceiling.target.base,
      codes,
      clientId: ceiling.helper.ready['clientId'],
      concurrency,
      warmup: Math.floor(n / 10),
    });
    return e.result;
  });
  if (!recordIt) return;
  record(b, '(5a) token: code + PKCE, public client', 'ceiling', r, 'rps');
  record(b, '(5a) token: code + PKCE, public client', 'ceiling', r, 'cpu');
}

export interface IsolationLoad {
  readonly healthy: readonly string[];
  /** Client_id templates on the bad origins; `{n}` is replaced by a request number. */
  readonly abuseUrls: readonly string[];
  readonly rate: number;
  readonly abuseRate: number;
  readonly durationMs: number;
  readonly seed: number;
  /** How long to wait for abusive requests still due after the window (quick mode gives up soon). */
  readonly drainMs?: number;
}

/**
 * (8): healthy clients at a fixed rate, quiet and with fresh client_ids on bad origins alongside;
 * after an untimed quiet stretch (connections, caches), in the order `quietFirst` says (runs
 * alternate it, so that neither window is always the first).
 */
export async function isolation(b: Bench, server: Server, o: IsolationLoad, quietFirst: boolean): Promise<void> {
  const common = { target: server.target, ids: o.healthy, rate: o.rate, durationMs: o.durationMs, seed: o.seed };
  const abuse = { rate: o.abuseRate, urls: o.abuseUrls, ...(o.drainMs === undefined ? {} : { drainMs: o.drainMs }) };
  await b.call<OpenLoopResult[]>('isolation', { ...common, durationMs: 300 });
  const quietWindow = async (): Promise<OpenLoopResult | undefined> => (await b.call<OpenLoopResult[]>('isolation', common))[0];
  const before = quietFirst ? await quietWindow() : undefined;
  const [busy, bad] = await b.call<OpenLoopResult[]>('isolation', { ...common, abuse });
  const quiet = before ?? (await quietWindow());
  if (quiet === undefined || busy === undefined) throw new Error('isolation: no result');
  record(b, '(8) isolation: healthy p99, quiet', server.name, quiet, 'p99');
  record(b, '(8) isolation: healthy p99, bad origins', server.name, busy, 'p99');
  b.figures.add('(8) isolation: p99 bad / quiet', 'ratio', 'lower', server.name, busy.p99 / quiet.p99);
  if (bad !== undefined) {
    b.figures
      .row('(8) isolation: p99 bad / quiet', 'ratio', 'lower')
      .notes.push(
        `${server.name}: abusive requests answered ${JSON.stringify(bad.statuses)}${bad.skipped > 0 ? `, ${bad.skipped} not sent (too many waiting)` : ''}`,
      );
  }
}
