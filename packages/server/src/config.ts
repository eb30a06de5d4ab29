import { classifyRedirectUri, isProfileName, type ProfileName } from '@cimd/core';
import { DEFAULT_TRUST, trustProblems, type TrustGroup } from './trust/trust-config.js';

export type { TrustGroup } from './trust/trust-config.js';

/**
 * The server's configuration: a few small groups, each with documented defaults
 * (`docs/configuration.md`). Built by `loadConfig` from defaults, an optional JSON file and
 * environment variables, and validated before anything starts.
 */
export interface ServerConfig {
  readonly server: ServerGroup;
  readonly limits: LimitsGroup;
  readonly policy: PolicyGroup;
  readonly fetch: FetchGroup;
  readonly clientAuth: ClientAuthGroup;
  readonly stores: StoresGroup;
  readonly clients: ClientsGroup;
  readonly logging: LoggingGroup;
  /** Admission, reputation tiers, domain health, first-seen limits, metadata changes, logos, admins. */
  readonly trust: TrustGroup;
}

export interface ServerGroup {
  /** The issuer identifier (RFC 8414): https, or http only on loopback in development mode. */
  readonly issuer: string;
  /** Address to listen on (default 127.0.0.1). */
  readonly host: string;
  /** Port to listen on (default 8080). */
  readonly port: number;
  /**
   * `production` (default) or `development`. Development mode allows the development fetch
   * options (loopback fetches, a resolver override, an extra CA) and the demo, and only when
   * the server listens on loopback.
   */
  readonly mode: 'production' | 'development';
}

export interface LimitsGroup {
  /** Authorization code lifetime, seconds (default 60; OAuth 2.1 recommends at most 10 min). */
  readonly codeTtlS: number;
  /** Access token lifetime, seconds (default 600). */
  readonly accessTokenTtlS: number;
  /** Refresh token lifetime, seconds (default 14 days); each use rotates it. */
  readonly refreshTokenTtlS: number;
  /** Access token lifetime for clients that authenticated (private_key_jwt, attestation); default 600. */
  readonly authenticatedAccessTokenTtlS: number;
  /** Refresh token lifetime for clients that authenticated (default 14 days, like public clients). */
  readonly authenticatedRefreshTokenTtlS: number;
  /** Absolute lifetime of a grant, seconds (default 90 days). */
  readonly grantTtlS: number;
  /** How long an authorization request may wait for login and consent, seconds (default 600). */
  readonly interactionTtlS: number;
  /** Login session lifetime, seconds (default 8 hours). */
  readonly sessionTtlS: number;
  /** Failed logins per account within `loginWindowS` before further attempts are refused (default 5). */
  readonly loginFailuresPerAccount: number;
  /** Failed logins per client address within `loginWindowS` (default 50). */
  readonly loginFailuresPerAddress: number;
  /** Window of the login throttles, seconds (default 900). */
  readonly loginWindowS: number;
  /** Largest accepted form body, bytes (default 16384). */
  readonly maxFormBytes: number;
}

export interface ScopeDefinition {
  readonly name: string;
  /** What the consent page says, in plain words. */
  readonly description: string;
}

export interface PolicyGroup {
  /** Validation profile for client metadata documents (default `draft-03`). */
  readonly profile: ProfileName;
  /** Scopes this server knows (default: `openid`-free basics; see DEFAULT_SCOPES). */
  readonly scopes: readonly ScopeDefinition[];
  /**
   * Resource indicators (RFC 8707) this server issues tokens for, compared after canonicalising
   * scheme and host case. Empty (the default) accepts any absolute https resource, or http on loopback.
   */
  readonly resources: readonly string[];
  /** Audience when a request names no resource (default: none, so `aud` is the issuer). */
  readonly defaultResource: string | undefined;
  /** Log the user in before fetching an unknown client's document (default true; slides, SSRF). */
  readonly authenticateBeforeFetch: boolean;
  /** Client authentication methods accepted for CIMD clients, in order of preference. */
  readonly authMethods: readonly string[];
  /**
   * MCP SEP-3149: when a client and this server share an authenticated method, `none` is refused
   * (default false: draft-03 §6 with RP Metadata Choices lets the client use any shared method, R53).
   */
  readonly rejectNoneWhenAuthenticatedShared: boolean;
  /** A query in a client_id: `warn` (default) or `reject` (R6). */
  readonly clientIdQuery: 'warn' | 'reject';
  /** A client_id path of "/": `warn` (default) or `reject` (R11). */
  readonly clientIdRootPath: 'warn' | 'reject';
  /** Let `http://localhost` redirects use any port, like the IP loopback literals (default true). */
  readonly localhostPortVariance: boolean;
  /** Dynamic Client Registration for older clients (default false; MCP 2026-07-28 deprecates it). */
  readonly dynamicRegistration: boolean;
  /**
   * Origins of CIMD Services (draft-03 Appendix A) whose clients are marked "in development" and
   * get less trust (R76, R83). The development demo adds its own service. Default: none.
   */
  readonly cimdServices: readonly string[];
}

export interface FetchGroup {
  /** Byte cap for metadata documents (default 5120; some large clients need more). */
  readonly maxDocumentBytes: number;
  /** Overall deadline of one fetch, ms (default 5000). */
  readonly timeoutMs: number;
  /** Cache lifetime bounds, seconds (defaults 300 and 86400). */
  readonly minCacheS: number;
  readonly maxCacheS: number;
  /** Development only: `host → address` overrides, like curl's --resolve. */
  readonly resolve: Readonly<Record<string, string>>;
  /** Development only: a PEM file of an extra trusted CA. */
  readonly extraCaFile: string | undefined;
  /** Development only: allow fetching from 127.0.0.0/8 and ::1 (never other private ranges, R70). */
  readonly allowLoopback: boolean;
  /**
   * Outbound fetch budgets (H8), per origin and for the whole server. Members left out keep the
   * defaults of `@cimd/node` (`DEFAULT_BUDGETS`): per origin 2 at once, 30 a minute, bursts of 10;
   * overall 16 at once, 600 a minute, bursts of 60. Raise `perOrigin` for an origin that hosts many
   * client documents (a CIMD Service). With PostgreSQL or a Redis cache, the `perMinute` rates
   * also hold for the cluster as a whole.
   */
  readonly budgets: FetchBudgets;
}

/** One fetch budget: fetches at once, starts per minute, and starts back to back (token bucket). */
export interface FetchBudget {
  readonly concurrent?: number;
  readonly perMinute?: number;
  readonly burst?: number;
}

export interface FetchBudgets {
  readonly perOrigin?: FetchBudget;
  readonly global?: FetchBudget;
}

/**
 * Client authentication (`private_key_jwt`, RFC 7523 §2.2 with draft-ietf-oauth-rfc7523bis-11;
 * `attest_jwt_client_auth`, draft-ietf-oauth-attestation-based-client-auth-11). Keys always come
 * from the client's own metadata document (`jwks` or `jwks_uri`).
 */
export interface ClientAuthGroup {
  /**
   * `strict` (default): an assertion's `aud` is this server's issuer identifier and nothing else
   * (rfc7523bis). `compat`: the token endpoint URL and the URL of the endpoint where the assertion
   * is presented are accepted too (RFC 7523 §3, OpenID Connect Core §9).
   */
  readonly audience: 'strict' | 'compat';
  /**
   * `strict` (default): an assertion's `typ` is `client-authentication+jwt` (rfc7523bis §4) or
   * `oauth-client-auth+jwt` (the CIMD -03 preview). `compat`: an untyped or `JWT`-typed assertion
   * is accepted too (R50).
   */
  readonly assertionTyp: 'strict' | 'compat';
  /** Longest accepted assertion or attestation PoP lifetime, seconds (default 300; J7). */
  readonly maxAssertionLifetimeS: number;
  /** Clock skew allowed on exp, nbf and iat, seconds (default 60; J7, J8). */
  readonly clockSkewS: number;
  /** Asymmetric JWS algorithms accepted (default ES256, ES384, EdDSA, PS256, RS256; J3). */
  readonly algorithms: readonly string[];
  /** A client's jwks_uri is fetched again on an unknown kid at most once per this many seconds (default 60; J2). */
  readonly jwksRefetchIntervalS: number;
  /** Require a server-provided challenge in attestation PoPs, offered at `/challenge` (default false). */
  readonly attestationChallenge: boolean;
  /** How long an attestation challenge stays usable, seconds (default 300). */
  readonly attestationChallengeTtlS: number;
  /** Oldest accepted client attestation by its iat, seconds (default 86400); older ones get use_fresh_attestation. */
  readonly maxAttestationAgeS: number;
}

/** The JWS algorithms this server can verify for client authentication: asymmetric only. */
export const CLIENT_AUTH_ALGORITHMS: readonly string[] = [
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
];

export interface StoresGroup {
  /**
   * Where state lives: `sqlite:<path>` (default `sqlite:.data/cimd.db`), `postgres://…` or
   * `postgresql://…` (several instances; `?schema=<name>` picks a schema), or `memory:`.
   */
  readonly url: string;
  /**
   * Optional `redis://…` (or `rediss://`; `?prefix=<p>` prefixes every key): the shared metadata
   * cache and the cluster-wide fetch single-flight of several instances. Default: none (the
   * documents stay in `url`'s store and fetches coalesce per instance).
   */
  readonly cacheUrl: string | undefined;
  /** Apply pending schema migrations when the server starts (default true); else check and refuse. */
  readonly migrateOnStart: boolean;
}

export interface StaticClient {
  /** Any string; an https URL here is a pre-registered id and is never fetched (R60). */
  readonly client_id: string;
  readonly client_name?: string;
  readonly redirect_uris: readonly string[];
  /** `none` for public clients (default). */
  readonly token_endpoint_auth_method?: string;
  readonly grant_types?: readonly string[];
}

export interface ResourceServer {
  /** The resource server's identifier for introspection (HTTP Basic user name). */
  readonly id: string;
  /** Its introspection secret (HTTP Basic password); compared in constant time. */
  readonly secret: string;
}

export interface ClientsGroup {
  readonly static: readonly StaticClient[];
  readonly resourceServers: readonly ResourceServer[];
}

export interface LoggingGroup {
  /** pino level (default `info`). */
  readonly level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export const DEFAULT_SCOPES: readonly ScopeDefinition[] = [
  { name: 'profile', description: 'See your user name' },
  { name: 'offline_access', description: 'Stay connected when you are away (refresh tokens)' },
  { name: 'read', description: 'Read your data' },
  { name: 'write', description: 'Change your data' },
];

export const DEFAULT_CONFIG: ServerConfig = {
  server: { issuer: 'http://127.0.0.1:8080', host: '127.0.0.1', port: 8080, mode: 'production' },
  limits: {
    codeTtlS: 60,
    accessTokenTtlS: 600,
    refreshTokenTtlS: 14 * 24 * 3600,
    authenticatedAccessTokenTtlS: 600,
    authenticatedRefreshTokenTtlS: 14 * 24 * 3600,
    grantTtlS: 90 * 24 * 3600,
    interactionTtlS: 600,
    sessionTtlS: 8 * 3600,
    loginFailuresPerAccount: 5,
    loginFailuresPerAddress: 50,
    loginWindowS: 900,
    maxFormBytes: 16_384,
  },
  policy: {
    profile: 'draft-03',
    scopes: DEFAULT_SCOPES,
    resources: [],
    defaultResource: undefined,
    authenticateBeforeFetch: true,
    authMethods: ['none'],
    rejectNoneWhenAuthenticatedShared: false,
    clientIdQuery: 'warn',
    clientIdRootPath: 'warn',
    localhostPortVariance: true,
    dynamicRegistration: false,
    cimdServices: [],
  },
  fetch: {
    maxDocumentBytes: 5120,
    timeoutMs: 5000,
    minCacheS: 300,
    maxCacheS: 86_400,
    resolve: {},
    extraCaFile: undefined,
    allowLoopback: false,
    budgets: {},
  },
  clientAuth: {
    audience: 'strict',
    assertionTyp: 'strict',
    maxAssertionLifetimeS: 300,
    clockSkewS: 60,
    algorithms: ['ES256', 'ES384', 'EdDSA', 'PS256', 'RS256'],
    jwksRefetchIntervalS: 60,
    attestationChallenge: false,
    attestationChallengeTtlS: 300,
    maxAttestationAgeS: 86_400,
  },
  stores: { url: 'sqlite:.data/cimd.db', cacheUrl: undefined, migrateOnStart: true },
  clients: { static: [], resourceServers: [] },
  logging: { level: 'info' },
  trust: DEFAULT_TRUST,
};

/** A partial configuration as found in a file: every group and member optional. */
export type ConfigInput = { readonly [G in keyof ServerConfig]?: Partial<ServerConfig[G]> };

/** Environment variables read by {@link configFromEnv}, with the member each sets. */
export const ENV_VARIABLES: Readonly<Record<string, string>> = {
  CIMD_ISSUER: 'server.issuer',
  CIMD_HOST: 'server.host',
  CIMD_PORT: 'server.port',
  CIMD_MODE: 'server.mode',
  CIMD_STORE: 'stores.url',
  CIMD_CACHE_URL: 'stores.cacheUrl',
  CIMD_PROFILE: 'policy.profile',
  CIMD_LOG_LEVEL: 'logging.level',
  CIMD_MAX_DOCUMENT_BYTES: 'fetch.maxDocumentBytes',
};

/** The environment variables as a partial configuration (numbers parsed; validation later). */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): ConfigInput {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, path] of Object.entries(ENV_VARIABLES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const [group, member] = path.split('.') as [string, string];
    const numeric = member === 'port' || member === 'maxDocumentBytes';
    (out[group] ??= {})[member] = numeric ? Number(value) : value;
  }
  return out;
}

/** Merge partial configurations over the defaults, later ones winning, member by member. */
export function mergeConfig(...inputs: readonly ConfigInput[]): ServerConfig {
  const out: Record<string, Record<string, unknown>> = {};
  for (const group of Object.keys(DEFAULT_CONFIG) as (keyof ServerConfig)[]) {
    out[group] = { ...DEFAULT_CONFIG[group] };
    for (const input of inputs) Object.assign(out[group], input[group] ?? {});
  }
  return out as unknown as ServerConfig;
}

/** Every problem with a configuration, as sentences naming the member; empty when valid. */
export function configProblems(config: ServerConfig, input: readonly ConfigInput[] = []): string[] {
  const problems: string[] = [];
  const p = (cond: boolean, message: string): void => {
    if (!cond) problems.push(message);
  };
  for (const i of input) {
    for (const [group, members] of Object.entries(i)) {
      const known = DEFAULT_CONFIG[group as keyof ServerConfig] as object | undefined;
      if (known === undefined) {
        problems.push(`unknown group "${group}" (known: ${Object.keys(DEFAULT_CONFIG).join(', ')})`);
        continue;
      }
      for (const member of Object.keys(members)) {
        if (!Object.hasOwn(known, member)) problems.push(`unknown member "${group}.${member}"`);
      }
    }
  }
  const { server, limits, policy, fetch, stores, clients, clientAuth } = config;
  let issuer: URL | undefined;
  try {
    issuer = new URL(server.issuer);
  } catch {
    problems.push(`server.issuer "${server.issuer}" is not a URL`);
  }
  const loopbackHost = (h: string): boolean =>
    h === 'localhost' || h === '::1' || h === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(h);
  if (issuer !== undefined) {
    p(
      issuer.search === '' && issuer.hash === '',
      `server.issuer "${server.issuer}" must have no query or fragment (RFC 8414 §2)`,
    );
    p(
      issuer.protocol === 'https:' || (issuer.protocol === 'http:' && loopbackHost(issuer.hostname)),
      `server.issuer "${server.issuer}" must be https (http is allowed only on loopback)`,
    );
    p(!server.issuer.endsWith('/'), `server.issuer "${server.issuer}" must not end with "/"`);
  }
  p(
    server.mode === 'production' || server.mode === 'development',
    `server.mode must be "production" or "development", not "${String(server.mode)}"`,
  );
  p(
    Number.isInteger(server.port) && server.port >= 0 && server.port <= 65535,
    `server.port must be 0..65535, not ${String(server.port)}`,
  );
  p(typeof server.host === 'string' && server.host !== '', 'server.host must be a non-empty string');
  for (const [k, v] of Object.entries(limits)) {
    p(Number.isInteger(v) && (v as number) > 0, `limits.${k} must be a positive whole number, not ${String(v)}`);
  }
  p(limits.codeTtlS <= 600, `limits.codeTtlS must be at most 600 (OAuth 2.1 §4.1.2), not ${limits.codeTtlS}`);
  p(limits.refreshTokenTtlS <= limits.grantTtlS, 'limits.refreshTokenTtlS must not exceed limits.grantTtlS');
  p(
    limits.authenticatedRefreshTokenTtlS <= limits.grantTtlS,
    'limits.authenticatedRefreshTokenTtlS must not exceed limits.grantTtlS',
  );
  p(isProfileName(policy.profile), `policy.profile "${String(policy.profile)}" is unknown (draft-03, mcp-2025-11-25)`);
  p(Array.isArray(policy.scopes) && policy.scopes.length > 0, 'policy.scopes must list at least one scope');
  for (const s of policy.scopes) {
    p(/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(s.name), `policy.scopes: "${s.name}" is not a valid scope token (RFC 6749 §3.3)`);
  }
  for (const r of policy.resources) p(isResourceUri(r), `policy.resources: "${r}" is not an absolute URI without a fragment`);
  if (policy.defaultResource !== undefined)
    p(isResourceUri(policy.defaultResource), 'policy.defaultResource must be an absolute URI');
  p(policy.authMethods.length > 0, 'policy.authMethods must list at least one method');
  for (const m of policy.authMethods) {
    p(
      ['none', 'private_key_jwt', 'attest_jwt_client_auth'].includes(m),
      `policy.authMethods: "${m}" is not supported by this server`,
    );
  }
  p(
    typeof policy.rejectNoneWhenAuthenticatedShared === 'boolean',
    'policy.rejectNoneWhenAuthenticatedShared must be true or false',
  );
  problems.push(...clientAuthProblems(clientAuth));
  problems.push(...trustProblems(config.trust));
  p(['warn', 'reject'].includes(policy.clientIdQuery), 'policy.clientIdQuery must be "warn" or "reject"');
  p(['warn', 'reject'].includes(policy.clientIdRootPath), 'policy.clientIdRootPath must be "warn" or "reject"');
  for (const k of ['maxDocumentBytes', 'timeoutMs', 'minCacheS', 'maxCacheS'] as const) {
    p(Number.isInteger(fetch[k]) && fetch[k] > 0, `fetch.${k} must be a positive whole number, not ${String(fetch[k])}`);
  }
  p(fetch.minCacheS <= fetch.maxCacheS, 'fetch.minCacheS must not exceed fetch.maxCacheS');
  problems.push(...budgetProblems(fetch.budgets));
  const devOptions = Object.keys(fetch.resolve).length > 0 || fetch.extraCaFile !== undefined || fetch.allowLoopback;
  if (devOptions) {
    p(
      server.mode === 'development',
      'fetch.resolve, fetch.extraCaFile and fetch.allowLoopback exist only in development mode (server.mode)',
    );
    p(loopbackHost(server.host), `development fetch options need the server bound to loopback, not "${server.host}" (R70)`);
  }
  if (server.mode === 'development')
    p(loopbackHost(server.host), `development mode needs server.host on loopback, not "${server.host}"`);
  p(
    /^(sqlite:.+|memory:|postgres(ql)?:\/\/.+)$/.test(stores.url),
    `stores.url "${stores.url}" must be "sqlite:<path>", "postgres://…" or "memory:"`,
  );
  p(
    stores.cacheUrl === undefined || /^rediss?:\/\/.+$/.test(stores.cacheUrl),
    `stores.cacheUrl "${String(stores.cacheUrl)}" must be a "redis://…" or "rediss://…" URL`,
  );
  p(typeof stores.migrateOnStart === 'boolean', 'stores.migrateOnStart must be true or false');
  const ids = new Set<string>();
  for (const c of clients.static) {
    p(typeof c.client_id === 'string' && c.client_id !== '', 'clients.static: every client needs a client_id');
    p(!ids.has(c.client_id), `clients.static: client_id "${c.client_id}" appears twice`);
    ids.add(c.client_id);
    p(
      Array.isArray(c.redirect_uris) && c.redirect_uris.length > 0,
      `clients.static "${c.client_id}": redirect_uris must not be empty`,
    );
    const uris: readonly unknown[] = Array.isArray(c.redirect_uris) ? c.redirect_uris : [];
    for (const uri of uris) {
      const kind = classifyRedirectUri(String(uri));
      p(kind.ok, `clients.static "${c.client_id}": redirect URI "${String(uri)}": ${kind.ok ? '' : kind.reason.message}`);
    }
    // Static clients have no keys here, so only public clients can use them (an authenticated
    // method would also make their approvals silent for loopback redirects, H19).
    p(
      c.token_endpoint_auth_method === undefined || c.token_endpoint_auth_method === 'none',
      `clients.static "${c.client_id}": token_endpoint_auth_method must be "none" (static clients are public)`,
    );
  }
  for (const rs of clients.resourceServers) {
    p(
      typeof rs.id === 'string' && rs.id !== '' && typeof rs.secret === 'string',
      'clients.resourceServers: each needs an id and a secret',
    );
    p((rs.secret ?? '').length >= 16, `clients.resourceServers "${rs.id}": the secret must have at least 16 characters`);
  }
  return problems;
}

const BUDGET_SCOPES = ['perOrigin', 'global'];
const BUDGET_MEMBERS = ['concurrent', 'perMinute', 'burst'];

/** Problems of `fetch.budgets`: only known members, each a positive whole number. */
function budgetProblems(budgets: unknown): string[] {
  if (typeof budgets !== 'object' || budgets === null || Array.isArray(budgets))
    return ['fetch.budgets must be an object with "perOrigin" and/or "global"'];
  const problems: string[] = [];
  for (const [scope, limits] of Object.entries(budgets)) {
    if (!BUDGET_SCOPES.includes(scope)) {
      problems.push(`unknown member "fetch.budgets.${scope}" (known: ${BUDGET_SCOPES.join(', ')})`);
    } else if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) {
      problems.push(`fetch.budgets.${scope} must be an object with ${BUDGET_MEMBERS.join(', ')}`);
    } else {
      for (const [member, value] of Object.entries(limits as Record<string, unknown>)) {
        if (!BUDGET_MEMBERS.includes(member))
          problems.push(`unknown member "fetch.budgets.${scope}.${member}" (known: ${BUDGET_MEMBERS.join(', ')})`);
        else if (!Number.isSafeInteger(value) || (value as number) <= 0)
          problems.push(`fetch.budgets.${scope}.${member} must be a positive whole number, not ${String(value)}`);
      }
    }
  }
  return problems;
}

/** Problems of the `clientAuth` group. */
function clientAuthProblems(c: ClientAuthGroup): string[] {
  const problems: string[] = [];
  const p = (cond: boolean, message: string): void => {
    if (!cond) problems.push(message);
  };
  p(c.audience === 'strict' || c.audience === 'compat', 'clientAuth.audience must be "strict" or "compat"');
  p(c.assertionTyp === 'strict' || c.assertionTyp === 'compat', 'clientAuth.assertionTyp must be "strict" or "compat"');
  for (const k of ['maxAssertionLifetimeS', 'jwksRefetchIntervalS', 'attestationChallengeTtlS', 'maxAttestationAgeS'] as const) {
    p(Number.isInteger(c[k]) && c[k] > 0, `clientAuth.${k} must be a positive whole number, not ${String(c[k])}`);
  }
  p(
    Number.isInteger(c.clockSkewS) && c.clockSkewS >= 0 && c.clockSkewS <= 300,
    `clientAuth.clockSkewS must be 0..300, not ${String(c.clockSkewS)}`,
  );
  p(c.maxAssertionLifetimeS <= 3600, 'clientAuth.maxAssertionLifetimeS must be at most 3600 (assertions are short-lived)');
  p(Array.isArray(c.algorithms) && c.algorithms.length > 0, 'clientAuth.algorithms must list at least one algorithm');
  for (const alg of c.algorithms ?? []) {
    p(
      CLIENT_AUTH_ALGORITHMS.includes(alg),
      `clientAuth.algorithms: "${alg}" is not an asymmetric algorithm this server verifies (never none or HS*; J3)`,
    );
  }
  p(typeof c.attestationChallenge === 'boolean', 'clientAuth.attestationChallenge must be true or false');
  return problems;
}

/** RFC 8707 §2: an absolute URI with no fragment. */
export function isResourceUri(value: string): boolean {
  if (!URL.canParse(value) || value.includes('#')) return false;
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(value);
}
