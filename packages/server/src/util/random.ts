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

/** Compare two strings in constant time (for secrets). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
