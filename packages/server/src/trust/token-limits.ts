import { CimdError, type Clock } from '@cimd/core';
import type { Client } from '../clients/client.js';
import type { CounterStore } from '../store/counters.js';
import type { Assessor } from './assessment.js';
import type { TrustGroup } from './trust-config.js';

/** Lifetimes a client's tokens get instead of the usual ones (undefined: the usual ones). */
export interface TokenLifetimes {
  readonly accessTtlS?: number;
  readonly refreshTtlS?: number;
}

/**
 * First-seen limits at the token endpoint (IETF 124 slides: "apply greater rate limits to access
 * tokens issued to this client"): a client in the first-seen tier may get only so many tokens
 * per window, per client_id and for all first-seen clients of its domain together, and gets
 * shorter token lifetimes. Counted in the shared counters, so several instances count together.
 */
export interface TokenLimits {
  /** Count this token request; throws `trust-token-rate-limited` over the limits. */
  admit(client: Client): Promise<TokenLifetimes>;
}

export function createTokenLimits(trust: TrustGroup, counters: CounterStore, assessor: Assessor, clock: Clock): TokenLimits {
  return {
    async admit(client) {
      if (client.kind !== 'cimd') return {};
      const { assessment, domain } = await assessor.assess(client);
      if (!assessment.firstSeen) return {};
      const windowMs = trust.firstSeenTokenWindowS * 1000;
      const now = clock.now();
      const refuse = (which: string): never => {
        throw new CimdError('trust-token-rate-limited', `The token allowance of first-seen ${which} is used up for this window`, {
          status: 429,
          headers: { 'retry-after': String(trust.firstSeenTokenWindowS) },
        });
      };
      // The client's own counter first: a client over its limit does not use up its domain's allowance.
      const byClient = await counters.increment(`trust-tokens:client:${client.clientId}`, windowMs, now);
      if (byClient > trust.firstSeenTokensPerClient) refuse(`the client ${client.clientId}`);
      const byDomain = await counters.increment(`trust-tokens:domain:${domain}`, windowMs, now);
      if (byDomain > trust.firstSeenTokensPerDomain) refuse(`clients of ${domain}`);
      return { accessTtlS: trust.firstSeenAccessTokenTtlS, refreshTtlS: trust.firstSeenRefreshTokenTtlS };
    },
  };
}
