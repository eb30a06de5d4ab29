import { randomUUID } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { KEY_PROOF_TYPE } from './attester.js';

/**
 * The app side, as a native app would do it (with the key in the platform's secure hardware):
 * make an instance key, get a Client Attestation from the attester, then sign a fresh PoP for
 * every request (draft-ietf-oauth-attestation-based-client-auth-11 §5.1).
 */
export interface ClientInstance {
  readonly clientId: string;
  readonly publicJwk: JWK;
  readonly thumbprint: string;
  /** Ask the attester (over `fetchImpl`) for a Client Attestation JWT; kept for later requests. */
  obtainAttestation(): Promise<string>;
  /** The two request headers for one request to the authorization server `issuer`. */
  headers(issuer: string, options?: { readonly challenge?: string; readonly nowMs?: number }): Promise<Record<string, string>>;
}

export interface ClientInstanceOptions {
  readonly clientId: string;
  /** The attester's base URL. */
  readonly attesterUrl: string;
  /** The attester's identifier (the audience of the key proof); defaults to `attesterUrl`. */
  readonly attesterIssuer?: string;
  /** The platform evidence for a nonce (the development platform repeats what it is asked). */
  readonly evidence?: (nonce: string, thumbprint: string) => unknown;
  readonly platform?: string;
  readonly fetchImpl?: typeof fetch;
  /** The instance key pair (default: a new ES256 pair; a real app keeps it in secure hardware). */
  readonly keyPair?: { readonly privateKey: CryptoKey; readonly publicKey: CryptoKey };
  /** Milliseconds since the epoch (default Date.now). */
  readonly now?: () => number;
}

export async function createClientInstance(options: ClientInstanceOptions): Promise<ClientInstance> {
  const { privateKey, publicKey } = options.keyPair ?? (await generateKeyPair('ES256'));
  const publicJwk = await exportJWK(publicKey);
  const thumbprint = await calculateJwkThumbprint(publicJwk, 'sha256');
  const fetchImpl = options.fetchImpl ?? fetch;
  const now = options.now ?? Date.now;
  const evidence =
    options.evidence ?? ((nonce: string, tp: string) => ({ nonce, key_thumbprint: tp, client_id: options.clientId }));
  let attestation: string | undefined;

  async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
    const res = await fetchImpl(new URL(path, options.attesterUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200) throw new Error(`the attester answered ${res.status}: ${JSON.stringify(json)}`);
    return json;
  }

  async function obtainAttestation(): Promise<string> {
    const { nonce } = (await post('/nonce', {})) as { nonce: string };
    const keyProof = await new SignJWT({ nonce })
      .setProtectedHeader({ alg: 'ES256', typ: KEY_PROOF_TYPE, jwk: publicJwk })
      .setAudience(options.attesterIssuer ?? options.attesterUrl)
      .setIssuedAt(Math.floor(now() / 1000))
      .sign(privateKey);
    const answer = await post('/attestations', {
      client_id: options.clientId,
      platform: options.platform ?? 'development',
      evidence: evidence(nonce, thumbprint),
      key_proof: keyProof,
    });
    attestation = String(answer['client_attestation']);
    return attestation;
  }

  return {
    clientId: options.clientId,
    publicJwk,
    thumbprint,
    obtainAttestation,
    async headers(issuer, opts = {}) {
      const current = attestation ?? (await obtainAttestation());
      const pop = await new SignJWT({ jti: randomUUID(), ...(opts.challenge === undefined ? {} : { challenge: opts.challenge }) })
        .setProtectedHeader({ alg: 'ES256', typ: 'oauth-client-attestation-pop+jwt' })
        .setAudience(issuer)
        .setIssuedAt(Math.floor((opts.nowMs ?? now()) / 1000))
        .sign(privateKey);
      return { 'OAuth-Client-Attestation': current, 'OAuth-Client-Attestation-PoP': pop };
    },
  };
}
