/**
 * Attestation-based client authentication (draft-ietf-oauth-attestation-based-client-auth-11) for a
 * native CIMD client whose document's jwks_uri names its Client Attester Backend's keys (IETF 124
 * CIMD slides). The reference attester (examples/client-attester) runs on a loopback socket; the
 * app instance asks it for an attestation over HTTP; the authorization server runs in memory and
 * finds the attester's keys through the app's document only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT, decodeJwt, generateKeyPair } from 'jose';
import {
  createClientAttester,
  createClientInstance,
  createDevelopmentVerifier,
  startAttesterServer,
  type AttesterServer,
  type ClientAttester,
  type ClientInstance,
} from '../../../examples/client-attester/src/index.js';
import { authorizeParams, createHarness, ISSUER, PASSWORD, pkce, REDIRECT_URI, type Harness } from './support/harness.js';
import { assertInvalidClient, lastRefusal, postForm } from './support/client-auth.js';
import type { ConfigInput } from '../src/config.js';

const ATTESTER = 'https://attester.example';
const ATTESTER_JWKS = `${ATTESTER}/jwks`;

interface World {
  readonly h: Harness;
  readonly attester: ClientAttester;
  readonly server: AttesterServer;
  readonly clientId: string;
  /** A new app instance (with its own key, or `keyPair`). */
  instance(keyPair?: { privateKey: CryptoKey; publicKey: CryptoKey }): Promise<ClientInstance>;
  close(): Promise<void>;
}

/** An AS in memory, the reference attester on loopback, and a native app whose document links them. */
async function world(overrides: ConfigInput = {}, clientExtra: Record<string, unknown> = {}): Promise<World> {
  const h = await createHarness({
    ...overrides,
    policy: { authenticateBeforeFetch: false, authMethods: ['attest_jwt_client_auth', 'none'], ...overrides.policy },
  });
  await h.addUser('alice');
  const clientId = h.newClient({
    application_type: 'native',
    token_endpoint_auth_method: 'attest_jwt_client_auth',
    jwks_uri: ATTESTER_JWKS,
    ...clientExtra,
  });
  // Seen by an authorization, as every client that reaches the token endpoint has been.
  await h.server.context.clients.find(clientId, 'authorize');
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const attester = createClientAttester({
    signingKey: { privateKey, publicKey, kid: 'attester-1' },
    issuer: ATTESTER,
    clientIds: [clientId],
    verifiers: [createDevelopmentVerifier()],
    now: () => h.clock.now(),
  });
  const server = await startAttesterServer({ attester });
  const base = `http://127.0.0.1:${server.port}`;
  // The attester publishes its keys at /jwks; the AS's origin serves what it publishes.
  const published = await (await fetch(`${base}/jwks`)).text();
  h.fetcher.serve(ATTESTER_JWKS, {
    body: published,
    headers: { 'content-type': 'application/jwk-set+json', 'cache-control': 'max-age=300' },
  });
  return {
    h,
    attester,
    server,
    clientId,
    instance: (keyPair) =>
      createClientInstance({
        clientId,
        attesterUrl: base,
        attesterIssuer: ATTESTER,
        now: () => h.clock.now(),
        ...(keyPair === undefined ? {} : { keyPair }),
      }),
    close: async () => {
      await server.close();
      await h.close();
    },
  };
}

async function codeFor(w: World, scope = 'read offline_access'): Promise<{ code: string; verifier: string }> {
  const b = w.h.browser();
  const { verifier, challenge } = pkce();
  const { location } = await b.authorize(authorizeParams({ client_id: w.clientId, scope }, challenge), {
    username: 'alice',
    password: PASSWORD,
  });
  return { code: location.searchParams.get('code') ?? '', verifier };
}

function exchange(code: string, verifier: string): Record<string, string> {
  return { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI };
}

/** A token request whose client authentication is all that is tested (the code is bogus). */
const AUTH_ONLY = { grant_type: 'authorization_code', code: 'bogus', code_verifier: 'v'.repeat(43), redirect_uri: REDIRECT_URI };

function assertAuthenticated(w: World, answer: { body: Record<string, unknown> }): void {
  assert.equal(answer.body['error'], 'invalid_grant', JSON.stringify(answer.body));
  assert.equal(lastRefusal(w.h), 'code-invalid');
}

/** A PoP signed by `key` for `instance`'s attestation (to forge PoPs in negative tests). */
async function popWith(
  key: CryptoKey,
  claims: Record<string, unknown>,
  typ = 'oauth-client-attestation-pop+jwt',
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ }).sign(key);
}

describe('R55: attestation-based client authentication: the flow', () => {
  let w: World;
  before(async () => {
    w = await world({ limits: { authenticatedAccessTokenTtlS: 300 } });
  });
  after(() => w.close());

  test('an attested instance exchanges a code and refreshes; the grant is bound to its instance key (§10.3)', async () => {
    const app = await w.instance();
    const { code, verifier } = await codeFor(w);
    const b = w.h.browser();
    const tokens = await postForm(b, '/token', exchange(code, verifier), await app.headers(ISSUER));
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    assert.equal(tokens.body['expires_in'], 300, 'attested clients get limits.authenticatedAccessTokenTtlS');
    const grantId = String(decodeJwt(String(tokens.body['access_token']))['gid']);
    assert.equal((await w.h.stores.grants.get(grantId))?.instanceKeyThumbprint, app.thumbprint);
    assert.equal(w.h.fetcher.count(ATTESTER_JWKS), 1, "the attester's keys came through the app's document, fetched once");

    const refreshed = await postForm(
      b,
      '/token',
      { grant_type: 'refresh_token', refresh_token: String(tokens.body['refresh_token']) },
      await app.headers(ISSUER),
    );
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
  });

  test('§10.3: a refresh with an attestation of another instance key is refused and the token stays usable by its own instance', async () => {
    const app = await w.instance();
    const other = await w.instance();
    const { code, verifier } = await codeFor(w);
    const b = w.h.browser();
    const tokens = await postForm(b, '/token', exchange(code, verifier), await app.headers(ISSUER));
    assert.equal(tokens.status, 200);
    const refresh = { grant_type: 'refresh_token', refresh_token: String(tokens.body['refresh_token']) };
    const stolen = await postForm(b, '/token', refresh, await other.headers(ISSUER));
    assert.equal(stolen.status, 400);
    assert.equal(stolen.body['error'], 'invalid_grant');
    assert.equal(lastRefusal(w.h), 'refresh-token-instance-mismatch');
    const own = await postForm(b, '/token', refresh, await app.headers(ISSUER));
    assert.equal(own.status, 200, 'the refusal did not consume the refresh token');
  });

  test('R52: the attested client cannot use the token endpoint without the attestation headers', async () => {
    const r = await postForm(w.h.browser(), '/token', { ...AUTH_ONLY, client_id: w.clientId });
    assertInvalidClient(w.h, r, 'client-auth-required');
  });

  test('§8: the metadata advertises attest_jwt_client_auth and the attestation and PoP algorithms, and no challenge endpoint', async () => {
    const md = (await (await w.h.browser().get('/.well-known/oauth-authorization-server')).json()) as Record<string, unknown>;
    assert.ok((md['token_endpoint_auth_methods_supported'] as string[]).includes('attest_jwt_client_auth'));
    assert.deepEqual(md['client_attestation_signing_alg_values_supported'], ['ES256', 'ES384', 'EdDSA', 'PS256', 'RS256']);
    assert.deepEqual(md['client_attestation_pop_signing_alg_values_supported'], ['ES256', 'ES384', 'EdDSA', 'PS256', 'RS256']);
    assert.equal(md['challenge_endpoint'], undefined);
    assert.equal((await w.h.browser().post('/challenge', {})).status, 404);
  });
});

describe('R55: attestation-based client authentication: refusals', () => {
  let w: World;
  let app: ClientInstance;
  let attestation: string;
  const now = (): number => Math.floor(w.h.clock.now() / 1000);
  const send = (headers: Record<string, string>, extra: Record<string, string> = {}) =>
    postForm(w.h.browser(), '/token', { ...AUTH_ONLY, ...extra }, headers);

  before(async () => {
    w = await world();
    app = await w.instance();
    attestation = await app.obtainAttestation();
  });
  after(() => w.close());

  test('the well-formed attestation and PoP pass (the baseline of the refusals below)', async () => {
    assertAuthenticated(w, await send(await app.headers(ISSUER)));
  });

  test('wrong PoP key: a PoP not signed by the attested instance key is refused', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const pop = await popWith(privateKey, { aud: ISSUER, jti: 'wrong-key', iat: now() });
    assertInvalidClient(
      w.h,
      await send({ 'OAuth-Client-Attestation': attestation, 'OAuth-Client-Attestation-PoP': pop }),
      'client-attestation-pop-signature-invalid',
      'invalid_client_attestation',
    );
  });

  test('replayed PoP: the same PoP twice is refused the second time', async () => {
    const headers = await app.headers(ISSUER);
    assertAuthenticated(w, await send(headers));
    assertInvalidClient(w.h, await send(headers), 'client-attestation-pop-replayed', 'invalid_client_attestation');
  });

  test('regression: with clockSkewS 0 a PoP is a replay up to the last second its iat passes', async () => {
    const own = await world({ clientAuth: { clockSkewS: 0 } });
    try {
      const instance = await own.instance();
      const headers = await instance.headers(ISSUER);
      assertAuthenticated(own, await postForm(own.h.browser(), '/token', AUTH_ONLY, headers));
      own.h.clock.advance(own.h.config.clientAuth.maxAssertionLifetimeS * 1000); // iat + the longest age: still passes
      assertInvalidClient(
        own.h,
        await postForm(own.h.browser(), '/token', AUTH_ONLY, headers),
        'client-attestation-pop-replayed',
        'invalid_client_attestation',
      );
    } finally {
      await own.close();
    }
  });

  test('wrong aud: a PoP for another server (or for the token endpoint URL) is refused', async () => {
    assertInvalidClient(
      w.h,
      await send(await app.headers('https://other-as.example')),
      'client-attestation-pop-audience-invalid',
      'invalid_client_attestation',
    );
    assertInvalidClient(
      w.h,
      await send(await app.headers(`${ISSUER}/token`)),
      'client-attestation-pop-audience-invalid',
      'invalid_client_attestation',
    );
  });

  test('expired attestation: use_fresh_attestation; a new attestation works again', async () => {
    const late = await w.instance();
    await late.obtainAttestation();
    w.h.clock.advance(3600_000 + 61_000);
    assertInvalidClient(w.h, await send(await late.headers(ISSUER)), 'client-attestation-not-fresh', 'use_fresh_attestation');
    await late.obtainAttestation();
    assertAuthenticated(w, await send(await late.headers(ISSUER)));
    attestation = await app.obtainAttestation();
  });

  test("attester key not in the document: an attestation signed by another attester's key is refused", async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const rogue = createClientAttester({
      signingKey: { privateKey, publicKey, kid: 'rogue-1' },
      issuer: 'https://rogue.example',
      clientIds: [w.clientId],
      verifiers: [createDevelopmentVerifier()],
      now: () => w.h.clock.now(),
    });
    const rogueServer = await startAttesterServer({ attester: rogue });
    const victim = await createClientInstance({
      clientId: w.clientId,
      attesterUrl: `http://127.0.0.1:${rogueServer.port}`,
      attesterIssuer: 'https://rogue.example',
      now: () => w.h.clock.now(),
    });
    const unknownKid = await send(await victim.headers(ISSUER));
    assertInvalidClient(w.h, unknownKid, 'client-attestation-key-not-found', 'invalid_client_attestation');
    await rogueServer.close();
    const sameKid = createClientAttester({
      signingKey: { privateKey, publicKey, kid: 'attester-1' },
      issuer: ATTESTER,
      clientIds: [w.clientId],
      verifiers: [createDevelopmentVerifier()],
      now: () => w.h.clock.now(),
    });
    const impostorServer = await startAttesterServer({ attester: sameKid });
    const impostor = await createClientInstance({
      clientId: w.clientId,
      attesterUrl: `http://127.0.0.1:${impostorServer.port}`,
      attesterIssuer: ATTESTER,
      now: () => w.h.clock.now(),
    });
    assertInvalidClient(
      w.h,
      await send(await impostor.headers(ISSUER)),
      'client-attestation-signature-invalid',
      'invalid_client_attestation',
    );
    await impostorServer.close();
  });

  test('headers: a missing PoP, a repeated attestation header and a non-JWT value are refused', async () => {
    const headers = await app.headers(ISSUER);
    assertInvalidClient(
      w.h,
      await send({ 'OAuth-Client-Attestation': attestation }),
      'client-attestation-header-invalid',
      'invalid_client_attestation',
    );
    const request = new Request(`${ISSUER}/token`, {
      method: 'POST',
      headers: [
        ['content-type', 'application/x-www-form-urlencoded'],
        ['OAuth-Client-Attestation', attestation],
        ['OAuth-Client-Attestation', attestation],
        ['OAuth-Client-Attestation-PoP', headers['OAuth-Client-Attestation-PoP'] ?? ''],
      ],
      body: new URLSearchParams(AUTH_ONLY).toString(),
    });
    const repeated = await w.h.server.fetch(request);
    assert.equal(repeated.status, 401);
    assert.equal(lastRefusal(w.h), 'client-attestation-header-invalid');
    assertInvalidClient(
      w.h,
      await send({ ...headers, 'OAuth-Client-Attestation-PoP': 'not-a-jwt' }),
      'client-attestation-header-invalid',
      'invalid_client_attestation',
    );
  });

  test('§7.5: a client_id parameter other than the attestation sub is refused', async () => {
    const r = await send(await app.headers(ISSUER), { client_id: w.h.newClient() });
    assertInvalidClient(w.h, r, 'client-id-mismatch-request');
  });

  test('§5.1: a PoP with the wrong typ, without jti, or with an iat outside the window is refused', async () => {
    const { privateKey: key, publicKey } = await generateKeyPair('ES256');
    const second = await w.instance({ privateKey: key, publicKey });
    const secondAttestation = await second.obtainAttestation();
    const pop = (claims: Record<string, unknown>, typ?: string): Promise<string> => popWith(key, claims, typ);
    const base = { aud: ISSUER, jti: `j-${Math.random()}`, iat: now() };
    const withPop = async (p: Promise<string>): Promise<Record<string, string>> => ({
      'OAuth-Client-Attestation': secondAttestation,
      'OAuth-Client-Attestation-PoP': await p,
    });
    assertInvalidClient(
      w.h,
      await send(await withPop(pop(base, 'JWT'))),
      'client-attestation-pop-invalid',
      'invalid_client_attestation',
    );
    assertInvalidClient(
      w.h,
      await send(await withPop(pop({ ...base, jti: undefined }))),
      'client-attestation-pop-invalid',
      'invalid_client_attestation',
    );
    assertInvalidClient(
      w.h,
      await send(await withPop(pop({ ...base, jti: 'old', iat: now() - 400 }))),
      'client-attestation-pop-not-fresh',
      'invalid_client_attestation',
    );
    assertInvalidClient(
      w.h,
      await send(await withPop(pop({ ...base, jti: 'future', iat: now() + 120 }))),
      'client-attestation-pop-not-fresh',
      'invalid_client_attestation',
    );
  });
});

describe('attestation challenges (§6), behind clientAuth.attestationChallenge', () => {
  let w: World;
  before(async () => {
    w = await world({ clientAuth: { attestationChallenge: true } });
  });
  after(() => w.close());

  test('§6.1: a PoP without a challenge gets 400 use_attestation_challenge with a fresh challenge; a retry with it passes', async () => {
    const app = await w.instance();
    const first = await postForm(w.h.browser(), '/token', AUTH_ONLY, await app.headers(ISSUER));
    assertInvalidClient(w.h, first, 'client-attestation-challenge-required', 'use_attestation_challenge');
    const challenge = first.headers.get('oauth-client-attestation-challenge');
    assert.ok(challenge !== null && challenge.length >= 32);
    assertAuthenticated(w, await postForm(w.h.browser(), '/token', AUTH_ONLY, await app.headers(ISSUER, { challenge })));
    const reused = await postForm(w.h.browser(), '/token', AUTH_ONLY, await app.headers(ISSUER, { challenge }));
    assertInvalidClient(w.h, reused, 'client-attestation-challenge-required', 'use_attestation_challenge');
    assert.notEqual(reused.headers.get('oauth-client-attestation-challenge'), challenge, 'each error carries a fresh challenge');
  });

  test('§6.3: the challenge endpoint (advertised as challenge_endpoint) hands out challenges, uncacheable; unknown and expired ones are refused', async () => {
    const md = (await (await w.h.browser().get('/.well-known/oauth-authorization-server')).json()) as Record<string, unknown>;
    assert.equal(md['challenge_endpoint'], `${ISSUER}/challenge`);
    const res = await w.h.browser().post('/challenge', {});
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const { attestation_challenge: challenge } = (await res.json()) as { attestation_challenge: string };
    const app = await w.instance();
    assertAuthenticated(w, await postForm(w.h.browser(), '/token', AUTH_ONLY, await app.headers(ISSUER, { challenge })));
    const made = await postForm(w.h.browser(), '/token', AUTH_ONLY, await app.headers(ISSUER, { challenge: 'made-up' }));
    assertInvalidClient(w.h, made, 'client-attestation-challenge-required', 'use_attestation_challenge');
    const stale = (await (await w.h.browser().post('/challenge', {})).json()) as { attestation_challenge: string };
    w.h.clock.advance(301_000);
    await app.obtainAttestation();
    const late = await postForm(
      w.h.browser(),
      '/token',
      AUTH_ONLY,
      await app.headers(ISSUER, { challenge: stale.attestation_challenge }),
    );
    assertInvalidClient(w.h, late, 'client-attestation-challenge-required', 'use_attestation_challenge');
  });
});
