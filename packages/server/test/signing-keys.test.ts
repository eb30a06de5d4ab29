import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Clock } from '@cimd/core';
import { createMemoryStores } from '../src/store/memory/memory-stores.js';
import { createSigningKeys } from '../src/tokens/signing-keys.js';

/** A clock that moves one millisecond every time it is read, like a busy system clock. */
class TickingClock implements Clock {
  #now = Date.UTC(2026, 10, 28, 12, 0, 0);
  now(): number {
    return this.#now++;
  }
}

test('regression: the first signing key, created during the first current(), signs at once even when the clock moved meanwhile', async () => {
  const clock = new TickingClock();
  const stores = createMemoryStores({ clock });
  const keys = createSigningKeys(stores.keys, clock);
  const active = await keys.current();
  assert.equal(active.alg, 'ES256');
  assert.equal((await keys.jwks()).keys[0]?.kid, active.kid);
  await stores.close();
});
