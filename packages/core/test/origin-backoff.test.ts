import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createOriginBackoff } from '@cimd/core';

const O = 'https://down.example';
const T0 = Date.UTC(2026, 10, 28);

test('H8: fetches are allowed until the threshold of consecutive failures', () => {
  const b = createOriginBackoff({ threshold: 3, baseMs: 1000, maxMs: 60_000 });
  b.failure(O, T0);
  b.failure(O, T0);
  assert.equal(b.retryAfter(O, T0), 0);
  b.failure(O, T0);
  assert.equal(b.retryAfter(O, T0), 1000);
  assert.equal(b.retryAfter(O, T0 + 400), 600);
  assert.equal(b.retryAfter(O, T0 + 1000), 0);
  assert.equal(b.retryAfter('https://up.example', T0), 0);
});

test('H8: each further failure doubles the interval, up to the maximum', () => {
  const b = createOriginBackoff({ threshold: 1, baseMs: 1000, maxMs: 5000 });
  const intervals: number[] = [];
  let t = T0;
  for (let i = 0; i < 6; i++) {
    b.failure(O, t);
    const wait = b.retryAfter(O, t);
    intervals.push(wait);
    t += wait;
  }
  assert.deepEqual(intervals, [1000, 2000, 4000, 5000, 5000, 5000]);
  // Very long failure runs never overflow to a broken interval.
  for (let i = 0; i < 5000; i++) b.failure(O, t);
  assert.equal(b.retryAfter(O, t), 5000);
});

test('H8: a success forgets the origin and its count', () => {
  const b = createOriginBackoff({ threshold: 2, baseMs: 1000, maxMs: 60_000 });
  b.failure(O, T0);
  b.failure(O, T0);
  assert.ok(b.retryAfter(O, T0) > 0);
  b.success(O);
  assert.equal(b.retryAfter(O, T0), 0);
  assert.equal(b.size, 0);
  b.failure(O, T0);
  assert.equal(b.retryAfter(O, T0), 0, 'counting starts again from zero');
});

test('H8: memory is bounded; the origin that failed least recently is forgotten first', () => {
  const b = createOriginBackoff({ threshold: 1, baseMs: 1000, maxMs: 60_000, maxOrigins: 3 });
  for (const o of ['https://a.example', 'https://b.example', 'https://c.example']) b.failure(o, T0);
  b.failure('https://a.example', T0); // a is now the most recent
  b.failure('https://d.example', T0);
  assert.equal(b.size, 3);
  assert.equal(b.retryAfter('https://b.example', T0), 0);
  for (const o of ['https://a.example', 'https://c.example', 'https://d.example']) assert.ok(b.retryAfter(o, T0) > 0, o);
});

test('options must be positive integers with baseMs <= maxMs', () => {
  assert.throws(() => createOriginBackoff({ threshold: 0 }), RangeError);
  assert.throws(() => createOriginBackoff({ baseMs: 10_000, maxMs: 1000 }), RangeError);
});
