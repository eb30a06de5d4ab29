import { Hono, type Context } from 'hono';
import { CimdError, isCimdError } from '@cimd/core';
import type { ServerContext } from '../context.js';
import { introspectToken } from '../endpoints/introspect.js';
import { authorizationServerMetadata } from '../endpoints/metadata.js';
import { registerClient } from '../endpoints/register.js';
import { revokeToken } from '../endpoints/revoke.js';
import { authenticateClient } from '../token/client-auth.js';
import { parseForm, type Form } from '../token/form.js';
import { handleTokenRequest } from '../token/token-endpoint.js';
import { STYLESHEET_PATH, simplePage } from '../ui/pages.js';
import { STYLESHEET } from '../ui/style.js';
import { safeEqual } from '../util/random.js';
import { mountBrowserRoutes } from './browser-routes.js';
import { mountTrustRoutes } from './trust-routes.js';
import { readText } from './request.js';
import { BASE_HEADERS, htmlPage, noStoreJson, oauthErrorJson, respond } from './responses.js';

/** Cross-origin reads for browser-based clients: no credentials, so `*` is safe here. */
const CORS = { 'access-control-allow-origin': '*' };

/**
 * The HTTP surface of the authorization server: a thin router over the protocol functions.
 * Every refusal is a CimdError mapped in one place; anything else is a 500 with a generic body.
 */
export function createApp(ctx: ServerContext, extend?: (app: Hono, ctx: ServerContext) => void): Hono {
  const app = new Hono();
  const limits = ctx.config.limits;

  app.use('*', async (c, next) => {
    await next();
    const route = c.req.routePath || 'unmatched';
    ctx.metrics.httpRequests.inc({ route, status: String(c.res.status) });
  });

  app.onError((err, c) => {
    if (isCimdError(err)) return oauthErrorJson(c, err);
    ctx.log.error({ err, path: c.req.path }, 'unexpected error');
    const internal = new CimdError('internal-error', 'An unexpected error occurred');
    return c.req.header('accept')?.includes('text/html') === true
      ? htmlPage(c, simplePage('Something went wrong', 'The server could not complete this request. Try again later.'), 500)
      : oauthErrorJson(c, internal);
  });

  app.options('*', (c) =>
    respond(c, null, 204, {
      ...CORS,
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'authorization, content-type, dpop, oauth-client-attestation, oauth-client-attestation-pop',
      'access-control-max-age': '600',
    }),
  );

  const metadata = (c: Context) =>
    respond(c, JSON.stringify(authorizationServerMetadata(ctx.issuer, ctx.config)), 200, {
      ...BASE_HEADERS,
      ...CORS,
      'content-type': 'application/json',
      'cache-control': 'public, max-age=300',
    });
  app.get('/.well-known/oauth-authorization-server', metadata);

  app.get('/jwks', async (c) =>
    respond(c, JSON.stringify(await ctx.keys.jwks()), 200, {
      ...BASE_HEADERS,
      ...CORS,
      'content-type': 'application/jwk-set+json',
      'cache-control': 'public, max-age=300',
    }),
  );

  const form = async (c: Context): Promise<Form> =>
    parseForm(c.req.header('content-type'), await readText(c, limits.maxFormBytes), limits.maxFormBytes);

  app.post('/token', async (c) => {
    let grantType = 'unknown';
    try {
      const body = await form(c);
      grantType = body.get('grant_type') ?? 'missing';
      const response = await handleTokenRequest(ctx, body, c.req.raw.headers, `${ctx.issuer}/token`);
      ctx.metrics.tokensIssued.inc({ grant_type: grantType });
      return noStoreJson(c, response, 200, CORS);
    } catch (e) {
      if (!isCimdError(e)) throw e;
      ctx.metrics.tokenErrors.inc({ reason: e.code });
      ctx.log.info({ event: 'token-refused', reason: e.code, grant_type: grantType, detail: e.message }, 'token request refused');
      return oauthErrorJson(c, e);
    }
  });

  app.post('/revoke', async (c) => {
    const body = await form(c);
    const { client } = await authenticateClient(ctx, body, c.req.raw.headers, `${ctx.issuer}/revoke`);
    const token = body.get('token');
    if (token === undefined) throw new CimdError('request-parameter-missing', 'token is required', { property: 'token' });
    await revokeToken(ctx, client, token, body.get('token_type_hint'));
    return respond(c, null, 200, { ...BASE_HEADERS, ...CORS, 'cache-control': 'no-store' });
  });

  app.post('/introspect', async (c) => {
    authenticateResourceServer(ctx, c.req.header('authorization'));
    const body = await form(c);
    const token = body.get('token');
    if (token === undefined) throw new CimdError('request-parameter-missing', 'token is required', { property: 'token' });
    return noStoreJson(c, await introspectToken(ctx, token));
  });

  // Attestation challenges (draft-ietf-oauth-attestation-based-client-auth-11 §6.3), when enabled.
  app.post('/challenge', async (c) => {
    const challenges = ctx.attestationChallenges;
    if (challenges === undefined)
      throw new CimdError('client-attestation-challenge-disabled', 'Attestation challenges are not enabled', { status: 404 });
    return noStoreJson(c, { attestation_challenge: await challenges.issue() }, 200, CORS);
  });

  app.post('/register', async (c) => {
    if (!ctx.config.policy.dynamicRegistration)
      throw new CimdError('registration-disabled', 'Dynamic Client Registration is not enabled', { status: 404 });
    const text = await readText(c, limits.maxFormBytes);
    return noStoreJson(c, await registerClient(ctx, c.req.header('content-type'), text), 201, CORS);
  });

  app.get(STYLESHEET_PATH, (c) =>
    respond(c, STYLESHEET, 200, {
      ...BASE_HEADERS,
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'public, max-age=86400',
    }),
  );
  app.get('/healthz', (c) => noStoreJson(c, { status: 'ok' }));
  app.get('/metrics', async (c) =>
    respond(c, await ctx.metrics.registry.metrics(), 200, {
      ...BASE_HEADERS,
      'content-type': ctx.metrics.registry.contentType,
      'cache-control': 'no-store',
    }),
  );

  extend?.(app, ctx);
  mountBrowserRoutes(app, ctx);
  mountTrustRoutes(app, ctx);
  return app;
}

/** HTTP Basic authentication of a resource server for introspection (RFC 7662 §2.1). */
function authenticateResourceServer(ctx: ServerContext, header: string | undefined): void {
  const fail = (): never => {
    throw new CimdError('resource-server-auth-failed', "Introspection needs a resource server's credentials (HTTP Basic)", {
      status: 401,
      headers: { 'www-authenticate': 'Basic realm="cimd-introspection"' },
    });
  };
  if (header === undefined || !/^basic /i.test(header)) return fail();
  let decoded: string;
  try {
    decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  } catch {
    return fail();
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) return fail();
  let id: string;
  let secret: string;
  try {
    id = decodeURIComponent(decoded.slice(0, colon));
    secret = decodeURIComponent(decoded.slice(colon + 1));
  } catch {
    return fail();
  }
  const rs = ctx.config.clients.resourceServers.find((r) => r.id === id);
  // Compare even for unknown ids, so timing does not tell which ids exist.
  const ok = safeEqual(secret, rs?.secret ?? '');
  if (rs === undefined || !ok) fail();
}
