import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MINUTE, T0, rejectsWithReason, type CurrentContext } from './context.js';
import { keyRecord, userRecord } from './fixtures.js';

/** UserStore: unique usernames compared as given; password hash updates. */
export function userContract(current: CurrentContext): void {
  describe('users', () => {
    test('a created user is found by username and by id, with its disabled flag as given', async () => {
      const { stores } = current();
      const alice = userRecord();
      const bob = userRecord({ id: 'u_bob', username: 'bob', disabled: true });
      const carol = userRecord({ id: 'u_carol', username: 'carol', disabled: false });
      for (const user of [alice, bob, carol]) await stores.users.create(user);
      assert.deepEqual(await stores.users.findByUsername('alice'), alice);
      assert.deepEqual(await stores.users.findById('u_bob'), bob);
      assert.deepEqual(await stores.users.findById('u_carol'), carol);
      assert.equal(await stores.users.findByUsername('dave'), undefined);
      assert.equal(await stores.users.findById('u_dave'), undefined);
    });

    test('usernames are unique: a second create with the same username rejects (store-conflict) and changes nothing', async () => {
      const { stores } = current();
      await stores.users.create(userRecord());
      await rejectsWithReason(stores.users.create(userRecord({ id: 'u_other', passwordHash: 'other' })), 'store-conflict');
      assert.equal(await stores.users.findById('u_other'), undefined);
      assert.deepEqual(await stores.users.findByUsername('alice'), userRecord());
    });

    test('user ids are unique: a second create with the same id rejects (store-conflict)', async () => {
      const { stores } = current();
      await stores.users.create(userRecord());
      await rejectsWithReason(stores.users.create(userRecord({ username: 'mallory' })), 'store-conflict');
      assert.equal(await stores.users.findByUsername('mallory'), undefined);
    });

    test('usernames are compared as given: "Alice" and "alice" are two accounts', async () => {
      const { stores } = current();
      await stores.users.create(userRecord());
      await stores.users.create(userRecord({ id: 'u_upper', username: 'Alice' }));
      assert.equal((await stores.users.findByUsername('Alice'))?.id, 'u_upper');
      assert.equal((await stores.users.findByUsername('alice'))?.id, 'u_7f3a9c');
    });

    test('setPasswordHash replaces only the hash; an unknown id rejects (store-not-found)', async () => {
      const { stores } = current();
      await stores.users.create(userRecord());
      await stores.users.setPasswordHash('u_7f3a9c', '$scrypt$new');
      assert.deepEqual(await stores.users.findByUsername('alice'), userRecord({ passwordHash: '$scrypt$new' }));
      await rejectsWithReason(stores.users.setPasswordHash('u_nobody', 'x'), 'store-not-found');
    });

    test('setDisabled sets and clears only the flag; an unknown id rejects (store-not-found)', async () => {
      const { stores } = current();
      await stores.users.create(userRecord());
      await stores.users.setDisabled('u_7f3a9c', true);
      assert.deepEqual(await stores.users.findById('u_7f3a9c'), userRecord({ disabled: true }));
      await stores.users.setDisabled('u_7f3a9c', false);
      assert.deepEqual(await stores.users.findByUsername('alice'), userRecord({ disabled: false }));
      await rejectsWithReason(stores.users.setDisabled('u_nobody', true), 'store-not-found');
    });
  });
}

/** KeyStore: unique kid; `update` changes only the timestamps. */
export function keyContract(current: CurrentContext): void {
  describe('signing keys', () => {
    test('added keys are listed oldest first with their JWKs intact', async () => {
      const { stores } = current();
      assert.deepEqual(await stores.keys.list(), []);
      const older = keyRecord({ kid: 'z-older', createdAt: T0 - MINUTE, retiresAt: T0, expiresAt: T0 + MINUTE });
      const newer = keyRecord();
      await stores.keys.add(newer);
      await stores.keys.add(older);
      assert.deepEqual(await stores.keys.list(), [older, newer]);
    });

    test('adding a key whose kid is taken rejects (store-conflict)', async () => {
      const { stores } = current();
      await stores.keys.add(keyRecord());
      await rejectsWithReason(stores.keys.add(keyRecord({ alg: 'EdDSA' })), 'store-conflict');
      assert.deepEqual(await stores.keys.list(), [keyRecord()]);
    });

    test('update sets only the timestamps given and leaves everything else; an unknown kid rejects (store-not-found)', async () => {
      const { stores } = current();
      await stores.keys.add(keyRecord());
      await stores.keys.update('key-2026-11', { retiresAt: T0 + 90 * MINUTE });
      assert.deepEqual(await stores.keys.list(), [keyRecord({ retiresAt: T0 + 90 * MINUTE })]);
      await stores.keys.update('key-2026-11', { expiresAt: T0 + 120 * MINUTE });
      assert.deepEqual(await stores.keys.list(), [keyRecord({ retiresAt: T0 + 90 * MINUTE, expiresAt: T0 + 120 * MINUTE })]);
      await rejectsWithReason(stores.keys.update('no-such-kid', { retiresAt: T0 }), 'store-not-found');
    });
  });
}

/** RegisteredClientStore: unique client_id. */
export function registeredClientContract(current: CurrentContext): void {
  describe('registered clients', () => {
    test('R59: a registered client is read back by its generated id; a taken id rejects (store-conflict)', async () => {
      const { stores } = current();
      const record = { clientId: 'dcr_9QeM2x', metadata: '{"redirect_uris":["http://127.0.0.1/cb"]}', createdAt: T0 };
      await stores.registeredClients.create(record);
      assert.deepEqual(await stores.registeredClients.get('dcr_9QeM2x'), record);
      assert.equal(await stores.registeredClients.get('dcr_other'), undefined);
      await rejectsWithReason(stores.registeredClients.create({ ...record, metadata: '{}' }), 'store-conflict');
      assert.deepEqual(await stores.registeredClients.get('dcr_9QeM2x'), record);
    });
  });
}
