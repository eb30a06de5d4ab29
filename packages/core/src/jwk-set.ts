import { finding, type Finding } from './errors.js';
import { PRIVATE_JWK_MEMBERS, type PublicJwks } from './metadata.js';
import { parseStrictJson, type JsonLimits } from './strict-json.js';

type Json = Record<string, unknown>;

/**
 * Check a JWK Set as a client publishes it (`jwks` in a document, or the body of its `jwks_uri`):
 * an object with a `keys` array of JWK objects with a `kty` string, public keys only (RFC 7517 §5,
 * draft-03 §4.1, R23). Findings go to `reasons`, each property prefixed with `where`.
 *
 * A non-object value is reported only when `where` is not empty: in the document itself, a
 * non-object `jwks` is already reported as a type error.
 */
export function checkJwkSet(jwks: unknown, reasons: Finding[], where: string): void {
  const isObject = typeof jwks === 'object' && jwks !== null && !Array.isArray(jwks);
  if (!isObject && where === '') return;
  const keys = isObject ? (jwks as Json)['keys'] : undefined;
  if (!Array.isArray(keys)) {
    reasons.push(finding('jwks-invalid', `${where}jwks must be a JWK Set: an object with a "keys" array`, 'jwks'));
    return;
  }
  keys.forEach((key: unknown, i) => {
    const prop = `jwks.keys[${i}]`;
    if (typeof key !== 'object' || key === null || Array.isArray(key) || typeof (key as Json)['kty'] !== 'string') {
      reasons.push(finding('jwks-invalid', `${where}${prop} must be a JWK object with a "kty" string`, prop));
      return;
    }
    const k = key as Json;
    const privateMembers = PRIVATE_JWK_MEMBERS.filter((m) => Object.hasOwn(k, m));
    if (k['kty'] === 'oct' || privateMembers.length > 0) {
      const what = k['kty'] === 'oct' ? 'is a symmetric ("oct") key' : `has private members (${privateMembers.join(', ')})`;
      reasons.push(finding('private-key-material', `${where}${prop} ${what}; only public keys may be published`, prop));
    }
  });
}

export type JwkSetResult =
  { readonly ok: true; readonly jwks: PublicJwks } | { readonly ok: false; readonly reasons: readonly Finding[] };

/**
 * Parse the body fetched from a client's `jwks_uri` (J2, R23): strict JSON within `limits`, a JWK
 * Set with public keys only. Never throws.
 */
export function parseJwkSet(body: Uint8Array | string, limits: Partial<JsonLimits> = {}): JwkSetResult {
  const parsed = parseStrictJson(body, limits);
  if (!parsed.ok) return { ok: false, reasons: [parsed.reason] };
  const reasons: Finding[] = [];
  checkJwkSet(parsed.value, reasons, 'jwks_uri: ');
  return reasons.length > 0 ? { ok: false, reasons } : { ok: true, jwks: parsed.value as PublicJwks };
}
