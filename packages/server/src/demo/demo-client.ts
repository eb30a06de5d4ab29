import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { decodeJwt } from 'jose';
import type { ServerContext } from '../context.js';
import { html } from '../ui/html.js';
import { simplePage } from '../ui/pages.js';
import { htmlPage, redirect } from '../http/responses.js';

const COOKIE = 'cimd_demo';

/**
 * A demo OAuth client living inside the development server, so a newcomer can walk through the
 * whole flow in a browser: it is a real public client (PKCE, state, iss check) whose Client ID
 * Metadata Document is hosted by the development CIMD Service and fetched by the server like any
 * other. Mounted only in development mode.
 */
export function mountDemoClient(app: Hono, ctx: ServerContext, clientId: () => string): void {
  const issuer = ctx.issuer;
  const redirectUri = `${issuer}/demo/callback`;
  const secure = issuer.startsWith('https://');

  app.get('/', (c) => redirect(c, '/demo'));

  app.get('/demo', (c) =>
    htmlPage(
      c,
      simplePage(
        'cimd demo app',
        html`<p>This page is a small OAuth client. Its <code>client_id</code> is the URL of its metadata document:</p>
          <pre data-testid="demo-client-id">${clientId()}</pre>
          <p>The authorization server has never seen it: it will fetch the document, check it, and ask you to approve the app.</p>
          <p><a href="/demo/start" data-testid="demo-start">Sign in with the demo app →</a></p>`,
      ),
    ),
  );

  app.get('/demo/start', (c) => {
    const verifier = ctx.random.token(32);
    const state = ctx.random.token(16);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    setCookie(c, COOKIE, `${state}.${verifier}`, { path: '/demo', httpOnly: true, sameSite: 'Lax', secure, maxAge: 600 });
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: clientId(),
      redirect_uri: redirectUri,
      scope: 'profile offline_access',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    return redirect(c, `/authorize?${q.toString()}`);
  });

  app.get('/demo/callback', async (c) => callback(c));

  async function callback(c: Context): Promise<Response> {
    const [state, verifier] = (getCookie(c, COOKIE) ?? '').split('.');
    deleteCookie(c, COOKIE, { path: '/demo', secure });
    const q = c.req.query();
    const problem = (text: string) => htmlPage(c, simplePage('The demo app stopped', text), 400);
    if (q['iss'] !== issuer)
      return problem(`The response came from "${q['iss'] ?? '(no iss)'}", not from ${issuer} (RFC 9207 mix-up check).`);
    if (state === undefined || verifier === undefined || q['state'] !== state)
      return problem('The state does not match: start again.');
    if (q['error'] !== undefined) return problem(`The server answered ${q['error']}: ${q['error_description'] ?? ''}`);
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: q['code'] ?? '',
        redirect_uri: redirectUri,
        client_id: clientId(),
        code_verifier: verifier,
      }),
    });
    const tokens = (await response.json()) as Record<string, unknown>;
    if (!response.ok) return problem(`The token request failed: ${JSON.stringify(tokens)}`);
    const claims = typeof tokens['access_token'] === 'string' ? decodeJwt(tokens['access_token']) : {};
    return htmlPage(
      c,
      simplePage(
        'Signed in',
        html`<p>The demo app exchanged the code for tokens (authorization_code + PKCE, as a public client).</p>
          <h2>Access token claims</h2>
          <pre data-testid="claims">${JSON.stringify(claims, null, 2)}</pre>
          <h2>Token response</h2>
          <pre data-testid="tokens">${JSON.stringify(tokens, null, 2)}</pre>
          <p><a href="/demo">Start again</a></p>`,
      ),
    );
  }
}
