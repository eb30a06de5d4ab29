/**
 * Attestation-based client authentication end to end, over real sockets: the reference Client
 * Attester Backend (examples/client-attester) serves HTTPS as attester.client.test with a test CA;
 * the native app's client metadata document, on another HTTPS origin, names the attester's /jwks
 * as its jwks_uri (IETF 124 CIMD slides); the authorization server listens on loopback in
 * development mode and fetches both through its safe fetcher. The app instance gets its
 * attestation from the attester over HTTPS and calls the token endpoint over HTTP with the
 * OAuth-Client-Attestation and OAuth-Client-Attestation-PoP headers (draft-11).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair } from 'jose';
import { request as httpsRequest } from 'node:https';
import type { RunningServer } from '@cimd/server';
import {
  createClientAttester,
  createClientInstance,
  createDevelopmentVerifier,
  startAttesterServer,
  type AttesterServer,
  type ClientInstance,
} from '../../../../examples/client-attester/src/index.js';
import { createTestPki, jsonAnswer, startOriginServer, type OriginServer, type TestPki } from '../../../node/test/kit/index.js';
import { Browser } from '../support/browser.js';
import { startDevelopmentServer } from '../support/dev-server.js';

const DOCUMENT_PATH = '/apps/notes/client.json';
const REDIRECT_URI = 'com.example.notes:/oauth/callback';
const USERNAME = 'alice';
const PASSWORD = 'e2e password of alice';
const BOUND = { timeout: 60_000 };

let pki: TestPki;
let origin: OriginServer;
let attesterServer: AttesterServer;
let attesterUrl: string;
let running: RunningServer;
let issuer: string;
let clientId: string;
let ca: string;

before(async () => {
  pki = await createTestPki();
  origin = await startOriginServer({ certificate: pki.leaf });
  clientId = origin.url('client.test', DOCUMENT_PATH).href;
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const attester = createClientAttester({
    signingKey: { privateKey, publicKey, kid: 'attester-e2e' },
    issuer: 'https://attester.client.test',
    clientIds: [clientId],
    verifiers: [createDevelopmentVerifier()],
  });
  attesterServer = await startAttesterServer({ attester, tls: { certPem: pki.leaf.certPem, keyPem: pki.leaf.keyPem } });
  attesterUrl = `https://attester.client.test:${attesterServer.port}`;
  origin.route(
    DOCUMENT_PATH,
    jsonAnswer(
      {
        client_id: clientId,
        client_name: 'Notes (native, attested)',
        application_type: 'native',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'attest_jwt_client_auth',
        jwks_uri: `${attesterUrl}/jwks`,
      },
      { 'cache-control': 'max-age=600' },
    ),
  );
  ({ running, issuer } = await startDevelopmentServer({
    pki,
    hosts: ['client.test', 'attester.client.test'],
    authMethods: ['attest_jwt_client_auth', 'none'],
    username: USERNAME,
    password: PASSWORD,
  }));
  ca = readFileSync(pki.ca.certPath, 'utf8');
});

after(async () => {
  await running?.close();
  await attesterServer?.close();
  await origin?.close();
  await pki?.dispose();
});

/**
 * The app's HTTP client for the attester: it trusts the attester's certificate (the test CA) and
 * reaches attester.client.test on loopback, with TLS checked against that name.
 */
const attesterFetch = (async (input: string | URL, init?: RequestInit): Promise<Response> => {
  const url = new URL(input);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        servername: url.hostname,
        port: url.port,
        path: url.pathname,
        method: init?.method ?? 'GET',
        headers: { host: url.host, ...(init?.headers as Record<string, string>) },
        ca,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0 })));
      },
    );
    req.on('error', reject);
    req.end(typeof init?.body === 'string' ? init.body : undefined);
  });
}) as typeof fetch;

function appInstance(): Promise<ClientInstance> {
  return createClientInstance({
    clientId,
    attesterUrl,
    attesterIssuer: 'https://attester.client.test',
    fetchImpl: attesterFetch,
  });
}

async function tokenRequest(
  form: Record<string, string>,
  headers: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function authorize(): Promise<{ code: string; verifier: string }> {
  const { createHash, randomBytes } = await import('node:crypto');
  const verifier = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    scope: 'read offline_access',
    state: 's',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const { location } = await new Browser(running.server, issuer).authorize(params, { username: USERNAME, password: PASSWORD });
  return { code: location.searchParams.get('code') ?? '', verifier };
}

describe('attestation-based client authentication with the reference attester (draft-11)', () => {
  test(
    'an attested native app exchanges a code and refreshes; the AS found the attester keys through the app document',
    BOUND,
    async () => {
      const app = await appInstance();
      await app.obtainAttestation();
      const { code, verifier } = await authorize();
      const tokens = await tokenRequest(
        { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI },
        await app.headers(issuer),
      );
      assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
      const refreshed = await tokenRequest(
        { grant_type: 'refresh_token', refresh_token: String(tokens.body['refresh_token']) },
        await app.headers(issuer),
      );
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      assert.ok(attesterServer.requests.includes('GET /jwks'), 'the AS fetched the attester JWKS named by the app document');
      assert.ok(attesterServer.requests.includes('POST /attestations'));
    },
  );

  test(
    '§10.3: another instance of the same app cannot use the refresh token; a forged PoP is invalid_client_attestation',
    BOUND,
    async () => {
      const app = await appInstance();
      const other = await appInstance();
      const { code, verifier } = await authorize();
      const tokens = await tokenRequest(
        { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI },
        await app.headers(issuer),
      );
      assert.equal(tokens.status, 200);
      const refresh = { grant_type: 'refresh_token', refresh_token: String(tokens.body['refresh_token']) };
      const stolen = await tokenRequest(refresh, await other.headers(issuer));
      assert.equal(stolen.status, 400);
      assert.equal(stolen.body['error'], 'invalid_grant');
      const mixed = {
        ...(await app.headers(issuer)),
        'OAuth-Client-Attestation-PoP': (await other.headers(issuer))['OAuth-Client-Attestation-PoP'] ?? '',
      };
      const forged = await tokenRequest(refresh, mixed);
      assert.equal(forged.status, 401);
      assert.equal(forged.body['error'], 'invalid_client_attestation');
    },
  );

  test(
    'the attester refuses a key proof with a nonce it did not issue (platform evidence bound to the nonce)',
    BOUND,
    async () => {
      const app = await createClientInstance({
        clientId,
        attesterUrl,
        attesterIssuer: 'https://attester.client.test',
        fetchImpl: attesterFetch,
        evidence: (_nonce, thumbprint) => ({ nonce: 'made-up', key_thumbprint: thumbprint, client_id: clientId }),
      });
      await assert.rejects(app.obtainAttestation(), /attestation_refused/);
    },
  );
});
