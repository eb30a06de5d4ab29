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
  /**
   * Check the allowance before the grant runs; throws `trust-token-rate-limited` when it is used
   * up. Only tokens actually issued count: `issued()` is called after success, so requests that
   * fail (a junk code, a replayed token) cannot use up a client's or a domain's allowance.
   */
  admit(client: Client): Promise<TokenAdmission>;
}

export interface TokenAdmission {
  readonly lifetimes: TokenLifetimes;
  /** Count one issued token against the client and its domain. */
  issued(): Promise<void>;
}

const UNLIMITED: TokenAdmission = { lifetimes: {}, issued: () => Promise.resolve() };

export function createTokenLimits(trust: TrustGroup, counters: CounterStore, assessor: Assessor, clock: Clock): TokenLimits {
  return {
    async admit(client) {
      if (client.kind !== 'cimd') return UNLIMITED;
      const { assessment, domain } = await assessor.assess(client);
      if (!assessment.firstSeen) return UNLIMITED;
      const windowMs = trust.firstSeenTokenWindowS * 1000;
      const now = clock.now();
      const refuse = (which: string): never => {
        throw new CimdError('trust-token-rate-limited', `The token allowance of first-seen ${which} is used up for this window`, {
          status: 429,
          headers: { 'retry-after': String(trust.firstSeenTokenWindowS) },
        });
      };
      const clientKey = `trust-tokens:client:${client.clientId}`;
      const domainKey = `trust-tokens:domain:${domain}`;
      if ((await counters.get(clientKey, now)) >= trust.firstSeenTokensPerClient) refuse(`the client ${client.clientId}`);
      if ((await counters.get(domainKey, now)) >= trust.firstSeenTokensPerDomain) refuse(`clients of ${domain}`);
      return {
        lifetimes: { accessTtlS: trust.firstSeenAccessTokenTtlS, refreshTtlS: trust.firstSeenRefreshTokenTtlS },
        // Concurrent requests checked before any of them counted may overshoot by their number.
        async issued() {
          const at = clock.now();
          await counters.increment(clientKey, windowMs, at);
          await counters.increment(domainKey, windowMs, at);
        },
      };
    },
  };
}
