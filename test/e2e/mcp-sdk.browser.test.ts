/**
 * The official MCP TypeScript SDK (@modelcontextprotocol/sdk 1.32.2) as a CIMD client of an MCP
 * server protected by @cimd/mcp, with cimd-server as the authorization server and a person
 * approving in Debian's Chromium (playwright-core; never downloaded).
 *
 * The client's metadata documents live on the kit's local HTTPS origin (`client.test`, test CA).
 * Only the authorization server fetches them: it runs in development mode, resolving client.test
 * to 127.0.0.1 and trusting the test CA. The SDK client process needs neither. The MCP server is
 * the example of `examples/mcp-server`, started in this process; the authorization server lists
 * its canonical URI in `policy.resources`.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { auth, extractWWWAuthenticateParams, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { createPrivateKeyJwtAuth } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryOAuthClientProvider } from '@modelcontextprotocol/sdk/examples/client/simpleOAuthClientProvider.js';
import type { OAuthClientMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import { decodeJwt, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Browser } from 'playwright-core';
import { configProblems, createLogger, createUser, mergeConfig, startServer, type RunningServer } from '@cimd/server';
import {
  jsonAnswer,
  startOriginServer,
  createTestPki,
  type OriginServer,
  type TestPki,
} from '../../packages/node/test/kit/index.js';
import { startMcpServer, type RunningMcpServer, type WhoAmI } from '../../examples/mcp-server/mcp-server.js';
import { launchChromium } from './support/chromium.js';

const BOUND = { timeout: 90_000 };
const STEP_MS = 15_000;
const USERNAME = 'alice';
const PASSWORD = 'e2e password of alice';
const OTHER_RESOURCE = 'https://other-mcp.client.test/mcp';
const PUBLIC_DOCUMENT = '/mcp/sdk-client.json';
const SIGNED_DOCUMENT = '/mcp/sdk-signed-client.json';

let pki: TestPki;
let origin: OriginServer;
let as: RunningServer;
let mcp: RunningMcpServer;
let browser: Browser;
let callbacks: Server;
let issuer: string;
let userId: string;
let redirectUrl: string;
let publicClientId: string;
let signedClientId: string;
let signingKey: JWK;
const landed: Array<(url: URL) => void> = [];

/** A free port on 127.0.0.1, so that the MCP server can name its issuer before the AS starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

before(async () => {
  pki = await createTestPki();
  origin = await startOriginServer({ certificate: pki.leaf });

  // The client's loopback redirect target (RFC 8252 §7.3): the SDK's redirectUrl.
  callbacks = createServer((req, res) => {
    const url = new URL(req.url ?? '/', redirectUrl);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('You can close this window.');
    if (url.pathname === '/callback') landed.shift()?.(url);
  });
  await new Promise<void>((resolve) => callbacks.listen(0, '127.0.0.1', resolve));
  redirectUrl = `http://127.0.0.1:${(callbacks.address() as AddressInfo).port}/callback`;

  publicClientId = origin.url('client.test', PUBLIC_DOCUMENT).href;
  signedClientId = origin.url('client.test', SIGNED_DOCUMENT).href;
  const base = {
    // Port-less loopback redirect: any port is accepted at request time (RFC 8252 §7.3).
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  };
  origin.route(
    PUBLIC_DOCUMENT,
    jsonAnswer({ ...base, client_id: publicClientId, client_name: 'MCP SDK e2e', token_endpoint_auth_method: 'none' }),
  );
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  signingKey = await exportJWK(privateKey);
  origin.route(
    SIGNED_DOCUMENT,
    jsonAnswer({
      ...base,
      client_id: signedClientId,
      client_name: 'MCP SDK e2e (private_key_jwt)',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' }] },
    }),
  );

  const asPort = await freePort();
  issuer = `http://127.0.0.1:${asPort}`;
  mcp = await startMcpServer({ issuer, port: 0 });

  const input = {
    server: { mode: 'development' as const, host: '127.0.0.1', port: asPort, issuer },
    stores: { url: 'memory:' },
    policy: {
      resources: [mcp.url, OTHER_RESOURCE],
      scopes: [
        { name: 'mcp:tools', description: 'Use the tools of the example MCP server' },
        { name: 'profile', description: 'See your user name' },
      ],
      authMethods: ['private_key_jwt', 'none'],
    },
    // The SDK's createPrivateKeyJwtAuth types its assertions "JWT" (R50: accepted in compat mode).
    clientAuth: { assertionTyp: 'compat' as const },
    fetch: { resolve: { 'client.test': '127.0.0.1' }, extraCaFile: pki.ca.certPath, allowLoopback: true },
    logging: { level: 'silent' as const },
  };
  const config = mergeConfig(input);
  assert.deepEqual(configProblems(config, [input]), [], 'a configuration an operator could write');
  as = await startServer({
    config,
    demo: false,
    servicePort: 0,
    resetDemoPassword: false,
    say: () => undefined,
    logger: createLogger('silent'),
  });
  const ctx = as.server.context;
  userId = await createUser(ctx.stores, ctx.random, USERNAME, PASSWORD, Date.now());

  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await as?.close();
  await mcp?.close();
  await origin?.close();
  await pki?.dispose();
  callbacks?.closeAllConnections();
  await new Promise<void>((resolve) => (callbacks === undefined ? resolve() : callbacks.close(() => resolve())));
});

/** A fetch that records what the SDK sends (method, URL, status), for the client process's side of the story. */
function recordingFetch(): { fetch: typeof fetch; calls: Array<{ method: string; url: string; status: number; body: string }> } {
  const calls: Array<{ method: string; url: string; status: number; body: string }> = [];
  return {
    calls,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const body = request.method === 'POST' ? await request.clone().text() : '';
      const response = await fetch(request);
      calls.push({ method: request.method, url: request.url, status: response.status, body });
      return response;
    },
  };
}

/** The person in front of the browser: sign in when asked, check the consent page, allow; resolves with the callback URL. */
async function approveInBrowser(authorizationUrl: URL, onConsent?: (page: string) => void): Promise<URL> {
  const callback = new Promise<URL>((resolve) => landed.push(resolve));
  const context = await browser.newContext();
  context.setDefaultTimeout(STEP_MS);
  context.setDefaultNavigationTimeout(STEP_MS);
  try {
    const page = await context.newPage();
    await page.goto(authorizationUrl.href);
    await page.locator('#username, button[value="approve"]').first().waitFor();
    if (await page.locator('#username').isVisible()) {
      await page.fill('#username', USERNAME);
      await page.fill('#password', PASSWORD);
      await page.click('button[type=submit]');
    }
    await page.locator('button[value="approve"]').waitFor();
    onConsent?.(await page.content());
    await page.click('button[value="approve"]');
    return await callback;
  } finally {
    await context.close();
  }
}

/**
 * The SDK's in-memory provider, its client_id a metadata document URL. (The subclass only narrows
 * `clientMetadataUrl` to string, which strict `exactOptionalPropertyTypes` needs.)
 */
class CimdClientProvider extends InMemoryOAuthClientProvider {
  declare readonly clientMetadataUrl: string;
}

const clientMetadata: OAuthClientMetadata = {
  client_name: 'MCP SDK e2e',
  redirect_uris: [],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
};

/** An SDK provider whose client_id is a metadata document URL; `redirects` collects the authorize URLs. */
function providerFor(clientId: string): { provider: CimdClientProvider; redirects: URL[] } {
  const redirects: URL[] = [];
  const provider = new CimdClientProvider(
    redirectUrl,
    { ...clientMetadata, redirect_uris: [redirectUrl] },
    (url) => redirects.push(url),
    clientId,
  );
  return { provider, redirects };
}

/** The callback's code, after checking what RFC 9207 and the request promise (the SDK does not check iss). */
function codeOf(callback: URL): string {
  assert.equal(callback.searchParams.get('iss'), issuer, 'RFC 9207: the authorization response names the issuer');
  assert.equal(callback.searchParams.get('error'), null, callback.href);
  const code = callback.searchParams.get('code');
  assert.ok(code !== null, callback.href);
  return code;
}

async function callWhoAmI(provider: CimdClientProvider): Promise<WhoAmI> {
  const client = new Client({ name: 'cimd-e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: provider }));
  try {
    const tools = await client.listTools();
    assert.deepEqual(
      tools.tools.map((t) => t.name),
      ['whoami'],
    );
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    assert.notEqual(result.isError, true);
    return result.structuredContent as WhoAmI;
  } finally {
    await client.close();
  }
}

/** A raw MCP request (tools/list) with a given bearer token, to see the server's answer as sent. */
function listToolsWith(token: string): Promise<Response> {
  return fetch(mcp.url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
}

describe('MCP SDK client with a CIMD client_id against an MCP server protected by @cimd/mcp', () => {
  test(
    'M-C1, M-C2, M-G1: auth() with clientMetadataUrl returns REDIRECT with the URL as client_id, PKCE S256 and the resource; no DCR',
    BOUND,
    async () => {
      const { provider, redirects } = providerFor(publicClientId);
      const recorded = recordingFetch();
      const result = await auth(provider, { serverUrl: mcp.url, fetchFn: recorded.fetch });
      assert.equal(result, 'REDIRECT');
      const url = redirects[0];
      assert.ok(url !== undefined);
      assert.equal(`${url.origin}${url.pathname}`, `${issuer}/authorize`);
      assert.equal(url.searchParams.get('client_id'), publicClientId);
      assert.equal(url.searchParams.get('resource'), mcp.url, 'RFC 8707: the canonical URI from the protected resource metadata');
      assert.equal(url.searchParams.get('scope'), 'mcp:tools', 'MCP scope selection: scopes_supported of the metadata');
      assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(url.searchParams.get('redirect_uri'), redirectUrl);
      assert.deepEqual(provider.clientInformation(), { client_id: publicClientId, issuer });
      assert.ok(!recorded.calls.some((c) => new URL(c.url).pathname === '/register'), 'no Dynamic Client Registration');
      assert.ok(
        recorded.calls.some((c) => c.url === `${issuer}/.well-known/oauth-authorization-server` && c.status === 200),
        'RFC 8414 metadata was read',
      );
    },
  );

  test(
    'M-AS1, M-AS4, M-AS6, R67: 401 → PRM → AS metadata → consent in Chromium → AUTHORIZED → the whoami tool call succeeds',
    BOUND,
    async () => {
      const { provider, redirects } = providerFor(publicClientId);
      const recorded = recordingFetch();
      const documentHits = origin.hits(PUBLIC_DOCUMENT);

      // The client calls the MCP server without a token and learns everything from the 401.
      const first = new Client({ name: 'cimd-e2e', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: provider, fetch: recorded.fetch });
      await assert.rejects(first.connect(transport), UnauthorizedError);
      const [challenged, prm, asMetadata] = recorded.calls;
      assert.deepEqual([challenged?.method, challenged?.url, challenged?.status], ['POST', mcp.url, 401]);
      assert.deepEqual(
        [prm?.url, prm?.status],
        [mcp.resource.metadataLocations.pathInserted, 200],
        'resource_metadata from the challenge',
      );
      assert.deepEqual([asMetadata?.url, asMetadata?.status], [`${issuer}/.well-known/oauth-authorization-server`, 200]);
      assert.ok(!recorded.calls.some((c) => new URL(c.url).pathname === '/register'), 'no Dynamic Client Registration');
      assert.ok(
        !recorded.calls.some((c) => new URL(c.url).hostname === 'client.test'),
        'the client never fetches its own document',
      );

      const authorizationUrl = redirects[0];
      assert.ok(authorizationUrl !== undefined, 'the SDK sent the user to the authorization server');
      assert.equal(authorizationUrl.searchParams.get('client_id'), publicClientId);
      assert.equal(authorizationUrl.searchParams.get('scope'), 'mcp:tools', 'the scope named by the challenge');

      const callback = await approveInBrowser(authorizationUrl, (page) => {
        assert.match(page, /data-testid="client-host">client\.test</, 'R67: the client_id host is the headline');
        assert.match(page, /data-testid="redirect-host"/, 'M-AS6: the redirect host is shown');
        assert.ok(page.includes(`<code>${mcp.url}</code>`), 'the MCP server is named as the resource');
      });
      assert.equal(
        `${callback.origin}${callback.pathname}`,
        redirectUrl,
        'M-AS4, RFC 8252: the loopback redirect on the requested port',
      );
      assert.equal(
        await auth(provider, { serverUrl: mcp.url, authorizationCode: codeOf(callback), fetchFn: recorded.fetch }),
        'AUTHORIZED',
      );

      const tokenRequest = recorded.calls.find((c) => c.url === `${issuer}/token`);
      assert.ok(tokenRequest !== undefined && tokenRequest.status === 200);
      assert.equal(new URLSearchParams(tokenRequest.body).get('resource'), mcp.url, 'MCP: resource in the token request too');
      const accessToken = provider.tokens()?.access_token ?? '';
      const claims = decodeJwt(accessToken);
      assert.equal(claims.aud, mcp.url, "the token's audience is the MCP server's canonical URI");
      assert.equal(claims['client_id'], publicClientId);

      const who = await callWhoAmI(provider);
      assert.deepEqual(who, { subject: userId, client_id: publicClientId, scopes: ['mcp:tools'], resource: mcp.url });
      assert.equal(origin.hits(PUBLIC_DOCUMENT) - documentHits, 1, 'M-AS1: the authorization server fetched the document once');
      assert.ok(!recorded.calls.some((c) => new URL(c.url).pathname === '/register'));
    },
  );

  test(
    'no token passthrough: a token the AS minted for another resource is refused by the MCP server with 401 invalid_token',
    BOUND,
    async () => {
      // validateResourceURL makes the SDK ask for another resource: a genuine token of this AS, for someone else.
      class OtherResourceProvider extends CimdClientProvider {
        validateResourceURL(): Promise<URL> {
          return Promise.resolve(new URL(OTHER_RESOURCE));
        }
      }
      const redirects: URL[] = [];
      const provider = new OtherResourceProvider(
        redirectUrl,
        { ...clientMetadata, redirect_uris: [redirectUrl] },
        (u) => redirects.push(u),
        publicClientId,
      );
      assert.equal(await auth(provider, { serverUrl: mcp.url }), 'REDIRECT');
      assert.equal(redirects[0]?.searchParams.get('resource'), OTHER_RESOURCE);
      const code = codeOf(await approveInBrowser(redirects[0]));
      assert.equal(await auth(provider, { serverUrl: mcp.url, authorizationCode: code }), 'AUTHORIZED');
      const token = provider.tokens()?.access_token ?? '';
      assert.equal(decodeJwt(token).aud, OTHER_RESOURCE);

      const response = await listToolsWith(token);
      assert.equal(response.status, 401);
      const challenge = extractWWWAuthenticateParams(response);
      assert.equal(challenge.error, 'invalid_token');
      assert.equal(challenge.resourceMetadataUrl?.href, mcp.resource.metadataLocations.pathInserted);
      assert.equal(challenge.scope, 'mcp:tools');
    },
  );

  test(
    'MCP step-up: a token without the required scope gets 403 insufficient_scope naming the scope, as the SDK reads it',
    BOUND,
    async () => {
      const { provider, redirects } = providerFor(publicClientId);
      assert.equal(await auth(provider, { serverUrl: mcp.url, scope: 'profile' }), 'REDIRECT');
      const code = codeOf(await approveInBrowser(redirects[0] as URL));
      assert.equal(await auth(provider, { serverUrl: mcp.url, authorizationCode: code }), 'AUTHORIZED');
      const token = provider.tokens()?.access_token ?? '';
      assert.deepEqual([decodeJwt(token).aud, decodeJwt(token)['scope']], [mcp.url, 'profile']);

      const response = await listToolsWith(token);
      assert.equal(response.status, 403);
      const challenge = extractWWWAuthenticateParams(response);
      assert.equal(challenge.error, 'insufficient_scope');
      assert.equal(challenge.scope, 'mcp:tools', 'the missing scope (profile is held, but is not a scope of this server)');
      assert.equal(challenge.resourceMetadataUrl?.href, mcp.resource.metadataLocations.pathInserted);

      // A client starting over from the challenge asks for exactly the challenged scope. (With a
      // refresh token at hand, SDK 1.32.2's transport refreshes instead, which cannot widen a grant,
      // and gives up with "403 after trying upscoping".)
      const fresh = providerFor(publicClientId);
      const again = await auth(fresh.provider, {
        serverUrl: mcp.url,
        scope: challenge.scope ?? '',
        ...(challenge.resourceMetadataUrl === undefined ? {} : { resourceMetadataUrl: challenge.resourceMetadataUrl }),
      });
      assert.equal(again, 'REDIRECT');
      assert.equal(fresh.redirects[0]?.searchParams.get('scope'), 'mcp:tools');
    },
  );

  test(
    'M-C5, J1-J10: a second client authenticates with private_key_jwt through the SDK helper, and its tool call succeeds',
    BOUND,
    async () => {
      class SignedClientProvider extends CimdClientProvider {
        // Its aud defaults to the AS issuer (rfc7523bis); the key is the one published in the document's jwks.
        addClientAuthentication = createPrivateKeyJwtAuth({
          issuer: signedClientId,
          subject: signedClientId,
          privateKey: signingKey,
          alg: 'ES256',
        });
      }
      const redirects: URL[] = [];
      const provider = new SignedClientProvider(
        redirectUrl,
        { ...clientMetadata, token_endpoint_auth_method: 'private_key_jwt', redirect_uris: [redirectUrl] },
        (u) => redirects.push(u),
        signedClientId,
      );
      const recorded = recordingFetch();
      const first = new Client({ name: 'cimd-e2e', version: '1.0.0' });
      await assert.rejects(
        first.connect(new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: provider, fetch: recorded.fetch })),
        UnauthorizedError,
      );
      assert.equal(redirects[0]?.searchParams.get('client_id'), signedClientId);
      const code = codeOf(await approveInBrowser(redirects[0]));
      assert.equal(await auth(provider, { serverUrl: mcp.url, authorizationCode: code, fetchFn: recorded.fetch }), 'AUTHORIZED');

      const tokenRequest = new URLSearchParams(recorded.calls.find((c) => c.url === `${issuer}/token`)?.body ?? '');
      assert.equal(tokenRequest.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      const assertion = decodeJwt(tokenRequest.get('client_assertion') ?? '');
      assert.deepEqual([assertion.iss, assertion.sub, assertion.aud], [signedClientId, signedClientId, issuer]);

      const who = await callWhoAmI(provider);
      assert.deepEqual(who, { subject: userId, client_id: signedClientId, scopes: ['mcp:tools'], resource: mcp.url });
      assert.ok(!recorded.calls.some((c) => new URL(c.url).pathname === '/register'));
    },
  );
});
