import { randomBytes } from 'node:crypto';
import { EmbeddedJWK, SignJWT, calculateJwkThumbprint, exportJWK, jwtVerify, type JWK, type KeyObject } from 'jose';
import type { PlatformVerifier } from './platform-verifier.js';

/**
 * A reference Client Attester Backend (draft-ietf-oauth-attestation-based-client-auth-11 §1.1,
 * steps 2–4; IETF 124 CIMD slides, "Client ID Metadata Document for Native Apps"): it checks that
 * an app instance holds its key and that the platform vouches for the app, then signs a Client
 * Attestation JWT binding that key (`cnf.jwk`). Its public keys are published at `/jwks`, and the
 * app's client metadata document names that URL as its `jwks_uri`, so authorization servers find
 * the attester's keys through the document.
 */
export interface ClientAttesterOptions {
  /** The attester's signing key (ES256) and its key id. */
  readonly signingKey: {
    readonly privateKey: CryptoKey | KeyObject;
    readonly publicKey: CryptoKey | KeyObject;
    readonly kid: string;
  };
  /** The attester's identifier (its https origin); the audience of key proofs and the attestation's `iss`. */
  readonly issuer: string;
  /** client_ids this attester vouches for (the apps it serves). */
  readonly clientIds: readonly string[];
  /** Platform verifiers by platform name. */
  readonly verifiers: readonly PlatformVerifier[];
  /** Lifetime of issued attestations, seconds (default 3600). */
  readonly attestationTtlS?: number;
  /** Lifetime of a nonce, seconds (default 300). */
  readonly nonceTtlS?: number;
  /** Milliseconds since the epoch (default Date.now). */
  readonly now?: () => number;
}

/** An attestation request (the app → attester protocol is out of the draft's scope; this is ours). */
export interface AttestationRequest {
  readonly client_id: string;
  /** Which platform verifier judges `evidence`. */
  readonly platform: string;
  readonly evidence: unknown;
  /**
   * Proof of possession of the instance key: a JWT with typ `key-proof+jwt`, the public key in its
   * `jwk` header, `aud` = the attester, the nonce, and `iat`, signed by the instance key.
   */
  readonly key_proof: string;
}

export class AttestationRefused extends Error {
  override readonly name = 'AttestationRefused';
}

export interface ClientAttester {
  readonly issuer: string;
  /** A single-use nonce for the next attestation request. */
  nonce(): string;
  /** Check the request and sign a Client Attestation JWT; throws AttestationRefused. */
  attest(request: AttestationRequest): Promise<string>;
  /** The public keys, for `/jwks` (the app document's `jwks_uri`). */
  jwks(): Promise<{ keys: JWK[] }>;
}

export const KEY_PROOF_TYPE = 'key-proof+jwt';

export function createClientAttester(options: ClientAttesterOptions): ClientAttester {
  const now = options.now ?? Date.now;
  const ttlS = options.attestationTtlS ?? 3600;
  const nonceTtlMs = (options.nonceTtlS ?? 300) * 1000;
  const nonces = new Map<string, number>();
  const verifiers = new Map(options.verifiers.map((v) => [v.platform, v]));
  const refuse = (why: string): never => {
    throw new AttestationRefused(why);
  };

  function takeNonce(value: unknown): string {
    if (typeof value !== 'string') return refuse('the key proof carries no nonce');
    const expires = nonces.get(value);
    nonces.delete(value);
    if (expires === undefined || expires <= now()) return refuse('the nonce is unknown, used or expired');
    return value;
  }

  return {
    issuer: options.issuer,
    nonce() {
      const t = now();
      for (const [n, exp] of nonces) if (exp <= t) nonces.delete(n);
      if (nonces.size >= 100_000) refuse('too many outstanding nonces');
      const value = randomBytes(24).toString('base64url');
      nonces.set(value, t + nonceTtlMs);
      return value;
    },
    async attest(request) {
      if (!options.clientIds.includes(request.client_id)) refuse(`this attester does not vouch for ${request.client_id}`);
      const verifier = verifiers.get(request.platform) ?? refuse(`no verifier for platform "${request.platform}"`);
      let proof;
      try {
        proof = await jwtVerify(request.key_proof, EmbeddedJWK, {
          typ: KEY_PROOF_TYPE,
          audience: options.issuer,
          algorithms: ['ES256', 'EdDSA'],
          maxTokenAge: '5m',
          currentDate: new Date(now()),
        });
      } catch (e) {
        return refuse(`the key proof does not verify: ${(e as Error).message}`);
      }
      const nonce = takeNonce(proof.payload['nonce']);
      const jwk = proof.protectedHeader.jwk as JWK;
      const instanceKeyThumbprint = await calculateJwkThumbprint(jwk, 'sha256');
      const verdict = await verifier.verify(request.evidence, { nonce, instanceKeyThumbprint, clientId: request.client_id });
      if (!verdict.ok) refuse(`the platform evidence is not accepted: ${verdict.reason}`);
      const iat = Math.floor(now() / 1000);
      const { kty, crv, x, y, n, e } = jwk;
      const publicOnly = Object.fromEntries(Object.entries({ kty, crv, x, y, n, e }).filter(([, v]) => v !== undefined));
      return new SignJWT({ sub: request.client_id, cnf: { jwk: publicOnly } })
        .setProtectedHeader({ alg: 'ES256', typ: 'oauth-client-attestation+jwt', kid: options.signingKey.kid })
        .setIssuer(options.issuer)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlS)
        .sign(options.signingKey.privateKey);
    },
    async jwks() {
      const jwk = await exportJWK(options.signingKey.publicKey);
      return { keys: [{ ...jwk, kid: options.signingKey.kid, alg: 'ES256', use: 'sig' }] };
    },
  };
}
