import type { Clock } from '@cimd/core';
import type { ReplayStore } from '../store/replay.js';
import type { Random } from '../util/random.js';

/**
 * Server-provided challenges for attestation PoPs (draft-ietf-oauth-attestation-based-client-auth-11
 * §6): random values held in the replay store for their lifetime, each accepted once. Held in the
 * shared store, so every instance of the server accepts what any instance issued.
 */
export interface AttestationChallenges {
  /** A fresh challenge (for the challenge endpoint and for `use_attestation_challenge` errors). */
  issue(): Promise<string>;
  /** Whether `value` was issued here, is unexpired and unused; a true answer uses it up. */
  consume(value: string): Promise<boolean>;
}

const ISSUED = 'attestation-challenge';
const USED = 'attestation-challenge-used';

export function createAttestationChallenges(deps: {
  readonly replay: ReplayStore;
  readonly clock: Clock;
  readonly random: Random;
  readonly ttlMs: number;
}): AttestationChallenges {
  return {
    async issue() {
      const now = deps.clock.now();
      const value = deps.random.token(24);
      await deps.replay.remember(ISSUED, value, now + deps.ttlMs, now);
      return value;
    },
    async consume(value) {
      const now = deps.clock.now();
      if (value.length > 128 || !(await deps.replay.seen(ISSUED, value, now))) return false;
      return deps.replay.remember(USED, value, now + deps.ttlMs, now);
    },
  };
}
