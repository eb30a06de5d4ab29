/**
 * The client metadata documents and the authorization request shape both servers see in the
 * side-by-side benchmark. Every document is about 1 KB, names only https URLs (both servers accept
 * it), and registers the one redirect URI the requests use.
 */

/**
 * The redirect URI a bench client registers and its requests name: on the client_id's own host
 * (cimd requires that of clients seen for the first time), without the port.
 */
export function redirectUriOf(clientId: string): string {
  return `https://${new URL(clientId).hostname}/callback`;
}

/** Whether a Location header sends the browser back to a bench client (any of them). */
export function isClientRedirect(location: string): boolean {
  return /^https:\/\/[^/]*client\.test\/callback\?/.test(location);
}
/** The protected resource both servers issue access tokens for (RFC 8707). */
export const RESOURCE = 'https://rs.bench.test/';
/** What every authorization request asks for: a resource scope, and a refresh token. */
export const SCOPE = 'read offline_access';
/** One PKCE pair shared by requests that are never exchanged (it is valid; codes differ anyway). */
export const FIXED_VERIFIER = 'bench-verifier-0123456789-abcdefghijklmnopqrstuvwxyz';

/** How the client authenticates at the token endpoint. */
export type ClientKind = 'private_key_jwt' | 'none';

/** A public EC P-256 key as a JWK (the `jwks` of private_key_jwt documents). */
export interface PublicJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly kid: string;
}

const encoder = new TextEncoder();

/** The document for `clientId` (the URL it is served at). */
export function benchDocument(clientId: string, kind: ClientKind, key: PublicJwk): Uint8Array {
  const n = /\/([^/]+)\.json$/.exec(clientId)?.[1] ?? '0';
  const doc = {
    client_id: clientId,
    client_name: `Bench application ${n}`,
    client_uri: 'https://app.client.test/',
    logo_uri: 'https://app.client.test/logo.png',
    tos_uri: 'https://app.client.test/terms-of-service',
    policy_uri: 'https://app.client.test/privacy-policy',
    contacts: [`operations+${n}@client.test`],
    redirect_uris: [redirectUriOf(clientId), 'https://app.client.test/other-callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: 'read write offline_access',
    token_endpoint_auth_method: kind,
    ...(kind === 'private_key_jwt'
      ? { token_endpoint_auth_signing_alg: 'ES256', jwks: { keys: [{ ...key, use: 'sig', alg: 'ES256' }] } }
      : {}),
    software_id: `0f6c1a2d-3b4c-4d5e-8f90-${n.replace(/\W/g, '').slice(-12).padStart(12, '0')}`,
    software_version: '3.14.159',
  };
  return encoder.encode(JSON.stringify(doc));
}

/** The query of an authorization request for `clientId` (code flow, PKCE S256, a resource). */
export function authorizeQuery(clientId: string, challenge: string, state: string): string {
  return new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUriOf(clientId),
    scope: SCOPE,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    resource: RESOURCE,
  }).toString();
}

/** The password of the bench accounts (`bench0`, `bench1`, ...) on cimd; not a secret. */
export const BENCH_PASSWORD = 'bench password, not a secret';
