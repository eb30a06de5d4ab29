/** Small helpers shared by the benchmarks: repeated timed runs and a compact summary. */

/**
 * Quick mode (`npm run bench -- --quick`, which sets BENCH_QUICK=1): every benchmark runs a short
 * version of itself (fewer runs, shorter windows), so that the whole suite is a smoke run of at
 * most a minute. Its figures are rough; documented figures come from full runs.
 */
export const QUICK = process.env['BENCH_QUICK'] === '1';

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Run `fn` for about `ms` milliseconds, `runs` times; returns operations per second per run. */
export function throughput(fn: () => void, { runs = 5, ms = 1000, warmupMs = 500 } = {}): Summary {
  const timed = (budget: number): number => {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < budget) {
      for (let i = 0; i < 100; i++) fn();
      n += 100;
      now = performance.now();
    }
    return (n * 1000) / (now - start);
  };
  timed(warmupMs);
  const results = Array.from({ length: runs }, () => timed(ms));
  return summarize(results);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)] ?? NaN,
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

export function fmt(s: Summary, unit = '/s'): string {
  const r = (x: number): string => Math.round(x).toLocaleString('en-US');
  return `${r(s.median)}${unit} (min ${r(s.min)}, max ${r(s.max)})`;
}
