// One contender of the cross-connection race in store-sqlite.test.ts: opens its own connection to
// the shared file, waits for the start signal, then claims every item as fast as it can.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteStores } from '../../src/store/index.js';
import type { RaceTask, RaceTally } from './sqlite-race.js';

const task = workerData as RaceTask;
const stores = await openSqliteStores({ path: task.path });
const start = new Int32Array(task.startSignal);
Atomics.add(start, 1, 1);
Atomics.wait(start, 0, 0);

const tally: RaceTally = { consumed: [], rotated: [], remembered: [] };
for (let i = 0; i < task.items; i++) {
  const consumption = await stores.codes.consume(`code-${i}`, task.now);
  if (consumption.status === 'consumed') tally.consumed.push(i);
  const rotation = await stores.refreshTokens.rotate(
    `token-${i}`,
    { ...task.successor, tokenHash: `token-${i}-next-${task.contender}` },
    task.now,
  );
  if (rotation.status === 'rotated') tally.rotated.push(i);
  if (await stores.replay.remember('client-assertion', `jti-${i}`, task.now + 60_000, task.now)) tally.remembered.push(i);
}
await stores.close();
parentPort?.postMessage(tally);
