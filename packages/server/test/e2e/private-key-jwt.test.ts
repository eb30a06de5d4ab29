/**
 * A real third-party client, openid-client 6.9.0, authenticating with its own `PrivateKeyJwt`
 * (RFC 7523 §2.2) as a CIMD client: its metadata document and its jwks_uri live on a local HTTPS
 * origin with a test CA; the authorization server listens on a loopback socket in development
 * mode (the only mode where its safe fetcher may map client.test to 127.0.0.1 and trust the test
 * CA, R70). The person at the browser is played in memory against the same server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import * as client from 'openid-client';
import type { RunningServer } from '@cimd/server';
import { createTestPki, jsonAnswer, startOriginServer, type OriginServer, type TestPki } from '../../../node/test/kit/index.js';
import { Browser } from '../support/browser.js';
import { startDevelopmentServer } from '../support/dev-server.js';

const DOCUMENT_PATH = '/oauth/client.json';
const JWKS_PATH = '/oauth/jwks.json';
const REDIRECT_URI = 'https://client.test/callback';
const USERNAME = 'alice';
const PASSWORD = 'e2e password of alice';
const BOUND = { timeout: 60_000 };

let pki: TestPki;
let origin: OriginServer;
let running: RunningServer;
let issuer: string;
let clientId: string;
let key: { key: CryptoKey; kid: string };

before(async () => {
  pki = await createTestPki();
  origin = await startOriginServer({ certificate: pki.leaf });
  clientId = origin.url('client.test', DOCUMENT_PATH).href;
  const pair = await generateKeyPair('ES256');
  key = { key: pair.privateKey, kid: 'e2e-key-1' };
  origin.route(
    JWKS_PATH,
    jsonAnswer(
      { keys: [{ ...(await exportJWK(pair.publicKey)), kid: key.kid, use: 'sig', alg: 'ES256' }] },
      { 'cache-control': 'max-age=600' },
    ),
  );
  origin.route(
    DOCUMENT_PATH,
    jsonAnswer(
      {
        client_id: clientId,
        client_name: 'openid-client with private_key_jwt',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: origin.url('client.test', JWKS_PATH).href,
      },
      { 'cache-control': 'max-age=600' },
    ),
  );
  ({ running, issuer } = await startDevelopmentServer({
    pki,
    hosts: ['client.test'],
    authMethods: ['private_key_jwt', 'none'],
    username: USERNAME,
    password: PASSWORD,
  }));
});

after(async () => {
  await running?.close();
  await origin?.close();
  await pki?.dispose();
});

/** openid-client's PrivateKeyJwt, typed as rfc7523bis asks (openid-client sends no typ by itself). */
function typedPrivateKeyJwt(): client.ClientAuth {
  return client.PrivateKeyJwt(key, {
    [client.modifyAssertion](header) {
      header['typ'] = 'client-authentication+jwt';
    },
  });
}

function discover(auth: client.ClientAuth): Promise<client.Configuration> {
  return client.discovery(new URL(issuer), clientId, undefined, auth, {
    algorithm: 'oauth2',
    execute: [client.allowInsecureRequests],
    timeout: 10,
  });
}

async function authorize(config: client.Configuration): Promise<{ callback: URL; verifier: string; state: string }> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'read offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  const browser = new Browser(running.server, issuer);
  const { location } = await browser.authorize(url.searchParams, { username: USERNAME, password: PASSWORD });
  return { callback: location, verifier, state };
}

describe('openid-client 6.9.0 PrivateKeyJwt as a CIMD client (R54, J1–J12)', () => {
  test('J3, R56: discovery shows private_key_jwt with its algorithm allow-list', BOUND, async () => {
    const md = (await discover(typedPrivateKeyJwt())).serverMetadata();
    assert.ok(md.token_endpoint_auth_methods_supported?.includes('private_key_jwt'));
    assert.ok(md.token_endpoint_auth_signing_alg_values_supported?.includes('ES256'));
    assert.equal(md['client_id_metadata_document_supported'], true);
  });

  test(
    'R54, J2, J12: code exchange, refresh and revocation authenticate with the key published at the client jwks_uri over HTTPS',
    BOUND,
    async () => {
      const config = await discover(typedPrivateKeyJwt());
      const { callback, verifier, state } = await authorize(config);
      const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
      assert.equal(tokens.token_type.toLowerCase(), 'bearer');
      assert.ok(tokens.refresh_token !== undefined);
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
      assert.ok(refreshed.refresh_token !== undefined && refreshed.refresh_token !== tokens.refresh_token);
      await client.tokenRevocation(config, refreshed.refresh_token);
      await assert.rejects(client.refreshTokenGrant(config, refreshed.refresh_token), (e: unknown) => {
        return e instanceof client.ResponseBodyError && e.error === 'invalid_grant';
      });
      assert.equal(origin.hits(JWKS_PATH), 1, 'the jwks_uri was fetched once, then served from the key cache');
      const jwksRequest = origin.requests.find((r) => r.path === JWKS_PATH);
      assert.equal(jwksRequest?.servername, 'client.test', 'fetched by name through the pinned, TLS-checked fetcher');
    },
  );

  test('R50, J4: openid-client without a typ (its default) is refused in strict mode, as invalid_client 401', BOUND, async () => {
    const config = await discover(client.PrivateKeyJwt(key));
    const { callback, verifier, state } = await authorize(config);
    await assert.rejects(
      client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }),
      (e: unknown) => e instanceof client.ResponseBodyError && e.error === 'invalid_client' && e.status === 401,
    );
  });

  test('R52: the same client without authentication (client.None) is refused', BOUND, async () => {
    const config = await discover(client.None());
    const { callback, verifier, state } = await authorize(config);
    await assert.rejects(
      client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }),
      (e: unknown) => e instanceof client.ResponseBodyError && e.error === 'invalid_client' && e.status === 401,
    );
  });
});
