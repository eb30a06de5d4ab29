import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MINUTE, T0, concurrently, rejectsWithReason, type CurrentContext } from './context.js';
import { interactionRecord, sessionRecord } from './fixtures.js';

/** ReplayStore: one-time identifiers held until their expiry; atomic `remember`. */
export function replayContract(current: CurrentContext): void {
  describe('replay', () => {
    test('J9: a jti is accepted once, refused while held, and accepted again once its hold has ended', async () => {
      const { stores } = current();
      const until = T0 + 5 * MINUTE;
      assert.equal(await stores.replay.remember('client-assertion', 'jti-1', until, T0), true);
      assert.equal(await stores.replay.remember('client-assertion', 'jti-1', until + MINUTE, T0 + 1), false);
      assert.equal(await stores.replay.remember('client-assertion', 'jti-1', until, until - 1), false);
      assert.equal(await stores.replay.remember('client-assertion', 'jti-1', until + 5 * MINUTE, until), true);
      assert.equal(await stores.replay.remember('client-assertion', 'jti-1', until + 5 * MINUTE, until + 1), false);
    });

    test('a refused remember does not extend the hold', async () => {
      const { stores } = current();
      assert.equal(await stores.replay.remember('dpop', 'jti-1', T0 + MINUTE, T0), true);
      assert.equal(await stores.replay.remember('dpop', 'jti-1', T0 + 60 * MINUTE, T0 + 1), false);
      assert.equal(await stores.replay.seen('dpop', 'jti-1', T0 + MINUTE), false);
      assert.equal(await stores.replay.remember('dpop', 'jti-1', T0 + 2 * MINUTE, T0 + MINUTE), true);
    });

    test('seen tells whether a pair is held and changes nothing', async () => {
      const { stores } = current();
      assert.equal(await stores.replay.seen('revoked-access-token', 'jti-1', T0), false);
      assert.equal(await stores.replay.remember('revoked-access-token', 'jti-1', T0 + MINUTE, T0), true);
      assert.equal(await stores.replay.seen('revoked-access-token', 'jti-1', T0 + 1), true);
      assert.equal(await stores.replay.seen('revoked-access-token', 'jti-1', T0 + MINUTE - 1), true);
      assert.equal(await stores.replay.seen('revoked-access-token', 'jti-1', T0 + MINUTE), false);
      assert.equal(await stores.replay.seen('revoked-access-token', 'jti-2', T0), false);
      assert.equal(await stores.replay.remember('revoked-access-token', 'jti-2', T0 + MINUTE, T0 + 1), true);
    });

    test('J9: namespaces are separate, and a pair is not confused with another whose parts join alike', async () => {
      const { stores } = current();
      assert.equal(await stores.replay.remember('client-assertion', 'jti-1', T0 + MINUTE, T0), true);
      assert.equal(await stores.replay.remember('dpop', 'jti-1', T0 + MINUTE, T0), true);
      assert.equal(await stores.replay.remember('a:b', 'c', T0 + MINUTE, T0), true);
      assert.equal(await stores.replay.remember('a', 'b:c', T0 + MINUTE, T0), true);
      assert.equal(await stores.replay.remember('a', 'bc', T0 + MINUTE, T0), true);
    });

    test('J9: of 50 concurrent remembers of one pair exactly one returns true', async () => {
      const { stores } = current();
      const results = await concurrently(50, (i) => stores.replay.remember('client-assertion', 'jti-race', T0 + MINUTE, T0 + i));
      assert.equal(results.filter((r) => r).length, 1);
    });
  });
}

/** InteractionStore and SessionStore: never returned past `expiresAt`; idempotent delete. */
export function interactionAndSessionContract(current: CurrentContext): void {
  describe('interactions', () => {
    test('a saved interaction is read back with its parameters until it expires, then never', async () => {
      const { stores } = current();
      const record = interactionRecord();
      await stores.interactions.save(record);
      assert.deepEqual(await stores.interactions.get(record.id, T0), record);
      assert.deepEqual(await stores.interactions.get(record.id, record.expiresAt - 1), record);
      assert.equal(await stores.interactions.get(record.id, record.expiresAt), undefined);
      assert.equal(await stores.interactions.get('never-saved', T0), undefined);
    });

    test('saving again replaces the interaction (the login step adds the user)', async () => {
      const { stores } = current();
      await stores.interactions.save(interactionRecord());
      const loggedIn = interactionRecord({ userId: 'user-1', authTime: T0 + MINUTE });
      await stores.interactions.save(loggedIn);
      assert.deepEqual(await stores.interactions.get(loggedIn.id, T0 + MINUTE), loggedIn);
    });

    test('delete removes the interaction and is idempotent', async () => {
      const { stores } = current();
      await stores.interactions.save(interactionRecord());
      await stores.interactions.save(interactionRecord({ id: 'interaction-2' }));
      await stores.interactions.delete('interaction-1');
      await stores.interactions.delete('interaction-1');
      await stores.interactions.delete('never-saved');
      assert.equal(await stores.interactions.get('interaction-1', T0), undefined);
      assert.notEqual(await stores.interactions.get('interaction-2', T0), undefined);
    });
  });

  describe('sessions', () => {
    test('a session is read back until it expires, then never', async () => {
      const { stores } = current();
      const record = sessionRecord();
      await stores.sessions.create(record);
      assert.deepEqual(await stores.sessions.get(record.idHash, record.expiresAt - 1), record);
      assert.equal(await stores.sessions.get(record.idHash, record.expiresAt), undefined);
      assert.equal(await stores.sessions.get('never-created', T0), undefined);
    });

    test('creating a session whose id hash is taken rejects (store-conflict)', async () => {
      const { stores } = current();
      await stores.sessions.create(sessionRecord());
      await rejectsWithReason(stores.sessions.create(sessionRecord({ userId: 'attacker' })), 'store-conflict');
      assert.equal((await stores.sessions.get('session-hash-1', T0))?.userId, 'user-1');
    });

    test('delete removes the session and is idempotent', async () => {
      const { stores } = current();
      await stores.sessions.create(sessionRecord());
      await stores.sessions.delete('session-hash-1');
      await stores.sessions.delete('session-hash-1');
      assert.equal(await stores.sessions.get('session-hash-1', T0), undefined);
    });
  });
}

/** CounterStore: fixed windows that start at the first increment. */
export function counterContract(current: CurrentContext): void {
  describe('counters', () => {
    test('increment counts within the window and get reads the count; an unknown key is 0', async () => {
      const { stores } = current();
      assert.equal(await stores.counters.get('login:alice', T0), 0);
      assert.equal(await stores.counters.increment('login:alice', MINUTE, T0), 1);
      assert.equal(await stores.counters.increment('login:alice', MINUTE, T0 + 1), 2);
      assert.equal(await stores.counters.increment('login:alice', MINUTE, T0 + MINUTE - 1), 3);
      assert.equal(await stores.counters.get('login:alice', T0 + MINUTE - 1), 3);
      assert.equal(await stores.counters.get('login:bob', T0), 0);
    });

    test('the window starts at the first increment and lasts windowMs; after it the count starts again from 1', async () => {
      const { stores } = current();
      const start = T0 + 12_345;
      assert.equal(await stores.counters.increment('ip:192.0.2.1', MINUTE, start), 1);
      assert.equal(await stores.counters.increment('ip:192.0.2.1', MINUTE, start + MINUTE - 1), 2);
      assert.equal(await stores.counters.get('ip:192.0.2.1', start + MINUTE), 0);
      assert.equal(await stores.counters.increment('ip:192.0.2.1', MINUTE, start + MINUTE), 1);
      // The second window started at start + MINUTE, so it runs to start + 2 * MINUTE.
      assert.equal(await stores.counters.increment('ip:192.0.2.1', MINUTE, start + 2 * MINUTE - 1), 2);
      assert.equal(await stores.counters.increment('ip:192.0.2.1', MINUTE, start + 5 * MINUTE), 1);
    });

    test('reset clears a key and leaves the others', async () => {
      const { stores } = current();
      await stores.counters.increment('a', MINUTE, T0);
      await stores.counters.increment('a', MINUTE, T0);
      await stores.counters.increment('b', MINUTE, T0);
      await stores.counters.reset('a');
      await stores.counters.reset('never-counted');
      assert.equal(await stores.counters.get('a', T0), 0);
      assert.equal(await stores.counters.get('b', T0), 1);
      assert.equal(await stores.counters.increment('a', MINUTE, T0 + 1), 1);
    });

    test('release takes back one increment within the window, never below 0, and nothing once the window ended', async () => {
      const { stores } = current();
      await stores.counters.increment('addr', MINUTE, T0);
      await stores.counters.increment('addr', MINUTE, T0);
      await stores.counters.release('addr', T0 + 1);
      assert.equal(await stores.counters.get('addr', T0 + 1), 1);
      await stores.counters.release('addr', T0 + 1);
      await stores.counters.release('addr', T0 + 1);
      assert.equal(await stores.counters.get('addr', T0 + 1), 0, 'not below 0');
      assert.equal(await stores.counters.increment('addr', MINUTE, T0 + 2), 1, 'the same window goes on');
      await stores.counters.release('never-counted', T0);
      assert.equal(await stores.counters.get('never-counted', T0), 0);
      await stores.counters.release('addr', T0 + MINUTE);
      assert.equal(await stores.counters.increment('addr', MINUTE, T0 + MINUTE), 1, 'a new window starts at 1');
    });

    test('concurrent claims and releases of one key leave exactly the unreleased claims', async () => {
      const { stores } = current();
      await concurrently(40, async (i) => {
        await stores.counters.increment('claims', MINUTE, T0);
        if (i % 2 === 0) await stores.counters.release('claims', T0);
      });
      assert.equal(await stores.counters.get('claims', T0), 20);
    });

    test('50 concurrent increments of one key return 1 to 50, each once', async () => {
      const { stores } = current();
      const results = await concurrently(50, () => stores.counters.increment('token:client', MINUTE, T0));
      assert.deepEqual(
        [...results].sort((a, b) => a - b),
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      assert.equal(await stores.counters.get('token:client', T0), 50);
    });

    test('a window that is not a positive number of milliseconds is refused', async () => {
      const { stores } = current();
      await assert.rejects(stores.counters.increment('a', 0, T0), RangeError);
      await assert.rejects(stores.counters.increment('a', -MINUTE, T0), RangeError);
      await assert.rejects(stores.counters.increment('a', Number.NaN, T0), RangeError);
      assert.equal(await stores.counters.get('a', T0), 0);
    });
  });
}
