import { splitUri } from '@cimd/core';
import type { ResolvedOptions } from './options.js';

/** The well-known URI suffix of protected resource metadata (RFC 9728 §3, §8.3). */
export const PROTECTED_RESOURCE_WELL_KNOWN = '/.well-known/oauth-protected-resource';

/** Protected resource metadata (RFC 9728 §2), as this package publishes it. */
export interface ProtectedResourceMetadata {
  readonly resource: string;
  readonly authorization_servers: readonly string[];
  readonly scopes_supported?: readonly string[];
  readonly bearer_methods_supported: readonly string[];
  readonly resource_name?: string;
  readonly resource_documentation?: string;
}

/** Where the metadata of a resource is served. */
export interface MetadataLocations {
  /**
   * RFC 9728 §3.1: the well-known suffix inserted between the host and the path (and query) of
   * the resource identifier, a terminating "/" after the host removed. This is the URL named by
   * `resource_metadata` in challenges.
   */
  readonly pathInserted: string;
  /** The root well-known URI, which MCP clients try when the path-inserted one fails. */
  readonly root: string;
}

export function metadataLocations(resource: string): MetadataLocations {
  const u = splitUri(resource);
  const origin = `${u.scheme ?? ''}://${u.authority ?? ''}`;
  const query = u.query === undefined ? '' : `?${u.query}`;
  const rest = u.path === '/' && query === '' ? '' : `${u.path}${query}`;
  return { pathInserted: `${origin}${PROTECTED_RESOURCE_WELL_KNOWN}${rest}`, root: `${origin}${PROTECTED_RESOURCE_WELL_KNOWN}` };
}

/** The metadata document. `resource` is the canonical resource identifier (RFC 9728 §3.3). */
export function protectedResourceMetadata(options: ResolvedOptions): ProtectedResourceMetadata {
  return {
    resource: options.resource,
    authorization_servers: [options.authorizationServer],
    ...(options.scopesSupported.length > 0 ? { scopes_supported: [...options.scopesSupported] } : {}),
    bearer_methods_supported: ['header'],
    ...(options.resourceName === undefined ? {} : { resource_name: options.resourceName }),
    ...(options.resourceDocumentation === undefined ? {} : { resource_documentation: options.resourceDocumentation }),
  };
}

/**
 * A test of whether a request URL asks for one of the metadata locations (path, and query when the
 * resource has one). The locations are parsed once here, not on every request.
 */
export function metadataRequestMatcher(locations: MetadataLocations): (url: URL) => boolean {
  const inserted = new URL(locations.pathInserted);
  const insertedTarget = `${inserted.pathname}${inserted.search}`;
  const rootPath = new URL(locations.root).pathname;
  return (url) => `${url.pathname}${url.search}` === insertedTarget || url.pathname === rootPath;
}

/**
 * The metadata response (RFC 9728 §3.2): 200 with `application/json` for GET and HEAD, 204 for
 * a CORS preflight, 405 otherwise. The document is public, so any origin may read it (browser-based MCP clients).
 */
export function metadataResponse(method: string, document: ProtectedResourceMetadata): Response {
  const headers = new Headers({
    'access-control-allow-origin': '*',
    'cache-control': 'public, max-age=300',
  });
  if (method === 'OPTIONS') {
    // CORS preflight: browser clients send MCP-Protocol-Version with their discovery request.
    headers.set('access-control-allow-methods', 'GET, HEAD, OPTIONS');
    headers.set('access-control-allow-headers', '*');
    return new Response(null, { status: 204, headers });
  }
  if (method !== 'GET' && method !== 'HEAD') {
    headers.set('allow', 'GET, HEAD, OPTIONS');
    return new Response(null, { status: 405, headers });
  }
  headers.set('content-type', 'application/json');
  return new Response(method === 'HEAD' ? null : JSON.stringify(document), { status: 200, headers });
}
