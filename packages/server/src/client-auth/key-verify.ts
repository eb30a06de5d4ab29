import { compactVerify, importJWK, type JWK } from 'jose';
import { CimdError, type PublicJwk, type ReasonCode } from '@cimd/core';
import type { Client } from '../clients/client.js';
import { keyFitsAlg } from './algorithms.js';
import type { ClientKeySet, ClientKeys } from './client-keys.js';
import type { DecodedJwt } from './compact-jwt.js';

/** The reason code for each way finding a verifying key can fail. */
export interface KeyFailures {
  /** No key of the document carries the JWT's kid (or the document has no keys). */
  readonly notFound: ReasonCode;
  /** Keys match the kid, but none fits the algorithm (J3). */
  readonly algMismatch: ReasonCode;
  /** Fitting keys exist, but none verifies the signature (J10). */
  readonly signature: ReasonCode;
}

/** Keys tried per set when the JWT names no kid; a document needs no more for rotation. */
const MAX_TRIES = 8;

/** Imported keys, per JWK object (cached sets hand out the same objects) and algorithm. */
const imported = new WeakMap<PublicJwk, Map<string, CryptoKey | Uint8Array>>();

async function importFor(jwk: PublicJwk, alg: string): Promise<CryptoKey | Uint8Array> {
  let byAlg = imported.get(jwk);
  if (byAlg === undefined) imported.set(jwk, (byAlg = new Map<string, CryptoKey | Uint8Array>()));
  let key = byAlg.get(alg);
  if (key === undefined) {
    key = await importJWK({ ...(jwk as JWK), ext: false }, alg);
    byAlg.set(alg, key);
  }
  return key;
}

type Attempt = { readonly key: PublicJwk } | { readonly failure: keyof KeyFailures };

async function attempt(jwt: DecodedJwt, alg: string, kid: string | undefined, set: ClientKeySet): Promise<Attempt> {
  const candidates = set.keys.filter((k) => kid === undefined || k.kid === kid);
  const fitting = candidates.filter((k) => keyFitsAlg(k, alg)).slice(0, MAX_TRIES);
  for (const key of fitting) {
    try {
      await compactVerify(jwt.token, await importFor(key, alg), { algorithms: [alg] });
      return { key };
    } catch {
      // Not this key: try the next one.
    }
  }
  return { failure: candidates.length === 0 ? 'notFound' : fitting.length === 0 ? 'algMismatch' : 'signature' };
}

/**
 * Verify a JWT's signature with a key of the client's own metadata document (J2, J3, J10, R54):
 * the key named by `kid` (or, without a kid, each fitting key), whose type and curve fit `alg`.
 * When nothing verifies and the keys come from a jwks_uri that this call did not just fetch, the
 * set is fetched ONCE more, rate-limited per client, and tried again (key rotation). Returns the
 * verifying key; throws a CimdError otherwise.
 */
export async function verifyWithClientKeys(
  jwt: DecodedJwt,
  alg: string,
  client: Client,
  keys: ClientKeys,
  fail: KeyFailures,
  what: string,
): Promise<PublicJwk> {
  const rawKid = jwt.header['kid'];
  if (rawKid !== undefined && typeof rawKid !== 'string') throw new CimdError(fail.notFound, `${what}: kid must be a string`);
  const kid = rawKid;
  const first = await keys.keys(client);
  let outcome = await attempt(jwt, alg, kid, first);
  if ('failure' in outcome && !first.fetched) {
    const again = await keys.refetch(client);
    if (again !== undefined) outcome = await attempt(jwt, alg, kid, again);
  }
  if ('key' in outcome) return outcome.key;
  const where = first.source === 'jwks' ? 'the jwks of its document' : `its jwks_uri ${client.metadata.jwks_uri ?? ''}`;
  const messages: Record<keyof KeyFailures, string> = {
    notFound: `${what}: no key${kid === undefined ? '' : ` with kid "${kid}"`} in ${where}`,
    algMismatch: `${what}: no key${kid === undefined ? '' : ` "${kid}"`} in ${where} fits ${alg}`,
    signature: `${what}: the signature does not verify with the keys in ${where}`,
  };
  throw new CimdError(fail[outcome.failure], messages[outcome.failure]);
}
