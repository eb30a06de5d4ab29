import { Worker } from 'node:worker_threads';
import type { RefreshTokenRecord } from '../../src/store/refresh-tokens.js';

/** What one contender does: claim `items` codes, tokens and jtis in the file at `path`. */
export interface RaceTask {
  readonly path: string;
  readonly items: number;
  readonly now: number;
  readonly contender: number;
  readonly successor: RefreshTokenRecord;
  /** [go flag, contenders ready]: the contenders start together when the flag turns 1. */
  readonly startSignal: SharedArrayBuffer;
}

/** The item numbers this contender won. */
export interface RaceTally {
  consumed: number[];
  rotated: number[];
  remembered: number[];
}

// The worker is TypeScript, like this file: its entry registers tsx first, then imports it
// (on Node 20 an `--import tsx` in a worker's execArgv comes too late for the entry module itself).
const BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./sqlite-race-worker.ts', import.meta.url).href)}); })`;

/**
 * Run `contenders` worker threads, each with its own SQLite connection to one file, released at
 * the same instant, and collect what each won.
 */
export async function raceOverSqlite(
  task: Omit<RaceTask, 'contender' | 'startSignal'>,
  contenders: number,
): Promise<RaceTally[]> {
  const startSignal = new SharedArrayBuffer(8);
  const flags = new Int32Array(startSignal);
  const workers = Array.from(
    { length: contenders },
    (_, contender) =>
      new Worker(BOOT, {
        eval: true,
        workerData: { ...task, contender, startSignal },
        execArgv: ['--conditions=source'],
      }),
  );
  const tallies = workers.map(
    (worker) =>
      new Promise<RaceTally>((resolve, reject) => {
        worker.once('message', (tally: RaceTally) => resolve(tally));
        worker.once('error', reject);
        worker.once('exit', (code) => {
          if (code !== 0) reject(new Error(`race worker exited with ${code}`));
        });
      }),
  );
  // Release the contenders together once all of them have opened the file.
  let failure: unknown;
  const all = Promise.all(tallies);
  all.catch((error: unknown) => {
    failure = error;
  });
  // Bounded wait: 10 s at most.
  for (let waited = 0; Atomics.load(flags, 1) < contenders; waited += 5) {
    if (failure !== undefined || waited >= 10_000) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw new Error('The race workers did not open the database in time', { cause: failure });
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  Atomics.store(flags, 0, 1);
  Atomics.notify(flags, 0);
  return all;
}
