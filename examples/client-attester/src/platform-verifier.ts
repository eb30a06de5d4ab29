/**
 * How the Client Attester decides that a request comes from a genuine instance of the app: the
 * platform's own attestation (Apple App Attest, Google Play Integrity with Android key
 * attestation). The attester asks a verifier; what it checks is platform business.
 */

/** What the attester expects the platform evidence to vouch for. */
export interface ExpectedEvidence {
  /** The single-use nonce the attester handed out for this request. */
  readonly nonce: string;
  /** RFC 7638 thumbprint of the instance key to be attested (bind the evidence to that key). */
  readonly instanceKeyThumbprint: string;
  /** The client_id of the app (one app, one CIMD document). */
  readonly clientId: string;
}

export type PlatformVerdict =
  | { readonly ok: true; readonly platform: string; readonly details?: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly reason: string };

export interface PlatformVerifier {
  /** The `platform` value of requests this verifier handles, e.g. `development`, `apple-app-attest`. */
  readonly platform: string;
  verify(evidence: unknown, expected: ExpectedEvidence): Promise<PlatformVerdict>;
}

/**
 * The DEVELOPMENT verifier: it accepts evidence that merely repeats the nonce, the instance key
 * thumbprint and the client_id. Anyone can produce that, so it proves nothing about the app or the
 * device. It exists so the flow can be run and tested on a machine without Apple or Google
 * services. Never deploy it: see README.md for what a production verifier must check.
 */
export function createDevelopmentVerifier(): PlatformVerifier {
  return {
    platform: 'development',
    verify(evidence, expected) {
      const e = (typeof evidence === 'object' && evidence !== null ? evidence : {}) as Record<string, unknown>;
      if (e['nonce'] !== expected.nonce) return Promise.resolve({ ok: false, reason: 'the evidence names another nonce' });
      if (e['key_thumbprint'] !== expected.instanceKeyThumbprint) {
        return Promise.resolve({ ok: false, reason: 'the evidence names another instance key' });
      }
      if (e['client_id'] !== expected.clientId) return Promise.resolve({ ok: false, reason: 'the evidence names another app' });
      return Promise.resolve({
        ok: true,
        platform: 'development',
        details: { warning: 'development verifier: nothing verified' },
      });
    },
  };
}
