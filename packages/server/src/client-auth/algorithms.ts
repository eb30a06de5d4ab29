import type { PublicJwk } from '@cimd/core';

/**
 * Which key each asymmetric JWS algorithm needs (RFC 7518 §3, RFC 8037, RFC 9864). Symmetric
 * algorithms (HS*) and `none` never appear: a client's document holds public keys only, and a
 * MAC would make the AS able to forge the client's assertions (J3, RFC 8725 §3.1).
 */
const KEY_FOR_ALG: Readonly<Record<string, { readonly kty: string; readonly crv?: string }>> = {
  ES256: { kty: 'EC', crv: 'P-256' },
  ES384: { kty: 'EC', crv: 'P-384' },
  ES512: { kty: 'EC', crv: 'P-521' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  Ed25519: { kty: 'OKP', crv: 'Ed25519' },
  PS256: { kty: 'RSA' },
  PS384: { kty: 'RSA' },
  PS512: { kty: 'RSA' },
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
};

/** RSA keys shorter than this are refused (RFC 7518 §3.3, §3.5). */
const MIN_RSA_BITS = 2048;

/** Bits of an RSA modulus from its base64url `n`, ignoring leading zero bytes. */
function rsaBits(n: unknown): number {
  if (typeof n !== 'string' || !/^[A-Za-z0-9_-]+$/.test(n)) return 0;
  const bytes = Buffer.from(n, 'base64url');
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + Math.floor(Math.log2(bytes[i] as number)) + 1;
}

/**
 * Whether `jwk` can verify a signature made with `alg` (J3): the key type and curve fit the
 * algorithm, RSA keys have at least 2048 bits, and the key's own `alg`, `use` and `key_ops`
 * (RFC 7517 §4) do not forbid it.
 */
export function keyFitsAlg(jwk: PublicJwk, alg: string): boolean {
  const need = KEY_FOR_ALG[alg];
  if (need === undefined || jwk.kty !== need.kty) return false;
  if (need.crv !== undefined && jwk['crv'] !== need.crv) return false;
  if (need.kty === 'RSA' && rsaBits(jwk['n']) < MIN_RSA_BITS) return false;
  if (jwk.alg !== undefined && jwk.alg !== alg && !(alg === 'EdDSA' && jwk.alg === 'Ed25519')) return false;
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  const ops = jwk['key_ops'];
  if (Array.isArray(ops) && !ops.includes('verify')) return false;
  return true;
}
