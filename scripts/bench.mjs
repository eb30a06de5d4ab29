#!/usr/bin/env node
// Runs the benchmarks in bench/ one after another (they measure speed, so never in parallel).
//
//   npm run bench                  every bench/*.bench.ts, in name order (at most 5 minutes)
//   npm run bench -- <filter>...   only those whose file name contains one of the filters
//   npm run bench -- --quick ...   a smoke run: each benchmark runs a short version of itself
//                                  (BENCH_QUICK=1 in its environment); the suite takes at most a minute
//
// Each runs as `node --conditions=source --import tsx <file>`, with `--expose-gc` when the file
// says it needs it (it mentions --expose-gc), and is killed after BENCH_TIMEOUT_S seconds
// (default 120, or what the file asks for in a line "bench timeout: <n> s"). Benchmarks print
// absolute figures and their ratios themselves. The exit status is non-zero when any benchmark
// failed or timed out; missed targets are reported, not failures.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchDir = join(root, 'bench');
const quick = process.argv.includes('--quick');
const filters = process.argv.slice(2).filter((a) => a !== '--quick');
const defaultTimeoutS = process.env.BENCH_TIMEOUT_S === undefined ? undefined : Number(process.env.BENCH_TIMEOUT_S);

const files = readdirSync(benchDir)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
  .sort();
if (files.length === 0) {
  console.error(`No benchmark matched ${filters.join(', ')}.`);
  process.exit(1);
}

/** Run one benchmark; resolves with a one-line outcome. */
function run(name) {
  const file = join(benchDir, name);
  const text = readFileSync(file, 'utf8');
  const gc = text.includes('--expose-gc') ? ['--expose-gc'] : [];
  const asked = /bench timeout: (\d+) s/.exec(text)?.[1];
  const timeoutS = defaultTimeoutS ?? (asked === undefined ? 120 : Number(asked));
  const args = [...gc, '--conditions=source', '--import', 'tsx', file];
  console.log(`\n=== ${name} (node ${args.slice(0, -1).join(' ')}${quick ? ', quick' : ''})`);
  const started = performance.now();
  // A benchmark that starts helper processes must end them when it ends, however it ends (the
  // discovery bench's document server exits when its standard input closes).
  const env = { ...process.env, BENCH_RUN_ID: runId, ...(quick ? { BENCH_QUICK: '1' } : {}) };
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutS * 1000);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const s = ((performance.now() - started) / 1000).toFixed(1);
      if (timedOut) resolve({ name, ok: false, line: `${name}: TIMED OUT after ${timeoutS} s` });
      else if (code === 0) resolve({ name, ok: true, line: `${name}: done in ${s} s` });
      else resolve({ name, ok: false, line: `${name}: FAILED (${signal ?? `exit ${code}`}) after ${s} s` });
    });
  });
}

// Other work on the machine skews every figure: say how busy it was.
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(`load average before: ${load()}`);
const started = performance.now();
// Lets one benchmark reuse a figure another measured in this same run (see side-by-side's (7)).
const runId = `${Date.now()}-${process.pid}`;
const outcomes = [];
for (const name of files) outcomes.push(await run(name));
console.log(
  `\n=== summary (${((performance.now() - started) / 1000).toFixed(1)} s, node ${process.version}, load average after: ${load()})`,
);
for (const o of outcomes) console.log(`  ${o.line}`);
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
