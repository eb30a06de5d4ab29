/**
 * Two real server processes (`cimd-server` through tsx, as `npm run server` runs it) on different
 * loopback ports, sharing one PostgreSQL schema and one Redis prefix, behind a small round-robin
 * TCP balancer. The issuer of both is the balancer's URL: the one public name of the deployment,
 * which tokens carry as `iss` and which every instance must present identically, whatever port
 * it listens on. The test talks to each instance directly to choose where each step happens.
 *
 * The client is a CIMD client whose document is served by a real HTTPS origin on loopback (the
 * node test kit), fetched by each server through its safe fetcher in development mode.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { POSTGRES_MIGRATIONS } from '../../packages/server/src/store/postgres/migrations.js';
import { formFields } from '../../packages/server/test/support/browser.js';
import { testSchemas } from '../../packages/server/test/support/postgres.js';
import { testRedisPrefixes } from '../../packages/server/test/support/redis.js';
import {
  createTestPki,
  jsonAnswer,
  startOriginServer,
  type OriginServer,
  type TestPki,
} from '../../packages/node/test/kit/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BOUND = { timeout: 120_000 };
/** Hang detection for starting and stopping a process, not a speed check. */
const PROCESS_BOUND_MS = 45_000;

const schemas = testSchemas('e2e');
const prefixes = testRedisPrefixes('e2e');

let pki: TestPki;
let origin: OriginServer;
let balancer: Server;
let issuer: string;
let storeUrl: string;
let cacheUrl: string;
let caFile: string;
const children: ChildProcess[] = [];

/** The environment of an operator's shell plus development mode; nothing from the test runner. */
function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CIMD_') && !k.startsWith('NODE_TEST')) env[k] = v;
  return { ...env, CIMD_MODE: 'development', CIMD_LOG_LEVEL: 'warn' };
}

function cli(args: readonly string[]): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'packages/server/src/bin/cimd-server.ts', ...args],
    {
      cwd: ROOT,
      env: serverEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  return child;
}

/** Run a command to its end; its status and output. */
async function run(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = cli(args);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const [status] = (await once(child, 'exit')) as [number | null];
  return { status, stdout, stderr };
}

/** A free loopback port (probed, then released for the server to take). */
async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

interface Instance {
  readonly url: string;
  readonly process: ChildProcess;
  stderr(): string;
}

/** Start `cimd-server` on `port` with the shared configuration; resolves once it answers. */
async function startInstance(port: number): Promise<Instance> {
  const child = cli([
    '--port',
    String(port),
    '--issuer',
    issuer,
    '--store',
    storeUrl,
    '--cache',
    cacheUrl,
    '--resolve',
    'client.test:127.0.0.1',
    '--ca',
    caFile,
    '--allow-loopback',
  ]);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdout?.resume();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before answering:\n${stderr}`);
    const ok = await fetch(`${url}/.well-known/oauth-authorization-server`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (performance.now() - started > PROCESS_BOUND_MS) throw new Error(`no answer from ${url}:\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, process: child, stderr: () => stderr };
}

/** A round-robin TCP balancer on loopback: each new connection goes to the next backend. */
async function startBalancer(port: number, backends: readonly number[]): Promise<Server> {
  let next = 0;
  const server = createServer((socket) => {
    const upstream = connect({ host: '127.0.0.1', port: backends[next++ % backends.length] as number });
    socket.pipe(upstream).pipe(socket);
    const close = (): void => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', close);
    upstream.on('error', close);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** Cookies of one instance's origin, and its login and consent forms filled in (no redirects followed). */
class UserAgent {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async send(path: string, form?: Record<string, string>): Promise<Response> {
    const headers = new Headers({ accept: 'text/html' });
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie !== '') headers.set('cookie', cookie);
    if (form !== undefined) headers.set('content-type', 'application/x-www-form-urlencoded');
    const response = await fetch(new URL(path, this.base), {
      method: form === undefined ? 'GET' : 'POST',
      headers,
      ...(form === undefined ? {} : { body: new URLSearchParams(form).toString() }),
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      if (/max-age=0/i.test(line) || eq === pair.length - 1) this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  }

  /** Authorize, sign in and approve; returns the redirect to the client. */
  async authorize(query: URLSearchParams, username: string, password: string): Promise<URL> {
    let response = await this.send(`/authorize?${query.toString()}`);
    for (let step = 0; step < 10; step++) {
      const location = response.headers.get('location');
      if (location !== null) {
        const next = new URL(location, this.base);
        if (next.origin !== this.base) return next;
        response = await this.send(next.pathname + next.search);
        continue;
      }
      const page = await response.text();
      assert.equal(response.status, 200, page.slice(0, 400));
      if (page.includes('action="/login"')) response = await this.send('/login', { ...formFields(page), username, password });
      else if (page.includes('action="/consent"'))
        response = await this.send('/consent', { ...formFields(page), decision: 'approve' });
      else assert.fail(`an unexpected page: ${page.slice(0, 400)}`);
    }
    assert.fail('the authorization did not end');
  }
}

interface TokenAnswer {
  readonly status: number;
  readonly body: { access_token?: string; refresh_token?: string; error?: string };
}

async function tokenAt(base: string, form: Record<string, string>): Promise<TokenAnswer> {
  const res = await fetch(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as TokenAnswer['body'] };
}

before(async () => {
  pki = await createTestPki();
  caFile = join(pki.dir, 'e2e-ca.pem');
  await writeFile(caFile, pki.ca.certPem);
  origin = await startOriginServer({ certificate: pki.leaf });
  storeUrl = schemas.url(schemas.next());
  cacheUrl = prefixes.url(prefixes.next());
});

after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  balancer?.close();
  await origin?.close();
  await pki?.dispose();
});

describe('two cimd-server processes, one PostgreSQL, one Redis', () => {
  test(
    'OAuth 2.1, RFC 9700 §4.14, RFC 7009: authorize on A, token on B, refresh on B then A, revoke on A; the refresh then fails on every instance; keys and issuer are one',
    BOUND,
    async () => {
      // The operator's steps: migrate once, create the account, start the instances.
      const migrated = await run(['migrate', '--store', storeUrl]);
      assert.equal(migrated.status, 0, migrated.stderr);
      assert.match(migrated.stdout, new RegExp(`applied migrations ${POSTGRES_MIGRATIONS.map((m) => m.version).join(', ')}\\n`));
      const again = await run(['migrate', '--store', storeUrl]);
      assert.match(again.stdout, /the schema is current/);
      const added = await run(['users', 'add', 'alice', '--generate-password', '--store', storeUrl]);
      assert.equal(added.status, 0, added.stderr);
      const password = /^alice (\S+)$/m.exec(added.stdout)?.[1];
      assert.ok(password !== undefined, added.stdout);

      const [portA, portB, portLb] = [await freePort(), await freePort(), await freePort()];
      issuer = `http://127.0.0.1:${portLb}`;
      const [a, b] = await Promise.all([startInstance(portA), startInstance(portB)]);
      balancer = await startBalancer(portLb, [portA, portB]);

      // Both present the same issuer and metadata, wherever they listen.
      const metadata = await Promise.all(
        [a.url, b.url, issuer].map(async (u): Promise<unknown> =>
          (await fetch(`${u}/.well-known/oauth-authorization-server`)).json(),
        ),
      );
      assert.deepEqual(metadata[0], metadata[1]);
      assert.deepEqual(metadata[0], metadata[2]);
      assert.equal((metadata[0] as { issuer: string }).issuer, issuer);

      // The CIMD client: its document on a real HTTPS origin.
      const clientId = origin.url('client.test', '/oauth/app.json').href;
      const redirectUri = 'http://127.0.0.1:49152/callback';
      origin.route(
        '/oauth/app.json',
        jsonAnswer(
          {
            client_id: clientId,
            client_name: 'Two-instance App',
            redirect_uris: [redirectUri],
            grant_types: ['authorization_code', 'refresh_token'],
            token_endpoint_auth_method: 'none',
          },
          { 'cache-control': 'max-age=600' },
        ),
      );

      // 1. Authorization, sign-in and consent on A.
      const verifier = randomBytes(32).toString('base64url');
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: redirectUri,
        scope: 'read offline_access',
        state: 'xyz',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      });
      const callback = await new UserAgent(a.url).authorize(query, 'alice', password);
      assert.equal(callback.origin + callback.pathname, redirectUri);
      assert.equal(callback.searchParams.get('iss'), issuer, 'RFC 9207: the authorization response names the shared issuer');
      const code = callback.searchParams.get('code') ?? '';

      // 2. The code redeemed on B (it finds the code, the grant and the cached client A stored).
      const form = {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        client_id: clientId,
        redirect_uri: redirectUri,
      };
      const issued = await tokenAt(b.url, form);
      assert.equal(issued.status, 200, JSON.stringify(issued.body));
      assert.equal(origin.hits('/oauth/app.json'), 1, 'the document was fetched once for both instances');

      // 3. Refresh on B, then on A.
      const onB = await tokenAt(b.url, {
        grant_type: 'refresh_token',
        refresh_token: issued.body.refresh_token ?? '',
        client_id: clientId,
      });
      assert.equal(onB.status, 200, JSON.stringify(onB.body));
      const onA = await tokenAt(a.url, {
        grant_type: 'refresh_token',
        refresh_token: onB.body.refresh_token ?? '',
        client_id: clientId,
      });
      assert.equal(onA.status, 200, JSON.stringify(onA.body));

      // Signing keys are shared: a token signed on one instance verifies with the other's JWKS.
      const jwks = async (base: string) => createLocalJWKSet((await (await fetch(`${base}/jwks`)).json()) as JSONWebKeySet);
      const byB = await jwtVerify(issued.body.access_token ?? '', await jwks(a.url), { issuer });
      const byA = await jwtVerify(onA.body.access_token ?? '', await jwks(b.url), { issuer });
      assert.equal(byB.payload['client_id'], clientId);
      assert.equal(byA.payload.sub, byB.payload.sub);
      assert.equal(
        decodeProtectedHeader(onA.body.access_token ?? '').kid,
        decodeProtectedHeader(issued.body.access_token ?? '').kid,
      );

      // 4. Revocation on A ends the grant on every instance.
      const revoked = await fetch(`${a.url}/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: onA.body.refresh_token ?? '', client_id: clientId }).toString(),
      });
      assert.equal(revoked.status, 200);
      for (const base of [a.url, b.url, issuer, issuer]) {
        const refused = await tokenAt(base, {
          grant_type: 'refresh_token',
          refresh_token: onA.body.refresh_token ?? '',
          client_id: clientId,
        });
        assert.equal(refused.body.error, 'invalid_grant', `refresh after revocation through ${base}`);
      }

      // (A second use of the code would itself revoke the grant, OAuth 2.1 §4.1.3; by now it is refused anyway.)
      assert.equal((await tokenAt(a.url, form)).body.error, 'invalid_grant', 'the code is spent for A as well');

      // Both stop cleanly on SIGTERM (pools and Redis connections closed).
      for (const instance of [a, b]) {
        instance.process.kill('SIGTERM');
        const [status] = (await once(instance.process, 'exit')) as [number | null];
        assert.equal(status, 0, instance.stderr());
      }
    },
  );
});
