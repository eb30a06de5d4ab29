import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Randomness, injected so tests can make it deterministic where they need to. */
export interface Random {
  /** `bytes` random bytes as base64url (default 32: 256 bits). */
  token(bytes?: number): string;
}

export const secureRandom: Random = {
  token: (bytes = 32) => randomBytes(bytes).toString('base64url'),
};

/** SHA-256 of a string as base64url: how codes, refresh tokens and session ids are stored. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/**
 * Compare two strings in constant time (for secrets). Their SHA-256 digests are compared, so the
 * time does not even tell whether the lengths differ.
 */
export function safeEqual(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}
