import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import type { Browser } from './support/browser.js';
import { authorizeParams, createHarness, ISSUER, PASSWORD, pkce, REDIRECT_URI, type Harness } from './support/harness.js';

interface TokenBody {
  access_token?: string;
  refresh_token?: string;
  token_type?: string;
  expires_in?: number;
  scope?: string;
  error?: string;
  error_description?: string;
}

async function token(
  b: Browser,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: TokenBody; res: Response }> {
  const res = await b.post('/token', form, headers);
  return { status: res.status, body: (await res.json()) as TokenBody, res };
}

/** Run the browser flow for a fresh client and return what the token request needs. */
async function codeFor(
  h: Harness,
  b: Browser,
  params: Record<string, string> = {},
): Promise<{ code: string; verifier: string; clientId: string }> {
  const clientId = params['client_id'] ?? h.newClient();
  const { verifier, challenge } = pkce();
  const { location } = await b.authorize(authorizeParams({ client_id: clientId, ...params }, challenge), {
    username: 'alice',
    password: PASSWORD,
  });
  const code = location.searchParams.get('code');
  assert.ok(code !== null, `no code: ${location.href}`);
  return { code, verifier, clientId };
}

function exchange(code: string, verifier: string, clientId: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    ...extra,
  };
}

describe('token endpoint: authorization_code (RFC 6749 §4.1.3, RFC 7636, OAuth 2.1)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ policy: { authenticateBeforeFetch: false } });
    await h.addUser('alice');
  });
  after(() => h.close());

  test('a code and its verifier give a JWT access token (RFC 9068) and a refresh token, never cached', async () => {
    const b = h.browser();
    const { code, verifier, clientId } = await codeFor(h, b, { scope: 'read write', resource: 'https://api.example/mcp' });
    const { status, body, res } = await token(b, exchange(code, verifier, clientId));
    assert.equal(status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('pragma'), 'no-cache');
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.scope, 'read write');
    assert.equal(body.expires_in, 300, 'a client no one approved yet is first-seen: trust.firstSeenAccessTokenTtlS');
    assert.ok(typeof body.refresh_token === 'string' && body.refresh_token.length >= 43);
    const jwks = (await (await b.get('/jwks')).json()) as JSONWebKeySet;
    const { payload, protectedHeader } = await jwtVerify(body.access_token ?? '', createLocalJWKSet(jwks), {
      issuer: ISSUER,
      audience: 'https://api.example/mcp',
      typ: 'at+jwt',
      currentDate: new Date(h.clock.now()),
    });
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(payload['client_id'], clientId);
    assert.equal(payload['scope'], 'read write');
    assert.match(String(payload.sub), /^u_/, 'H16: user subjects are opaque and never look like a client_id URL');
    assert.equal(payload.exp, Math.floor(h.clock.now() / 1000) + 300);
    assert.ok(typeof payload.jti === 'string');
  });

  test('without a resource the audience is the issuer', async () => {
    const b = h.browser();
    const { code, verifier, clientId } = await codeFor(h, b);
    const { body } = await token(b, exchange(code, verifier, clientId));
    const payload = JSON.parse(Buffer.from((body.access_token ?? '').split('.')[1] ?? '', 'base64url').toString()) as {
      aud: string;
    };
    assert.equal(payload.aud, ISSUER);
  });

  test('RFC 8707: the token request may narrow the audience; a resource not authorized is invalid_target', async () => {
    const b = h.browser();
    const grant = await codeFor(h, b, { resource: 'https://api.example/mcp' });
    const wider = await token(b, exchange(grant.code, grant.verifier, grant.clientId, { resource: 'https://api.example/other' }));
    assert.equal(wider.status, 400);
    assert.equal(wider.body.error, 'invalid_target');
  });

  test('regression, RFC 8707 §2: a resource with a fragment at the token endpoint is invalid_target, not the granted resource', async () => {
    const b = h.browser();
    const grant = await codeFor(h, b, { resource: 'https://api.example/mcp' });
    const r = await token(b, exchange(grant.code, grant.verifier, grant.clientId, { resource: 'https://api.example/mcp#x' }));
    assert.equal(r.status, 400);
    assert.equal(r.body.error, 'invalid_target');
  });

  const refusals: Array<
    [string, (c: { code: string; verifier: string; clientId: string }) => Record<string, string>, number, string]
  > = [
    [
      'a wrong code_verifier is invalid_grant',
      (c) => exchange(c.code, `${c.verifier.slice(0, -1)}${c.verifier.endsWith('A') ? 'B' : 'A'}`, c.clientId),
      400,
      'invalid_grant',
    ],
    [
      'a missing code_verifier is invalid_request',
      (c) => ({ ...exchange(c.code, c.verifier, c.clientId), code_verifier: '' }),
      400,
      'invalid_request',
    ],
    ['a verifier of the wrong form is invalid_grant', (c) => exchange(c.code, 'short', c.clientId), 400, 'invalid_grant'],
    [
      'a different redirect_uri is invalid_grant',
      (c) => exchange(c.code, c.verifier, c.clientId, { redirect_uri: 'https://app.example/other' }),
      400,
      'invalid_grant',
    ],
    ['an unknown code is invalid_grant', (c) => exchange('x'.repeat(43), c.verifier, c.clientId), 400, 'invalid_grant'],
  ];
  for (const [name, build, status, error] of refusals) {
    test(name, async () => {
      const b = h.browser();
      const c = await codeFor(h, b);
      const r = await token(b, build(c));
      assert.equal(r.status, status);
      assert.equal(r.body.error, error);
      assert.equal(r.res.headers.get('cache-control'), 'no-store');
    });
  }

  test('a code issued to another client is invalid_grant', async () => {
    const b = h.browser();
    const c = await codeFor(h, b);
    const other = (await codeFor(h, b)).clientId; // a client an authorization recorded
    const r = await token(b, exchange(c.code, c.verifier, other));
    assert.equal(r.body.error, 'invalid_grant');
  });

  test('an expired code is invalid_grant', async () => {
    const b = h.browser();
    const c = await codeFor(h, b);
    h.clock.advance(h.config.limits.codeTtlS * 1000 + 1);
    assert.equal((await token(b, exchange(c.code, c.verifier, c.clientId))).body.error, 'invalid_grant');
  });

  test('a reused code is refused and revokes everything its first use issued', async () => {
    const b = h.browser();
    const c = await codeFor(h, b);
    const first = await token(b, exchange(c.code, c.verifier, c.clientId));
    assert.equal(first.status, 200);
    const second = await token(b, exchange(c.code, c.verifier, c.clientId));
    assert.equal(second.body.error, 'invalid_grant');
    const refresh = await token(b, {
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token ?? '',
      client_id: c.clientId,
    });
    assert.equal(refresh.body.error, 'invalid_grant', 'the refresh token of the first use is revoked');
  });

  test('R52: a CIMD client that declares only private_key_jwt cannot use the token endpoint without authenticating', async () => {
    const hc = await createHarness({ policy: { authenticateBeforeFetch: false, authMethods: ['private_key_jwt', 'none'] } });
    await hc.addUser('alice');
    const b = hc.browser();
    const id = hc.newClient({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://app.example/jwks.json' });
    const c = await codeFor(hc, b, { client_id: id });
    const r = await token(b, exchange(c.code, c.verifier, id));
    assert.equal(r.status, 401);
    assert.equal(r.body.error, 'invalid_client');
    await hc.close();
  });

  test('R21, R41: shared-secret client authentication is never accepted (client_secret, HTTP Basic)', async () => {
    const b = h.browser();
    const c = await codeFor(h, b);
    const withSecret = await token(b, { ...exchange(c.code, c.verifier, c.clientId), client_secret: 'guess' });
    assert.equal(withSecret.status, 401);
    assert.equal(withSecret.body.error, 'invalid_client');
    const basic = await token(b, exchange(c.code, c.verifier, c.clientId), {
      authorization: `Basic ${Buffer.from(`${c.clientId}:x`).toString('base64')}`,
    });
    assert.equal(basic.status, 401);
    assert.equal(basic.body.error, 'invalid_client');
  });

  test('request errors: unsupported grant type, missing grant type, repeated parameter, wrong content type', async () => {
    const b = h.browser();
    assert.equal((await token(b, { grant_type: 'password', username: 'a', password: 'b' })).body.error, 'unsupported_grant_type');
    assert.equal((await token(b, { client_id: 'x' })).body.error, 'invalid_request');
    const repeated = await b.post(
      '/token',
      new URLSearchParams([
        ['grant_type', 'authorization_code'],
        ['code', 'a'],
        ['code', 'b'],
      ]),
    );
    assert.equal(((await repeated.json()) as TokenBody).error, 'invalid_request');
    const json = await b.post('/token', {}, { 'content-type': 'application/json' });
    assert.equal(json.status, 400);
    assert.equal(((await json.json()) as TokenBody).error, 'invalid_request');
  });

  test('an unknown client at the token endpoint is invalid_client (401)', async () => {
    const r = await token(h.browser(), {
      grant_type: 'authorization_code',
      code: 'x',
      code_verifier: 'y'.repeat(43),
      client_id: 'no-such-client',
    });
    assert.equal(r.status, 401);
    assert.equal(r.body.error, 'invalid_client');
  });
});

describe('anonymous requests at the token and revocation endpoints cannot make the server fetch (H20, IETF 124 slides)', () => {
  test('H20: a CIMD client_id no authorization recorded is invalid_client at /token and /revoke, with no fetch and no trust record', async () => {
    const h = await createHarness();
    try {
      const id = h.newClient(); // served, but never through /authorize
      const b = h.browser();
      const t = await token(b, { grant_type: 'authorization_code', code: 'x', code_verifier: 'y'.repeat(43), client_id: id });
      assert.deepEqual([t.status, t.body.error], [401, 'invalid_client']);
      const r = await b.post('/revoke', { token: 'x', client_id: id });
      assert.equal(r.status, 401);
      assert.equal(((await r.json()) as TokenBody).error, 'invalid_client');
      const assertion = await b.post('/token', {
        grant_type: 'refresh_token',
        refresh_token: 'x',
        client_id: 'https://probe.example/any/path.json',
      });
      assert.equal(assertion.status, 401);
      assert.equal(h.fetcher.count(), 0, 'nothing fetched');
      assert.equal(await h.stores.trust.clients.get(id), undefined, 'nothing recorded');
    } finally {
      await h.close();
    }
  });

  test('H20: a client an authorization recorded is fetched again at /token when its cached document is gone', async () => {
    const h = await createHarness({ policy: { authenticateBeforeFetch: false } });
    try {
      await h.addUser('alice');
      const b = h.browser();
      const { code, verifier, clientId } = await codeFor(h, b);
      await h.stores.documents.delete(clientId);
      const before = h.fetcher.count(clientId);
      const t = await token(b, exchange(code, verifier, clientId));
      assert.equal(t.status, 200, t.body.error_description);
      assert.equal(h.fetcher.count(clientId), before + 1);
    } finally {
      await h.close();
    }
  });
});

describe('token endpoint: refresh_token with rotation and reuse detection (OAuth 2.1 §4.3, RFC 9700 §4.14)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ policy: { authenticateBeforeFetch: false } });
    await h.addUser('alice');
  });
  after(() => h.close());

  async function tokens(b: Browser, params: Record<string, string> = {}): Promise<{ body: TokenBody; clientId: string }> {
    const c = await codeFor(h, b, params);
    const r = await token(b, exchange(c.code, c.verifier, c.clientId));
    assert.equal(r.status, 200);
    return { body: r.body, clientId: c.clientId };
  }

  test('regression: a refreshed access token keeps the auth_time of the login, not the time the code was issued', async () => {
    const b = h.browser();
    const loginS = Math.floor(h.clock.now() / 1000);
    await codeFor(h, b); // signs alice in
    h.clock.advance(300_000); // a later silent authorization on the same session
    const { code, verifier, clientId } = await codeFor(h, b);
    const exchanged = await token(b, exchange(code, verifier, clientId));
    assert.equal(decodeJwt(exchanged.body.access_token ?? '').auth_time, loginS);
    const refreshed = await token(b, {
      grant_type: 'refresh_token',
      refresh_token: exchanged.body.refresh_token ?? '',
      client_id: clientId,
    });
    assert.equal(refreshed.status, 200);
    assert.equal(decodeJwt(refreshed.body.access_token ?? '').auth_time, loginS);
  });

  test('each refresh rotates the refresh token; the new one works', async () => {
    const b = h.browser();
    const { body, clientId } = await tokens(b);
    const r1 = await token(b, { grant_type: 'refresh_token', refresh_token: body.refresh_token ?? '', client_id: clientId });
    assert.equal(r1.status, 200);
    assert.notEqual(r1.body.refresh_token, body.refresh_token);
    const r2 = await token(b, { grant_type: 'refresh_token', refresh_token: r1.body.refresh_token ?? '', client_id: clientId });
    assert.equal(r2.status, 200);
  });

  test('reusing a rotated refresh token revokes the whole family', async () => {
    const b = h.browser();
    const { body, clientId } = await tokens(b);
    const r1 = await token(b, { grant_type: 'refresh_token', refresh_token: body.refresh_token ?? '', client_id: clientId });
    const reuse = await token(b, { grant_type: 'refresh_token', refresh_token: body.refresh_token ?? '', client_id: clientId });
    assert.equal(reuse.body.error, 'invalid_grant');
    const successor = await token(b, {
      grant_type: 'refresh_token',
      refresh_token: r1.body.refresh_token ?? '',
      client_id: clientId,
    });
    assert.equal(successor.body.error, 'invalid_grant', 'the successor dies with the family');
  });

  test('two concurrent refreshes with one token: at most one succeeds, and the family is revoked', async () => {
    const b = h.browser();
    const { body, clientId } = await tokens(b);
    const form = { grant_type: 'refresh_token', refresh_token: body.refresh_token ?? '', client_id: clientId };
    const results = await Promise.all([token(b, form), token(b, form)]);
    assert.ok(results.filter((r) => r.status === 200).length <= 1);
    assert.ok(results.some((r) => r.body.error === 'invalid_grant'));
    const winner = results.find((r) => r.status === 200);
    if (winner !== undefined) {
      const next = await token(b, { ...form, refresh_token: winner.body.refresh_token ?? '' });
      assert.equal(next.body.error, 'invalid_grant');
    }
  });

  test('a refresh may narrow the scope but not widen it', async () => {
    const b = h.browser();
    const { body, clientId } = await tokens(b, { scope: 'read write' });
    const narrow = await token(b, {
      grant_type: 'refresh_token',
      refresh_token: body.refresh_token ?? '',
      client_id: clientId,
      scope: 'read',
    });
    assert.equal(narrow.body.scope, 'read');
    const wide = await token(b, {
      grant_type: 'refresh_token',
      refresh_token: narrow.body.refresh_token ?? '',
      client_id: clientId,
      scope: 'read profile',
    });
    assert.equal(wide.body.error, 'invalid_scope');
  });

  test('a refresh token of another client is invalid_grant', async () => {
    const b = h.browser();
    const { body } = await tokens(b);
    const other = (await codeFor(h, b)).clientId; // a client an authorization recorded
    const r = await token(b, { grant_type: 'refresh_token', refresh_token: body.refresh_token ?? '', client_id: other });
    assert.equal(r.body.error, 'invalid_grant');
  });

  test('a client without the refresh_token grant gets no refresh token and may not refresh', async () => {
    const b = h.browser();
    const id = h.newClient({ grant_types: ['authorization_code'] });
    const { body } = await tokens(b, { client_id: id });
    assert.equal(body.refresh_token, undefined);
    const r = await token(b, { grant_type: 'refresh_token', refresh_token: 'x'.repeat(43), client_id: id });
    assert.equal(r.body.error, 'unauthorized_client');
  });

  test('H9: refresh keeps working during an origin outage within the grace window', async () => {
    const b = h.browser();
    const { body, clientId } = await tokens(b);
    h.clock.advance(601_000); // the document's max-age has passed
    h.fetcher.serve(clientId, { fail: 'fetch-connect' });
    const r = await token(b, { grant_type: 'refresh_token', refresh_token: body.refresh_token ?? '', client_id: clientId });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const params = authorizeParams({ client_id: clientId });
    const authorize = await b.get(`/authorize?${params.toString()}`);
    assert.equal(authorize.status, 400, 'a new authorization needs a fresh document');
  });
});

describe('revocation and introspection (RFC 7009, RFC 7662)', () => {
  let h: Harness;
  const rs = { id: 'api', secret: 'introspection-secret-0123456789' };
  const basic = `Basic ${Buffer.from(`${rs.id}:${rs.secret}`).toString('base64')}`;
  before(async () => {
    h = await createHarness({ policy: { authenticateBeforeFetch: false }, clients: { static: [], resourceServers: [rs] } });
    await h.addUser('alice');
  });
  after(() => h.close());

  async function tokens(b: Browser): Promise<{ body: TokenBody; clientId: string }> {
    const c = await codeFor(h, b, { resource: 'https://api.example/mcp' });
    const r = await token(b, exchange(c.code, c.verifier, c.clientId));
    return { body: r.body, clientId: c.clientId };
  }

  async function introspect(b: Browser, t: string, auth = basic): Promise<{ status: number; body: Record<string, unknown> }> {
    const r = await b.post('/introspect', { token: t }, { authorization: auth });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  }

  test("regression: a disabled account's refresh tokens stop working and its access tokens turn inactive; enabling brings them back", async () => {
    const b = h.browser();
    const { body, clientId } = await tokens(b);
    const user = await h.stores.users.findByUsername('alice');
    assert.ok(user !== undefined);
    await h.stores.users.setDisabled(user.id, true);
    try {
      const r = await token(b, { grant_type: 'refresh_token', refresh_token: body.refresh_token ?? '', client_id: clientId });
      assert.deepEqual([r.status, r.body.error], [400, 'invalid_grant']);
      assert.equal((await introspect(b, body.access_token ?? '')).body['active'], false);
    } finally {
      await h.stores.users.setDisabled(user.id, false);
    }
    assert.equal((await introspect(b, body.access_token ?? '')).body['active'], true);
    const again = await token(b, { grant_type: 'refresh_token', refresh_token: body.refresh_token ?? '', client_id: clientId });
    assert.equal(again.status, 200, 'the refused attempt used nothing up');
  });

  test('introspection needs resource server credentials', async () => {
    const b = h.browser();
    const { body } = await tokens(b);
    assert.equal((await b.post('/introspect', { token: body.access_token ?? '' })).status, 401);
    const wrong = await introspect(b, body.access_token ?? '', `Basic ${Buffer.from(`${rs.id}:nope`).toString('base64')}`);
    assert.equal(wrong.status, 401);
  });

  test('an active access token introspects with its claims; garbage is inactive', async () => {
    const b = h.browser();
    const { body, clientId } = await tokens(b);
    const r = await introspect(b, body.access_token ?? '');
    assert.equal(r.body['active'], true);
    assert.equal(r.body['client_id'], clientId);
    assert.equal(r.body['aud'], 'https://api.example/mcp');
    assert.deepEqual(await introspect(b, 'not-a-token').then((x) => x.body), { active: false });
    assert.deepEqual(await introspect(b, body.refresh_token ?? '').then((x) => x.body), { active: false }, 'only access tokens');
  });

  test('revoking the refresh token revokes the grant: refresh fails and the access token turns inactive', async () => {
    const b = h.browser();
    const { body, clientId } = await tokens(b);
    const r = await b.post('/revoke', { token: body.refresh_token ?? '', client_id: clientId });
    assert.equal(r.status, 200);
    const refresh = await token(b, { grant_type: 'refresh_token', refresh_token: body.refresh_token ?? '', client_id: clientId });
    assert.equal(refresh.body.error, 'invalid_grant');
    assert.equal((await introspect(b, body.access_token ?? '')).body['active'], false);
  });

  test('revoking an access token makes it inactive; the refresh token keeps working', async () => {
    const b = h.browser();
    const { body, clientId } = await tokens(b);
    await b.post('/revoke', { token: body.access_token ?? '', client_id: clientId, token_type_hint: 'access_token' });
    assert.equal((await introspect(b, body.access_token ?? '')).body['active'], false);
    const refresh = await token(b, { grant_type: 'refresh_token', refresh_token: body.refresh_token ?? '', client_id: clientId });
    assert.equal(refresh.status, 200);
  });

  test("revoking an unknown token or another client's token answers 200 and changes nothing", async () => {
    const b = h.browser();
    const { body } = await tokens(b);
    const other = (await codeFor(h, b)).clientId; // a client an authorization recorded
    assert.equal((await b.post('/revoke', { token: 'unknown', client_id: other })).status, 200);
    assert.equal((await b.post('/revoke', { token: body.refresh_token ?? '', client_id: other })).status, 200);
    assert.equal((await introspect(b, body.access_token ?? '')).body['active'], true);
  });

  test('revocation needs a token parameter', async () => {
    const b = h.browser();
    const r = await b.post('/revoke', { client_id: (await codeFor(h, b)).clientId });
    assert.equal(r.status, 400);
  });
});

describe('signing keys (RFC 9068, rotation with overlap)', () => {
  test('a rotation publishes the new key before it signs and keeps the old one published', async () => {
    const h = await createHarness({ policy: { authenticateBeforeFetch: false } });
    await h.addUser('alice');
    const b = h.browser();
    const c1 = await codeFor(h, b);
    const t1 = await token(b, exchange(c1.code, c1.verifier, c1.clientId));
    const kid1 = decodeProtectedHeader(t1.body.access_token ?? '').kid;
    const kid2 = await h.server.context.keys.rotate(60_000, 600_000);
    const published = (await (await b.get('/jwks')).json()) as JSONWebKeySet;
    assert.deepEqual(published.keys.map((k) => k.kid).sort(), [kid1, kid2].sort());
    const c2 = await codeFor(h, b);
    const t2 = await token(b, exchange(c2.code, c2.verifier, c2.clientId));
    assert.equal(decodeProtectedHeader(t2.body.access_token ?? '').kid, kid1, 'the old key signs during the overlap');
    h.clock.advance(60_000);
    const c3 = await codeFor(h, b);
    const t3 = await token(b, exchange(c3.code, c3.verifier, c3.clientId));
    assert.equal(decodeProtectedHeader(t3.body.access_token ?? '').kid, kid2, 'the new key signs after it');
    h.clock.advance(600_000);
    const later = (await (await b.get('/jwks')).json()) as JSONWebKeySet;
    assert.deepEqual(
      later.keys.map((k) => k.kid),
      [kid2],
      'the old key leaves once its tokens have expired',
    );
    await h.close();
  });
});

describe('simultaneous redemptions of one code (OAuth 2.1 §4.1.3)', () => {
  test('exactly one succeeds and the reuse still revokes what it issued, even when the losers revoke before the winner reads its grant', async () => {
    // Grant reads take a few milliseconds, as on a database: the losers' revocation lands while
    // the winner is still on its way, which is the order that once left every redemption refused.
    const h = await createHarness(
      { policy: { authenticateBeforeFetch: false } },
      {
        wrapStores: (s) => ({
          ...s,
          sweep: (now) => s.sweep(now),
          close: () => s.close(),
          grants: { ...s.grants, get: async (id) => (await new Promise((r) => setTimeout(r, 5)), s.grants.get(id)) },
        }),
      },
    );
    await h.addUser('alice');
    for (let round = 0; round < 3; round++) {
      const b = h.browser();
      const c = await codeFor(h, b);
      const results = await Promise.all(Array.from({ length: 6 }, () => token(b, exchange(c.code, c.verifier, c.clientId))));
      const winners = results.filter((r) => r.status === 200);
      assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(results.map((r) => r.status))}`);
      for (const loser of results.filter((r) => r.status !== 200)) assert.equal(loser.body.error, 'invalid_grant');
      const refresh = await token(b, {
        grant_type: 'refresh_token',
        refresh_token: winners[0]?.body.refresh_token ?? '',
        client_id: c.clientId,
      });
      assert.equal(refresh.body.error, 'invalid_grant', 'what the winner got is revoked by the reuse');
    }
    await h.close();
  });
});
