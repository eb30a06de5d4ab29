import { sha256 } from '../util/random.js';
import type { Client } from './client.js';

/**
 * A digest of the security-relevant parts of a client's metadata (R64): redirect URIs,
 * authentication methods, keys, grant types and declared scope. A consent remembers it; when the
 * document changes any of these, the remembered consent no longer applies. Cosmetic members
 * (name, logo) are not part of it.
 */
export function clientFingerprint(client: Client): string {
  const m = client.metadata;
  const canonical = JSON.stringify([
    [...client.redirectUris].sort(),
    [...client.authMethods].sort(),
    m.jwks_uri ?? null,
    m.jwks === undefined ? null : JSON.stringify(m.jwks),
    [...client.grantTypes].sort(),
    m.scope ?? null,
  ]);
  return `sha256:${sha256(canonical)}`;
}
