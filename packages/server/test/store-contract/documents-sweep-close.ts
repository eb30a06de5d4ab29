import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MINUTE, T0, rejectsWithReason, type CurrentContext } from './context.js';
import {
  CLIENT,
  cachedDocument,
  codeRecord,
  consentRecord,
  grantRecord,
  interactionRecord,
  keyRecord,
  refreshRecord,
  sessionRecord,
  userRecord,
} from './fixtures.js';

/** DocumentCache (the core contract): get what the last set stored, never past staleUntil. */
export function documentContract(current: CurrentContext): void {
  describe('documents', () => {
    test('R36: a document is read back as set, with or without its validators', async () => {
      const { stores } = current();
      const withValidators = cachedDocument({ etag: 'W/"v1"', lastModified: 'Sat, 28 Nov 2026 11:00:00 GMT' });
      const bare = cachedDocument();
      await stores.documents.set(CLIENT, withValidators);
      await stores.documents.set('https://bare.example/cimd.json', bare);
      assert.deepEqual(await stores.documents.get(CLIENT), withValidators);
      assert.deepEqual(await stores.documents.get('https://bare.example/cimd.json'), bare);
      assert.equal(await stores.documents.get('https://never.example/cimd.json'), undefined);
    });

    test('R37: set replaces the entry, validators included', async () => {
      const { stores } = current();
      await stores.documents.set(CLIENT, cachedDocument({ etag: '"v1"' }));
      const next = cachedDocument({
        body: '{"client_id":"x"}',
        digest: 'sha256:new',
        fetchedAt: T0 + 1,
        freshUntil: T0 + 2 * MINUTE,
      });
      await stores.documents.set(CLIENT, next);
      assert.deepEqual(await stores.documents.get(CLIENT), next);
    });

    test('delete removes the entry; deleting a missing key is not an error', async () => {
      const { stores } = current();
      await stores.documents.set(CLIENT, cachedDocument());
      await stores.documents.delete(CLIENT);
      await stores.documents.delete(CLIENT);
      await stores.documents.delete('https://never.example/cimd.json');
      assert.equal(await stores.documents.get(CLIENT), undefined);
    });

    test('H9: an entry is returned until its staleUntil (by the injected clock), never after', async () => {
      const { stores, clock } = current();
      const entry = cachedDocument();
      await stores.documents.set(CLIENT, entry);
      clock.set(entry.staleUntil - 1);
      assert.deepEqual(await stores.documents.get(CLIENT), entry);
      clock.set(entry.staleUntil);
      assert.equal(await stores.documents.get(CLIENT), undefined);
    });

    test('R8: entries are keyed by the client_id exactly as written', async () => {
      const { stores } = current();
      await stores.documents.set('https://c.example/client', cachedDocument());
      assert.equal(await stores.documents.get('https://c.example/client/'), undefined);
      assert.equal(await stores.documents.get('https://c.example:443/client'), undefined);
      assert.equal(await stores.documents.get('https://C.example/client'), undefined);
    });
  });
}

/** Stores.sweep deletes exactly the expired entries, and Stores.close ends the stores. */
export function sweepAndCloseContract(current: CurrentContext): void {
  describe('sweep', () => {
    test('sweep deletes exactly the entries ended by then (an end equal to now included) and nothing else', async () => {
      const { stores } = current();
      const at = T0 + 10 * MINUTE;
      // Ended by `at`: one in each store that expires.
      await stores.codes.save(codeRecord({ codeHash: 'ended', expiresAt: at }));
      await stores.refreshTokens.save(refreshRecord({ tokenHash: 'ended', expiresAt: at - 1 }));
      await stores.replay.remember('client-assertion', 'ended', at, T0);
      await stores.interactions.save(interactionRecord({ id: 'ended', expiresAt: at }));
      await stores.sessions.create(sessionRecord({ idHash: 'ended', expiresAt: at }));
      await stores.counters.increment('ended', at - T0, T0);
      // Still live at `at` (by one millisecond), used ones included: reuse detection must survive a sweep.
      await stores.codes.save(codeRecord({ codeHash: 'live-used', expiresAt: at + 1 }));
      await stores.codes.consume('live-used', T0);
      await stores.codes.save(codeRecord({ codeHash: 'live', expiresAt: at + 1 }));
      await stores.refreshTokens.save(refreshRecord({ tokenHash: 'live-used', expiresAt: at + 1 }));
      await stores.refreshTokens.rotate('live-used', refreshRecord({ tokenHash: 'live', expiresAt: at + 1 }), T0);
      await stores.replay.remember('client-assertion', 'live', at + 1, T0);
      await stores.interactions.save(interactionRecord({ id: 'live', expiresAt: at + 1 }));
      await stores.sessions.create(sessionRecord({ idHash: 'live', expiresAt: at + 1 }));
      await stores.counters.increment('live', at + 1 - T0, T0);
      // Stores without expiry: never swept, even a grant past its end.
      await stores.grants.create(grantRecord({ id: 'ended-grant', expiresAt: T0 + 1 }));
      await stores.consents.put(consentRecord());
      await stores.users.create(userRecord());
      await stores.keys.add(keyRecord({ expiresAt: T0 + 1 }));
      await stores.registeredClients.create({ clientId: 'dcr_1', metadata: '{}', createdAt: T0 });
      await stores.documents.set(CLIENT, cachedDocument({ staleUntil: at + 60 * MINUTE }));

      assert.equal(await stores.sweep(at), 6);
      assert.equal(await stores.sweep(at), 0, 'a second sweep finds nothing');

      // The ended entries are gone, even when asked about at a time they were still live.
      const before = at - 1;
      assert.deepEqual(await stores.codes.consume('ended', T0), { status: 'unknown' });
      assert.equal(await stores.refreshTokens.find('ended', T0), undefined);
      assert.equal(await stores.replay.remember('client-assertion', 'ended', at + MINUTE, before), true);
      assert.equal(await stores.interactions.get('ended', before), undefined);
      assert.equal(await stores.sessions.get('ended', before), undefined);
      assert.equal(await stores.counters.get('ended', before), 0);
      // The live ones are intact.
      assert.equal((await stores.codes.consume('live-used', at)).status, 'reused');
      assert.equal((await stores.codes.consume('live', at)).status, 'consumed');
      assert.equal((await stores.refreshTokens.rotate('live-used', refreshRecord({ tokenHash: 'x' }), at)).status, 'reused');
      assert.notEqual(await stores.refreshTokens.find('live', at), undefined);
      assert.equal(await stores.replay.seen('client-assertion', 'live', at), true);
      assert.notEqual(await stores.interactions.get('live', at), undefined);
      assert.notEqual(await stores.sessions.get('live', at), undefined);
      assert.equal(await stores.counters.get('live', at), 1);
      assert.notEqual(await stores.grants.get('ended-grant'), undefined);
      assert.notEqual(await stores.consents.get('user-1', CLIENT), undefined);
      assert.notEqual(await stores.users.findByUsername('alice'), undefined);
      assert.equal((await stores.keys.list()).length, 1);
      assert.notEqual(await stores.registeredClients.get('dcr_1'), undefined);
      assert.notEqual(await stores.documents.get(CLIENT), undefined);
    });

    test('sweep on empty stores deletes nothing', async () => {
      const { stores } = current();
      assert.equal(await stores.sweep(T0), 0);
    });

    test('after a sweep, a document past its staleUntil is gone and a live one stays', async () => {
      const { stores, clock } = current();
      await stores.documents.set('https://old.example/cimd.json', cachedDocument({ staleUntil: T0 + MINUTE }));
      await stores.documents.set(CLIENT, cachedDocument({ staleUntil: T0 + 60 * MINUTE }));
      await stores.sweep(T0 + MINUTE);
      clock.set(T0 + MINUTE);
      assert.equal(await stores.documents.get('https://old.example/cimd.json'), undefined);
      assert.deepEqual(await stores.documents.get(CLIENT), cachedDocument({ staleUntil: T0 + 60 * MINUTE }));
    });
  });

  describe('close', () => {
    test('close resolves, may be called again, and every later operation rejects (store-closed)', async () => {
      const { stores } = current();
      await stores.codes.save(codeRecord());
      await stores.close();
      await stores.close();
      await rejectsWithReason(stores.codes.consume('code-hash-1', T0), 'store-closed');
      await rejectsWithReason(stores.grants.get('grant-1'), 'store-closed');
      await rejectsWithReason(stores.replay.remember('n', 'i', T0 + MINUTE, T0), 'store-closed');
      await rejectsWithReason(stores.documents.get(CLIENT), 'store-closed');
      await rejectsWithReason(stores.sweep(T0), 'store-closed');
    });
  });
}
