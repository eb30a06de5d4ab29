import type { VerifiedAccessToken } from '../access-token.js';
import type { ProtectedResource, RequestRequirements } from '../protected-resource.js';

/** The parts of Node's `http.IncomingMessage` the guard reads (typed structurally: no `node:` import). */
export interface NodeRequestLike {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Name/value pairs as received; used so that a repeated Authorization header is seen. */
  readonly rawHeaders?: readonly string[];
}

/** The parts of Node's `http.ServerResponse` the guard writes. */
export interface NodeResponseLike {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(chunk?: string): unknown;
}

/**
 * A Web `Request` with the method, URL and headers of a Node request, without its body (the guard
 * never reads one). The URL's path and query come from the request line; its origin is `origin`
 * (the resource's own), because the Host header is the client's to choose. Undefined for a method
 * a `Request` cannot carry (CONNECT, TRACE, TRACK).
 */
export function toWebRequest(req: NodeRequestLike, origin: string): Request | undefined {
  const headers = new Headers();
  const raw = req.rawHeaders;
  if (raw !== undefined) {
    for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  } else {
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      for (const v of typeof value === 'string' ? [value] : value) headers.append(name, v);
    }
  }
  try {
    return new Request(new URL(req.url ?? '/', origin), { method: req.method ?? 'GET', headers });
  } catch {
    return undefined;
  }
}

/** Write a Web `Response` (status, headers, text body) to a Node response. */
export async function writeWebResponse(response: Response, res: NodeResponseLike): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  res.end(await response.text());
}

/** What the Node guard does with one request. */
export type NodeGuard = (req: NodeRequestLike, res: NodeResponseLike) => Promise<VerifiedAccessToken | undefined>;

/**
 * Guard for `node:http` (and anything built on it). It answers metadata requests and refusals
 * itself and then resolves with undefined; otherwise it resolves with the verified token and the
 * caller goes on, e.g. `req.auth = toMcpAuthInfo(token, resource.resource)` before handing the
 * request to the MCP SDK's `StreamableHTTPServerTransport`.
 */
export function nodeHttpGuard(resource: ProtectedResource, requirements?: RequestRequirements): NodeGuard {
  const origin = new URL(resource.resource).origin;
  return async (req, res) => {
    const request = toWebRequest(req, origin);
    if (request === undefined) {
      await writeWebResponse(new Response(null, { status: 405 }), res);
      return undefined;
    }
    const result = await resource.handle(request, requirements);
    if (result.kind === 'authorized') return result.token;
    await writeWebResponse(result.response, res);
    return undefined;
  };
}
