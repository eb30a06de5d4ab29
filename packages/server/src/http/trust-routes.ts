import type { Hono } from 'hono';
import type { ServerContext } from '../context.js';
import { LOGO_DIGEST, LOGO_PATH_PREFIX } from '../trust/logos.js';
import { mountAdminRoutes } from './admin-routes.js';
import { BASE_HEADERS, noStoreJson } from './responses.js';

/**
 * The trust model's routes: logos served from this server's own origin (R74) and the admin
 * console. A logo is served under its digest, with the type its bytes were sniffed as, never
 * sniffed again by the browser, never executable (CSP `default-src 'none'`), and never loaded by
 * another site (CORP same-origin). It never changes under its name, so it may be cached long.
 */
export function mountTrustRoutes(app: Hono, ctx: ServerContext): void {
  app.get(`${LOGO_PATH_PREFIX}:digest`, async (c) => {
    const digest = c.req.param('digest');
    const logo = LOGO_DIGEST.test(digest) ? await ctx.stores.trust.logos.byDigest(digest) : undefined;
    if (logo === undefined) return noStoreJson(c, { error: 'not_found' }, 404);
    return c.body(new Uint8Array(logo.bytes), 200, {
      ...BASE_HEADERS,
      'content-type': logo.mediaType,
      'content-length': String(logo.bytes.length),
      'content-security-policy': "default-src 'none'; sandbox",
      'cross-origin-resource-policy': 'same-origin',
      'cache-control': 'public, max-age=86400, immutable',
    });
  });
  mountAdminRoutes(app, ctx);
}
