import assert from 'node:assert/strict';
import type { Browser } from './browser.js';
import { authorizeParams, PASSWORD, pkce, REDIRECT_URI, type Harness } from './harness.js';

/**
 * The smallest valid PNG (1×1, RGBA, one transparent pixel): signature, IHDR, IDAT, IEND, with
 * correct CRCs. What a client's logo_uri might serve.
 */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** An SVG with a script: never a logo, whatever its server calls it. */
export const SVG_WITH_SCRIPT = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><script>alert(document.cookie)</script></svg>',
);

/** An HTML page served under a .png name and an image Content-Type. */
export const HTML_AS_PNG = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>');

/**
 * Record `count` approvals of `clientId` by synthetic users (`synthetic-<i>`), as that many
 * distinct users clicking "Allow" would: the unit of reputation (R75).
 */
export async function approveSynthetically(h: Harness, clientId: string, count: number, from = 0): Promise<void> {
  const domain = new URL(clientId).hostname.split('.').slice(-2).join('.');
  for (let i = from; i < from + count; i++) {
    await h.stores.trust.approvals.record({ clientId, userId: `synthetic-${i}`, domain, approvedAt: h.clock.now() });
  }
}

/** The consent page (HTML) a signed-in user gets for `clientId`; asserts that it is one. */
export async function consentPage(
  b: Browser,
  clientId: string,
  username: string,
  extra: Record<string, string | undefined> = {},
): Promise<string> {
  let r = await b.get(`/authorize?${authorizeParams({ client_id: clientId, ...extra }).toString()}`);
  for (let i = 0; i < 4 && (r.status === 302 || r.status === 303); i++) {
    const location = r.headers.get('location') ?? '';
    r = location.startsWith('/login') ? await b.login(await b.get(location), username, PASSWORD) : await b.get(location);
  }
  const page = await r.text();
  assert.equal(r.status, 200, page.slice(0, 400));
  assert.match(page, /action="\/consent"/, 'the consent page');
  return page;
}

/** The tier the consent page was rendered for (its `data-tier`). */
export function tierOf(page: string): string | undefined {
  return /data-testid="consent" data-tier="([^"]+)"/.exec(page)?.[1];
}

/** Run a whole authorization for `clientId` and exchange the code; returns the token response. */
export async function tokensFor(
  b: Browser,
  clientId: string,
  username: string,
  redirectUri = REDIRECT_URI,
): Promise<{ access_token: string; refresh_token: string; expires_in: number }> {
  const { verifier, challenge } = pkce();
  const { location } = await b.authorize(authorizeParams({ client_id: clientId, redirect_uri: redirectUri }, challenge), {
    username,
    password: PASSWORD,
  });
  const code = location.searchParams.get('code');
  assert.ok(code !== null, `no code: ${location.href}`);
  const r = await b.post('/token', {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    client_id: clientId,
    redirect_uri: redirectUri,
  });
  const body = (await r.json()) as { access_token: string; refresh_token: string; expires_in: number };
  assert.equal(r.status, 200, JSON.stringify(body));
  return body;
}

/** A refresh_token grant request; returns the status and body. */
export async function refresh(
  b: Browser,
  clientId: string,
  refreshToken: string,
): Promise<{ status: number; body: Record<string, unknown>; retryAfter: string | null }> {
  const r = await b.post('/token', { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId });
  return { status: r.status, body: (await r.json()) as Record<string, unknown>, retryAfter: r.headers.get('retry-after') };
}

/** The reason code on an error page. */
export function reasonOf(page: string): string | undefined {
  return /data-testid="reason">([^<]+)</.exec(page)?.[1];
}
