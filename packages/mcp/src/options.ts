import { canonicalResourceUri, CimdError, isLoopbackHostname, splitUri, systemClock, type Clock } from '@cimd/core';

/** The transport for the authorization server's metadata and JWKS (Web `fetch` by default). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** How a protected resource (an MCP server) trusts its authorization server. */
export interface ProtectedResourceOptions {
  /**
   * The resource identifier: the URL clients use for this server, e.g. `https://mcp.example.com/mcp`.
   * https, or http only on loopback (127.0.0.0/8, [::1], localhost) for development. No fragment,
   * no userinfo. Scheme and host are lower-cased (the canonical URI); `aud` must equal that form.
   */
  readonly resource: string;
  /** The issuer identifier of the authorization server whose access tokens are accepted. */
  readonly authorizationServer: string;
  /**
   * The authorization server's JWKS URL. Default: the `jwks_uri` of its RFC 8414 metadata,
   * read once from `<issuer origin>/.well-known/oauth-authorization-server<issuer path>`.
   */
  readonly jwksUri?: string;
  /** Scopes published in the metadata (`scopes_supported`). Default: `requiredScopes`. */
  readonly scopesSupported?: readonly string[];
  /** Scopes every request needs; named in the 401 challenge (MCP: `scope` SHOULD be there). */
  readonly requiredScopes?: readonly string[];
  /** A human-readable name for the metadata (`resource_name`). */
  readonly resourceName?: string;
  /** A page for developers (`resource_documentation`). */
  readonly resourceDocumentation?: string;
  /** Accepted JWS algorithms (default `["ES256"]`, what cimd-server signs with). */
  readonly algorithms?: readonly string[];
  /** Leeway for `exp`, `nbf` and `iat`, seconds (default 0). */
  readonly clockToleranceS?: number;
  /** Deadline of one request to the authorization server, ms (default 5000). */
  readonly timeoutMs?: number;
  /** Time (default: the system clock). */
  readonly clock?: Clock;
  /** Transport for the authorization server's metadata and JWKS (default: global `fetch`). */
  readonly fetch?: FetchLike;
}

/** The options after validation, with defaults filled in. */
export interface ResolvedOptions {
  /** The canonical resource identifier. */
  readonly resource: string;
  readonly authorizationServer: string;
  readonly jwksUri: string | undefined;
  readonly scopesSupported: readonly string[];
  readonly requiredScopes: readonly string[];
  readonly resourceName: string | undefined;
  readonly resourceDocumentation: string | undefined;
  readonly algorithms: readonly string[];
  readonly clockToleranceS: number;
  readonly timeoutMs: number;
  readonly clock: Clock;
  readonly fetch: FetchLike;
}

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const ASYMMETRIC = /^(ES256|ES384|ES512|EdDSA|Ed25519|PS256|PS384|PS512|RS256|RS384|RS512)$/;

/** Whether a URL may name this resource, its authorization server or a key set: https, or http on loopback. */
export function urlProblem(value: string, what: string): string | undefined {
  const raw = splitUri(value);
  if (!URL.canParse(value) || raw.scheme === undefined || raw.authority === undefined) {
    return `${what} "${value}" is not an absolute URL`;
  }
  if (raw.fragment !== undefined) return `${what} "${value}" must not have a fragment`;
  if (raw.userinfo !== undefined) return `${what} "${value}" must not have userinfo`;
  const { protocol, hostname } = new URL(value);
  if (protocol === 'https:') return undefined;
  if (protocol === 'http:' && (hostname === 'localhost' || isLoopbackHostname(hostname))) return undefined;
  return `${what} "${value}" must use https (http only on loopback)`;
}

/** Validate the options and fill in defaults; throws `config-invalid` listing every problem. */
export function resolveOptions(options: ProtectedResourceOptions): ResolvedOptions {
  const problems: string[] = [];
  const check = (problem: string | undefined): void => {
    if (problem !== undefined) problems.push(problem);
  };
  check(urlProblem(options.resource, 'resource'));
  check(urlProblem(options.authorizationServer, 'authorizationServer'));
  if (options.authorizationServer.endsWith('/') || /[?#]/.test(options.authorizationServer)) {
    problems.push(
      `authorizationServer "${options.authorizationServer}" must have no trailing "/", query or fragment (RFC 8414 §2)`,
    );
  }
  if (options.jwksUri !== undefined) check(urlProblem(options.jwksUri, 'jwksUri'));
  if (options.resourceDocumentation !== undefined) check(urlProblem(options.resourceDocumentation, 'resourceDocumentation'));
  const requiredScopes = [...(options.requiredScopes ?? [])];
  const scopesSupported = [...(options.scopesSupported ?? requiredScopes)];
  for (const s of [...requiredScopes, ...scopesSupported]) {
    if (!SCOPE_TOKEN.test(s)) problems.push(`scope "${s}" is not a valid scope token (RFC 6749 §3.3)`);
  }
  for (const s of requiredScopes) {
    if (!scopesSupported.includes(s)) problems.push(`required scope "${s}" is missing from scopesSupported`);
  }
  const algorithms = [...(options.algorithms ?? ['ES256'])];
  if (algorithms.length === 0) problems.push('algorithms must name at least one algorithm');
  for (const a of algorithms) {
    if (!ASYMMETRIC.test(a)) problems.push(`algorithm "${a}" is not an asymmetric JWS algorithm`);
  }
  const clockToleranceS = options.clockToleranceS ?? 0;
  if (!Number.isInteger(clockToleranceS) || clockToleranceS < 0 || clockToleranceS > 300) {
    problems.push(`clockToleranceS must be a whole number of seconds in 0..300, not ${String(clockToleranceS)}`);
  }
  const timeoutMs = options.timeoutMs ?? 5000;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) problems.push(`timeoutMs must be a positive whole number`);
  if (problems.length > 0) {
    throw new CimdError('config-invalid', `Invalid protected resource options: ${problems.join('; ')}`);
  }
  return {
    resource: canonicalResourceUri(options.resource),
    authorizationServer: options.authorizationServer,
    jwksUri: options.jwksUri,
    scopesSupported,
    requiredScopes,
    resourceName: options.resourceName,
    resourceDocumentation: options.resourceDocumentation,
    algorithms,
    clockToleranceS,
    timeoutMs,
    clock: options.clock ?? systemClock,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
  };
}
