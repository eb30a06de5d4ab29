/**
 * private_key_jwt for CIMD clients (RFC 7523 §2.2 and §3, draft-ietf-oauth-rfc7523bis-11, OpenID
 * Connect Core §9, RFC 8725): every item of J1–J12 as a refusal with its precise reason, and the
 * flows that must work. Keys come only from the client's own document (an in-memory origin serves
 * documents and jwks_uri sets and counts every fetch).
 *
 * A request whose client authentication passes but whose code is bogus ends in `invalid_grant`
 * (reason `code-invalid`): that is how the negative tests tell "authenticated" from "refused".
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import { authorizeParams, createHarness, ISSUER, PASSWORD, pkce, REDIRECT_URI, type Harness } from './support/harness.js';
import {
  JWT_BEARER,
  assertInvalidClient,
  clientAssertion,
  jwksOf,
  lastRefusal,
  newKey,
  postForm,
  serveJwks,
  unsecuredJwt,
  type TestKey,
} from './support/client-auth.js';

const TOKEN = `${ISSUER}/token`;

interface KeyClient {
  readonly clientId: string;
  readonly jwksUri: string;
  readonly key: TestKey;
}

/** A CIMD client declaring private_key_jwt with its key at its own jwks_uri. */
async function keyClient(h: Harness, extra: Record<string, unknown> = {}, key?: TestKey): Promise<KeyClient> {
  const k = key ?? (await newKey());
  const probe = h.newClient(); // reserve a fresh host name, then serve the real document there
  const jwksUri = new URL('/jwks.json', probe).href;
  h.serve(
    probe,
    JSON.stringify({
      client_id: probe,
      client_name: 'Key client',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: jwksUri,
      ...extra,
    }),
  );
  serveJwks(h, jwksUri, k);
  await h.seeClient(probe);
  return { clientId: probe, jwksUri, key: k };
}

/** A token request whose client authentication is all that is tested (the code is bogus). */
function authOnly(assertion: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    grant_type: 'authorization_code',
    code: 'bogus-code',
    code_verifier: 'v'.repeat(43),
    redirect_uri: REDIRECT_URI,
    client_assertion_type: JWT_BEARER,
    client_assertion: assertion,
    ...extra,
  };
}

async function assertAuthenticated(h: Harness, answer: { status: number; body: Record<string, unknown> }): Promise<void> {
  assert.equal(answer.body['error'], 'invalid_grant', `expected the client to authenticate: ${JSON.stringify(answer.body)}`);
  assert.equal(lastRefusal(h), 'code-invalid');
  await Promise.resolve();
}

describe('private_key_jwt: the flow (J1–J12, R54)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ policy: { authenticateBeforeFetch: false, authMethods: ['private_key_jwt', 'none'] } });
    await h.addUser('alice');
  });
  after(() => h.close());

  test('R54, J2: a client signing with the key at its jwks_uri gets tokens for a code and refreshes with a new assertion', async () => {
    const c = await keyClient(h);
    const b = h.browser();
    const { verifier, challenge } = pkce();
    const { location } = await b.authorize(authorizeParams({ client_id: c.clientId, scope: 'read offline_access' }, challenge), {
      username: 'alice',
      password: PASSWORD,
    });
    const code = location.searchParams.get('code') ?? '';
    const exchanged = await postForm(b, '/token', {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
      client_id: c.clientId,
      client_assertion_type: JWT_BEARER,
      client_assertion: await clientAssertion(c.key, c.clientId, ISSUER, h.clock.now()),
    });
    assert.equal(exchanged.status, 200, JSON.stringify(exchanged.body));
    const jwks = (await (await b.get('/jwks')).json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(String(exchanged.body['access_token']), createLocalJWKSet(jwks), {
      issuer: ISSUER,
      currentDate: new Date(h.clock.now()),
    });
    assert.equal(payload['client_id'], c.clientId);
    assert.equal(h.fetcher.count(c.jwksUri), 1, 'the jwks_uri was fetched once, through the safe fetcher');
    assert.equal(h.fetcher.requests.find((r) => r.url.href === c.jwksUri)?.purpose, 'jwks');

    const refreshed = await postForm(b, '/token', {
      grant_type: 'refresh_token',
      refresh_token: String(exchanged.body['refresh_token']),
      client_assertion_type: JWT_BEARER,
      client_assertion: await clientAssertion(c.key, c.clientId, ISSUER, h.clock.now()),
    });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal(h.fetcher.count(c.jwksUri), 1, 'the key set is cached for its HTTP lifetime');
  });

  test('R52, J12: without an assertion the confidential client is refused at the token and revocation endpoints', async () => {
    const c = await keyClient(h);
    const b = h.browser();
    const token = await postForm(b, '/token', { grant_type: 'refresh_token', refresh_token: 'x', client_id: c.clientId });
    assertInvalidClient(h, token, 'client-auth-required');
    const revoke = await postForm(b, '/revoke', { token: 'x', client_id: c.clientId });
    assert.equal(revoke.status, 401);
    assert.equal(revoke.body['error'], 'invalid_client');
    const authenticated = await postForm(b, '/revoke', {
      token: 'x',
      client_assertion_type: JWT_BEARER,
      client_assertion: await clientAssertion(c.key, c.clientId, ISSUER, h.clock.now()),
    });
    assert.equal(authenticated.status, 200, 'RFC 7009: an authenticated revocation of an unknown token answers 200');
  });

  test('J3, RFC 8414: the metadata publishes the algorithm allow-list for the token and revocation endpoints, never none or HS*', async () => {
    const md = (await (await h.browser().get('/.well-known/oauth-authorization-server')).json()) as Record<string, string[]>;
    assert.deepEqual(md['token_endpoint_auth_methods_supported'], ['private_key_jwt', 'none']);
    assert.deepEqual(md['token_endpoint_auth_signing_alg_values_supported'], ['ES256', 'ES384', 'EdDSA', 'PS256', 'RS256']);
    assert.deepEqual(
      md['revocation_endpoint_auth_signing_alg_values_supported'],
      md['token_endpoint_auth_signing_alg_values_supported'],
    );
    assert.ok(!md['token_endpoint_auth_signing_alg_values_supported']?.some((a) => a === 'none' || a.startsWith('HS')));
  });

  test('J3, RFC 7591 §2: a document declaring token_endpoint_auth_signing_alg admits that algorithm only', async () => {
    const es = await newKey('ES256');
    const ed = await newKey('EdDSA');
    const id = h.newClient({
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'EdDSA',
      jwks: { keys: [es.publicJwk, ed.publicJwk] },
    });
    await h.seeClient(id);
    await assertAuthenticated(
      h,
      await postForm(h.browser(), '/token', authOnly(await clientAssertion(ed, id, ISSUER, h.clock.now()))),
    );
    const other = await postForm(h.browser(), '/token', authOnly(await clientAssertion(es, id, ISSUER, h.clock.now())));
    assertInvalidClient(h, other, 'client-assertion-alg-not-allowed');
  });

  test('J2: an inline jwks in the document works like a jwks_uri, with no fetch of any key set', async () => {
    const key = await newKey('EdDSA');
    const before = h.fetcher.count();
    const id = h.newClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } });
    await h.seeClient(id);
    const r = await postForm(h.browser(), '/token', authOnly(await clientAssertion(key, id, ISSUER, h.clock.now())));
    await assertAuthenticated(h, r);
    assert.equal(h.fetcher.count(), before + 1, 'only the document was fetched');
  });

  test('J2, R23: a jwks_uri answering a set with private key material is refused', async () => {
    const c = await keyClient(h);
    h.fetcher.serve(c.jwksUri, {
      body: JSON.stringify({ keys: [{ ...c.key.publicJwk, d: 'c2VjcmV0' }] }),
      headers: { 'content-type': 'application/json' },
    });
    const r = await postForm(h.browser(), '/token', authOnly(await clientAssertion(c.key, c.clientId, ISSUER, h.clock.now())));
    assertInvalidClient(h, r, 'private-key-material');
  });
});

describe('private_key_jwt: each check refuses (J1–J11)', () => {
  let h: Harness;
  let c: KeyClient;
  const sign = (options: Parameters<typeof clientAssertion>[4] = {}): Promise<string> =>
    clientAssertion(c.key, c.clientId, ISSUER, h.clock.now(), options);
  const send = (assertion: string, extra: Record<string, string> = {}) =>
    postForm(h.browser(), '/token', authOnly(assertion, extra));

  before(async () => {
    h = await createHarness({ policy: { authenticateBeforeFetch: false, authMethods: ['private_key_jwt', 'none'] } });
    c = await keyClient(h);
  });
  after(() => h.close());

  test('the well-formed assertion passes (the baseline of the refusals below)', async () => {
    await assertAuthenticated(h, await send(await sign()));
  });

  test('J1: a client_assertion_type other than jwt-bearer is refused', async () => {
    assertInvalidClient(
      h,
      await send(await sign(), { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' }),
      'client-assertion-type-invalid',
    );
  });

  test('J1: a client_assertion_type without a client_assertion is refused', async () => {
    const form = authOnly('x', { client_id: c.clientId });
    delete form['client_assertion'];
    assertInvalidClient(h, await postForm(h.browser(), '/token', form), 'client-assertion-type-invalid');
  });

  test('J1: two assertions (a repeated parameter, or two JWTs in one value) are refused', async () => {
    const one = await sign();
    const two = await sign();
    const repeated = await postForm(
      h.browser(),
      '/token',
      new URLSearchParams([...Object.entries(authOnly(one)), ['client_assertion', two]]),
    );
    assert.equal(repeated.status, 400);
    assert.equal(repeated.body['error'], 'invalid_request');
    assert.equal(lastRefusal(h), 'request-parameter-repeated');
    assertInvalidClient(h, await send(`${one} ${two}`), 'client-assertion-malformed');
    assertInvalidClient(h, await send(`${one},${two}`), 'client-assertion-malformed');
  });

  test('J1: a client_id parameter different from the assertion sub is refused', async () => {
    const other = h.newClient();
    await h.seeClient(other);
    assertInvalidClient(h, await send(await sign(), { client_id: other }), 'client-id-mismatch-request');
  });

  test('J5: iss different from sub is refused, and so is a sub naming another client', async () => {
    assertInvalidClient(
      h,
      await send(await sign({ claims: { iss: 'https://evil.example/client.json' } })),
      'client-assertion-issuer-invalid',
    );
    const other = await keyClient(h);
    // Signed by c's key but claiming to be `other`: the server looks up `other` and finds iss wrong.
    assertInvalidClient(h, await send(await sign({ claims: { sub: other.clientId } })), 'client-assertion-issuer-invalid');
  });

  test('J5: iss and sub compare as exact strings (a trailing slash or upper-case host is another client)', async () => {
    const variant = c.clientId.replace('https://app', 'https://APP');
    assertInvalidClient(h, await send(await sign({ claims: { iss: variant } })), 'client-assertion-issuer-invalid');
  });

  test('J6: a wrong audience is refused', async () => {
    assertInvalidClient(
      h,
      await send(await sign({ claims: { aud: 'https://other-as.example' } })),
      'client-assertion-audience-invalid',
    );
  });

  test('J6: in strict mode (the default) aud = the token endpoint URL is refused, and so is a second audience', async () => {
    assertInvalidClient(h, await send(await sign({ claims: { aud: TOKEN } })), 'client-assertion-audience-invalid');
    assertInvalidClient(
      h,
      await send(await sign({ claims: { aud: [ISSUER, 'https://other-as.example'] } })),
      'client-assertion-audience-invalid',
    );
    await assertAuthenticated(h, await send(await sign({ claims: { aud: [ISSUER] } })));
  });

  test('J7: an expired assertion is refused; within the 60 s skew it still passes', async () => {
    const now = Math.floor(h.clock.now() / 1000);
    assertInvalidClient(h, await send(await sign({ claims: { iat: now - 120, exp: now - 61 } })), 'client-assertion-expired');
    await assertAuthenticated(h, await send(await sign({ claims: { iat: now - 90, exp: now - 30 } })));
  });

  test('J7: an assertion without exp is refused', async () => {
    assertInvalidClient(h, await send(await sign({ claims: { exp: undefined } })), 'client-assertion-claims-invalid');
  });

  test('J7: a long-lived assertion is refused (exp - iat, or exp - now without iat, over 5 minutes)', async () => {
    const now = Math.floor(h.clock.now() / 1000);
    assertInvalidClient(
      h,
      await send(await sign({ claims: { iat: now, exp: now + 301 } })),
      'client-assertion-lifetime-too-long',
    );
    assertInvalidClient(
      h,
      await send(await sign({ claims: { iat: undefined, exp: now + 3600 } })),
      'client-assertion-lifetime-too-long',
    );
    await assertAuthenticated(h, await send(await sign({ claims: { iat: now, exp: now + 300 } })));
  });

  test('J8: nbf or iat in the future beyond the skew is refused', async () => {
    const now = Math.floor(h.clock.now() / 1000);
    assertInvalidClient(
      h,
      await send(await sign({ claims: { nbf: now + 120, exp: now + 200 } })),
      'client-assertion-not-yet-valid',
    );
    assertInvalidClient(
      h,
      await send(await sign({ claims: { iat: now + 120, exp: now + 200 } })),
      'client-assertion-not-yet-valid',
    );
  });

  test('J9: a replayed jti is refused; the same jti of another client is a different one', async () => {
    const jti = 'replay-me';
    const first = await sign({ claims: { jti } });
    await assertAuthenticated(h, await send(first));
    assertInvalidClient(h, await send(first), 'client-assertion-replayed');
    assertInvalidClient(h, await send(await sign({ claims: { jti } })), 'client-assertion-replayed');
    const other = await keyClient(h);
    const theirs = await clientAssertion(other.key, other.clientId, ISSUER, h.clock.now(), { claims: { jti } });
    await assertAuthenticated(h, await send(theirs));
  });

  test('regression, J9: an assertion whose exp has a fraction is a replay for as long as it could pass', async () => {
    const own = await createHarness({ policy: { authenticateBeforeFetch: false, authMethods: ['private_key_jwt', 'none'] } });
    try {
      const k = await keyClient(own);
      const nowS = Math.floor(own.clock.now() / 1000);
      const assertion = await clientAssertion(k.key, k.clientId, ISSUER, own.clock.now(), {
        claims: { jti: 'fraction', iat: nowS, exp: nowS + 60.5 },
      });
      const form = authOnly(assertion);
      await assertAuthenticated(own, await postForm(own.browser(), '/token', form));
      // exp + skew: the clock is compared in whole seconds, so the assertion still passes here.
      own.clock.advance((nowS + 60.5 + own.config.clientAuth.clockSkewS) * 1000 - own.clock.now());
      assertInvalidClient(own, await postForm(own.browser(), '/token', form), 'client-assertion-replayed');
    } finally {
      await own.close();
    }
  });

  test('regression, J5, J11: an assertion without sub (and no client_id parameter) is invalid_client, 401, at /token and /revoke', async () => {
    const assertion = await sign({ claims: { sub: undefined } });
    const token = await send(assertion);
    assert.deepEqual([token.status, token.body['error']], [401, 'invalid_client']);
    assert.equal(lastRefusal(h), 'client-assertion-issuer-invalid');
    const revoke = await postForm(h.browser(), '/revoke', {
      token: 'x',
      client_assertion_type: JWT_BEARER,
      client_assertion: await sign({ claims: { sub: undefined } }),
    });
    assert.deepEqual([revoke.status, revoke.body['error']], [401, 'invalid_client']);
  });

  test('J9: an assertion without jti is refused', async () => {
    assertInvalidClient(h, await send(await sign({ claims: { jti: undefined } })), 'client-assertion-claims-invalid');
  });

  test('J3: HS256 is refused, even keyed with the public key as a secret (RFC 8725 §2.1)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(c.key.publicJwk));
    assertInvalidClient(
      h,
      await send(await sign({ header: { alg: 'HS256' }, signWith: secret })),
      'client-assertion-alg-not-allowed',
    );
  });

  test('J3: alg none is refused', async () => {
    const now = Math.floor(h.clock.now() / 1000);
    const token = unsecuredJwt(
      { alg: 'none', typ: 'client-authentication+jwt', kid: c.key.kid },
      { iss: c.clientId, sub: c.clientId, aud: ISSUER, iat: now, exp: now + 60, jti: 'none-1' },
    );
    assertInvalidClient(h, await send(token), 'client-assertion-malformed');
    const withSignature = `${token}AAAA`;
    assertInvalidClient(h, await send(withSignature), 'client-assertion-alg-not-allowed');
  });

  test('J3: an allowed algorithm that does not fit the key type is refused (RS256 and ES384 with a P-256 key)', async () => {
    const rsa = await newKey('RS256', c.key.kid);
    assertInvalidClient(
      h,
      await send(await sign({ header: { alg: 'RS256' }, signWith: rsa.privateKey })),
      'client-assertion-alg-key-mismatch',
    );
    const p384 = await newKey('ES384', c.key.kid);
    assertInvalidClient(
      h,
      await send(await sign({ header: { alg: 'ES384' }, signWith: p384.privateKey })),
      'client-assertion-alg-key-mismatch',
    );
  });

  test('J2, J10, R54: a valid assertion signed by a key that is not in the document is refused', async () => {
    const stranger = await newKey('ES256', c.key.kid);
    assertInvalidClient(h, await send(await sign({ signWith: stranger.privateKey })), 'client-assertion-signature-invalid');
    const unknownKid = await newKey('ES256');
    assertInvalidClient(
      h,
      await clientAssertion(unknownKid, c.clientId, ISSUER, h.clock.now()).then((a) => send(a)),
      'client-assertion-key-not-found',
    );
  });

  test('J10: a tampered payload is refused', async () => {
    const [head, , signature] = (await sign()).split('.');
    const claims = decodeJwt(await sign());
    const forged = Buffer.from(JSON.stringify({ ...claims, scope: 'admin' })).toString('base64url');
    assertInvalidClient(h, await send(`${head}.${forged}.${signature}`), 'client-assertion-signature-invalid');
  });

  test('J4, R50: in strict mode an untyped or JWT-typed assertion is refused; both client-auth types pass, with or without application/', async () => {
    assertInvalidClient(h, await send(await sign({ header: { typ: undefined } })), 'client-assertion-typ-invalid');
    assertInvalidClient(h, await send(await sign({ header: { typ: 'JWT' } })), 'client-assertion-typ-invalid');
    await assertAuthenticated(h, await send(await sign({ header: { typ: 'oauth-client-auth+jwt' } })));
    await assertAuthenticated(h, await send(await sign({ header: { typ: 'application/client-authentication+jwt' } })));
  });

  test('J4, RFC 8725 §3.11: a JWT of another explicit type (an access token, a DPoP proof) is never a client assertion', async () => {
    assertInvalidClient(h, await send(await sign({ header: { typ: 'at+jwt' } })), 'client-assertion-typ-invalid');
    assertInvalidClient(h, await send(await sign({ header: { typ: 'dpop+jwt' } })), 'client-assertion-typ-invalid');
  });

  test('J11: every refusal above was invalid_client with status 401 and a generic description', async () => {
    const r = await send(await sign({ claims: { aud: 'https://other-as.example' } }));
    assert.equal(r.status, 401);
    assert.equal(r.body['error'], 'invalid_client');
    assert.ok(!String(r.body['error_description']).includes('other-as'), 'the description reveals nothing the client sent');
  });
});

describe('private_key_jwt: compatibility mode (J4, J6)', () => {
  let h: Harness;
  let c: KeyClient;
  before(async () => {
    h = await createHarness({
      policy: { authenticateBeforeFetch: false, authMethods: ['private_key_jwt', 'none'] },
      clientAuth: { audience: 'compat', assertionTyp: 'compat' },
    });
    c = await keyClient(h);
  });
  after(() => h.close());
  const sign = (options: Parameters<typeof clientAssertion>[4] = {}): Promise<string> =>
    clientAssertion(c.key, c.clientId, ISSUER, h.clock.now(), options);

  test('J6: aud = the token endpoint URL is accepted at the token endpoint; the revocation URL at the revocation endpoint', async () => {
    await assertAuthenticated(h, await postForm(h.browser(), '/token', authOnly(await sign({ claims: { aud: TOKEN } }))));
    const revoke = await postForm(h.browser(), '/revoke', {
      token: 'x',
      client_assertion_type: JWT_BEARER,
      client_assertion: await sign({ claims: { aud: `${ISSUER}/revoke` } }),
    });
    assert.equal(revoke.status, 200);
    assertInvalidClient(
      h,
      await postForm(h.browser(), '/token', authOnly(await sign({ claims: { aud: 'https://other-as.example' } }))),
      'client-assertion-audience-invalid',
    );
  });

  test('J4: an untyped or JWT-typed assertion is accepted; another explicit type still is not', async () => {
    await assertAuthenticated(h, await postForm(h.browser(), '/token', authOnly(await sign({ header: { typ: undefined } }))));
    await assertAuthenticated(h, await postForm(h.browser(), '/token', authOnly(await sign({ header: { typ: 'JWT' } }))));
    assertInvalidClient(
      h,
      await postForm(h.browser(), '/token', authOnly(await sign({ header: { typ: 'at+jwt' } }))),
      'client-assertion-typ-invalid',
    );
  });
});

describe('private_key_jwt: keys at the jwks_uri, refetch and rotation (J2, R65)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ policy: { authenticateBeforeFetch: false, authMethods: ['private_key_jwt', 'none'] } });
    await h.addUser('alice');
  });
  after(() => h.close());

  test('J2: a kid miss after a rotation causes ONE refetch, which finds the new key', async () => {
    const c = await keyClient(h);
    await assertAuthenticated(
      h,
      await postForm(h.browser(), '/token', authOnly(await clientAssertion(c.key, c.clientId, ISSUER, h.clock.now()))),
    );
    assert.equal(h.fetcher.count(c.jwksUri), 1);
    const next = await newKey();
    serveJwks(h, c.jwksUri, c.key, next);
    h.clock.advance(1000);
    await assertAuthenticated(
      h,
      await postForm(h.browser(), '/token', authOnly(await clientAssertion(next, c.clientId, ISSUER, h.clock.now()))),
    );
    assert.equal(h.fetcher.count(c.jwksUri), 2, 'exactly one refetch');
  });

  test('J2: a second kid miss within the refetch interval fails without a fetch; after the interval one refetch is allowed', async () => {
    const c = await keyClient(h);
    await assertAuthenticated(
      h,
      await postForm(h.browser(), '/token', authOnly(await clientAssertion(c.key, c.clientId, ISSUER, h.clock.now()))),
    );
    const unknown = await newKey();
    const miss = async (): Promise<void> =>
      assertInvalidClient(
        h,
        await postForm(h.browser(), '/token', authOnly(await clientAssertion(unknown, c.clientId, ISSUER, h.clock.now()))),
        'client-assertion-key-not-found',
      );
    await miss();
    assert.equal(h.fetcher.count(c.jwksUri), 2, 'the first miss refetched once');
    h.clock.advance(30_000);
    await miss();
    assert.equal(h.fetcher.count(c.jwksUri), 2, 'a miss within 60 s of the last refetch fetches nothing');
    h.clock.advance(31_000);
    await miss();
    assert.equal(h.fetcher.count(c.jwksUri), 3, 'after the interval, one refetch again');
  });

  test('J2: a jwks_uri that fails is not cached: the next request fetches again', async () => {
    const c = await keyClient(h);
    h.fetcher.serve(c.jwksUri, { fail: 'fetch-connect' });
    const failed = await postForm(
      h.browser(),
      '/token',
      authOnly(await clientAssertion(c.key, c.clientId, ISSUER, h.clock.now())),
    );
    assertInvalidClient(h, failed, 'fetch-connect');
    serveJwks(h, c.jwksUri, c.key);
    await assertAuthenticated(
      h,
      await postForm(h.browser(), '/token', authOnly(await clientAssertion(c.key, c.clientId, ISSUER, h.clock.now()))),
    );
  });

  test('R65: a key rotated at the jwks_uri (new key added, then the old one removed) keeps the client working and revokes nothing', async () => {
    const c = await keyClient(h);
    const b = h.browser();
    const params = (challenge: string) => authorizeParams({ client_id: c.clientId, scope: 'read offline_access' }, challenge);
    const first = pkce();
    const { location } = await b.authorize(params(first.challenge), { username: 'alice', password: PASSWORD });
    const tokens = await postForm(b, '/token', {
      grant_type: 'authorization_code',
      code: location.searchParams.get('code') ?? '',
      code_verifier: first.verifier,
      redirect_uri: REDIRECT_URI,
      client_assertion_type: JWT_BEARER,
      client_assertion: await clientAssertion(c.key, c.clientId, ISSUER, h.clock.now()),
    });
    assert.equal(tokens.status, 200);
    const grantId = String(decodeJwt(String(tokens.body['access_token']))['gid']);

    // Step 1: the new key is published beside the old one, and the client signs with it.
    const next = await newKey();
    serveJwks(h, c.jwksUri, c.key, next);
    h.clock.advance(61_000);
    const refreshed = await postForm(b, '/token', {
      grant_type: 'refresh_token',
      refresh_token: String(tokens.body['refresh_token']),
      client_assertion_type: JWT_BEARER,
      client_assertion: await clientAssertion(next, c.clientId, ISSUER, h.clock.now()),
    });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));

    // Step 2: the old key is removed; once the cached set expires, the new set holds only `next`.
    h.fetcher.serve(c.jwksUri, {
      body: jwksOf(next),
      headers: { 'content-type': 'application/json', 'cache-control': 'max-age=600' },
    });
    h.clock.advance(601_000);
    const again = await postForm(b, '/token', {
      grant_type: 'refresh_token',
      refresh_token: String(refreshed.body['refresh_token']),
      client_assertion_type: JWT_BEARER,
      client_assertion: await clientAssertion(next, c.clientId, ISSUER, h.clock.now()),
    });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    const old = await postForm(b, '/token', authOnly(await clientAssertion(c.key, c.clientId, ISSUER, h.clock.now())));
    assertInvalidClient(h, old, 'client-assertion-key-not-found');

    const grant = await h.stores.grants.get(grantId);
    assert.equal(grant?.revokedAt, undefined, 'R65: rotation revoked nothing');
    const second = pkce();
    const repeat = await b.authorize(params(second.challenge), { username: 'alice', password: PASSWORD });
    assert.equal(repeat.pages.length, 0, 'the consent given before the rotation still holds (no new consent page)');
  });
});

describe('negotiation at the token endpoint (draft-03 §6, R44, R53, MCP SEP-3149)', () => {
  const document = (jwksUri: string): Record<string, unknown> => ({
    token_endpoint_auth_method: 'none',
    token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
    jwks_uri: jwksUri,
  });

  async function offeringBoth(h: Harness): Promise<KeyClient> {
    const key = await newKey();
    const probe = h.newClient();
    const jwksUri = new URL('/jwks.json', probe).href;
    h.serve(
      probe,
      JSON.stringify({
        client_id: probe,
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        ...document(jwksUri),
      }),
    );
    serveJwks(h, jwksUri, key);
    await h.seeClient(probe);
    return { clientId: probe, jwksUri, key };
  }

  const publicForm = (clientId: string): Record<string, string> => ({
    grant_type: 'authorization_code',
    code: 'bogus-code',
    code_verifier: 'v'.repeat(43),
    redirect_uri: REDIRECT_URI,
    client_id: clientId,
  });

  test('R53 with draft-03: a client offering none and private_key_jwt may use either', async () => {
    const h = await createHarness({ policy: { authenticateBeforeFetch: false, authMethods: ['private_key_jwt', 'none'] } });
    const c = await offeringBoth(h);
    await assertAuthenticated(h, await postForm(h.browser(), '/token', publicForm(c.clientId)));
    await assertAuthenticated(
      h,
      await postForm(h.browser(), '/token', authOnly(await clientAssertion(c.key, c.clientId, ISSUER, h.clock.now()))),
    );
    await h.close();
  });

  test('SEP-3149: with rejectNoneWhenAuthenticatedShared the same client must authenticate; none is refused (R52)', async () => {
    const h = await createHarness({
      policy: {
        authenticateBeforeFetch: false,
        authMethods: ['private_key_jwt', 'none'],
        rejectNoneWhenAuthenticatedShared: true,
      },
    });
    const c = await offeringBoth(h);
    assertInvalidClient(h, await postForm(h.browser(), '/token', publicForm(c.clientId)), 'client-auth-required');
    await assertAuthenticated(
      h,
      await postForm(h.browser(), '/token', authOnly(await clientAssertion(c.key, c.clientId, ISSUER, h.clock.now()))),
    );
    await h.close();
  });

  test('R53 on a server without private_key_jwt: the same client is public and an assertion is not accepted', async () => {
    const h = await createHarness({ policy: { authenticateBeforeFetch: false, authMethods: ['none'] } });
    const c = await offeringBoth(h);
    await assertAuthenticated(h, await postForm(h.browser(), '/token', publicForm(c.clientId)));
    const withAssertion = await postForm(
      h.browser(),
      '/token',
      authOnly(await clientAssertion(c.key, c.clientId, ISSUER, h.clock.now())),
    );
    assert.equal(
      withAssertion.status,
      400,
      'no private_key_jwt method is installed: the assertion is ignored and client_id is missing',
    );
    await h.close();
  });

  test('R44, R52: a document listing only private_key_jwt in token_endpoint_auth_methods_supported never falls back to none', async () => {
    const h = await createHarness({ policy: { authenticateBeforeFetch: false, authMethods: ['private_key_jwt', 'none'] } });
    const key = await newKey();
    const id = h.newClient({ token_endpoint_auth_methods_supported: ['private_key_jwt'], jwks: { keys: [key.publicJwk] } });
    await h.seeClient(id);
    assertInvalidClient(h, await postForm(h.browser(), '/token', publicForm(id)), 'client-auth-required');
    await assertAuthenticated(
      h,
      await postForm(h.browser(), '/token', authOnly(await clientAssertion(key, id, ISSUER, h.clock.now()))),
    );
    await h.close();
  });
});
