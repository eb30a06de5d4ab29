/**
 * The measuring loops of the load generator: closed loop (fixed concurrency, bounded by count and
 * time), open loop (fixed arrival rate, bounded by time) and a burst. Every request's latency is
 * recorded, from sending to the last byte of the body.
 */
import { Pool, type Dispatcher } from 'undici';

export interface Request {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Whether a response is what the scenario expects (e.g. a redirect with a code). */
export type Check = (status: number, headers: Dispatcher.ResponseData['headers'], body: string) => boolean;

export interface LoadResult {
  /** Requests measured (warm-up excluded). */
  readonly count: number;
  /** Requests sent in all, warm-up included (the server's CPU time is divided by this). */
  readonly sent: number;
  /** Of those, how many passed the check. */
  readonly ok: number;
  readonly seconds: number;
  /** Measured requests per second. */
  readonly rps: number;
  /** Latency percentiles, ms. */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly statuses: Record<string, number>;
  /** The first response that failed the check, shortened. */
  readonly firstFailure?: string;
}

export interface ClosedLoopOptions {
  readonly base: string;
  readonly concurrency: number;
  /** At most this many requests (warm-up included). */
  readonly total: number;
  /** Stop starting new requests after this long. */
  readonly durationMs: number;
  /** The first `warmup` requests are not measured... */
  readonly warmup: number;
  /** ...nor those started within the first `warmupMs` (default 0). */
  readonly warmupMs?: number;
  readonly request: (i: number) => Request;
  readonly check: Check;
  /** Called with every response that passed the check (e.g. to collect tokens). */
  readonly collect?: (i: number, body: string) => void;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

class Recorder {
  private readonly latencies: Float64Array;
  private n = 0;
  ok = 0;
  readonly statuses: Record<string, number> = {};
  firstFailure: string | undefined;

  constructor(capacity: number) {
    this.latencies = new Float64Array(capacity);
  }

  record(ms: number, status: number, passed: boolean, describe: () => string): void {
    if (this.n < this.latencies.length) this.latencies[this.n++] = ms;
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    if (passed) this.ok += 1;
    else this.firstFailure ??= describe();
  }

  result(seconds: number, sent = this.n): LoadResult {
    const sorted = this.latencies.slice(0, this.n).sort();
    return {
      count: this.n,
      sent,
      ok: this.ok,
      seconds,
      rps: this.n / seconds,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1] ?? NaN,
      statuses: this.statuses,
      ...(this.firstFailure === undefined ? {} : { firstFailure: this.firstFailure }),
    };
  }
}

function describe(status: number, headers: Dispatcher.ResponseData['headers'], body: string): string {
  return `${status} ${String(headers['location'] ?? '')} ${body.replace(/\s+/g, ' ').slice(0, 300)}`;
}

async function send(
  pool: Pool,
  r: Request,
): Promise<{ status: number; headers: Dispatcher.ResponseData['headers']; body: string }> {
  const response = await pool.request({
    method: r.method,
    path: r.path,
    headers: r.headers,
    ...(r.body === undefined ? {} : { body: r.body }),
  });
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

/** Fixed concurrency: each worker sends its next request when the previous one has ended. */
export async function closedLoop(o: ClosedLoopOptions): Promise<LoadResult> {
  const pool = new Pool(o.base, { connections: o.concurrency, pipelining: 1, keepAliveTimeout: 60_000 });
  const recorder = new Recorder(o.total);
  let next = 0;
  let sent = 0;
  let measuredFrom = NaN;
  const begin = performance.now();
  const deadline = begin + o.durationMs;
  const warmUntil = begin + (o.warmupMs ?? 0);
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      const start = performance.now();
      if (i >= o.total || start > deadline) return;
      const measured = i >= o.warmup && start >= warmUntil;
      if (measured && Number.isNaN(measuredFrom)) measuredFrom = start;
      const r = o.request(i);
      const { status, headers, body } = await send(pool, r);
      const ms = performance.now() - start;
      sent += 1;
      const passed = o.check(status, headers, body);
      if (passed) o.collect?.(i, body);
      if (measured) recorder.record(ms, status, passed, () => describe(status, headers, body));
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const seconds = (performance.now() - measuredFrom) / 1000;
  await pool.close();
  return recorder.result(seconds, sent);
}

export interface OpenLoopStream {
  /** Requests per second, started on schedule whatever the previous ones do. */
  readonly rate: number;
  readonly request: (i: number) => Request;
  readonly check: Check;
  /** At most this many in flight (later starts are skipped and counted). */
  readonly maxInFlight: number;
  /** After the window, wait at most this long for answers still due (default 10 s), then give up on them. */
  readonly drainMs?: number;
}

export interface OpenLoopResult extends LoadResult {
  /** Starts skipped because `maxInFlight` requests were already waiting. */
  readonly skipped: number;
}

/**
 * Fixed arrival rate for `durationMs`, one stream per entry, all at once on separate connection
 * pools. Latency is measured from the scheduled start, so a server that stalls is not excused
 * by the generator waiting for it (no coordinated omission).
 */
export async function openLoop(base: string, streams: readonly OpenLoopStream[], durationMs: number): Promise<OpenLoopResult[]> {
  return Promise.all(
    streams.map(async (s) => {
      const pool = new Pool(base, { connections: s.maxInFlight, pipelining: 1, keepAliveTimeout: 60_000 });
      const recorder = new Recorder(Math.ceil((s.rate * durationMs) / 1000) + 16);
      const interval = 1000 / s.rate;
      const start = performance.now();
      const pending = new Set<Promise<void>>();
      let skipped = 0;
      for (let i = 0; ; i++) {
        const due = start + i * interval;
        if (due - start >= durationMs) break;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
        if (pending.size >= s.maxInFlight) {
          skipped += 1;
          continue;
        }
        const r = s.request(i);
        const p = send(pool, r).then(
          ({ status, headers, body }) =>
            recorder.record(performance.now() - due, status, s.check(status, headers, body), () =>
              describe(status, headers, body),
            ),
          (error: unknown) => recorder.record(performance.now() - due, 0, false, () => String(error)),
        );
        const tracked = p.finally(() => pending.delete(tracked));
        pending.add(tracked);
      }
      // Bounded: the slowest origin answers after 3 s and both servers give up on it by 5 s.
      await Promise.race([Promise.all(pending), new Promise((resolve) => setTimeout(resolve, s.drainMs ?? 10_000))]);
      const seconds = durationMs / 1000;
      await pool.destroy();
      return { ...recorder.result(seconds), skipped };
    }),
  );
}

/**
 * `n` requests sent at once over `n` connections opened beforehand (each opened by one
 * `warmPath` request), so that they reach the server together.
 */
export async function burst(base: string, n: number, warmPath: string, request: Request, check: Check): Promise<LoadResult> {
  const pool = new Pool(base, { connections: n, pipelining: 1, keepAliveTimeout: 60_000 });
  await Promise.all(Array.from({ length: n }, () => send(pool, { method: 'GET', path: warmPath, headers: {} })));
  const recorder = new Recorder(n);
  const start = performance.now();
  await Promise.all(
    Array.from({ length: n }, async () => {
      const t = performance.now();
      const { status, headers, body } = await send(pool, request);
      recorder.record(performance.now() - t, status, check(status, headers, body), () => describe(status, headers, body));
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  await pool.close();
  return recorder.result(seconds);
}
