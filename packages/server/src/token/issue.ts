import type { Clock } from '@cimd/core';
import type { ServerConfig } from '../config.js';
import type { RefreshTokenRecord } from '../store/refresh-tokens.js';
import type { Stores } from '../store/stores.js';
import { issueAccessToken } from '../tokens/access-token.js';
import type { SigningKeys } from '../tokens/signing-keys.js';
import { sha256, type Random } from '../util/random.js';
import type { AuthenticatedClient } from './client-auth.js';

export interface IssueDeps {
  readonly issuer: string;
  readonly config: ServerConfig;
  readonly stores: Pick<Stores, 'refreshTokens'>;
  readonly keys: SigningKeys;
  readonly clock: Clock;
  readonly random: Random;
}

/** The JSON body of a successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly scope: string;
  readonly refresh_token?: string;
}

export interface TokenSubject {
  readonly grantId: string;
  readonly grantExpiresAt: number;
  readonly userId: string;
  readonly authTime: number;
  readonly scope: readonly string[];
  /** The audience of this access token: a subset of the grant's resources. */
  readonly resources: readonly string[];
  /** The grant's resources, which the refresh token keeps. */
  readonly grantResources: readonly string[];
}

/**
 * Issue an access token and, when the client may refresh, a refresh token. `saveRefresh` stores the
 * new refresh token (a plain save after a code, an atomic rotation after a refresh). A client that
 * authenticated (private_key_jwt, attestation) gets the `authenticated*TtlS` lifetimes; the trust
 * model may shorten either (`auth.lifetimes`, first-seen clients).
 */
export async function issueTokens(
  deps: IssueDeps,
  auth: AuthenticatedClient,
  subject: TokenSubject,
  saveRefresh: (record: RefreshTokenRecord) => Promise<void>,
): Promise<TokenResponse> {
  const { client } = auth;
  const limits = deps.config.limits;
  const authenticated = auth.method !== 'none';
  const usualAccessTtlS = authenticated ? limits.authenticatedAccessTokenTtlS : limits.accessTokenTtlS;
  const usualRefreshTtlS = authenticated ? limits.authenticatedRefreshTokenTtlS : limits.refreshTokenTtlS;
  // The trust model may shorten them (first-seen clients), never lengthen them.
  const accessTtlS = Math.min(usualAccessTtlS, auth.lifetimes?.accessTtlS ?? usualAccessTtlS);
  const refreshTtlS = Math.min(usualRefreshTtlS, auth.lifetimes?.refreshTtlS ?? usualRefreshTtlS);
  const now = deps.clock.now();
  const audience = subject.resources.length > 0 ? subject.resources : [deps.issuer];
  const at = await issueAccessToken(
    deps.keys,
    deps.issuer,
    {
      sub: subject.userId,
      clientId: client.clientId,
      scope: subject.scope,
      audience,
      authTime: subject.authTime,
      grantId: subject.grantId,
    },
    now,
    accessTtlS,
    deps.random.token(16),
  );
  let refresh: string | undefined;
  if (client.grantTypes.includes('refresh_token')) {
    refresh = deps.random.token(32);
    await saveRefresh({
      tokenHash: sha256(refresh),
      grantId: subject.grantId,
      clientId: client.clientId,
      userId: subject.userId,
      scope: subject.scope,
      resources: subject.grantResources,
      issuedAt: now,
      expiresAt: Math.min(now + refreshTtlS * 1000, subject.grantExpiresAt),
    });
  }
  return {
    access_token: at.token,
    token_type: 'Bearer',
    expires_in: at.expiresIn,
    scope: subject.scope.join(' '),
    ...(refresh === undefined ? {} : { refresh_token: refresh }),
  };
}
