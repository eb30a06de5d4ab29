import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAdminService } from '../src/trust/admin-service.js';
import { authorizeParams, createHarness, PASSWORD } from './support/harness.js';

describe("an administrator's revocation also forgets the consents (H19, R64)", () => {
  test('after "revoke grants" the next authorization asks again instead of issuing a silent code', async () => {
    const h = await createHarness({ policy: { authenticateBeforeFetch: false } });
    try {
      await h.addUser('alice');
      const id = h.newClient();
      const admin = createAdminService(h.server.context);
      await admin.register(id, 'admin:test', 'trusted'); // trusted: a remembered consent would be silent
      const b = h.browser();
      assert.equal(
        (await b.authorize(authorizeParams({ client_id: id }), { username: 'alice', password: PASSWORD })).pages.length,
        1,
      );
      assert.equal((await b.authorize(authorizeParams({ client_id: id }))).pages.length, 0, 'remembered: silent');
      assert.ok((await admin.revokeGrants(id, 'admin:test')) >= 2);
      assert.equal((await b.authorize(authorizeParams({ client_id: id }))).pages.length, 1, 'asked again');
      const audit = await admin.audit({ clientId: id, action: 'grants-revoked' });
      assert.equal(audit[0]?.detail['consents'], 1);
    } finally {
      await h.close();
    }
  });

  test('blocking then unblocking a client does not bring back a silent approval', async () => {
    const h = await createHarness({ policy: { authenticateBeforeFetch: false } });
    try {
      await h.addUser('alice');
      const id = h.newClient();
      const admin = createAdminService(h.server.context);
      await admin.register(id, 'admin:test', 'trusted');
      const b = h.browser();
      await b.authorize(authorizeParams({ client_id: id }), { username: 'alice', password: PASSWORD });
      await admin.setTrust(id, 'blocked', 'admin:test');
      await admin.setTrust(id, 'trusted', 'admin:test');
      assert.equal((await b.authorize(authorizeParams({ client_id: id }))).pages.length, 1);
    } finally {
      await h.close();
    }
  });
});
