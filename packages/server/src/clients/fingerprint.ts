import { securityFingerprint } from '@cimd/core';
import { sha256 } from '../util/random.js';
import type { Client } from './client.js';

/** 128 bits of SHA-256, base64url: one class digest of a fingerprint. */
function classDigest(text: string): string {
  return sha256(text).slice(0, 22);
}

/**
 * A fingerprint of the security-relevant parts of a client (R64): one digest per change class
 * (redirect URIs, keys, privileges, cosmetic members; `registration`, the domain's registration
 * data as text, when known). A consent remembers it; when a class whose policy is not `silent`
 * changes, the remembered consent no longer applies (see `fingerprintCovers`).
 */
export function clientFingerprint(client: Client, registration = ''): string {
  return securityFingerprint(client.metadata, classDigest, registration);
}
