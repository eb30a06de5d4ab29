/**
 * The trust tiers as a person meets them: Debian's Chromium (playwright-core) against a server
 * started as `npm start` starts one (development mode, SQLite in a temporary folder), the clients'
 * documents and logos on a local HTTPS origin (client.test, the kit's CA), fetched by the real
 * safe fetcher. Approving users beyond the first are synthetic: approvals recorded in the store,
 * as that many users clicking "Allow" would leave them.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { createAdminService, createUser, loadConfig, startServer, type RunningServer } from '@cimd/server';
import {
  createTestPki,
  jsonAnswer,
  startOriginServer,
  type OriginServer,
  type TestPki,
} from '../../packages/node/test/kit/index.js';
import { launchChromium } from './support/chromium.js';
import { captureServerLog } from './support/server-log.js';

const BOUND = { timeout: 90_000 };
const HOOK_BOUND = { timeout: 60_000 };
const STEP_MS = 15_000;
const PASSWORD = 'a password for the trust tests';

/** The smallest valid PNG (1×1, RGBA). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

let dir: string;
let pki: TestPki;
let origin: OriginServer;
let running: RunningServer;
let browser: Browser;
let issuer: string;
const serverLog = captureServerLog();
/** `https://client.test:<port>` */
let site: string;

/** Publish a client document on the HTTPS origin; its redirect URI and logo on the same host. */
function publish(path: string, extra: Record<string, unknown> = {}): string {
  const clientId = `${site}${path}`;
  origin.route(
    path,
    jsonAnswer(
      { client_id: clientId, client_name: 'Browser App', redirect_uris: [`${site}/callback`], ...extra },
      { 'cache-control': 'max-age=300' },
    ),
  );
  return clientId;
}

async function approveSynthetically(clientId: string, from: number, to: number): Promise<void> {
  const approvals = running.server.context.stores.trust.approvals;
  for (let i = from; i < to; i++) {
    await approvals.record({ clientId, userId: `synthetic-${i}`, domain: 'client.test', approvedAt: Date.now() });
  }
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cimd-e2e-trust-'));
  pki = await createTestPki();
  origin = await startOriginServer({ certificate: pki.leaf });
  site = origin.url('client.test', '/').origin;
  origin.route('/callback', {
    status: 200,
    headers: { 'content-type': 'text/html' },
    body: '<!doctype html><title>client</title>',
  });
  origin.route('/logo.png', {
    status: 200,
    headers: { 'content-type': 'image/png', 'cache-control': 'max-age=3600' },
    body: PNG,
  });
  origin.route('/logo.svg', {
    status: 200,
    headers: { 'content-type': 'image/svg+xml' },
    body: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
  });
  origin.route('/page.png', {
    status: 200,
    headers: { 'content-type': 'image/png' },
    body: '<!doctype html><script>alert(1)</script>',
  });
  const config = await loadConfig(
    undefined,
    {},
    {
      server: { port: 0, mode: 'development' },
      fetch: { resolve: { 'client.test': '127.0.0.1' }, extraCaFile: pki.ca.certPath, allowLoopback: true },
      stores: { url: `sqlite:${join(dir, 'cimd.db')}` },
      trust: { admins: ['root'] },
    },
  );
  running = await startServer({
    config,
    demo: false,
    servicePort: 0,
    resetDemoPassword: false,
    say: () => undefined,
    logger: serverLog.logger,
  });
  issuer = running.config.server.issuer;
  const random = { token: (n = 32) => randomBytes(n).toString('base64url') };
  for (const name of ['alice', 'root']) await createUser(running.server.context.stores, random, name, PASSWORD, Date.now());
  browser = await launchChromium('MAP client.test 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1');
}, HOOK_BOUND);

after(async () => {
  await browser?.close();
  await running?.close();
  await origin?.close();
  await pki?.dispose();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}, HOOK_BOUND);

afterEach(() => {
  assert.deepEqual(serverLog.takeErrors(), [], 'the server logged no unexpected error');
});

interface Visit {
  readonly page: Page;
  readonly requests: Request[];
}

/** A fresh browser context (own cookies), recording its requests; always closed. */
async function inContext(body: (v: Visit) => Promise<void>): Promise<void> {
  const context: BrowserContext = await browser.newContext({ ignoreHTTPSErrors: true });
  context.setDefaultTimeout(STEP_MS);
  context.setDefaultNavigationTimeout(STEP_MS);
  const requests: Request[] = [];
  context.on('request', (r) => requests.push(r));
  try {
    await body({ page: await context.newPage(), requests });
  } finally {
    await context.close();
  }
}

async function signIn(page: Page, username: string): Promise<void> {
  await page.waitForURL((u) => u.pathname === '/login' || u.pathname === '/admin/login');
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
}

/** Open the authorization request of `clientId` as alice; resolves on the consent page (or an error page). */
async function authorize(page: Page, clientId: string, redirectUri = `${site}/callback`): Promise<void> {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: 'read',
    state: 'trust-e2e',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  });
  await page.goto(`${issuer}/authorize?${q.toString()}`);
  await signIn(page, 'alice');
  await page.waitForSelector('[data-testid=client-host], [data-testid=reason]');
}

const tier = (page: Page): Promise<string | null> => page.getAttribute('[data-testid=consent]', 'data-tier');
const offSite = (requests: readonly Request[]): string[] =>
  requests.map((r) => r.url()).filter((u) => new URL(u).origin !== new URL(issuer).origin);

describe('trust tiers in Chromium (R75, R74, R78, R62)', () => {
  test(
    'R75: a first-seen client shows the warning and only its domain; approving sends the browser to its redirect URI',
    BOUND,
    async () => {
      const clientId = publish('/first.json', { logo_uri: `${site}/logo.png` });
      await inContext(async ({ page, requests }) => {
        await authorize(page, clientId);
        assert.equal(await tier(page), 'first-seen');
        assert.ok(await page.isVisible('[data-testid=notice-danger]'));
        assert.match((await page.textContent('[data-testid=notice-danger]')) ?? '', /has not seen this app before/);
        assert.equal((await page.textContent('[data-testid=client-host]'))?.trim(), 'client.test');
        assert.equal(await page.$('[data-testid=client-name]'), null);
        assert.equal(await page.$('[data-testid=client-logo]'), null);
        assert.deepEqual(offSite(requests), [], 'nothing loaded from the client host');
        await page.click('button[name=decision][value=approve]');
        await page.waitForURL((u) => u.hostname === 'client.test');
        assert.ok(new URL(page.url()).searchParams.has('code'));
      });
      assert.equal(origin.hits('/logo.png'), 0, 'R74: no logo is fetched for a first-seen client');
    },
  );

  test('R75: with 10 approving users the warning is gone; with 100 the name appears with its byline', BOUND, async () => {
    const clientId = publish('/named.json');
    await approveSynthetically(clientId, 0, 10);
    await inContext(async ({ page }) => {
      await authorize(page, clientId);
      assert.equal(await tier(page), 'established');
      assert.equal(await page.$('[data-testid=notice-danger]'), null);
      assert.equal(await page.$('[data-testid=client-name]'), null);
    });
    await approveSynthetically(clientId, 10, 100);
    await inContext(async ({ page }) => {
      await authorize(page, clientId);
      assert.equal(await tier(page), 'named');
      assert.equal(
        (await page.textContent('[data-testid=client-name]'))?.replace(/\s+/g, ' ').trim(),
        'calls itself “Browser App” (name set by the app at client.test)',
      );
    });
  });

  test(
    'R74: with 1000 approving users the logo shows, loaded from our own origin as the PNG it is; the client host is never contacted by the browser',
    BOUND,
    async () => {
      const clientId = publish('/logo-app.json', { logo_uri: `${site}/logo.png` });
      await approveSynthetically(clientId, 0, 1000);
      const before = origin.hits('/logo.png');
      await inContext(async ({ page, requests }) => {
        const image = page.waitForResponse((r) => new URL(r.url()).pathname.startsWith('/logos/'));
        await authorize(page, clientId);
        assert.equal(await tier(page), 'recognized');
        const logo = await image;
        assert.equal(new URL(logo.url()).origin, new URL(issuer).origin);
        assert.equal(logo.status(), 200);
        assert.equal(await logo.headerValue('content-type'), 'image/png');
        assert.equal(await logo.headerValue('x-content-type-options'), 'nosniff');
        assert.match((await logo.headerValue('content-security-policy')) ?? '', /default-src 'none'/);
        await page.waitForFunction(
          () => document.querySelector<HTMLImageElement>('[data-testid=client-logo]')?.complete === true,
        );
        assert.equal(
          await page.$eval('[data-testid=client-logo]', (img) => (img as HTMLImageElement).naturalWidth),
          1,
          'the browser decoded it',
        );
        assert.deepEqual(offSite(requests), []);
      });
      assert.equal(origin.hits('/logo.png'), before + 1, 'fetched once, by the server');
    },
  );

  test('R74: an SVG logo and an HTML page posing as a PNG are never shown, however trusted the client', BOUND, async () => {
    const admin = createAdminService(running.server.context);
    for (const [path, logo, reason] of [
      ['/svg-app.json', '/logo.svg', 'fetch-content-type'],
      ['/html-app.json', '/page.png', 'logo-not-image'],
    ] as const) {
      const clientId = publish(path, { logo_uri: `${site}${logo}` });
      await admin.register(clientId, 'admin:e2e', 'trusted');
      await inContext(async ({ page }) => {
        await authorize(page, clientId);
        assert.equal(await tier(page), 'trusted');
        assert.equal(await page.$('[data-testid=client-logo]'), null, path);
      });
      const [refused] = await admin.audit({ clientId, action: 'logo-refused', limit: 1 });
      assert.equal(refused?.detail['reason'], reason, path);
    }
  });

  test(
    'R62: a first-seen client whose redirect URI is on another host stops on our error page; nothing reaches that host',
    BOUND,
    async () => {
      const clientId = publish('/elsewhere.json', { redirect_uris: ['https://attacker.test/cb'] });
      await inContext(async ({ page, requests }) => {
        await authorize(page, clientId, 'https://attacker.test/cb');
        assert.equal((await page.textContent('[data-testid=reason]'))?.trim(), 'trust-redirect-host-mismatch');
        await page.waitForLoadState('networkidle');
        assert.equal(new URL(page.url()).origin, new URL(issuer).origin);
        assert.deepEqual(offSite(requests), []);
      });
    },
  );

  test(
    'R75, R78: an administrator reviews the client in the console; the consent page then links its pages (noreferrer noopener) and shows the mark',
    BOUND,
    async () => {
      const clientId = publish('/reviewed.json', { client_uri: `${site}/`, policy_uri: `${site}/privacy` });
      await createAdminService(running.server.context).register(clientId, 'admin:e2e', 'trusted');
      await inContext(async ({ page }) => {
        await page.goto(`${issuer}/admin`);
        await signIn(page, 'root');
        await page.waitForURL((u) => u.pathname === '/admin');
        await page.click(`a[href="/admin/client?client_id=${encodeURIComponent(clientId)}"]`);
        await page.click('button:has-text("Mark reviewed")');
        await page.waitForSelector('[data-testid=admin-notice]');
        assert.match((await page.textContent('[data-testid=client-tier]')) ?? '', /^reviewed/);
      });
      await inContext(async ({ page, requests }) => {
        await authorize(page, clientId);
        assert.equal(await tier(page), 'reviewed');
        assert.ok(await page.isVisible('[data-testid=reviewed-mark]'));
        const links = await page.$$eval('[data-testid=client-link]', (as) =>
          as.map((a) => [a.getAttribute('href'), a.getAttribute('rel')]),
        );
        assert.deepEqual(links, [
          [`${site}/`, 'noreferrer noopener'],
          [`${site}/privacy`, 'noreferrer noopener'],
        ]);
        assert.deepEqual(offSite(requests), [], 'links are not loads');
      });
      const [decision] = await createAdminService(running.server.context).audit({ clientId, action: 'client-trust', limit: 1 });
      assert.deepEqual([decision?.actor, decision?.detail['trust']], ['admin:root', 'reviewed']);
    },
  );
});
