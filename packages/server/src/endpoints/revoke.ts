import type { Clock } from '@cimd/core';
import type { Stores } from '../store/stores.js';
import { verifyOwnAccessToken } from '../tokens/access-token.js';
import type { SigningKeys } from '../tokens/signing-keys.js';
import { sha256 } from '../util/random.js';
import type { Client } from '../clients/client.js';

export interface RevokeDeps {
  readonly issuer: string;
  readonly stores: Pick<Stores, 'refreshTokens' | 'grants' | 'replay'>;
  readonly keys: SigningKeys;
  readonly clock: Clock;
}

/**
 * Token revocation (RFC 7009 §2.1). A refresh token revokes its whole grant (and so every token
 * of it); an access token is put on a deny list until it expires (introspection honours it).
 * Tokens of other clients and unknown tokens are ignored: the answer is always 200 (§2.2).
 */
export async function revokeToken(deps: RevokeDeps, client: Client, token: string, hint: string | undefined): Promise<void> {
  const now = deps.clock.now();
  const tryRefresh = async (): Promise<boolean> => {
    const record = await deps.stores.refreshTokens.find(sha256(token), now);
    if (record === undefined || record.clientId !== client.clientId) return false;
    await deps.stores.grants.revoke(record.grantId, now, 'revoked by the client (RFC 7009)');
    return true;
  };
  const tryAccess = async (): Promise<boolean> => {
    const claims = await verifyOwnAccessToken(deps.keys, deps.issuer, token, now);
    if (claims === undefined || claims['client_id'] !== client.clientId || typeof claims.jti !== 'string') return false;
    await deps.stores.replay.remember('revoked-access-token', claims.jti, ((claims.exp ?? 0) + 60) * 1000, now);
    return true;
  };
  if (hint === 'access_token') {
    if (!(await tryAccess())) await tryRefresh();
  } else if (!(await tryRefresh())) await tryAccess();
}
