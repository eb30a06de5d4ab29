import { earnedTier, fingerprintCovers, type Clock, type Fetcher } from '@cimd/core';
import type { Client } from '../clients/client.js';
import { clientFingerprint } from '../clients/fingerprint.js';
import type { ServerConfig } from '../config.js';
import type { Logger } from '../observability/logger.js';
import type { Stores } from '../store/stores.js';
import type { Random } from '../util/random.js';
import { createAdmissionCheck, type AdmissionCheck } from './admission-check.js';
import { createAssessor, type Assessor, type TrustContext } from './assessment.js';
import { SYSTEM_ACTOR, createAuditor, type Auditor } from './audit.js';
import { createClientRegistry, domainOfClient, type ClientRegistry } from './client-registry.js';
import { createLogos, type Logos } from './logos.js';
import type { RegistrationDataSource } from './registration-data.js';
import { createTokenLimits, type TokenLimits } from './token-limits.js';
import { changePoliciesOf, thresholdsOf } from './trust-config.js';
import { BoundedMemo } from '../util/bounded-memo.js';

/**
 * The trust model of the server (docs/trust.md), built once per server from the `trust` group:
 * admission before any fetch (H20), the client registry and metadata change policies (R64, R65),
 * the reputation assessment with domain signals (R75, R83), logos (R74), first-seen token limits,
 * and the audit trail.
 */
export interface Trust {
  readonly admission: AdmissionCheck;
  readonly registry: ClientRegistry;
  readonly assessor: Assessor;
  readonly logos: Logos;
  readonly tokens: TokenLimits;
  readonly audit: Auditor;
  /** The fingerprint of what a user approves now (R64). */
  fingerprint(client: Client, context?: TrustContext): string;
  /** Whether a consent given at `approved` still covers a client now at `current` (per class policy). */
  covers(approved: string, current: string): boolean;
  /** Count a user's explicit approval of a CIMD client (reputation); audits the first one and each tier reached. */
  approved(client: Client, userId: string): Promise<void>;
}

export interface TrustDeps {
  readonly config: ServerConfig;
  readonly stores: Pick<Stores, 'trust' | 'grants' | 'counters'>;
  readonly fetcher: Fetcher;
  readonly clock: Clock;
  readonly random: Random;
  readonly log: Logger;
  readonly registrationData?: RegistrationDataSource;
}

/** Fingerprints remembered by client, document digest and registration data. */
const FINGERPRINT_MEMO_ENTRIES = 4096;

export function createTrust(deps: TrustDeps): Trust {
  const { config, stores, clock } = deps;
  const trust = config.trust;
  const policies = changePoliciesOf(trust);
  const audit = createAuditor(stores.trust.audit, clock, deps.random, deps.log);
  const assessor = createAssessor({
    trust,
    cimdServices: config.policy.cimdServices,
    stores: stores.trust,
    grants: stores.grants,
    ...(deps.registrationData === undefined ? {} : { registrationData: deps.registrationData }),
    registrationPolicy: policies.registration,
    audit,
    clock,
    log: deps.log,
  });
  // Asked on every authorization request; a canonical JSON and five digests each time otherwise.
  const fingerprints = new BoundedMemo<string>(FINGERPRINT_MEMO_ENTRIES);
  return {
    admission: createAdmissionCheck(trust, stores.trust),
    registry: createClientRegistry({ stores: stores.trust, grants: stores.grants, policies, audit, clock, random: deps.random }),
    assessor,
    logos: createLogos({
      fetcher: deps.fetcher,
      store: stores.trust.logos,
      clock,
      freshness: { minMs: config.fetch.minCacheS * 1000, maxMs: config.fetch.maxCacheS * 1000 },
      maxBytes: trust.maxLogoBytes,
      enabled: trust.logos,
      audit,
      log: deps.log,
    }),
    tokens: createTokenLimits(trust, stores.counters, assessor, clock),
    audit,
    fingerprint(client, context) {
      const registration = context?.registration ?? '';
      if (client.digest === undefined) return clientFingerprint(client, registration);
      // The document (its digest) and the registration data determine the fingerprint.
      return fingerprints.get(`${client.clientId} ${client.digest} ${registration}`, () =>
        clientFingerprint(client, registration),
      );
    },
    covers: (approved, current) => fingerprintCovers(approved, current, policies),
    async approved(client, userId) {
      if (client.kind !== 'cimd') return;
      const domain = domainOfClient(client.clientId);
      const { added, approvals } = await stores.trust.approvals.record({
        clientId: client.clientId,
        userId,
        domain,
        approvedAt: clock.now(),
      });
      if (!added) return;
      if (approvals === 1) await audit.record(SYSTEM_ACTOR, 'first-approval', client.clientId, { userId });
      const thresholds = thresholdsOf(trust);
      const tier = earnedTier(approvals, thresholds);
      if (tier !== earnedTier(approvals - 1, thresholds)) {
        await audit.record(SYSTEM_ACTOR, 'tier-reached', client.clientId, { tier, approvals });
      }
    },
  };
}
