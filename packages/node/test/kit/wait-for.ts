import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Wait until `condition` holds, polling every 10 ms, at most `tries` times (bounded: a test that
 * waits for a server-side event never hangs). Throws when the condition never held.
 */
export async function waitFor(condition: () => boolean, what = 'condition', tries = 300): Promise<void> {
  for (let i = 0; i < tries && !condition(); i++) await sleep(10);
  if (!condition()) throw new Error(`${what} not reached after ${tries} polls`);
}
