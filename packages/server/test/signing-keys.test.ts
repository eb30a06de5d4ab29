import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Clock } from '@cimd/core';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
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

test('two instances that each made a first key at the same moment: every JWKS lists both, and all sign with the same one', async () => {
  const clock = new TickingClock();
  const stores = createMemoryStores({ clock });
  const a = createSigningKeys(stores.keys, clock);
  const first = await a.current(); // instance A made and cached the first key
  // Instance B, racing A, stored its own first key a moment later.
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  await stores.keys.add({
    kid,
    alg: 'ES256',
    privateJwk: await exportJWK(privateKey),
    publicJwk,
    createdAt: clock.now(),
    activatesAt: clock.now(),
  });
  assert.deepEqual(
    (await a.jwks()).keys.map((k) => k.kid).sort(),
    [first.kid, kid].sort(),
    "A publishes B's key at once, though its own list is cached",
  );
  const b = createSigningKeys(stores.keys, clock);
  assert.equal((await b.current()).kid, first.kid, 'B signs with the older key, as A does');
  assert.equal((await a.current()).kid, first.kid);
  await stores.close();
});
