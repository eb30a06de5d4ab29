/**
 * A real third-party OAuth client (openid-client 6.9.0, and oauth4webapi 3.8.8 for the refusals)
 * against the authorization server on a loopback socket. The client is a CIMD client: its
 * client_id is the https URL of its metadata document, served by a local HTTPS origin with a test
 * CA (the node test kit). The server runs in development mode, the only mode where its fetcher may
 * resolve `client.test` to 127.0.0.1, trust the test CA and connect to loopback (R70).
 *
 * The person in front of the client is played by a small cookie-keeping HTTP user agent that fills
 * in the login and consent forms; everything else is the libraries' own code over real HTTP.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { configProblems, createUser, mergeConfig, startServer, type RunningServer } from '@cimd/server';
import {
  createTestPki,
  jsonAnswer,
  startOriginServer,
  type OriginServer,
  type TestPki,
} from '../../packages/node/test/kit/index.js';
import { HttpUserAgent } from './support/http-user-agent.js';
import { captureServerLog } from './support/server-log.js';

const DOCUMENT_PATH = '/oauth/client.json';
const REDIRECT_URI = 'https://client.test/callback';
const RESOURCE = 'https://mcp.client.test/mcp';
const USERNAME = 'alice';
const PASSWORD = 'e2e password of alice';
const SCOPE = 'read offline_access';
const BOUND = { timeout: 60_000 };
/** Setup and teardown are bounded too. */
const HOOK_BOUND = { timeout: 60_000 };

let pki: TestPki;
let origin: OriginServer;
let running: RunningServer;
const serverLog = captureServerLog();
let issuer: string;
let clientId: string;
let userId: string;
const banner: string[] = [];

before(async () => {
  pki = await createTestPki();
  origin = await startOriginServer({ certificate: pki.leaf });
  clientId = origin.url('client.test', DOCUMENT_PATH).href;
  origin.route(
    DOCUMENT_PATH,
    jsonAnswer(
      {
        client_id: clientId,
        client_name: 'openid-client e2e',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
      { 'cache-control': 'max-age=600' },
    ),
  );
  const input = {
    server: { mode: 'development' as const, host: '127.0.0.1', port: 0, issuer: 'http://127.0.0.1:0' },
    stores: { url: 'memory:' },
    policy: { resources: [RESOURCE] },
    fetch: { resolve: { 'client.test': '127.0.0.1' }, extraCaFile: pki.ca.certPath, allowLoopback: true },
    logging: { level: 'silent' as const },
  };
  const config = mergeConfig(input);
  assert.deepEqual(configProblems(config, [input]), [], 'the test runs a configuration an operator could write');
  running = await startServer({
    config,
    demo: false,
    servicePort: 0,
    resetDemoPassword: false,
    say: (line) => banner.push(line),
    logger: serverLog.logger,
  });
  issuer = running.config.server.issuer;
  const ctx = running.server.context;
  userId = await createUser(ctx.stores, ctx.random, USERNAME, PASSWORD, Date.now());
}, HOOK_BOUND);

after(async () => {
  await running?.close();
  await origin?.close();
  await pki?.dispose();
}, HOOK_BOUND);

/** Whatever a client saw, the server must not have failed inside (a 500 logs at error level). */
afterEach(() => {
  assert.deepEqual(serverLog.takeErrors(), [], 'the server logged no unexpected error');
});

/** openid-client's configuration from the server's RFC 8414 metadata (http is allowed only because the AS is on loopback). */
function discover(): Promise<client.Configuration> {
  return client.discovery(new URL(issuer), clientId, undefined, client.None(), {
    algorithm: 'oauth2',
    execute: [client.allowInsecureRequests],
    timeout: 10,
  });
}

interface Started {
  readonly url: URL;
  readonly verifier: string;
  readonly state: string;
}

async function authorizationRequest(config: client.Configuration): Promise<Started> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: SCOPE,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    resource: RESOURCE,
  });
  return { url, verifier, state };
}

async function verifyAccessToken(config: client.Configuration, token: string): Promise<JWTPayload> {
  const jwksUri = config.serverMetadata().jwks_uri;
  assert.ok(jwksUri !== undefined, 'the metadata names a jwks_uri');
  const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(jwksUri)), {
    issuer,
    audience: RESOURCE,
    typ: 'at+jwt',
  });
  assert.equal(protectedHeader.alg, 'ES256');
  return payload;
}

async function refusal(promise: Promise<unknown>): Promise<client.ResponseBodyError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof client.ResponseBodyError, `expected a ResponseBodyError, got ${String(e)}`);
    return e;
  }
  assert.fail('the request was expected to be refused');
}

describe('openid-client 6.9.0 as a CIMD client', () => {
  test(
    'R56, H18: discovery reads client_id_metadata_document_supported and authorization_response_iss_parameter_supported',
    BOUND,
    async () => {
      const metadata = (await discover()).serverMetadata();
      assert.equal(metadata.issuer, issuer);
      assert.equal(metadata['client_id_metadata_document_supported'], true);
      assert.equal(metadata.authorization_response_iss_parameter_supported, true);
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
      assert.ok(metadata.token_endpoint_auth_methods_supported?.includes('none'));
      assert.ok(
        banner.some((line) => line.includes(issuer)),
        'the start banner names the issuer',
      );
    },
  );

  test(
    'R29, R43, R67, H18, R77, H5: authorization_code + PKCE S256 + resource, iss checked by the client, JWT verified with the JWKS, refresh rotates; the document is fetched once with Accept: application/json',
    BOUND,
    async () => {
      const config = await discover();
      const agent = new HttpUserAgent(new URL(issuer).origin);

      const first = await authorizationRequest(config);
      assert.equal(first.url.origin, new URL(issuer).origin);
      const { callback, pages } = await agent.authorize(first.url, { username: USERNAME, password: PASSWORD });
      assert.ok(
        pages.some((p) => p.includes('data-testid="client-host"') && p.includes('client.test')),
        'R67: the consent page was shown and named the client host',
      );
      assert.equal(`${callback.origin}${callback.pathname}`, REDIRECT_URI);
      assert.equal(callback.searchParams.get('iss'), issuer, 'H18: the authorization response carries iss');

      // openid-client checks iss against the discovered issuer (RFC 9207) before redeeming the code:
      // a forged iss is refused (the code stays unused), the real one passes.
      const checks = { pkceCodeVerifier: first.verifier, expectedState: first.state };
      const forged = new URL(callback);
      forged.searchParams.set('iss', 'https://other-as.example');
      await assert.rejects(
        client.authorizationCodeGrant(config, forged, checks),
        (e: unknown) =>
          e instanceof client.ClientError &&
          e.code === oauth.INVALID_RESPONSE &&
          e.cause instanceof Error &&
          e.cause.message.includes('"iss"'),
      );
      const tokens = await client.authorizationCodeGrant(config, callback, checks);
      assert.equal(tokens.token_type.toLowerCase(), 'bearer');
      assert.ok(tokens.refresh_token !== undefined, 'offline_access gives a refresh token');
      assert.deepEqual((tokens.scope ?? '').split(' ').sort(), SCOPE.split(' ').sort());
      const claims = await verifyAccessToken(config, tokens.access_token);
      assert.equal(claims['client_id'], clientId);
      assert.equal(claims.sub, userId);
      assert.equal(claims['scope'], tokens.scope);

      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
      assert.ok(refreshed.refresh_token !== undefined && refreshed.refresh_token !== tokens.refresh_token, 'rotated');
      assert.notEqual(refreshed.access_token, tokens.access_token);
      const refreshedClaims = await verifyAccessToken(config, refreshed.access_token);
      assert.equal(refreshedClaims.sub, userId);
      assert.equal(refreshedClaims['client_id'], clientId);

      // A second authorization of the same client within max-age uses the cached document (R77).
      const second = await authorizationRequest(config);
      const again = await agent.authorize(second.url, { username: USERNAME, password: PASSWORD });
      const secondTokens = await client.authorizationCodeGrant(config, again.callback, {
        pkceCodeVerifier: second.verifier,
        expectedState: second.state,
      });
      await verifyAccessToken(config, secondTokens.access_token);

      assert.equal(
        origin.hits(DOCUMENT_PATH),
        1,
        'R29, R77: one fetch of the document for two authorizations, three token requests',
      );
      const request = origin.requests.find((r) => r.path === DOCUMENT_PATH);
      assert.ok(request !== undefined);
      assert.equal(request.method, 'GET');
      assert.equal(request.servername, 'client.test', 'SNI names the client_id host, not the pinned address');
      const accept = request.rawHeaders.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === 'accept');
      assert.ok(accept >= 0, 'the fetch sends an Accept header');
      assert.equal(request.rawHeaders[accept + 1], 'application/json', 'H5: Accept: application/json');
      for (const forbidden of ['cookie', 'authorization']) {
        assert.ok(
          !request.rawHeaders.some((h, i) => i % 2 === 0 && h.toLowerCase() === forbidden),
          `H3: no ${forbidden} header on the fetch`,
        );
      }
    },
  );

  test('RFC 9700 §4.14.2: a rotated-out refresh token is invalid_grant, and its reuse revokes the grant', BOUND, async () => {
    const config = await discover();
    const agent = new HttpUserAgent(new URL(issuer).origin);
    const started = await authorizationRequest(config);
    const { callback } = await agent.authorize(started.url, { username: USERNAME, password: PASSWORD });
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
    });
    assert.ok(tokens.refresh_token !== undefined);
    const rotated = await client.refreshTokenGrant(config, tokens.refresh_token);
    assert.ok(rotated.refresh_token !== undefined);

    const old = await refusal(client.refreshTokenGrant(config, tokens.refresh_token));
    assert.equal(old.error, 'invalid_grant');
    assert.equal(old.status, 400);
    const after = await refusal(client.refreshTokenGrant(config, rotated.refresh_token));
    assert.equal(after.error, 'invalid_grant', 'the reuse revoked the whole grant, so the rotated token died too');
  });

  test('OAuth 2.1 §4.1.3: an authorization code replayed through openid-client is invalid_grant', BOUND, async () => {
    const config = await discover();
    const agent = new HttpUserAgent(new URL(issuer).origin);
    const started = await authorizationRequest(config);
    const { callback } = await agent.authorize(started.url, { username: USERNAME, password: PASSWORD });
    const checks = { pkceCodeVerifier: started.verifier, expectedState: started.state };
    await client.authorizationCodeGrant(config, callback, checks);
    const replay = await refusal(client.authorizationCodeGrant(config, callback, checks));
    assert.equal(replay.error, 'invalid_grant');
  });
});

describe('oauth4webapi 3.8.8 refusals', () => {
  async function authorizationServer(): Promise<oauth.AuthorizationServer> {
    const url = new URL(issuer);
    const response = await oauth.discoveryRequest(url, { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true });
    return oauth.processDiscoveryResponse(url, response);
  }

  /** Send the user through a fresh authorization request built with oauth4webapi; returns the response and its state. */
  async function runAuthorization(
    as: oauth.AuthorizationServer,
    answers: { decision: 'approve' | 'deny'; prompt?: string },
  ): Promise<{ callback: URL; state: string }> {
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint ?? '');
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      scope: 'read',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
      resource: RESOURCE,
      ...(answers.prompt === undefined ? {} : { prompt: answers.prompt }),
    }).toString();
    const agent = new HttpUserAgent(new URL(issuer).origin);
    const { callback } = await agent.authorize(url, { username: USERNAME, password: PASSWORD, decision: answers.decision });
    return { callback, state };
  }

  test(
    'H18: a denial is sent to the client with iss and state; oauth4webapi checks iss, then reports access_denied',
    BOUND,
    async () => {
      const as = await authorizationServer();
      assert.equal(as.authorization_response_iss_parameter_supported, true);
      const { callback, state } = await runAuthorization(as, { decision: 'deny', prompt: 'consent' });
      assert.equal(callback.searchParams.get('iss'), issuer);
      assert.throws(
        () => oauth.validateAuthResponse(as, { client_id: clientId }, callback, state),
        (e: unknown) => e instanceof oauth.AuthorizationResponseError && e.error === 'access_denied',
      );
    },
  );

  test("H18: a client that sent the user to another issuer refuses this server's response (mix-up defence)", BOUND, async () => {
    const as = await authorizationServer();
    const { callback, state } = await runAuthorization(as, { decision: 'approve' });
    // The same response is accepted for this issuer...
    assert.ok(oauth.validateAuthResponse(as, { client_id: clientId }, callback, state) instanceof URLSearchParams);
    // ...and refused by a client whose authorization request went to a different AS.
    const other: oauth.AuthorizationServer = { ...as, issuer: 'https://other-as.example' };
    assert.throws(
      () => oauth.validateAuthResponse(other, { client_id: clientId }, callback, state),
      (e: unknown) =>
        e instanceof oauth.OperationProcessingError && e.code === oauth.INVALID_RESPONSE && e.message.includes('"iss"'),
    );
  });
});
