import type { VerifiedAccessToken } from '../access-token.js';
import type { ProtectedResource, RequestRequirements } from '../protected-resource.js';

/** The parts of a Hono `Context` the middleware uses (typed structurally: Hono is not a dependency). */
export interface HonoContextLike {
  readonly req: { readonly raw: Request };
  set(key: 'accessToken', value: VerifiedAccessToken): void;
}

/** Hono middleware `(c, next)`. */
export type HonoMiddleware = (c: HonoContextLike, next: () => Promise<void>) => Promise<Response | undefined>;

/**
 * Middleware for Hono: answers the metadata and refusals, or sets `c.get('accessToken')` and
 * continues. Declare the variable in the app's type to read it typed:
 * `new Hono<{ Variables: { accessToken: VerifiedAccessToken } }>()`.
 */
export function honoGuard(resource: ProtectedResource, requirements?: RequestRequirements): HonoMiddleware {
  return async (c, next) => {
    const result = await resource.handle(c.req.raw, requirements);
    if (result.kind === 'respond') return result.response;
    c.set('accessToken', result.token);
    await next();
    return undefined;
  };
}
