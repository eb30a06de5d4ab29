import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { createAdminService } from '../src/trust/admin-service.js';
import { sha256 } from '../src/util/random.js';
import { authorizeParams, createHarness, document, PASSWORD, type Harness } from './support/harness.js';
import { approveSynthetically, consentPage, reasonOf, refresh, tierOf, tokensFor } from './support/trust.js';

/** The page an authorization for `id` with this redirect URI ends on after alice signs in. */
async function afterLogin(h: Harness, id: string, redirectUri: string): Promise<{ status: number; page: string }> {
  const b = h.browser();
  let r = await b.get(`/authorize?${authorizeParams({ client_id: id, redirect_uri: redirectUri }).toString()}`);
  r = await b.follow(await b.login(await b.follow(r), 'alice', PASSWORD));
  return { status: r.status, page: await r.text() };
}

describe('first-seen clients: own-host redirects (R62, slides "require matching domain on redirect_uri")', () => {
  test('R62: a first-seen public client sending codes to another host gets an error page, and is never redirected to', async () => {
    const h = await createHarness();
    try {
      await h.addUser('alice');
      const id = 'https://maker.app.example/client.json';
      const elsewhere = 'https://collector.example/cb';
      h.serve(id, document(id, { redirect_uris: [elsewhere] }));
      const { status, page } = await afterLogin(h, id, elsewhere);
      assert.equal(status, 400);
      assert.equal(reasonOf(page), 'trust-redirect-host-mismatch');
      assert.ok(!page.includes('action="/consent"'));
      // Once ten users approved it, the same redirect is allowed, with the "not the client host" warning (M-AS6).
      await approveSynthetically(h, id, 10);
      const later = await consentPage(h.browser(), id, 'alice', { redirect_uri: elsewhere });
      assert.equal(tierOf(later), 'established');
      assert.match(later, /you will be sent to collector\.example, which is not maker\.app\.example/);
    } finally {
      await h.close();
    }
  });

  test('R62: its own host, a host below it, loopback and a reverse-domain app scheme are allowed; the check can be turned off', async () => {
    const h = await createHarness();
    try {
      await h.addUser('alice');
      const id = 'https://maker.app.example/client.json';
      const allowed = [
        'https://maker.app.example/cb',
        'https://login.maker.app.example/cb',
        'http://127.0.0.1/cb',
        'example.app.maker:/cb',
      ];
      h.serve(id, document(id, { redirect_uris: allowed }));
      for (const uri of allowed)
        assert.equal(tierOf(await consentPage(h.browser(), id, 'alice', { redirect_uri: uri })), 'first-seen', uri);
    } finally {
      await h.close();
    }
    const off = await createHarness({ trust: { firstSeenRedirectHostMatch: false } });
    try {
      await off.addUser('alice');
      const id = 'https://maker.app.example/client.json';
      off.serve(id, document(id, { redirect_uris: ['https://collector.example/cb'] }));
      assert.equal(
        tierOf(await consentPage(off.browser(), id, 'alice', { redirect_uri: 'https://collector.example/cb' })),
        'first-seen',
      );
    } finally {
      await off.close();
    }
  });

  test('R62, H19: a client that authenticates at the token endpoint (private_key_jwt) is not held to its own host', async () => {
    const h = await createHarness({ policy: { authMethods: ['private_key_jwt', 'none'] } });
    try {
      await h.addUser('alice');
      const id = 'https://confidential.app.example/client.json';
      const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
      h.serve(
        id,
        document(id, {
          redirect_uris: ['https://collector.example/cb'],
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [{ ...jwk, kid: 'k1' }] },
        }),
      );
      assert.equal(
        tierOf(await consentPage(h.browser(), id, 'alice', { redirect_uri: 'https://collector.example/cb' })),
        'first-seen',
      );
    } finally {
      await h.close();
    }
  });
});

describe('first-seen clients: token lifetimes, rate limits, the first approver (slides "handling first-seen use")', () => {
  test('R75: first-seen clients get shorter token lifetimes; established ones the usual ones', async () => {
    const h = await createHarness();
    try {
      await h.addUser('alice');
      const fresh = h.newClient();
      const known = h.newClient();
      await approveSynthetically(h, known, 10);
      const now = h.clock.now();
      const a = await tokensFor(h.browser(), fresh, 'alice');
      const b = await tokensFor(h.browser(), known, 'alice');
      assert.deepEqual([a.expires_in, b.expires_in], [h.config.trust.firstSeenAccessTokenTtlS, h.config.limits.accessTokenTtlS]);
      const ra = await h.stores.refreshTokens.find(sha256(a.refresh_token), now);
      const rb = await h.stores.refreshTokens.find(sha256(b.refresh_token), now);
      assert.equal(ra?.expiresAt, now + h.config.trust.firstSeenRefreshTokenTtlS * 1000);
      assert.equal(rb?.expiresAt, now + h.config.limits.refreshTokenTtlS * 1000);
      const details = await createAdminService(h.server.context).client(fresh);
      assert.equal(details.firstApproval?.username, 'alice', 'a first-seen client is associated with the user who approved it');
    } finally {
      await h.close();
    }
  });

  test('R75: the per-client and per-domain token limits hold under a bounded flood; a refused request burns nothing', async () => {
    const h = await createHarness({
      trust: { firstSeenTokensPerClient: 5, firstSeenTokensPerDomain: 8, firstSeenTokenWindowS: 3600 },
    });
    try {
      await h.addUser('alice');
      const a = h.newClient();
      const b = h.newClient();
      const known = h.newClient();
      await approveSynthetically(h, known, 10);
      const elsewhere = 'https://other-domain.example/client.json';
      h.serve(elsewhere, document(elsewhere, { redirect_uris: ['https://other-domain.example/cb'] }));

      // Client a: one code exchange, then a bounded flood of 40 refreshes.
      let token = (await tokensFor(h.browser(), a, 'alice')).refresh_token;
      const outcomes: number[] = [];
      for (let i = 0; i < 40; i++) {
        const r = await refresh(h.browser(), a, token);
        outcomes.push(r.status);
        if (r.status === 200) token = String(r.body['refresh_token']);
        else {
          assert.deepEqual([r.status, r.body['error'], r.retryAfter], [429, 'slow_down', '3600']);
        }
      }
      assert.equal(outcomes.filter((s) => s === 200).length, 4, '5 tokens per client: the code and 4 refreshes');
      assert.ok(
        outcomes.slice(4).every((s) => s === 429),
        'and nothing after',
      );

      // Client b on the same domain: the domain's allowance (8) has 3 left, whatever a tried.
      let tb = (await tokensFor(h.browser(), b, 'alice')).refresh_token;
      let bOk = 1;
      for (let i = 0; i < 10; i++) {
        const r = await refresh(h.browser(), b, tb);
        if (r.status === 200) {
          bOk += 1;
          tb = String(r.body['refresh_token']);
        } else assert.equal(r.status, 429);
      }
      assert.equal(bOk, 3);

      // Neither an established client of the domain nor a first-seen client of another domain is limited.
      let tk = (await tokensFor(h.browser(), known, 'alice')).refresh_token;
      for (let i = 0; i < 10; i++) {
        const r = await refresh(h.browser(), known, tk);
        assert.equal(r.status, 200);
        tk = String(r.body['refresh_token']);
      }
      await tokensFor(h.browser(), elsewhere, 'alice', 'https://other-domain.example/cb');

      // The window passes: a's last token (never spent by a refused request) works again.
      h.clock.advance(3600_000);
      assert.equal((await refresh(h.browser(), a, token)).status, 200);
    } finally {
      await h.close();
    }
  });

  test("R75: requests that fail (junk codes and refresh tokens) never use up a first-seen client's token allowance", async () => {
    const h = await createHarness({
      trust: { firstSeenTokensPerClient: 3, firstSeenTokensPerDomain: 3, firstSeenTokenWindowS: 3600 },
    });
    try {
      await h.addUser('alice');
      const a = h.newClient();
      await h.seeClient(a);
      for (let i = 0; i < 20; i++) {
        const junk = await h.browser().post('/token', { grant_type: 'refresh_token', refresh_token: `junk-${i}`, client_id: a });
        assert.equal(junk.status, 400, 'invalid_grant, not a rate limit');
      }
      let token = (await tokensFor(h.browser(), a, 'alice')).refresh_token;
      for (let i = 0; i < 2; i++) {
        const r = await refresh(h.browser(), a, token);
        assert.equal(r.status, 200, `refresh ${i}: the allowance of 3 is intact`);
        token = String(r.body['refresh_token']);
      }
      assert.equal((await refresh(h.browser(), a, token)).status, 429);
    } finally {
      await h.close();
    }
  });
});
