/**
 * The thin adapters over the framework-neutral core: node:http (a real server on loopback),
 * Express-style `(req, res, next)` middleware on the same server, and Hono in memory.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Hono } from 'hono';
import {
  createProtectedResource,
  expressGuard,
  honoGuard,
  nodeHttpGuard,
  type ExpressRequestLike,
  type ProtectedResource,
  type VerifiedAccessToken,
} from '../src/index.js';
import { startTokenIssuer, type TokenIssuer } from './support/token-issuer.js';

let as: TokenIssuer;
before(async () => {
  as = await startTokenIssuer();
});
after(() => as.close());

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; origin: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Send raw bytes and return the status line: for requests fetch() cannot make. */
function rawStatus(origin: string, text: string): Promise<string> {
  const { port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(text));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
      if (data.includes('\r\n')) {
        resolve(data.slice(0, data.indexOf('\r\n')));
        socket.destroy();
      }
    });
    socket.on('error', reject);
  });
}

function guardFor(origin: string): ProtectedResource {
  return createProtectedResource({ resource: `${origin}/mcp`, authorizationServer: as.issuer, requiredScopes: ['mcp:tools'] });
}

describe('node:http adapter', () => {
  let server: Server;
  let origin: string;
  let guard: ProtectedResource;
  before(async () => {
    ({ server, origin } = await listen((req, res) => {
      const check = nodeHttpGuard(guard);
      void check(req, res).then((token) => {
        if (token === undefined) return;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ sub: token.subject, scopes: token.scopes }));
      });
    }));
    guard = guardFor(origin);
  });
  after(() => close(server));

  test('serves the metadata at both well-known URIs, challenges without a token, and hands a valid token to the handler', async () => {
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const r = await fetch(`${origin}${path}`);
      assert.equal(r.status, 200);
      assert.deepEqual(await r.json(), guard.metadata);
    }
    const anonymous = await fetch(`${origin}/mcp`, { method: 'POST' });
    assert.equal(anonymous.status, 401);
    assert.equal(
      anonymous.headers.get('www-authenticate'),
      `Bearer scope="mcp:tools", resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`,
    );
    const token = await as.mint(`${origin}/mcp`, Date.now());
    const ok = await fetch(`${origin}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { sub: 'u_alice', scopes: ['mcp:tools'] });
  });

  test('two Authorization headers on the wire are refused (Node alone would keep the first)', async () => {
    const token = await as.mint(`${origin}/mcp`, Date.now());
    const status = await rawStatus(
      origin,
      `GET /mcp HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nAuthorization: Bearer other\r\nConnection: close\r\n\r\n`,
    );
    assert.match(status, /^HTTP\/1\.1 400 /);
  });

  test('the Host header does not move the resource: challenges name the configured resource', async () => {
    const status = await rawStatus(origin, 'GET /mcp HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n');
    assert.match(status, /^HTTP\/1\.1 401 /);
    const r = await fetch(`${origin}/mcp`, { headers: { 'x-forwarded-host': 'evil.example' } });
    assert.match(r.headers.get('www-authenticate') ?? '', new RegExp(`resource_metadata="${origin}/`));
  });

  test('a method a Web Request cannot carry (TRACE) gets 405', async () => {
    assert.match(await rawStatus(origin, 'TRACE /mcp HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), /^HTTP\/1\.1 405 /);
  });
});

describe('Express-style middleware (req, res, next)', () => {
  let server: Server;
  let origin: string;
  let guard: ProtectedResource;
  const seen: ExpressRequestLike[] = [];
  before(async () => {
    ({ server, origin } = await listen((req, res) => {
      // What Express does when the middleware is mounted under /mcp: url loses the mount path.
      const expressReq = Object.assign(req, { originalUrl: req.url ?? '/', url: (req.url ?? '/').replace(/^\/mcp/, '') || '/' });
      expressGuard(guard)(expressReq, res, (error?: unknown) => {
        seen.push(expressReq);
        res.statusCode = error === undefined ? 200 : 500;
        res.end(error === undefined ? 'next' : 'error');
      });
    }));
    guard = guardFor(origin);
  });
  after(() => close(server));

  test('reads originalUrl, sets req.auth in the MCP SDK AuthInfo shape and req.accessToken, then calls next()', async () => {
    const token = await as.mint(`${origin}/mcp`, Date.now(), { claims: { scope: 'mcp:tools profile' } });
    const r = await fetch(`${origin}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    assert.equal(await r.text(), 'next');
    const req = seen.at(-1);
    assert.ok(req?.auth !== undefined && req.accessToken !== undefined);
    assert.equal(req.auth.token, token);
    assert.equal(req.auth.clientId, 'https://client.example/oauth/client.json');
    assert.deepEqual(req.auth.scopes, ['mcp:tools', 'profile']);
    assert.equal(req.auth.resource?.href, `${origin}/mcp`);
    assert.equal(req.auth.extra?.['subject'], 'u_alice');
    assert.equal(req.accessToken.subject, 'u_alice');
  });

  test('refusals and the metadata are answered without calling next()', async () => {
    const before = seen.length;
    assert.equal((await fetch(`${origin}/mcp`)).status, 401);
    const other = await as.mint('https://other.example/mcp', Date.now());
    const refused = await fetch(`${origin}/mcp`, { headers: { authorization: `Bearer ${other}` } });
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.equal((await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`)).status, 200);
    assert.equal(seen.length, before);
  });
});

describe('Hono middleware', () => {
  const origin = 'https://mcp.example.com';
  let app: Hono<{ Variables: { accessToken: VerifiedAccessToken } }>;
  before(() => {
    const guard = guardFor(origin);
    app = new Hono<{ Variables: { accessToken: VerifiedAccessToken } }>();
    app.use('*', honoGuard(guard));
    app.post('/mcp', (c) => c.json({ sub: c.get('accessToken').subject }));
    app.post('/admin', honoGuard(guard, { scopes: ['mcp:admin'] }), (c) => c.text('admin'));
  });

  test('metadata, challenge and the verified token in c.get("accessToken")', async () => {
    const metadata = await app.request(`${origin}/.well-known/oauth-protected-resource/mcp`);
    assert.equal(metadata.status, 200);
    assert.equal(((await metadata.json()) as { resource: string }).resource, `${origin}/mcp`);
    const anonymous = await app.request(`${origin}/mcp`, { method: 'POST' });
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer scope="mcp:tools", resource_metadata=/);
    const token = await as.mint(`${origin}/mcp`, Date.now());
    const ok = await app.request(`${origin}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    assert.deepEqual(await ok.json(), { sub: 'u_alice' });
  });

  test('a route with its own scopes answers 403 insufficient_scope', async () => {
    const token = await as.mint(`${origin}/mcp`, Date.now());
    const r = await app.request(`${origin}/admin`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 403);
    assert.match(r.headers.get('www-authenticate') ?? '', /error="insufficient_scope".*scope="mcp:tools mcp:admin"/);
  });
});
