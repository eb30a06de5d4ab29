import type { JWK } from 'jose';

/** A signing key of the authorization server (access tokens). */
export interface SigningKeyRecord {
  readonly kid: string;
  readonly alg: string;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
  readonly createdAt: number;
  /** From when it signs (new keys are published before they sign, so verifiers can fetch them). */
  readonly activatesAt: number;
  /** From when it no longer signs; it stays published until `expiresAt`. */
  readonly retiresAt?: number;
  /** From when it is no longer published (after every token it signed has expired). */
  readonly expiresAt?: number;
}

/** Signing keys. Contract: `kid` is unique; `update` changes only the timestamps. */
export interface KeyStore {
  list(): Promise<SigningKeyRecord[]>;
  add(record: SigningKeyRecord): Promise<void>;
  update(kid: string, patch: Pick<SigningKeyRecord, 'retiresAt' | 'expiresAt'>): Promise<void>;
}
