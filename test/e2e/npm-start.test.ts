/**
 * Smoke test of the server's command line as `npm start` runs it: a real subprocess
 * (`node --conditions=source --import tsx packages/server/src/bin/cimd-server.ts --dev ...`) with
 * SQLite in a temporary folder and free ports, read through its start banner, used over HTTP
 * (metadata, the demo app, a full sign-in with the printed demo password), then stopped with
 * SIGTERM, which must end it cleanly with status 0.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HttpUserAgent } from './support/http-user-agent.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BOUND = { timeout: 90_000 };
/** Setup and teardown are bounded too. */
const HOOK_BOUND = { timeout: 60_000 };
/** Bounds for the process to start and to stop (hang detection, not a speed check). */
const START_BOUND_MS = 45_000;
const STOP_BOUND_MS = 15_000;

interface Banner {
  readonly issuer: string;
  readonly password: string;
  readonly service: string;
}

let dir: string;
let child: ChildProcess | undefined;
let stderr = '';
let stdout = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cimd-e2e-start-'));
}, HOOK_BOUND);

after(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  await rm(dir, { recursive: true, force: true });
}, HOOK_BOUND);

/** The environment of a user's shell: no CIMD_* overrides, nothing from the test runner. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CIMD_') && !k.startsWith('NODE_TEST')) env[k] = v;
  return env;
}

/** Wait until stderr shows the whole banner (or the process dies, or the bound passes). */
async function readBanner(proc: ChildProcess): Promise<Banner> {
  const parse = (): Banner | undefined => {
    const issuer = /^ {2}issuer {3}(http:\/\/\S+)$/m.exec(stderr)?.[1];
    const password = /with the password (\S+)/.exec(stderr)?.[1];
    const service = /CIMD Service \(development\) +(https:\/\/\S+)/.exec(stderr)?.[1];
    return issuer === undefined || password === undefined || service === undefined ? undefined : { issuer, password, service };
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no banner within ${START_BOUND_MS} ms; stderr:\n${stderr}`)),
      START_BOUND_MS,
    );
    const check = (): void => {
      const banner = parse();
      if (banner !== undefined) finish(banner);
    };
    const died = (code: number | null): void =>
      finish(new Error(`the server exited (${String(code)}) before its banner:\n${stderr}`));
    function finish(result: Banner | Error): void {
      clearTimeout(timer);
      proc.stderr?.off('data', check);
      proc.off('exit', died);
      if (result instanceof Error) reject(result);
      else resolve(result);
    }
    proc.stderr?.on('data', check);
    proc.on('exit', died);
    check();
  });
}

test(
  'R56, R80, R67: `cimd-server --dev --port 0 --service-port 0` starts, prints issuer and demo password, serves metadata and the demo, signs the demo user in, and exits 0 on SIGTERM',
  BOUND,
  async () => {
    const store = `sqlite:${join(dir, 'cimd.db')}`;
    const proc = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        'packages/server/src/bin/cimd-server.ts',
        '--dev',
        '--port',
        '0',
        '--service-port',
        '0',
        '--store',
        store,
      ],
      { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    proc.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    proc.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));

    const banner = await readBanner(proc);
    const issuer = new URL(banner.issuer);
    assert.equal(issuer.hostname, '127.0.0.1');
    assert.notEqual(issuer.port, '0', 'the issuer names the real port, not 0');
    assert.notEqual(new URL(banner.service).port, '0');
    assert.match(stderr, /implementing draft-ietf-oauth-client-id-metadata-document-03/);
    assert.match(stderr, /mode {5}DEVELOPMENT/);
    assert.ok(stderr.includes(`store    ${store}`));

    const metadataResponse = await fetch(`${banner.issuer}/.well-known/oauth-authorization-server`, {
      signal: AbortSignal.timeout(10_000),
    });
    assert.equal(metadataResponse.status, 200);
    assert.match(metadataResponse.headers.get('content-type') ?? '', /^application\/json/);
    const metadata = (await metadataResponse.json()) as Record<string, unknown>;
    assert.equal(metadata['issuer'], banner.issuer);
    assert.equal(metadata['client_id_metadata_document_supported'], true, 'R56');
    assert.equal(metadata['authorization_endpoint'], `${banner.issuer}/authorize`);

    const demo = await fetch(`${banner.issuer}/demo`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(demo.status, 200);
    const demoPage = await demo.text();
    const demoClientId = `${banner.service}/clients/demo-app.json`;
    assert.ok(demoPage.includes(demoClientId), 'R80: the demo client_id is a URL on the development CIMD Service');

    // The printed password is the demo user's: the whole demo flow works in the subprocess.
    const agent = new HttpUserAgent(issuer.origin);
    const start = await agent.get('/demo/start');
    assert.equal(start.status, 302);
    const authorizationUrl = new URL(start.headers.get('location') ?? '', issuer.origin);
    assert.equal(authorizationUrl.searchParams.get('client_id'), demoClientId);
    const { callback, pages } = await agent.authorize(authorizationUrl, {
      username: 'demo',
      password: banner.password,
      until: (u) => u.pathname === '/demo/callback',
    });
    assert.ok(
      pages.some((p) => p.includes('data-testid="client-host"') && p.includes('cimd-service.localhost')),
      'R67',
    );
    const signedIn = await agent.get(callback);
    const signedInPage = await signedIn.text();
    assert.equal(signedIn.status, 200, signedInPage.slice(0, 400));
    assert.match(signedInPage, /data-testid="claims"/);
    assert.ok(signedInPage.includes(demoClientId.replace(/&/g, '&amp;')));

    for (const line of stdout.split('\n').filter((l) => l.trim() !== '')) {
      assert.doesNotThrow(() => JSON.parse(line), `stdout carries JSON log lines only: ${line}`);
    }

    const exited = once(proc, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    assert.ok(proc.kill('SIGTERM'));
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), STOP_BOUND_MS)));
    const outcome = await Promise.race([exited, bound]);
    clearTimeout(timer);
    assert.notEqual(outcome, 'hung', `the server did not exit within ${STOP_BOUND_MS} ms of SIGTERM`);
    assert.deepEqual(outcome, [0, null], `clean exit; stderr:\n${stderr}`);
    assert.match(stderr, /SIGTERM: shutting down/);
  },
);
