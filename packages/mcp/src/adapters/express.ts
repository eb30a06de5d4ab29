import type { VerifiedAccessToken } from '../access-token.js';
import { toMcpAuthInfo, type McpAuthInfo } from '../mcp-auth-info.js';
import type { ProtectedResource, RequestRequirements } from '../protected-resource.js';
import { toWebRequest, writeWebResponse, type NodeRequestLike, type NodeResponseLike } from './node-http.js';

/** The parts of an Express (4 or 5) request the middleware reads and sets; Express itself is not a dependency. */
export interface ExpressRequestLike extends NodeRequestLike {
  /** The URL before any mount path was stripped (Express); preferred over `url`. */
  readonly originalUrl?: string;
  /** Set on success: the MCP SDK's `AuthInfo`, which its Streamable HTTP transport passes to tools. */
  auth?: McpAuthInfo;
  /** Set on success: everything the token says. */
  accessToken?: VerifiedAccessToken;
}

export type ExpressNext = (error?: unknown) => void;

/** Express-style middleware `(req, res, next)`. */
export type ExpressMiddleware = (req: ExpressRequestLike, res: NodeResponseLike, next: ExpressNext) => void;

/**
 * Middleware for Express and look-alikes: answers the metadata and refusals, or sets `req.auth`
 * and `req.accessToken` and calls `next()`. Mount it before the MCP route, at the application's
 * root so that the well-known URIs reach it: `app.use(expressGuard(resource))`.
 */
export function expressGuard(resource: ProtectedResource, requirements?: RequestRequirements): ExpressMiddleware {
  const origin = new URL(resource.resource).origin;
  return (req, res, next) => {
    const request = toWebRequest(
      {
        method: req.method,
        url: req.originalUrl ?? req.url,
        headers: req.headers,
        ...(req.rawHeaders === undefined ? {} : { rawHeaders: req.rawHeaders }),
      },
      origin,
    );
    const run = async (): Promise<void> => {
      if (request === undefined) return writeWebResponse(new Response(null, { status: 405 }), res);
      const result = await resource.handle(request, requirements);
      if (result.kind === 'respond') return writeWebResponse(result.response, res);
      req.accessToken = result.token;
      req.auth = toMcpAuthInfo(result.token, resource.resource);
      next();
    };
    run().catch(next);
  };
}
