import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMemoryStores } from '../src/store/index.js';
import { ExpiringMap } from '../src/store/memory/expiring-map.js';
import { storeContract, T0 } from './store-contract.js';

storeContract('memory', ({ clock }) => Promise.resolve(createMemoryStores({ clock })));

describe('memory stores: bounds', () => {
  test('an expiring map fed with ever new keys drops the ended ones by itself and stays bounded', () => {
    const map = new ExpiringMap<number>((end) => end);
    for (let i = 0; i < 20_000; i++) map.set(`jti-${i}`, T0 + i + 10, T0 + i);
    // Every entry lives 10 ms; without self-sweeping all 20,000 would be held.
    assert.ok(map.size <= 1024 + 10, `held ${map.size} entries`);
    assert.equal(map.live('jti-19999', T0 + 19_999), T0 + 20_009);
  });

  test('an expiring map never drops a live entry by itself', () => {
    const map = new ExpiringMap<number>((end) => end);
    for (let i = 0; i < 5000; i++) map.set(`id-${i}`, T0 + 1_000_000, T0 + i);
    assert.equal(map.size, 5000);
  });

  test('the replay store refuses a held jti even after thousands of other jtis passed through', async () => {
    const stores = createMemoryStores();
    assert.equal(await stores.replay.remember('client-assertion', 'held', T0 + 1_000_000, T0), true);
    for (let i = 0; i < 5000; i++) await stores.replay.remember('client-assertion', `short-${i}`, T0 + i + 1, T0 + i);
    assert.equal(await stores.replay.remember('client-assertion', 'held', T0 + 2_000_000, T0 + 5000), false);
    await stores.close();
  });
});
