import { decodeProtectedHeader, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { SigningKeys } from './signing-keys.js';

/** What an access token says (RFC 9068 §2.2). */
export interface AccessTokenClaims {
  readonly sub: string;
  readonly clientId: string;
  readonly scope: readonly string[];
  /** Audience: the resources (RFC 8707), or the issuer when none was requested. */
  readonly audience: readonly string[];
  readonly authTime: number;
  /** The grant the token belongs to (private claim `gid`, for introspection after revocation). */
  readonly grantId: string;
}

export interface IssuedAccessToken {
  readonly token: string;
  readonly jti: string;
  readonly expiresIn: number;
}

/** Sign a JWT access token (RFC 9068: `typ` at+jwt, ES256). */
export async function issueAccessToken(
  keys: SigningKeys,
  issuer: string,
  claims: AccessTokenClaims,
  now: number,
  ttlS: number,
  jti: string,
): Promise<IssuedAccessToken> {
  const key = await keys.current();
  const iat = Math.floor(now / 1000);
  const aud = claims.audience.length === 1 ? (claims.audience[0] as string) : [...claims.audience];
  const token = await new SignJWT({
    client_id: claims.clientId,
    scope: claims.scope.join(' '),
    auth_time: Math.floor(claims.authTime / 1000),
    gid: claims.grantId,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(issuer)
    .setSubject(claims.sub)
    .setAudience(aud)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlS)
    .setJti(jti)
    .sign(key.key);
  return { token, jti, expiresIn: ttlS };
}

/** Verify one of our own access tokens (introspection); undefined when invalid or expired. */
export async function verifyOwnAccessToken(
  keys: SigningKeys,
  issuer: string,
  token: string,
  now: number,
): Promise<JWTPayload | undefined> {
  try {
    const { kid } = decodeProtectedHeader(token);
    if (kid === undefined) return undefined;
    const key = await keys.verificationKey(kid);
    if (key === undefined) return undefined;
    const { payload } = await jwtVerify(token, key, {
      issuer,
      typ: 'at+jwt',
      algorithms: ['ES256'],
      requiredClaims: ['exp', 'iat', 'jti', 'sub'],
      currentDate: new Date(now),
    });
    return payload;
  } catch {
    return undefined;
  }
}
