import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { createAdminService, type AdminService } from '../src/trust/admin-service.js';
import { authorizeParams, createHarness, document, PASSWORD, REDIRECT_URI, type Harness } from './support/harness.js';
import { reasonOf, refresh, tokensFor } from './support/trust.js';

const RS = { id: 'api', secret: 'introspection-secret-0123456789' };

function publicJwk(kid: string): Record<string, unknown> {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  return { ...jwk, kid, use: 'sig', alg: 'ES256' };
}

/** Serve a new version of the document and drop the cached one, as its max-age running out would. */
async function publish(h: Harness, id: string, extra: Record<string, unknown>): Promise<void> {
  h.serve(id, document(id, extra));
  await h.server.context.resolver.invalidate(id);
  h.clock.advance(1000);
}

/** How many consent pages an authorization showed (0: a remembered consent covered it). */
async function pagesShown(h: Harness, id: string, extra: Record<string, string> = {}): Promise<number> {
  const b = h.browser();
  return (await b.authorize(authorizeParams({ client_id: id, ...extra }), { username: 'alice', password: PASSWORD })).pages
    .length;
}

/** The reason on the error page an authorization with this redirect URI ends on, after alice signs in. */
async function refusal(h: Harness, id: string, redirectUri: string): Promise<string | undefined> {
  const b = h.browser();
  let r = await b.get(`/authorize?${authorizeParams({ client_id: id, redirect_uri: redirectUri }).toString()}`);
  r = await b.follow(await b.login(await b.follow(r), 'alice', PASSWORD));
  assert.equal(r.status, 400);
  return reasonOf(await r.text());
}

/** A server with a client alice approved once, which an administrator then pinned. */
async function pinnedClient(): Promise<{ h: Harness; admin: AdminService; id: string }> {
  const h = await createHarness();
  await h.addUser('alice');
  const admin = createAdminService(h.server.context);
  const id = h.newClient();
  await pagesShown(h, id);
  await admin.setPinned(id, true, 'admin:root');
  return { h, admin, id };
}

async function introspect(h: Harness, token: string): Promise<boolean> {
  const r = await h
    .browser()
    .post('/introspect', { token }, { authorization: `Basic ${Buffer.from(`${RS.id}:${RS.secret}`).toString('base64')}` });
  return ((await r.json()) as { active: boolean }).active;
}

describe('metadata changes and their policies (R64, R65)', () => {
  test('R64: new redirect_uris ask for consent again (re-consent policy); existing grants keep working; the change is audited', async () => {
    const h = await createHarness();
    try {
      await h.addUser('alice');
      const id = h.newClient();
      const tokens = await tokensFor(h.browser(), id, 'alice');
      assert.equal(await pagesShown(h, id), 0, 'the consent is remembered');
      await publish(h, id, { redirect_uris: [REDIRECT_URI, 'https://app.example/other'] });
      assert.equal(await pagesShown(h, id), 1, 'asked again');
      assert.equal((await refresh(h.browser(), id, tokens.refresh_token)).status, 200, 're-consent revokes nothing');
      const [event] = await h.stores.trust.audit.list({ clientId: id, action: 'metadata-changed', limit: 5 });
      assert.deepEqual(event?.detail, { classes: ['redirect'], members: ['redirect_uris'], policy: 're-consent' });
    } finally {
      await h.close();
    }
  });

  test('R64: a cosmetic change is silent by default and asks again when configured so', async () => {
    for (const [policy, pages] of [
      ['silent', 0],
      ['re-consent', 1],
    ] as const) {
      const h = await createHarness({ trust: { onCosmeticChange: policy } });
      try {
        await h.addUser('alice');
        const id = h.newClient();
        await pagesShown(h, id);
        await publish(h, id, { client_name: 'Renamed App' });
        assert.equal(await pagesShown(h, id), pages, policy);
      } finally {
        await h.close();
      }
    }
  });

  test('R65: a new key with the revoke policy revokes every grant: refresh fails, access tokens introspect inactive', async () => {
    const h = await createHarness({ trust: { onKeyChange: 'revoke' }, clients: { static: [], resourceServers: [RS] } });
    try {
      await h.addUser('alice');
      await h.addUser('bob');
      const keyA = publicJwk('a');
      const id = h.newClient({ jwks: { keys: [keyA] } });
      const alice = await tokensFor(h.browser(), id, 'alice');
      const bob = await tokensFor(h.browser(), id, 'bob');
      assert.equal(await introspect(h, alice.access_token), true);
      await publish(h, id, { jwks: { keys: [keyA, publicJwk('b')] } });
      const r = await refresh(h.browser(), id, alice.refresh_token);
      assert.deepEqual([r.status, r.body['error']], [400, 'invalid_grant'], 'the grant is gone');
      assert.equal((await refresh(h.browser(), id, bob.refresh_token)).status, 400, "every user's grant");
      assert.equal(await introspect(h, alice.access_token), false);
      const revoked = await h.stores.trust.audit.list({ clientId: id, action: 'grants-revoked', limit: 5 });
      assert.deepEqual(revoked[0]?.detail, { count: 2, reason: 'client metadata changed (keys)' });
      const [changed] = await h.stores.trust.audit.list({ clientId: id, action: 'metadata-changed', limit: 1 });
      assert.deepEqual(changed?.detail, { classes: ['keys'], members: ['jwks'], keysAdded: 1, keysRemoved: 0, policy: 'revoke' });
      assert.equal(await pagesShown(h, id), 1, 'and the next authorization asks again');
    } finally {
      await h.close();
    }
  });

  test('R65: by default a rotated key (new key, old kept) revokes nothing', async () => {
    const h = await createHarness();
    try {
      await h.addUser('alice');
      const keyA = publicJwk('a');
      const id = h.newClient({ jwks: { keys: [keyA] } });
      const tokens = await tokensFor(h.browser(), id, 'alice');
      await publish(h, id, { jwks: { keys: [keyA, publicJwk('b')] } });
      assert.equal((await refresh(h.browser(), id, tokens.refresh_token)).status, 200);
      assert.equal((await h.stores.trust.audit.list({ clientId: id, action: 'grants-revoked', limit: 5 })).length, 0);
    } finally {
      await h.close();
    }
  });

  test("R64: a pinned client's changed document waits in the queue; the approved version stays in effect until an administrator approves", async () => {
    const { h, admin, id } = await pinnedClient();
    try {
      const moved = 'https://app.example/moved';
      for (let i = 0; i < 3; i++) await publish(h, id, { redirect_uris: [moved] });
      // The pinned version is what the server uses: the new redirect URI is not registered yet.
      assert.equal(await refusal(h, id, moved), 'redirect-uri-not-registered');
      assert.equal(await pagesShown(h, id), 0, 'the approved version, with the remembered consent, keeps working');
      const pending = await admin.changes('pending');
      assert.equal(pending.length, 1, 'queued once, however often it was fetched');
      assert.deepEqual([pending[0]?.clientId, pending[0]?.classes], [id, ['redirect']]);

      await admin.decideChange(pending[0]?.id ?? '', 'approve', 'admin:root');
      assert.equal(await pagesShown(h, id, { redirect_uri: moved }), 1, 'in effect now, and the redirect change asks again');
      assert.equal(await refusal(h, id, REDIRECT_URI), 'redirect-uri-not-registered', 'the old redirect URI is gone');
      const actions = (await admin.audit({ clientId: id })).map((e) => e.action);
      for (const a of ['client-pinned', 'change-queued', 'change-approved', 'metadata-changed'])
        assert.ok(actions.includes(a), a);
      assert.equal((await admin.client(id)).pinned, true, 'still pinned');
    } finally {
      await h.close();
    }
  });

  test('R64: a rejected change of a pinned client is not queued again and never takes effect', async () => {
    const { h, admin, id } = await pinnedClient();
    try {
      await publish(h, id, { scope: 'read write admin' });
      await pagesShown(h, id);
      const [change] = await admin.changes('pending');
      assert.deepEqual(change?.classes, ['privilege']);
      await admin.decideChange(change?.id ?? '', 'reject', 'admin:root');
      await h.server.context.resolver.invalidate(id);
      await pagesShown(h, id);
      assert.deepEqual(await admin.changes('pending'), []);
      assert.equal((await admin.client(id)).metadata.scope, undefined, 'the approved document is still the one in effect');
      await assert.rejects(admin.decideChange(change?.id ?? '', 'approve', 'admin:root'), /no pending change/);
    } finally {
      await h.close();
    }
  });
});
