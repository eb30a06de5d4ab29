import type { Clock } from '@cimd/core';
import type { Stores } from '../store/stores.js';
import { verifyOwnAccessToken } from '../tokens/access-token.js';
import type { SigningKeys } from '../tokens/signing-keys.js';

export interface IntrospectDeps {
  readonly issuer: string;
  readonly stores: Pick<Stores, 'grants' | 'replay' | 'users'>;
  readonly keys: SigningKeys;
  readonly clock: Clock;
}

/**
 * Token introspection (RFC 7662 §2.2) for authenticated resource servers. Only access tokens are
 * introspected; a token is active while its signature, issuer and expiry hold, its grant is not
 * revoked, its account is not disabled, and it was not revoked itself.
 */
export async function introspectToken(deps: IntrospectDeps, token: string): Promise<Record<string, unknown>> {
  const now = deps.clock.now();
  const claims = await verifyOwnAccessToken(deps.keys, deps.issuer, token, now);
  if (claims === undefined || typeof claims.jti !== 'string' || typeof claims['gid'] !== 'string') return { active: false };
  const grant = await deps.stores.grants.get(claims['gid']);
  if (grant === undefined || grant.revokedAt !== undefined) return { active: false };
  const revoked = await deps.stores.replay.seen('revoked-access-token', claims.jti, now);
  if (revoked) return { active: false };
  const user = await deps.stores.users.findById(grant.userId);
  if (user === undefined || user.disabled === true) return { active: false };
  return {
    active: true,
    iss: claims.iss,
    sub: claims.sub,
    aud: claims.aud,
    client_id: claims['client_id'],
    scope: claims['scope'],
    exp: claims.exp,
    iat: claims.iat,
    jti: claims.jti,
    token_type: 'Bearer',
  };
}
