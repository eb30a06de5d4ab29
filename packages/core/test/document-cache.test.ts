import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMemoryDocumentCache, estimateEntryBytes, type CachedDocument } from '@cimd/core';
import { ManualClock } from './support/manual-clock.js';

function entry(clock: ManualClock, body = '{"client_id":"x"}', staleInMs = 3_600_000): CachedDocument {
  const now = clock.now();
  return { body, digest: 'sha256:abc', fetchedAt: now, freshUntil: now + 60_000, staleUntil: now + staleInMs };
}

const id = (i: number): string => `https://c${i}.example/cimd.json`;

describe('memory document cache (R36)', () => {
  test('R36: get returns what set stored, delete removes it', async () => {
    const clock = new ManualClock();
    const cache = createMemoryDocumentCache({ clock });
    const e = entry(clock);
    assert.equal(await cache.get(id(1)), undefined);
    await cache.set(id(1), e);
    assert.deepEqual(await cache.get(id(1)), e);
    await cache.delete(id(1));
    assert.equal(await cache.get(id(1)), undefined);
    await cache.delete(id(1));
  });

  test('R8: keys are client_ids as written; spellings of one URL are different keys', async () => {
    const clock = new ManualClock();
    const cache = createMemoryDocumentCache({ clock });
    await cache.set('https://c.example/cimd.json', entry(clock));
    assert.equal(await cache.get('https://C.example/cimd.json'), undefined);
    assert.equal(await cache.get('https://c.example:443/cimd.json'), undefined);
  });

  test('R36: the entry bound evicts the least recently used entry', async () => {
    const clock = new ManualClock();
    const cache = createMemoryDocumentCache({ clock, maxEntries: 3 });
    for (const i of [1, 2, 3]) await cache.set(id(i), entry(clock));
    await cache.get(id(1)); // 1 is now the most recently used; 2 is the least
    await cache.set(id(4), entry(clock));
    assert.equal(cache.size, 3);
    assert.equal(await cache.get(id(2)), undefined);
    for (const i of [1, 3, 4]) assert.notEqual(await cache.get(id(i)), undefined, `entry ${i}`);
  });

  test('R36: the byte bound evicts the least recently used entries and is never exceeded', async () => {
    const clock = new ManualClock();
    const body = `{"client_id":"${'x'.repeat(1000)}"}`;
    const one = estimateEntryBytes(id(0), entry(clock, body));
    const maxBytes = Math.floor(one * 10.5);
    const cache = createMemoryDocumentCache({ clock, maxEntries: 1000, maxBytes });
    for (let i = 0; i < 30; i++) {
      await cache.set(id(i), entry(clock, body));
      assert.ok(cache.bytes <= maxBytes, `after ${i + 1} sets: ${cache.bytes} bytes`);
    }
    assert.equal(cache.size, 10);
    assert.notEqual(await cache.get(id(29)), undefined);
    assert.notEqual(await cache.get(id(20)), undefined);
    assert.equal(await cache.get(id(19)), undefined);
  });

  test('R36: an entry larger than an eighth of the byte bound is not kept, and the older entry goes too', async () => {
    const clock = new ManualClock();
    const cache = createMemoryDocumentCache({ clock, maxBytes: 8 * 1024 });
    await cache.set(id(1), entry(clock));
    await cache.set(id(1), entry(clock, 'x'.repeat(2000)));
    assert.equal(await cache.get(id(1)), undefined);
    assert.equal(cache.size, 0);
  });

  test('R36: non-Latin-1 text is counted at two bytes per character', () => {
    const clock = new ManualClock();
    const latin = estimateEntryBytes(id(1), entry(clock, 'é'.repeat(100)));
    const wide = estimateEntryBytes(id(1), entry(clock, '日'.repeat(100)));
    assert.equal(wide - latin, 100);
  });

  test('H9: an entry is not returned at or after its staleUntil (by the injected clock)', async () => {
    const clock = new ManualClock();
    const cache = createMemoryDocumentCache({ clock });
    await cache.set(id(1), entry(clock, undefined, 10_000));
    clock.advance(9_999);
    assert.notEqual(await cache.get(id(1)), undefined);
    clock.advance(1);
    assert.equal(await cache.get(id(1)), undefined);
    assert.equal(cache.size, 0);
  });

  test('bounds must be positive integers', () => {
    assert.throws(() => createMemoryDocumentCache({ maxEntries: 0 }), RangeError);
    assert.throws(() => createMemoryDocumentCache({ maxBytes: 1.5 }), RangeError);
  });
});
