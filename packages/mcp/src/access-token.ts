import { CimdError, type ReasonCode } from '@cimd/core';
import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { ResolvedOptions } from './options.js';

/** What a verified access token (RFC 9068) tells the resource. */
export interface VerifiedAccessToken {
  /**
   * The token as received, for libraries that want it (the MCP SDK's `AuthInfo.token`). Never send
   * it anywhere else: a resource that forwards the tokens it receives is a confused deputy (MCP:
   * no token passthrough). Upstream APIs need tokens of their own.
   */
  readonly token: string;
  readonly issuer: string;
  /** The user (or the client itself, for client credentials). */
  readonly subject: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly audience: readonly string[];
  /** Seconds since the epoch. */
  readonly expiresAt: number;
  readonly issuedAt: number;
  readonly jwtId: string;
  /** Every claim, for anything above (e.g. `auth_time`). */
  readonly claims: Readonly<JWTPayload>;
}

/** JWS compact serialisation: three base64url parts (a JWE has five and is refused). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function reasonOf(e: unknown): { code: ReasonCode; detail: string } {
  const detail = e instanceof Error ? e.message : String(e);
  if (e instanceof errors.JWTExpired) return { code: 'access-token-expired', detail };
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'iss') return { code: 'access-token-issuer-mismatch', detail };
    if (e.claim === 'aud') return { code: 'access-token-audience-mismatch', detail };
    return { code: 'access-token-invalid', detail: `${e.claim}: ${detail}` };
  }
  // A key set that cannot be fetched or read says nothing about the token.
  if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid)
    return { code: 'authorization-server-keys-unavailable', detail };
  if (e instanceof CimdError) return { code: e.code, detail };
  if (e instanceof errors.JOSEError && e.code !== 'ERR_JOSE_GENERIC') return { code: 'access-token-invalid', detail };
  // jose's generic error ("Expected 200 OK ...") and fetch's own errors: the key set is unreachable.
  return { code: 'authorization-server-keys-unavailable', detail };
}

function stringClaim(payload: JWTPayload, name: string): string {
  const value = payload[name];
  if (typeof value !== 'string' || value === '') {
    throw new CimdError('access-token-invalid', `The access token's ${name} claim is not a non-empty string`);
  }
  return value;
}

/**
 * Verify a JWT access token of the configured authorization server for this resource (RFC 9068
 * §4): the signature with the authorization server's keys and an allowed asymmetric algorithm,
 * `typ` at+jwt, `iss` the configured issuer exactly, `aud` containing this resource's canonical
 * URI exactly (a token for any other resource is refused: no token passthrough), `exp` (and
 * `nbf` when present) against the injected clock, and the claims RFC 9068 §2.2 requires.
 * Scopes are not checked here. Throws `CimdError`.
 */
export async function verifyAccessToken(
  token: string,
  keys: JWTVerifyGetKey,
  options: ResolvedOptions,
): Promise<VerifiedAccessToken> {
  if (!COMPACT_JWS.test(token)) {
    throw new CimdError('access-token-invalid', 'The access token is not a JWS in compact serialisation');
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keys, {
      issuer: options.authorizationServer,
      audience: options.resource,
      typ: 'at+jwt',
      algorithms: [...options.algorithms],
      requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'],
      clockTolerance: options.clockToleranceS,
      currentDate: new Date(options.clock.now()),
    }));
  } catch (e) {
    const { code, detail } = reasonOf(e);
    throw new CimdError(code, `The access token was refused: ${detail}`, { cause: e });
  }
  const scope = payload['scope'];
  if (scope !== undefined && typeof scope !== 'string') {
    throw new CimdError('access-token-invalid', "The access token's scope claim is not a string");
  }
  const audience = typeof payload.aud === 'string' ? [payload.aud] : [...(payload.aud ?? [])];
  return {
    token,
    issuer: stringClaim(payload, 'iss'),
    subject: stringClaim(payload, 'sub'),
    clientId: stringClaim(payload, 'client_id'),
    scopes: scope === undefined ? [] : scope.split(' ').filter((s) => s !== ''),
    audience,
    expiresAt: payload.exp ?? 0,
    issuedAt: payload.iat ?? 0,
    jwtId: stringClaim(payload, 'jti'),
    claims: payload,
  };
}
