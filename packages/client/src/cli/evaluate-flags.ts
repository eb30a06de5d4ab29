import { PROFILES, isProfileName, type EvaluateOptions, type Profile } from '@cimd/core';
import { UsageError } from './io.js';

/** Flags shared by every verb that judges a document as an authorization server would. */
export const EVALUATE_FLAGS = {
  profile: { type: 'string' },
  'grant-types': { type: 'string' },
  'response-types': { type: 'string' },
  'auth-methods': { type: 'string' },
  'without-rp-metadata-choices': { type: 'boolean' },
  'reject-none-when-authenticated': { type: 'boolean' },
  query: { type: 'string' },
  'root-path': { type: 'string' },
  'allow-ip-literal': { type: 'boolean' },
  'max-bytes': { type: 'string' },
} as const;

export const EVALUATE_HELP = `Server assumptions (defaults: an AS supporting authorization_code and refresh_token,
response type code, and client authentication with private_key_jwt or none):
  --profile <name>                   draft-03 (default) or mcp-2025-11-25
  --grant-types <a,b>                grant types the AS supports
  --response-types <a,b>             response types the AS supports
  --auth-methods <a,b>               client authentication methods the AS supports
  --without-rp-metadata-choices      the AS ignores token_endpoint_auth_methods_supported
  --reject-none-when-authenticated   MCP SEP-3149: refuse "none" when a key method is shared
  --query warn|reject                a query in the client_id (default warn)
  --root-path warn|reject            a client_id path of "/" (default warn)
  --allow-ip-literal                 accept an IP address as the client_id host
  --max-bytes <n>                    document byte limit (default 5120)`;

type Values = {
  profile?: string | undefined;
  'grant-types'?: string | undefined;
  'response-types'?: string | undefined;
  'auth-methods'?: string | undefined;
  'without-rp-metadata-choices'?: boolean | undefined;
  'reject-none-when-authenticated'?: boolean | undefined;
  query?: string | undefined;
  'root-path'?: string | undefined;
  'allow-ip-literal'?: boolean | undefined;
  'max-bytes'?: string | undefined;
};

function list(value: string | undefined, flag: string): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`--${flag} needs at least one value`);
  return items;
}

function oneOf<T extends string>(value: string | undefined, flag: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, not "${value}"`);
  return value as T;
}

/** Turn the shared flags into evaluation options. */
export function evaluateOptions(v: Values): EvaluateOptions {
  let profile: Profile = PROFILES['draft-03'];
  if (v.profile !== undefined) {
    if (!isProfileName(v.profile))
      throw new UsageError(`--profile must be one of ${Object.keys(PROFILES).join(', ')}, not "${v.profile}"`);
    profile = PROFILES[v.profile];
  }
  if (v['reject-none-when-authenticated'] === true) profile = { ...profile, rejectNoneWhenAuthenticatedShared: true };

  const server: { grantTypes?: string[]; responseTypes?: string[]; authMethods?: string[]; rpMetadataChoices?: boolean } = {};
  const grantTypes = list(v['grant-types'], 'grant-types');
  const responseTypes = list(v['response-types'], 'response-types');
  const authMethods = list(v['auth-methods'], 'auth-methods');
  if (grantTypes) server.grantTypes = grantTypes;
  if (responseTypes) server.responseTypes = responseTypes;
  if (authMethods) server.authMethods = authMethods;
  if (v['without-rp-metadata-choices'] === true) server.rpMetadataChoices = false;

  const urlPolicy: { query?: 'warn' | 'reject'; rootPath?: 'warn' | 'reject'; ipLiteralHost?: 'allow' | 'reject' } = {};
  const query = oneOf(v.query, 'query', ['warn', 'reject'] as const);
  const rootPath = oneOf(v['root-path'], 'root-path', ['warn', 'reject'] as const);
  if (query) urlPolicy.query = query;
  if (rootPath) urlPolicy.rootPath = rootPath;
  if (v['allow-ip-literal'] === true) urlPolicy.ipLiteralHost = 'allow';

  const options: { profile: Profile; server: typeof server; urlPolicy: typeof urlPolicy; limits?: { maxBytes: number } } = {
    profile,
    server,
    urlPolicy,
  };
  if (v['max-bytes'] !== undefined) options.limits = { maxBytes: positiveInteger(v['max-bytes'], 'max-bytes') };
  return options;
}

/** A flag's value as a positive whole number that every limit accepts (a safe integer). */
export function positiveInteger(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${flag} must be a positive whole number, not "${value}"`);
  return n;
}
