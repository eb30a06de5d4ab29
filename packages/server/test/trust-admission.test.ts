import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isCimdError } from '@cimd/core';
import { createAdminService } from '../src/trust/admin-service.js';
import { refreshRegisteredClients } from '../src/trust/refresher.js';
import { authorizeParams, createHarness, document, PASSWORD, pkce, REDIRECT_URI, type Harness } from './support/harness.js';
import { reasonOf, refresh, tokensFor } from './support/trust.js';

async function errorPageFor(h: Harness, params: URLSearchParams, username = 'alice'): Promise<string | undefined> {
  const b = h.browser();
  let r = await b.get(`/authorize?${params.toString()}`);
  if (r.status === 302 && (r.headers.get('location') ?? '').startsWith('/login')) {
    r = await b.login(await b.follow(r), username, PASSWORD);
    if (r.status === 303) r = await b.follow(r);
  }
  assert.equal(r.status >= 400, true, `expected an error page, got ${r.status}`);
  return reasonOf(await r.text());
}

describe('admission policy before any fetch (H20, R61, R75)', () => {
  test('H20: in allow-list mode an unknown client_id is refused before login and without any fetch', async () => {
    const h = await createHarness({ trust: { admission: 'allow-list' } });
    try {
      await h.addUser('alice');
      const id = h.newClient();
      for (let i = 0; i < 5; i++) {
        const r = await h.browser().get(`/authorize?${authorizeParams({ client_id: id }).toString()}`);
        assert.equal(r.status, 400, 'refused at once: an error page, no login page');
        assert.equal(reasonOf(await r.text()), 'trust-client-not-allowed');
      }
      // Even a token request for it (a forged code) makes no fetch: the resolver asks admission first.
      const t = await h
        .browser()
        .post('/token', { grant_type: 'authorization_code', code: 'x', code_verifier: 'y'.repeat(43), client_id: id });
      assert.equal(t.status, 401);
      assert.equal(h.fetcher.count(), 0, 'not one fetch');
    } finally {
      await h.close();
    }
  });

  test('H20: allow rules (exact, origin, path prefix, *.domain) admit; everything else stays unfetched', async () => {
    const h = await createHarness({
      trust: {
        admission: 'allow-list',
        rules: [
          { effect: 'allow', kind: 'path-prefix', value: 'https://partner.app.example/clients/' },
          { effect: 'allow', kind: 'domain', value: '*.trusted.app.example' },
        ],
      },
    });
    try {
      await h.addUser('alice');
      const listed = ['https://partner.app.example/clients/a.json', 'https://x.trusted.app.example/c.json'];
      for (const id of listed) h.serve(id, document(id));
      const unlisted = [
        'https://partner.app.example/clients-evil/a.json',
        'https://trusted.app.example/c.json',
        'https://other.app.example/c.json',
      ];
      for (const id of unlisted) h.serve(id, document(id));
      for (const id of listed) {
        const { location } = await h
          .browser()
          .authorize(authorizeParams({ client_id: id }), { username: 'alice', password: PASSWORD });
        assert.ok(location.searchParams.has('code'), id);
      }
      for (const id of unlisted) {
        assert.equal(await errorPageFor(h, authorizeParams({ client_id: id })), 'trust-client-not-allowed', id);
        assert.equal(h.fetcher.count(id), 0, id);
      }
    } finally {
      await h.close();
    }
  });

  test('H20: a deny rule added in the console refuses a client in open mode, before any fetch, also at the token endpoint', async () => {
    const h = await createHarness();
    try {
      await h.addUser('alice');
      const id = h.newClient();
      const tokens = await tokensFor(h.browser(), id, 'alice');
      const fetches = h.fetcher.count(id);
      const admin = createAdminService(h.server.context);
      const rule = await admin.addRule({ effect: 'deny', kind: 'origin', value: new URL(id).origin }, 'admin:root');
      assert.equal(await errorPageFor(h, authorizeParams({ client_id: id })), 'trust-client-denied');
      const r = await refresh(h.browser(), id, tokens.refresh_token);
      assert.deepEqual([r.status, r.body['error']], [401, 'invalid_client']);
      assert.equal(h.fetcher.count(id), fetches, 'no fetch for a denied client');
      await admin.removeRule(rule.id, 'admin:root');
      assert.equal((await refresh(h.browser(), id, tokens.refresh_token)).status, 200, 'removing the rule admits it again');
      const audit = (await admin.audit({ limit: 10 })).map((e) => e.action);
      assert.ok(audit.includes('rule-added') && audit.includes('rule-removed'));
    } finally {
      await h.close();
    }
  });

  test('RFC 8707, H20: a resource with its own allow rules admits only its clients; the refusal is an error page before any fetch', async () => {
    const mcp = 'https://api.example/mcp';
    const h = await createHarness({
      trust: { rules: [{ effect: 'allow', kind: 'exact', value: 'https://partner.app.example/c.json', resource: mcp }] },
    });
    try {
      await h.addUser('alice');
      const partner = 'https://partner.app.example/c.json';
      h.serve(partner, document(partner));
      const other = h.newClient();
      assert.equal(await errorPageFor(h, authorizeParams({ client_id: other, resource: mcp })), 'trust-resource-not-allowed');
      assert.equal(h.fetcher.count(other), 0);
      const ok = await h.browser().authorize(authorizeParams({ client_id: other, resource: 'https://api.example/other' }), {
        username: 'alice',
        password: PASSWORD,
      });
      assert.ok(ok.location.searchParams.has('code'), 'the same client for another resource');
      const p = await h
        .browser()
        .authorize(authorizeParams({ client_id: partner, resource: mcp }), { username: 'alice', password: PASSWORD });
      assert.ok(p.location.searchParams.has('code'));
    } finally {
      await h.close();
    }
  });

  test('regression, RFC 8707, H20: a resource rule added after the authorization stops refreshes for that resource', async () => {
    const mcp = 'https://api.example/mcp';
    const h = await createHarness({ policy: { authenticateBeforeFetch: false } });
    try {
      await h.addUser('alice');
      const id = h.newClient();
      const b = h.browser();
      const { verifier, challenge } = pkce();
      const { location } = await b.authorize(
        authorizeParams({ client_id: id, resource: mcp, scope: 'read offline_access' }, challenge),
        {
          username: 'alice',
          password: PASSWORD,
        },
      );
      const exchanged = await b.post('/token', {
        grant_type: 'authorization_code',
        code: location.searchParams.get('code') ?? '',
        code_verifier: verifier,
        client_id: id,
        redirect_uri: REDIRECT_URI,
      });
      const { refresh_token } = (await exchanged.json()) as { refresh_token: string };
      const before = await refresh(b, id, refresh_token);
      assert.equal(before.status, 200, 'before the rule');
      const after = before.body;
      await createAdminService(h.server.context).addRule(
        { effect: 'deny', kind: 'exact', value: id, resource: mcp },
        'admin:root',
      );
      const denied = await refresh(b, id, after['refresh_token'] as string);
      assert.deepEqual([denied.status, denied.body['error']], [400, 'invalid_target']);
    } finally {
      await h.close();
    }
  });

  test('R75: a blocked client is refused before any fetch, its grants are revoked, and the decision is audited', async () => {
    const h = await createHarness();
    try {
      await h.addUser('alice');
      const id = h.newClient();
      const tokens = await tokensFor(h.browser(), id, 'alice');
      await createAdminService(h.server.context).setTrust(id, 'blocked', 'admin:root');
      const fetches = h.fetcher.count(id);
      assert.equal(await errorPageFor(h, authorizeParams({ client_id: id })), 'trust-client-blocked');
      h.clock.advance(700_000); // past the document's max-age: a refresh would fetch if admitted
      const r = await refresh(h.browser(), id, tokens.refresh_token);
      assert.equal(r.status, 401);
      assert.equal(h.fetcher.count(id), fetches);
      const actions = (await h.stores.trust.audit.list({ clientId: id, limit: 10 })).map((e) => [e.actor, e.action]);
      assert.ok(actions.some(([actor, action]) => actor === 'admin:root' && action === 'client-trust'));
      assert.ok(actions.some(([, action]) => action === 'grants-revoked'));
    } finally {
      await h.close();
    }
  });
});

describe('pre-registration of Client ID Metadata Document URLs (R61)', () => {
  test('R61: registering fetches and validates the document at once and admits the client in allow-list mode', async () => {
    const h = await createHarness({ trust: { admission: 'allow-list' } });
    try {
      await h.addUser('alice');
      const admin = createAdminService(h.server.context);
      const id = h.newClient();
      const details = await admin.register(id, 'admin:root', 'trusted');
      assert.equal(h.fetcher.count(id), 1, 'fetched at registration');
      assert.deepEqual([details.registered, details.trust, details.tier], [true, 'trusted', 'trusted']);
      assert.equal(details.versions[0]?.status, 'first-seen');
      const { location } = await h
        .browser()
        .authorize(authorizeParams({ client_id: id }), { username: 'alice', password: PASSWORD });
      assert.ok(location.searchParams.has('code'));
      assert.equal((await admin.audit({ clientId: id, action: 'client-registered' })).length, 1);
    } finally {
      await h.close();
    }
  });

  test('R61: registering with no decision ("none") records none, and keeps a block an administrator already set', async () => {
    const h = await createHarness({ trust: { admission: 'allow-list' } });
    try {
      const admin = createAdminService(h.server.context);
      const id = h.newClient();
      const details = await admin.register(id, 'admin:root', undefined);
      assert.deepEqual([details.registered, details.trust, details.tier], [true, undefined, 'first-seen']);
      await admin.setTrust(id, 'blocked', 'admin:root');
      const again = await admin.register(id, 'admin:root', undefined);
      assert.deepEqual([again.trust, again.tier], ['blocked', 'blocked']);
      const audit = await admin.audit({ clientId: id, action: 'client-registered' });
      assert.deepEqual(
        audit.map((e) => e.detail['trust']),
        [null, null],
      );
    } finally {
      await h.close();
    }
  });

  test('R61: a URL whose document is invalid or unreachable is not registered', async () => {
    const h = await createHarness({ trust: { admission: 'allow-list' } });
    try {
      const admin = createAdminService(h.server.context);
      const bad = 'https://bad.app.example/c.json';
      h.serve(bad, document('https://someone-else.app.example/c.json'));
      await assert.rejects(
        admin.register(bad, 'admin:root', 'trusted'),
        (e: unknown) => isCimdError(e) && e.code === 'client-id-mismatch',
      );
      await assert.rejects(
        admin.register('https://missing.app.example/c.json', 'admin:root', 'trusted'),
        (e: unknown) => isCimdError(e) && e.code === 'fetch-gone',
      );
      await assert.rejects(
        admin.register('http://insecure.app.example/c.json', 'admin:root', 'trusted'),
        (e: unknown) => isCimdError(e) && e.code === 'client-id-not-https',
      );
      assert.deepEqual(await admin.listClients(), []);
    } finally {
      await h.close();
    }
  });

  test('R61: registered clients are fetched again by the scheduled refresh and on demand; a change takes effect through the registry', async () => {
    const h = await createHarness({ trust: { admission: 'allow-list' } });
    try {
      await h.addUser('alice');
      const admin = createAdminService(h.server.context);
      const id = h.newClient();
      const other = h.newClient(); // seen, not registered: the schedule leaves it alone
      await admin.register(id, 'admin:root', 'trusted');
      await h.stores.trust.clients.create({
        clientId: other,
        domain: 'app.example',
        firstSeenAt: h.clock.now(),
        digest: 'sha256:x',
        snapshot: '{"metadata":{"client_id":"x"}}',
        pinned: false,
        registered: false,
        updatedAt: h.clock.now(),
      });
      h.serve(id, document(id, { redirect_uris: [REDIRECT_URI, 'https://app.example/second'] }));
      h.clock.advance(60_000);
      assert.deepEqual(await refreshRegisteredClients(h.server.context), { refreshed: 1, skipped: 0, failed: 0 });
      assert.equal(h.fetcher.count(id), 2);
      assert.equal(h.fetcher.count(other), 0);
      const details = await admin.client(id);
      assert.deepEqual(details.metadata.redirect_uris, [REDIRECT_URI, 'https://app.example/second']);
      assert.deepEqual(
        details.versions.map((v) => [v.status, v.classes]),
        [
          ['accepted', ['redirect']],
          ['first-seen', []],
        ],
      );
      const onDemand = await admin.refresh(id, 'admin:root');
      assert.deepEqual([onDemand.changed, h.fetcher.count(id)], [false, 3]);
      h.fetcher.serve(id, { fail: 'fetch-timeout' });
      assert.deepEqual(await refreshRegisteredClients(h.server.context), { refreshed: 0, skipped: 0, failed: 1 });
      assert.equal((await admin.audit({ clientId: id, action: 'refresh-failed' })).length, 1);
      assert.deepEqual(
        (await admin.client(id)).metadata.redirect_uris,
        [REDIRECT_URI, 'https://app.example/second'],
        'the old document stays',
      );
      // H20: what a request could not fetch, the schedule does not fetch either.
      h.fetcher.serve(id, { body: document(id) });
      const fetched = h.fetcher.count(id);
      await admin.setTrust(id, 'blocked', 'admin:root');
      assert.deepEqual(await refreshRegisteredClients(h.server.context), { refreshed: 0, skipped: 1, failed: 0 });
      await admin.setTrust(id, undefined, 'admin:root');
      await admin.addRule({ effect: 'deny', kind: 'origin', value: new URL(id).origin }, 'admin:root');
      assert.deepEqual(await refreshRegisteredClients(h.server.context), { refreshed: 0, skipped: 1, failed: 0 });
      assert.equal(h.fetcher.count(id), fetched, 'no fetch for a blocked or denied client');
    } finally {
      await h.close();
    }
  });
});
