import {
  assessTrust,
  findLookalike,
  splitUri,
  type ChangePolicy,
  type Clock,
  type Lookalike,
  type TrustAssessment,
  type TrustSignal,
} from '@cimd/core';
import type { Client } from '../clients/client.js';
import type { Logger } from '../observability/logger.js';
import type { GrantStore } from '../store/grants.js';
import type { DomainRecord, TrustedClientRecord, TrustStores } from '../store/trust.js';
import { SYSTEM_ACTOR, type Auditor } from './audit.js';
import { domainOfClient } from './client-registry.js';
import {
  registrationChanged,
  registrationText,
  type RegistrationData,
  type RegistrationDataSource,
} from './registration-data.js';
import { thresholdsOf, type TrustGroup } from './trust-config.js';
import { BoundedMemo } from '../util/bounded-memo.js';

const DAY_MS = 86_400_000;

/** What the server concluded about one CIMD client for one request. */
export interface TrustContext {
  readonly clientId: string;
  /** The registrable domain of the client_id's host. */
  readonly domain: string;
  readonly record?: TrustedClientRecord;
  readonly approvals: number;
  readonly assessment: TrustAssessment;
  /** The domain's registration data as fingerprint text ('' when unknown). */
  readonly registration: string;
}

export interface AssessmentDeps {
  readonly trust: TrustGroup;
  /** Origins of CIMD Services (R76, R83). */
  readonly cimdServices: readonly string[];
  readonly stores: Pick<TrustStores, 'clients' | 'approvals' | 'domains'>;
  readonly grants: Pick<GrantStore, 'revokeByClient'>;
  readonly registrationData?: RegistrationDataSource;
  readonly registrationPolicy: ChangePolicy;
  readonly audit: Auditor;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface Assessor {
  /**
   * Assess a CIMD client: approvals, the administrators' decision, the domain signals. With
   * `lookup`, stale registration data is looked up again first (authorization requests do this;
   * token requests use what is stored).
   */
  assess(client: Client, options?: { readonly lookup?: boolean }): Promise<TrustContext>;
  /** The CIMD Service a client_id belongs to, if any (R76). */
  serviceOf(clientId: string): string | undefined;
}

/** Hosts whose lookalike verdict is remembered (a verdict costs tens of µs: skeletons, edit distances). */
const LOOKALIKE_MEMO_HOSTS = 10_000;
/**
 * How long a domain's client count is reused. Counting is linear in the domain's clients (80 µs
 * at 3,000), and the crowded-domain signal is a heuristic that may lag that long.
 */
export const DOMAIN_COUNT_REUSE_MS = 60_000;

export function createAssessor(deps: AssessmentDeps): Assessor {
  const { trust, stores, clock } = deps;
  // A pure function of the host (the well-known list is fixed), asked on every request.
  const lookalikes = new BoundedMemo<Lookalike | null>(LOOKALIKE_MEMO_HOSTS);
  const domainCounts = new BoundedMemo<number>(LOOKALIKE_MEMO_HOSTS);

  /** The number of client_ids recorded on `domain`, counted at most once per period. */
  async function domainClientCount(domain: string): Promise<number> {
    const key = `${domain} ${Math.floor(clock.now() / DOMAIN_COUNT_REUSE_MS)}`;
    const known = domainCounts.peek(key);
    if (known !== undefined) return known;
    const count = await stores.clients.countByDomain(domain);
    domainCounts.set(key, count);
    return count;
  }

  function serviceOf(clientId: string): string | undefined {
    return deps.cimdServices.find((origin) => clientId.startsWith(`${origin}/`));
  }

  /** The domain's registration data, looked up again when stale; a change is audited and its policy applied. */
  async function registration(domain: string, lookup: boolean): Promise<DomainRecord | undefined> {
    const stored = await stores.domains.get(domain);
    const source = deps.registrationData;
    const now = clock.now();
    if (!lookup || source === undefined || (stored !== undefined && now - stored.checkedAt < trust.registrationRecheckS * 1000)) {
      return stored;
    }
    let data: RegistrationData | undefined;
    try {
      data = await source.lookup(domain);
    } catch (err) {
      deps.log.warn({ event: 'registration-lookup-failed', domain, err }, 'registration data lookup failed');
      return stored;
    }
    // A source that knows nothing now (a lapsed domain, an outage of the registry) is not a
    // change: the last known data is kept, so the next known answer (a new registrant after
    // the domain lapsed) is compared with it and the policy applies.
    const known = data !== undefined && (data.registrant !== undefined || data.registeredAt !== undefined) ? data : undefined;
    const next: DomainRecord = known
      ? {
          domain,
          ...(known.registrant === undefined ? {} : { registrant: known.registrant }),
          ...(known.registeredAt === undefined ? {} : { registeredAt: known.registeredAt }),
          checkedAt: now,
        }
      : { ...(stored ?? { domain }), checkedAt: now };
    await stores.domains.put(next);
    if (known !== undefined && registrationChanged(stored, known)) {
      await deps.audit.record(SYSTEM_ACTOR, 'registration-changed', undefined, {
        domain,
        before: { registrant: stored?.registrant, registeredAt: stored?.registeredAt },
        after: { registrant: known.registrant, registeredAt: known.registeredAt },
        policy: deps.registrationPolicy,
      });
      if (deps.registrationPolicy === 'revoke') {
        for (const c of await stores.clients.list({ limit: 10_000, domain })) {
          const revoked = await deps.grants.revokeByClient(c.clientId, now, 'domain registration data changed');
          await deps.audit.record(SYSTEM_ACTOR, 'grants-revoked', c.clientId, { count: revoked, reason: 'registration-changed' });
        }
      }
    }
    return next;
  }

  function signalsOf(
    client: Client,
    domain: string,
    domainClients: number,
    domainRecord: DomainRecord | undefined,
  ): TrustSignal[] {
    const signals: TrustSignal[] = [];
    const service = serviceOf(client.clientId);
    if (service !== undefined) signals.push({ kind: 'cimd-service', service });
    const host = splitUri(client.clientId).host ?? '';
    const lookalike = lookalikes.get(host, () => findLookalike(host, trust.wellKnownDomains) ?? null) ?? undefined;
    if (lookalike !== undefined) signals.push({ kind: 'lookalike', lookalike });
    const registeredAt = domainRecord?.registeredAt;
    if (registeredAt !== undefined) {
      const ageDays = Math.floor((clock.now() - registeredAt) / DAY_MS);
      if (ageDays < trust.youngDomainDays) signals.push({ kind: 'young-domain', domain, ageDays });
    }
    // A service hosts many clients by design; its clients are capped anyway (R83).
    if (service === undefined && domainClients >= trust.crowdedDomainClients) {
      signals.push({ kind: 'crowded-domain', domain, clientIds: domainClients });
    }
    return signals;
  }

  return {
    serviceOf,
    async assess(client, options = {}) {
      const clientId = client.clientId;
      const domain = domainOfClient(clientId);
      const [record, approvals, domainClients, domainRecord] = await Promise.all([
        stores.clients.get(clientId),
        stores.approvals.count(clientId),
        domainClientCount(domain),
        registration(domain, options.lookup === true),
      ]);
      const assessment = assessTrust({
        approvals,
        ...(record?.trust === undefined ? {} : { adminTrust: record.trust }),
        signals: signalsOf(client, domain, domainClients, domainRecord),
        thresholds: thresholdsOf(trust),
      });
      return {
        clientId,
        domain,
        ...(record === undefined ? {} : { record }),
        approvals,
        assessment,
        registration: registrationText(domainRecord),
      };
    },
  };
}
