/**
 * One-time identifiers (`jti` of client assertions, attestation PoPs, DPoP proofs) and deny lists
 * (revoked access tokens). Contract:
 * - `remember` is atomic: it returns true when the (namespace, id) pair was not already held with
 *   an expiry in the future, and holds it until `expiresAt`; of concurrent calls for one pair,
 *   exactly one returns true;
 * - `seen` tells whether the pair is held with an expiry in the future, changing nothing.
 */
export interface ReplayStore {
  remember(namespace: string, id: string, expiresAt: number, now: number): Promise<boolean>;
  seen(namespace: string, id: string, now: number): Promise<boolean>;
}
