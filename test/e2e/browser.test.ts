/**
 * The server as a person meets it: Debian's Chromium driven by playwright-core 1.65.1 against the
 * server started the way `npm start` starts it (the `--dev` demo: a development CIMD Service on
 * HTTPS with its own CA, the demo app at /demo, the demo user; SQLite in a temporary folder; any
 * free ports). Never downloads a browser; every name the browser could resolve is pinned to
 * loopback or made unresolvable, so a faulty redirect could only reach the local test origin.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { DEMO_USERNAME, DEV_SERVICE_HOST, createAdminService, loadConfig, startServer, type RunningServer } from '@cimd/server';
import { createTestPki, startOriginServer, type OriginServer, type TestPki } from '../../packages/node/test/kit/index.js';
import { launchChromium } from './support/chromium.js';
import { captureServerLog } from './support/server-log.js';

/**
 * The consent page screenshot kept in docs/ is refreshed only on request
 * (CIMD_UPDATE_SCREENSHOT=1 npm test -- test/e2e/browser), so ordinary runs leave the tree clean;
 * otherwise it goes to the temp folder and is checked the same way.
 */
const SCREENSHOT =
  process.env['CIMD_UPDATE_SCREENSHOT'] === '1'
    ? fileURLToPath(new URL('../../docs/consent-page.png', import.meta.url))
    : join(tmpdir(), `cimd-consent-page-${process.pid}.png`);
const BOUND = { timeout: 90_000 };
/** Setup and teardown are bounded too. */
const HOOK_BOUND = { timeout: 60_000 };
/** Playwright's own waits, well inside the test bound. */
const STEP_MS = 15_000;

let dir: string;
let pki: TestPki;
let origin: OriginServer;
let running: RunningServer;
const serverLog = captureServerLog();
let browser: Browser;
let issuer: string;
let password: string;
/** A second client, provisioned on the demo's CIMD Service, whose redirect URI is on the kit's HTTPS origin. */
let secondClientId: string;
let registeredRedirect: string;
let unregisteredRedirect: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cimd-e2e-browser-'));
  // The same configuration path as `npm start -- --dev --port 0 --service-port 0 --store sqlite:...`.
  const config = await loadConfig(
    undefined,
    {},
    { server: { port: 0, mode: 'development' }, fetch: {}, stores: { url: `sqlite:${join(dir, 'cimd.db')}` } },
  );
  running = await startServer({
    config,
    demo: true,
    servicePort: 0,
    resetDemoPassword: false,
    say: () => undefined,
    logger: serverLog.logger,
  });
  issuer = running.config.server.issuer;
  assert.ok(running.demoPassword !== undefined, 'a fresh data folder creates the demo user and shows its password');
  password = running.demoPassword;

  pki = await createTestPki();
  origin = await startOriginServer({ certificate: pki.leaf });
  registeredRedirect = origin.url('client.test', '/callback').href;
  unregisteredRedirect = origin.url('client.test', '/stolen').href;
  assert.ok(running.service !== undefined);
  secondClientId = running.service.provision('/clients/second-app.json', {
    client_name: 'Second App',
    redirect_uris: [registeredRedirect],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  });
  // Its redirect URI is on another host than its client_id: a first-seen client may not do that
  // (R62), so an administrator pre-registers and approves it, as an enterprise would (R61).
  await createAdminService(running.server.context).register(secondClientId, 'admin:e2e', 'trusted');

  // client.test is the kit's origin on loopback; every other name fails to resolve.
  browser = await launchChromium('MAP client.test 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1');
}, HOOK_BOUND);

after(async () => {
  await browser?.close();
  await running?.close();
  await origin?.close();
  await pki?.dispose();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}, HOOK_BOUND);

/** Whatever a client saw, the server must not have failed inside (a 500 logs at error level). */
afterEach(() => {
  assert.deepEqual(serverLog.takeErrors(), [], 'the server logged no unexpected error');
});

interface Recorded {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every request the browser made in this context, in order. */
  readonly requests: Request[];
  /** Console messages about Content Security Policy violations. */
  readonly cspViolations: string[];
}

/** Run `body` in a fresh browser context (own cookies and cache) that records its requests; always closed. */
async function inContext(options: { ignoreHTTPSErrors?: boolean }, body: (r: Recorded) => Promise<void>): Promise<void> {
  const context = await browser.newContext({
    viewport: { width: 900, height: 720 },
    colorScheme: 'light',
    ignoreHTTPSErrors: options.ignoreHTTPSErrors ?? false,
  });
  context.setDefaultTimeout(STEP_MS);
  context.setDefaultNavigationTimeout(STEP_MS);
  const requests: Request[] = [];
  const cspViolations: string[] = [];
  context.on('request', (r) => requests.push(r));
  const page = await context.newPage();
  page.on('console', (m) => {
    if (/content security policy/i.test(m.text())) cspViolations.push(m.text());
  });
  try {
    await body({ context, page, requests, cspViolations });
  } finally {
    await context.close();
  }
}

async function signIn(page: Page): Promise<void> {
  await page.waitForURL((u) => u.pathname === '/login');
  await page.fill('#username', DEMO_USERNAME);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
}

async function fontSize(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (e) => parseFloat(getComputedStyle(e).fontSize));
}

/** An authorization request of the second client (PKCE challenge from RFC 7636 Appendix B). */
function secondClientRequest(redirectUri: string, state: string): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: secondClientId,
    redirect_uri: redirectUri,
    scope: 'read',
    state,
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  });
  return `${issuer}/authorize?${params.toString()}`;
}

describe('Chromium walks through the demo', () => {
  test(
    'R67, M-AS6, R76, H18: demo app → login → consent (client host prominent, redirect host, localhost warning, development notice, CSP) → tokens; no third-party requests',
    BOUND,
    async () => {
      await inContext({}, async ({ page, requests, cspViolations }) => {
        await page.goto(`${issuer}/demo`);
        assert.equal((await page.textContent('[data-testid=demo-client-id]'))?.trim(), running.demoClientId);
        await page.click('[data-testid=demo-start]');

        const consentResponse = page.waitForResponse(
          (r) =>
            r.request().resourceType() === 'document' &&
            r.status() === 200 &&
            new URL(r.url()).pathname === '/authorize/continue',
        );
        await signIn(page);
        const consent = await consentResponse;
        await page.waitForSelector('[data-testid=client-host]');

        // R67: the client_id's hostname, as the headline of the page.
        const clientIdUrl = new URL(running.demoClientId ?? '');
        assert.equal(clientIdUrl.hostname, DEV_SERVICE_HOST);
        assert.equal((await page.textContent('[data-testid=client-host]'))?.trim(), DEV_SERVICE_HOST);
        assert.ok(await page.isVisible('[data-testid=client-host]'));
        const hostSize = await fontSize(page, '[data-testid=client-host]');
        assert.ok(hostSize > (await fontSize(page, 'h1')), 'the client host is larger than the page heading');
        assert.ok(hostSize >= 1.5 * (await fontSize(page, 'body')), 'the client host stands out from the text');
        assert.ok((await page.$eval('[data-testid=client-host]', (e) => Number(getComputedStyle(e).fontWeight))) >= 700);
        assert.equal((await page.textContent('[data-testid=client-id]'))?.trim(), running.demoClientId);
        // M-AS6: the redirect URI's host, and the warning for a localhost-only client.
        assert.match((await page.textContent('[data-testid=redirect-host]')) ?? '', /you go to 127\.0\.0\.1/);
        const warning = (await page.textContent('[data-testid=notice-warning]')) ?? '';
        assert.match(warning, /localhost address/);
        // R75: no one approved the demo app yet: first-seen, a prominent warning, its self-asserted name not shown.
        assert.equal(await page.getAttribute('[data-testid=consent]', 'data-tier'), 'first-seen');
        assert.match((await page.textContent('[data-testid=notice-danger]')) ?? '', /has not seen this app before/);
        assert.equal(await page.$('[data-testid=client-name]'), null);
        assert.equal(await page.$('[data-testid=client-logo]'), null);
        // R76: a client of a CIMD Service is marked as in development.
        const info = (await page.textContent('[data-testid=notice-info]')) ?? '';
        assert.match(info, /in development/);
        assert.ok(info.includes(DEV_SERVICE_HOST));

        const csp = (await consent.headerValue('content-security-policy')) ?? '';
        assert.match(csp, /(^|;\s*)frame-ancestors 'none'(;|$)/);
        assert.match(csp, /(^|;\s*)default-src 'none'(;|$)/);
        assert.equal(await consent.headerValue('x-frame-options'), 'DENY');

        await page.screenshot({ path: SCREENSHOT, fullPage: true });
        const size = (await stat(SCREENSHOT)).size;
        assert.ok(size > 5_000 && size < 400_000, `the screenshot is a small PNG (${size} bytes)`);
        if (SCREENSHOT.startsWith(tmpdir())) await rm(SCREENSHOT, { force: true });

        await page.click('button[name=decision][value=approve]');
        await page.waitForURL((u) => u.pathname === '/demo/callback');
        assert.equal((await page.textContent('h1'))?.trim(), 'Signed in', (await page.textContent('main')) ?? '');
        const claims = JSON.parse((await page.textContent('[data-testid=claims]')) ?? '{}') as Record<string, unknown>;
        assert.equal(claims['iss'], issuer);
        assert.equal(claims['client_id'], running.demoClientId);
        assert.equal(claims['scope'], 'profile offline_access');
        assert.equal(typeof claims['sub'], 'string');
        const tokens = JSON.parse((await page.textContent('[data-testid=tokens]')) ?? '{}') as Record<string, unknown>;
        assert.equal(typeof tokens['access_token'], 'string');
        assert.equal(typeof tokens['refresh_token'], 'string');
        assert.equal(String(tokens['token_type']).toLowerCase(), 'bearer');

        // Everything the pages loaded came from the server itself: no fonts, scripts or images elsewhere.
        const own = new URL(issuer).origin;
        assert.ok(requests.length >= 8, `the walk made ${requests.length} requests`);
        assert.deepEqual(
          requests.map((r) => r.url()).filter((u) => new URL(u).origin !== own),
          [],
          'no request left the server origin',
        );
        assert.ok(
          requests.some((r) => r.resourceType() === 'stylesheet'),
          'the stylesheet was loaded (from the server)',
        );
        assert.deepEqual(cspViolations, []);
      });
    },
  );

  test(
    "H15, R26: an unregistered redirect_uri keeps the browser on the server's error page; the client is never contacted",
    BOUND,
    async () => {
      await inContext({ ignoreHTTPSErrors: true }, async ({ page, requests }) => {
        await page.goto(secondClientRequest(unregisteredRedirect, 'negative-case'));
        await signIn(page);
        await page.waitForSelector('[data-testid=reason]');
        assert.equal((await page.textContent('[data-testid=reason]'))?.trim(), 'redirect-uri-not-registered');
        assert.equal(new URL(page.url()).origin, new URL(issuer).origin, 'the browser stays on the server');
        // Give a (wrong) meta refresh or script redirect a chance to fire: the page has neither.
        await page.waitForLoadState('networkidle');
        assert.equal(new URL(page.url()).origin, new URL(issuer).origin);
        assert.equal(origin.hits(), 0, 'the client origin got no request at all');
        assert.deepEqual(
          requests.map((r) => r.url()).filter((u) => new URL(u).hostname === 'client.test'),
          [],
        );
      });
    },
  );

  test(
    "control for H15: the same client with its registered https redirect_uri does reach the client (the consent form's 303 is allowed by CSP form-action)",
    BOUND,
    async () => {
      await inContext({ ignoreHTTPSErrors: true }, async ({ page, cspViolations }) => {
        await page.goto(secondClientRequest(registeredRedirect, 'control-case'));
        await signIn(page);
        await page.waitForSelector('[data-testid=client-host]');
        assert.match((await page.textContent('[data-testid=redirect-host]')) ?? '', /you go to client\.test/);
        // R61, R75: pre-registered and approved by an administrator: its name, with the byline, and no warning.
        assert.equal(await page.getAttribute('[data-testid=consent]', 'data-tier'), 'trusted');
        assert.equal(
          (await page.textContent('[data-testid=client-name]'))?.replace(/\s+/g, ' ').trim(),
          `calls itself “Second App” (name set by the app at ${DEV_SERVICE_HOST})`,
        );
        assert.equal(await page.$('[data-testid=notice-danger]'), null);
        await page.click('button[name=decision][value=approve]');
        await page.waitForURL((u) => u.hostname === 'client.test');
        const landed = new URL(page.url());
        assert.equal(`${landed.origin}${landed.pathname}`, registeredRedirect);
        assert.equal(landed.searchParams.get('state'), 'control-case');
        assert.equal(landed.searchParams.get('iss'), issuer, 'H18');
        assert.ok((landed.searchParams.get('code') ?? '').length > 20);
        // Besides the navigation, Chromium may ask the client's origin for /favicon.ico.
        const navigations = origin.requests.filter((r) => r.path.split('?')[0] === '/callback');
        assert.equal(navigations.length, 1, 'exactly one navigation to the registered redirect URI');
        assert.equal(navigations[0]?.servername, 'client.test');
        assert.deepEqual(cspViolations, []);
      });
    },
  );

  test(
    'H19: returning in a new browser session, the loopback demo client asks for consent again, while the https client approved before goes from the login form straight to its redirect URI (CSP form-action on the login page allows the end of the chain)',
    BOUND,
    async () => {
      await inContext({}, async ({ page }) => {
        await page.goto(`${issuer}/demo/start`);
        await signIn(page);
        await page.waitForSelector('[data-testid=client-host]');
        assert.equal((await page.textContent('[data-testid=client-host]'))?.trim(), DEV_SERVICE_HOST);
      });
      await inContext({ ignoreHTTPSErrors: true }, async ({ page, cspViolations }) => {
        const before = origin.requests.filter((r) => r.path.startsWith('/callback?')).length;
        await page.goto(secondClientRequest(registeredRedirect, 'returning'));
        await signIn(page);
        await page.waitForURL((u) => u.hostname === 'client.test');
        const landed = new URL(page.url());
        assert.equal(`${landed.origin}${landed.pathname}`, registeredRedirect);
        assert.equal(landed.searchParams.get('state'), 'returning');
        assert.equal(landed.searchParams.get('iss'), issuer);
        assert.equal(origin.requests.filter((r) => r.path.startsWith('/callback?')).length, before + 1);
        assert.deepEqual(cspViolations, []);
      });
    },
  );
});
