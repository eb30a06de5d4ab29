import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MINUTE, T0, rejectsWithReason, type CurrentContext } from './context.js';
import { CLIENT, OTHER_CLIENT, consentRecord, grantRecord } from './fixtures.js';

/** GrantStore: revocation keeps the first reason; revocation by client; active grants of a user. */
export function grantContract(current: CurrentContext): void {
  describe('grants', () => {
    test('a created grant is read back as created, with or without its optional fields', async () => {
      const { stores } = current();
      const plain = grantRecord();
      const bound = grantRecord({
        id: 'grant-2',
        authMethod: 'attest_jwt_client_auth',
        instanceKeyThumbprint: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
      });
      await stores.grants.create(plain);
      await stores.grants.create(bound);
      assert.deepEqual(await stores.grants.get(plain.id), plain);
      assert.deepEqual(await stores.grants.get(bound.id), bound);
      assert.equal(await stores.grants.get('grant-unknown'), undefined);
    });

    test('creating a grant whose id is taken rejects (store-conflict)', async () => {
      const { stores } = current();
      await stores.grants.create(grantRecord());
      await rejectsWithReason(stores.grants.create(grantRecord({ userId: 'user-2' })), 'store-conflict');
      assert.equal((await stores.grants.get('grant-1'))?.userId, 'user-1');
    });

    test('revoke is idempotent: the first call revokes, later calls return false and keep the first time and reason', async () => {
      const { stores } = current();
      await stores.grants.create(grantRecord());
      assert.equal(await stores.grants.revoke('grant-1', T0 + MINUTE, 'authorization code reused'), true);
      assert.equal(await stores.grants.revoke('grant-1', T0 + 2 * MINUTE, 'user revoked'), false);
      assert.deepEqual(await stores.grants.get('grant-1'), {
        ...grantRecord(),
        revokedAt: T0 + MINUTE,
        revokedReason: 'authorization code reused',
      });
    });

    test('revoking an unknown grant returns false; an expired grant is not active and stays as it was', async () => {
      const { stores } = current();
      const grant = grantRecord({ expiresAt: T0 + MINUTE });
      await stores.grants.create(grant);
      assert.equal(await stores.grants.revoke('grant-unknown', T0, 'x'), false);
      assert.equal(await stores.grants.revoke(grant.id, grant.expiresAt, 'too late'), false);
      assert.deepEqual(await stores.grants.get(grant.id), grant);
    });

    test('bindInstanceKey binds an active grant once: the same key again is true, another key false, nothing changes', async () => {
      const { stores } = current();
      const key = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
      await stores.grants.create(grantRecord());
      await stores.grants.create(grantRecord({ id: 'expired', expiresAt: T0 + MINUTE }));
      await stores.grants.create(grantRecord({ id: 'revoked', revokedAt: T0, revokedReason: 'earlier' }));
      assert.equal(await stores.grants.bindInstanceKey('grant-1', key, T0), true);
      assert.equal(await stores.grants.bindInstanceKey('grant-1', key, T0), true);
      assert.equal(await stores.grants.bindInstanceKey('grant-1', 'another-thumbprint', T0), false);
      assert.deepEqual(await stores.grants.get('grant-1'), { ...grantRecord(), instanceKeyThumbprint: key });
      assert.equal(await stores.grants.bindInstanceKey('grant-unknown', key, T0), false);
      assert.equal(await stores.grants.bindInstanceKey('expired', key, T0 + MINUTE), false);
      assert.equal(await stores.grants.bindInstanceKey('revoked', key, T0), false);
      assert.equal((await stores.grants.get('expired'))?.instanceKeyThumbprint, undefined);
    });

    test('of concurrent bindInstanceKey calls with different keys exactly one wins', async () => {
      const { stores } = current();
      await stores.grants.create(grantRecord());
      const keys = Array.from({ length: 8 }, (_, i) => `thumbprint-${i}`);
      const results = await Promise.all(keys.map((k) => stores.grants.bindInstanceKey('grant-1', k, T0)));
      assert.equal(results.filter(Boolean).length, 1);
      const winner = keys[results.indexOf(true)];
      assert.equal((await stores.grants.get('grant-1'))?.instanceKeyThumbprint, winner);
    });

    test('revokeByClient revokes every active grant of the client, for all users, and counts them', async () => {
      const { stores } = current();
      await stores.grants.create(grantRecord({ id: 'a', userId: 'user-1' }));
      await stores.grants.create(grantRecord({ id: 'b', userId: 'user-2' }));
      await stores.grants.create(grantRecord({ id: 'c', userId: 'user-2', revokedAt: T0, revokedReason: 'earlier' }));
      await stores.grants.create(grantRecord({ id: 'd', userId: 'user-1', expiresAt: T0 + MINUTE }));
      await stores.grants.create(grantRecord({ id: 'e', userId: 'user-1', clientId: OTHER_CLIENT }));
      const now = T0 + 2 * MINUTE;
      assert.equal(await stores.grants.revokeByClient(CLIENT, now, 'client blocked'), 2);
      assert.equal((await stores.grants.get('a'))?.revokedReason, 'client blocked');
      assert.equal((await stores.grants.get('b'))?.revokedAt, now);
      assert.equal((await stores.grants.get('c'))?.revokedReason, 'earlier', 'an earlier revocation is kept');
      assert.equal((await stores.grants.get('d'))?.revokedAt, undefined, 'an expired grant is left alone');
      assert.equal((await stores.grants.get('e'))?.revokedAt, undefined, 'another client is left alone');
      assert.equal(await stores.grants.revokeByClient(CLIENT, now + 1, 'again'), 0);
    });

    test("revokeByClient with a user revokes only that user's grants of the client", async () => {
      const { stores } = current();
      await stores.grants.create(grantRecord({ id: 'a', userId: 'user-1' }));
      await stores.grants.create(grantRecord({ id: 'b', userId: 'user-1' }));
      await stores.grants.create(grantRecord({ id: 'c', userId: 'user-2' }));
      await stores.grants.create(grantRecord({ id: 'd', userId: 'user-1', clientId: OTHER_CLIENT }));
      assert.equal(await stores.grants.revokeByClient(CLIENT, T0 + 1, 'user disconnected the app', 'user-1'), 2);
      assert.equal((await stores.grants.get('c'))?.revokedAt, undefined);
      assert.equal((await stores.grants.get('d'))?.revokedAt, undefined);
      assert.equal((await stores.grants.listActiveByUser('user-1', T0 + 2)).length, 1);
    });

    test('R8, R63: revokeByClient compares client_id exactly; a URL differing by a slash or case is another client', async () => {
      const { stores } = current();
      await stores.grants.create(grantRecord({ id: 'a', clientId: 'https://c.example/client' }));
      await stores.grants.create(grantRecord({ id: 'b', clientId: 'https://c.example/client/' }));
      await stores.grants.create(grantRecord({ id: 'c', clientId: 'https://c.example/Client' }));
      assert.equal(await stores.grants.revokeByClient('https://c.example/client', T0 + 1, 'blocked'), 1);
      assert.equal((await stores.grants.get('b'))?.revokedAt, undefined);
      assert.equal((await stores.grants.get('c'))?.revokedAt, undefined);
    });

    test("listActiveByUser returns the user's unrevoked, unexpired grants, oldest first", async () => {
      const { stores } = current();
      await stores.grants.create(grantRecord({ id: 'later', createdAt: T0 + 2 }));
      await stores.grants.create(grantRecord({ id: 'b-same-time', createdAt: T0 + 1 }));
      await stores.grants.create(grantRecord({ id: 'a-same-time', createdAt: T0 + 1 }));
      await stores.grants.create(grantRecord({ id: 'revoked' }));
      await stores.grants.create(grantRecord({ id: 'expired', expiresAt: T0 + MINUTE }));
      await stores.grants.create(grantRecord({ id: 'other-user', userId: 'user-2' }));
      await stores.grants.revoke('revoked', T0 + 3, 'user revoked');
      const active = await stores.grants.listActiveByUser('user-1', T0 + MINUTE);
      assert.deepEqual(
        active.map((g) => g.id),
        ['a-same-time', 'b-same-time', 'later'],
      );
      assert.deepEqual(active[2], grantRecord({ id: 'later', createdAt: T0 + 2 }));
      assert.deepEqual(await stores.grants.listActiveByUser('nobody', T0), []);
    });
  });
}

/** ConsentStore: keyed by (user, exact client_id); put replaces; revoke idempotent; distinct users. */
export function consentContract(current: CurrentContext): void {
  describe('consents', () => {
    test('R64: a consent is read back with its fingerprint; a second put replaces it', async () => {
      const { stores } = current();
      const first = consentRecord();
      await stores.consents.put(first);
      assert.deepEqual(await stores.consents.get(first.userId, first.clientId), first);
      const second = consentRecord({ scope: ['openid'], resources: [], fingerprint: 'sha256:changed', grantedAt: T0 + MINUTE });
      await stores.consents.put(second);
      assert.deepEqual(await stores.consents.get(first.userId, first.clientId), second);
      assert.equal(await stores.consents.get('user-2', first.clientId), undefined);
    });

    test('R63: a consent for one client_id is not returned for another URL (/v1.json is not /v2.json, nor a case variant)', async () => {
      const { stores } = current();
      await stores.consents.put(consentRecord({ clientId: 'https://c.example/v1.json' }));
      assert.equal(await stores.consents.get('user-1', 'https://c.example/v2.json'), undefined);
      assert.equal(await stores.consents.get('user-1', 'https://C.example/v1.json'), undefined);
      assert.notEqual(await stores.consents.get('user-1', 'https://c.example/v1.json'), undefined);
    });

    test('revoke removes one consent and is idempotent', async () => {
      const { stores } = current();
      await stores.consents.put(consentRecord());
      await stores.consents.put(consentRecord({ clientId: OTHER_CLIENT }));
      await stores.consents.revoke('user-1', CLIENT);
      await stores.consents.revoke('user-1', CLIENT);
      await stores.consents.revoke('nobody', 'https://nothing.example/x');
      assert.equal(await stores.consents.get('user-1', CLIENT), undefined);
      assert.notEqual(await stores.consents.get('user-1', OTHER_CLIENT), undefined);
    });

    test("revokeByClient removes every consent of a client (or one user's) and counts them; other clients keep theirs", async () => {
      const { stores } = current();
      for (const userId of ['user-1', 'user-2', 'user-3']) await stores.consents.put(consentRecord({ userId }));
      await stores.consents.put(consentRecord({ userId: 'user-1', clientId: OTHER_CLIENT }));
      assert.equal(await stores.consents.revokeByClient(CLIENT, 'user-2'), 1);
      assert.equal(await stores.consents.get('user-2', CLIENT), undefined);
      assert.equal(await stores.consents.revokeByClient(CLIENT), 2);
      assert.equal(await stores.consents.revokeByClient(CLIENT), 0);
      assert.equal(await stores.consents.countUsers(CLIENT), 0);
      assert.notEqual(await stores.consents.get('user-1', OTHER_CLIENT), undefined);
    });

    test('countUsers counts distinct users of one client: a replaced consent counts once, a revoked one not at all', async () => {
      const { stores } = current();
      assert.equal(await stores.consents.countUsers(CLIENT), 0);
      await stores.consents.put(consentRecord({ userId: 'user-1' }));
      await stores.consents.put(consentRecord({ userId: 'user-1', grantedAt: T0 + 1 }));
      await stores.consents.put(consentRecord({ userId: 'user-2' }));
      await stores.consents.put(consentRecord({ userId: 'user-3' }));
      await stores.consents.put(consentRecord({ userId: 'user-4', clientId: OTHER_CLIENT }));
      assert.equal(await stores.consents.countUsers(CLIENT), 3);
      await stores.consents.revoke('user-3', CLIENT);
      assert.equal(await stores.consents.countUsers(CLIENT), 2);
      assert.equal(await stores.consents.countUsers(OTHER_CLIENT), 1);
    });
  });
}
