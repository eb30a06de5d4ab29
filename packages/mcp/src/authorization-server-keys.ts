import { CimdError } from '@cimd/core';
import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose';
import { urlProblem, type ResolvedOptions } from './options.js';

/** After a failed discovery, requests fail fast for this long before the next attempt. */
export const DISCOVERY_RETRY_MS = 5000;

function unavailable(message: string, cause?: unknown): CimdError {
  return new CimdError('authorization-server-keys-unavailable', message, cause === undefined ? {} : { cause });
}

/** RFC 8414 §3.1: the metadata URL of an issuer, the well-known suffix inserted before its path. */
export function authorizationServerMetadataUrl(issuer: string): string {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.origin}/.well-known/oauth-authorization-server${path}`;
}

/**
 * Read `jwks_uri` from the authorization server's RFC 8414 metadata. The authorization server is
 * configured by the operator, so its metadata and key set are trusted URLs (never a client's
 * choice); still, `issuer` must equal the configured issuer exactly (RFC 8414 §3.3), no redirect
 * is followed, and `jwks_uri` must be https (http only on loopback).
 */
export async function discoverJwksUri(options: ResolvedOptions): Promise<string> {
  const url = authorizationServerMetadataUrl(options.authorizationServer);
  let response: Response;
  let metadata: unknown;
  try {
    response = await options.fetch(url, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (response.status !== 200) throw unavailable(`${url} answered ${response.status}, not 200`);
    metadata = await response.json();
  } catch (e) {
    throw e instanceof CimdError ? e : unavailable(`Cannot read ${url}: ${e instanceof Error ? e.message : String(e)}`, e);
  }
  const record = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>) : {};
  if (record['issuer'] !== options.authorizationServer) {
    throw unavailable(`${url} names the issuer ${JSON.stringify(record['issuer'])}, not ${options.authorizationServer}`);
  }
  const jwksUri = record['jwks_uri'];
  if (typeof jwksUri !== 'string') throw unavailable(`${url} has no jwks_uri`);
  const problem = urlProblem(jwksUri, 'jwks_uri');
  if (problem !== undefined) throw unavailable(`${url}: ${problem}`);
  return jwksUri;
}

/**
 * The authorization server's signing keys for `jwtVerify`: a remote JWKS (jose), fetched from
 * the configured `jwksUri` or the one discovered on first use. jose caches the set, refetches it
 * when a token names an unknown `kid` (key rotation) and rate-limits those refetches.
 */
export function authorizationServerKeys(options: ResolvedOptions): JWTVerifyGetKey {
  const remote = (uri: string): JWTVerifyGetKey =>
    createRemoteJWKSet(new URL(uri), {
      timeoutDuration: options.timeoutMs,
      [customFetch]: (url, init) => options.fetch(url, init),
    });
  let keys: JWTVerifyGetKey | undefined = options.jwksUri === undefined ? undefined : remote(options.jwksUri);
  let discovery: Promise<JWTVerifyGetKey> | undefined;
  let failed: { readonly at: number; readonly error: CimdError } | undefined;

  const discovered = (): Promise<JWTVerifyGetKey> => {
    if (failed !== undefined && options.clock.now() - failed.at < DISCOVERY_RETRY_MS) return Promise.reject(failed.error);
    discovery ??= discoverJwksUri(options).then(
      (uri) => {
        keys = remote(uri);
        return keys;
      },
      (e: unknown) => {
        discovery = undefined;
        failed = { at: options.clock.now(), error: e instanceof CimdError ? e : unavailable(String(e), e) };
        throw failed.error;
      },
    );
    return discovery;
  };

  return async (header, token) => (keys ?? (await discovered()))(header, token);
}
