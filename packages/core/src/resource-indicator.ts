import { splitUri } from './uri.js';

/**
 * The canonical form of a resource indicator (RFC 8707): scheme and host lower-cased, everything
 * else exactly as written. MCP calls this the canonical URI of a server: it is what an
 * authorization server puts in `aud` and what a resource server compares `aud` against, and an
 * upper-case variant of the scheme or host names the same resource. A string without a scheme or
 * an authority comes back unchanged (it is not a URL a resource could have).
 */
export function canonicalResourceUri(value: string): string {
  const u = splitUri(value);
  if (u.scheme === undefined || u.authority === undefined) return value;
  const userinfo = u.userinfo === undefined ? '' : `${u.userinfo}@`;
  const port = u.port === undefined ? '' : `:${u.port}`;
  const query = u.query === undefined ? '' : `?${u.query}`;
  const fragment = u.fragment === undefined ? '' : `#${u.fragment}`;
  return `${u.scheme.toLowerCase()}://${userinfo}${(u.host ?? '').toLowerCase()}${port}${u.path}${query}${fragment}`;
}
