import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSingleFlight } from '@cimd/core';

/** A promise and the functions that settle it. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

test('H8: concurrent runs of one key share one load and its value', async () => {
  const sf = createSingleFlight();
  const d = deferred<string>();
  let loads = 0;
  const load = (): Promise<string> => {
    loads += 1;
    return d.promise;
  };
  const all = Array.from({ length: 100 }, () => sf.run('k', load));
  assert.equal(sf.inFlight, 1);
  d.resolve('v');
  assert.deepEqual(new Set(await Promise.all(all)), new Set(['v']));
  assert.equal(loads, 1);
  assert.equal(sf.inFlight, 0);
});

test('H8: different keys load independently', async () => {
  const sf = createSingleFlight();
  let loads = 0;
  const values = await Promise.all(
    ['a', 'b', 'a', 'c', 'b'].map((k) =>
      sf.run(k, () => {
        loads += 1;
        return Promise.resolve(k.toUpperCase());
      }),
    ),
  );
  assert.deepEqual(values, ['A', 'B', 'A', 'C', 'B']);
  assert.equal(loads, 3);
});

test('H8, R39: a failure reaches every waiting caller and is not remembered', async () => {
  const sf = createSingleFlight();
  const d = deferred<string>();
  let loads = 0;
  const all = Array.from({ length: 10 }, () =>
    sf.run('k', () => {
      loads += 1;
      return d.promise;
    }),
  );
  d.reject(new Error('boom'));
  const outcomes = await Promise.allSettled(all);
  assert.ok(outcomes.every((o) => o.status === 'rejected' && (o.reason as Error).message === 'boom'));
  assert.equal(loads, 1);
  // The next run loads again.
  assert.equal(
    await sf.run('k', () => {
      loads += 1;
      return Promise.resolve('fresh');
    }),
    'fresh',
  );
  assert.equal(loads, 2);
});

test('H8: a load that throws synchronously becomes a rejection for every caller', async () => {
  const sf = createSingleFlight();
  const load = (): Promise<string> => {
    throw new Error('sync');
  };
  const outcomes = await Promise.allSettled([sf.run('k', load), sf.run('k', load)]);
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['rejected', 'rejected'],
  );
  assert.equal(sf.inFlight, 0);
});

test('H8: runs after a settled load start a new load', async () => {
  const sf = createSingleFlight();
  let loads = 0;
  const load = (): Promise<number> => Promise.resolve(++loads);
  assert.equal(await sf.run('k', load), 1);
  assert.equal(await sf.run('k', load), 2);
});
