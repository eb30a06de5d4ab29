import {
  CimdError,
  admissionRuleProblem,
  canonicalResourceUri,
  type AdminTrust,
  type AdmissionRule,
  type ClientMetadata,
  type TrustSignal,
  type TrustTier,
} from '@cimd/core';
import { clientFromSnapshot, snapshotMetadata } from '../clients/client-snapshot.js';
import type { ServerContext } from '../context.js';
import type {
  AuditEvent,
  ClientVersionRecord,
  DomainRecord,
  StoredAdmissionRule,
  TrustedClientRecord,
  VersionStatus,
} from '../store/trust.js';
import { logoPath } from './logos.js';

/** One row of the client list of the admin console and `cimd-server admin clients list`. */
export interface ClientOverview {
  readonly clientId: string;
  readonly domain: string;
  readonly firstSeenAt: number;
  readonly lastFetchAt?: number;
  readonly approvals: number;
  readonly tier: TrustTier;
  /** The tier the approvals alone earned. */
  readonly earned: TrustTier;
  readonly trust?: AdminTrust;
  readonly pinned: boolean;
  readonly registered: boolean;
  readonly signals: readonly TrustSignal[];
  readonly digest: string;
}

/** Everything the console shows about one client. */
export interface ClientDetails extends ClientOverview {
  /** The document in effect (for a pinned client, the approved one). */
  readonly metadata: ClientMetadata;
  /** The user a first-seen client is associated with: who approved it first. */
  readonly firstApproval?: { readonly userId: string; readonly username?: string; readonly approvedAt: number };
  readonly domainClients: number;
  readonly domainUsers: number;
  readonly registration?: DomainRecord;
  /** Document history and queued changes, newest first (fingerprint history). */
  readonly versions: readonly ClientVersionRecord[];
  readonly audit: readonly AuditEvent[];
  readonly logo?: { readonly path: string; readonly mediaType: string; readonly bytes: number; readonly sourceUri: string };
}

/** A rule in force and where it comes from (configuration rules cannot be removed from the console). */
export interface RuleEntry {
  readonly source: 'config' | 'console';
  readonly rule: AdmissionRule | StoredAdmissionRule;
}

export interface RefreshResult {
  readonly digest: string;
  /** The digest in effect changed. */
  readonly changed: boolean;
  /** A pinned client has a document waiting in the queue: the newest such change. */
  readonly pending?: string;
}

/**
 * What administrators do (the web console and `cimd-server admin` share it): see clients with
 * their tier, signals and history; pre-register (R61), refresh, approve, block, review, pin;
 * decide queued changes; manage admission rules; revoke grants. Every decision is audited under
 * the acting administrator's name.
 */
export interface AdminService {
  listClients(options?: { readonly limit?: number; readonly offset?: number }): Promise<ClientOverview[]>;
  client(clientId: string): Promise<ClientDetails>;
  /**
   * Pre-register a client (R61) with an administrator's decision; `undefined` ("none") records
   * no decision and keeps any decision already taken (lifting a block takes `setTrust`).
   */
  register(clientId: string, actor: string, trust: AdminTrust | undefined): Promise<ClientDetails>;
  refresh(clientId: string, actor: string): Promise<RefreshResult>;
  setTrust(clientId: string, trust: AdminTrust | undefined, actor: string): Promise<void>;
  setPinned(clientId: string, pinned: boolean, actor: string): Promise<void>;
  changes(status?: VersionStatus, limit?: number): Promise<ClientVersionRecord[]>;
  decideChange(versionId: string, decision: 'approve' | 'reject', actor: string): Promise<ClientVersionRecord>;
  rules(): Promise<RuleEntry[]>;
  addRule(rule: AdmissionRule, actor: string): Promise<StoredAdmissionRule>;
  removeRule(id: string, actor: string): Promise<void>;
  revokeGrants(clientId: string, actor: string, userId?: string): Promise<number>;
  audit(query?: { readonly clientId?: string; readonly action?: string; readonly limit?: number }): Promise<AuditEvent[]>;
}

export function createAdminService(ctx: ServerContext): AdminService {
  const { stores, trust, clock } = ctx;
  const registry = stores.trust;

  async function record(clientId: string): Promise<TrustedClientRecord> {
    const found = await registry.clients.get(clientId);
    if (found === undefined) throw new CimdError('admin-not-found', `This server has not recorded the client ${clientId}`);
    return found;
  }

  async function overview(r: TrustedClientRecord): Promise<ClientOverview> {
    const { assessment, approvals } = await trust.assessor.assess(clientFromSnapshot(r.clientId, r.digest, r.snapshot));
    return {
      clientId: r.clientId,
      domain: r.domain,
      firstSeenAt: r.firstSeenAt,
      ...(r.lastFetchAt === undefined ? {} : { lastFetchAt: r.lastFetchAt }),
      approvals,
      tier: assessment.tier,
      earned: assessment.earned,
      ...(r.trust === undefined ? {} : { trust: r.trust }),
      pinned: r.pinned,
      registered: r.registered,
      signals: assessment.signals,
      digest: r.digest,
    };
  }

  async function details(clientId: string): Promise<ClientDetails> {
    const r = await record(clientId);
    const [base, first, domainClients, domainUsers, registration, versions, audit, logo] = await Promise.all([
      overview(r),
      registry.approvals.first(clientId),
      registry.clients.countByDomain(r.domain),
      registry.approvals.usersByDomain(r.domain),
      registry.domains.get(r.domain),
      registry.versions.list({ clientId, limit: 50 }),
      registry.audit.list({ clientId, limit: 50 }),
      registry.logos.forClient(clientId),
    ]);
    const firstUser = first === undefined ? undefined : await stores.users.findById(first.userId);
    return {
      ...base,
      metadata: snapshotMetadata(r.snapshot),
      ...(first === undefined
        ? {}
        : {
            firstApproval: {
              userId: first.userId,
              ...(firstUser === undefined ? {} : { username: firstUser.username }),
              approvedAt: first.approvedAt,
            },
          }),
      domainClients,
      domainUsers,
      ...(registration === undefined ? {} : { registration }),
      versions,
      audit,
      ...(logo === undefined
        ? {}
        : {
            logo: { path: logoPath(logo.digest), mediaType: logo.mediaType, bytes: logo.bytes.length, sourceUri: logo.sourceUri },
          }),
    };
  }

  /**
   * Revoke grants and the remembered consents with them: after an administrator's revocation (or a
   * block later lifted) the next authorization shows the consent page again, never a silent code.
   */
  async function revokeGrants(clientId: string, actor: string, reason: string, userId?: string): Promise<number> {
    const count = await stores.grants.revokeByClient(clientId, clock.now(), reason, userId);
    const consents = await stores.consents.revokeByClient(clientId, userId);
    await trust.audit.record(actor, 'grants-revoked', clientId, {
      count,
      consents,
      reason,
      ...(userId === undefined ? {} : { userId }),
    });
    return count;
  }

  return {
    async listClients({ limit = 100, offset = 0 } = {}) {
      const records = await registry.clients.list({ limit, offset });
      return Promise.all(records.map(overview));
    },

    client: details,

    async register(clientId, actor, level) {
      // R61: the document is fetched and validated now; a failure refuses the registration.
      const client = await ctx.refetchClient(clientId);
      const now = clock.now();
      await registry.clients.setRegistered(client.clientId, true, now);
      if (level !== undefined) await registry.clients.setTrust(client.clientId, level, now);
      await trust.audit.record(actor, 'client-registered', client.clientId, { trust: level ?? null, digest: client.digest });
      if (level === 'blocked') await revokeGrants(client.clientId, actor, 'client blocked by an administrator');
      return details(client.clientId);
    },

    async refresh(clientId, actor) {
      const before = await registry.clients.get(clientId);
      await ctx.refetchClient(clientId);
      const after = await record(clientId);
      // For a pinned client the fetched document may wait in the queue instead of taking effect.
      const [queued] = after.pinned ? await registry.versions.list({ clientId, status: 'pending', limit: 1 }) : [];
      const result: RefreshResult = {
        digest: after.digest,
        changed: before?.digest !== after.digest,
        ...(queued === undefined ? {} : { pending: queued.id }),
      };
      await trust.audit.record(actor, 'client-refreshed', clientId, { ...result });
      return result;
    },

    async setTrust(clientId, level, actor) {
      await record(clientId);
      await registry.clients.setTrust(clientId, level, clock.now());
      await trust.audit.record(actor, 'client-trust', clientId, { trust: level ?? null });
      // A blocked client keeps nothing: its grants go too (its access tokens fail introspection).
      if (level === 'blocked') await revokeGrants(clientId, actor, 'client blocked by an administrator');
    },

    async setPinned(clientId, pinned, actor) {
      const r = await record(clientId);
      await registry.clients.setPinned(clientId, pinned, clock.now());
      await trust.audit.record(actor, pinned ? 'client-pinned' : 'client-unpinned', clientId, { digest: r.digest });
    },

    changes: (status = 'pending', limit = 100) => registry.versions.list({ status, limit }),

    decideChange: (versionId, decision, actor) => trust.registry.decide(versionId, decision, actor),

    async rules() {
      const stored = await registry.rules.list();
      return [
        ...ctx.config.trust.rules.map((rule): RuleEntry => ({ source: 'config', rule })),
        ...stored.map((rule): RuleEntry => ({ source: 'console', rule })),
      ];
    },

    async addRule(rule, actor) {
      const problem = admissionRuleProblem(rule);
      if (problem !== undefined) throw new CimdError('admin-invalid', `The rule is not usable: ${problem}`);
      const stored: StoredAdmissionRule = {
        id: ctx.random.token(9),
        effect: rule.effect,
        kind: rule.kind,
        value: rule.value,
        ...(rule.resource === undefined || rule.resource === '' ? {} : { resource: canonicalResourceUri(rule.resource) }),
        createdAt: clock.now(),
        createdBy: actor,
      };
      await registry.rules.add(stored);
      await trust.audit.record(actor, 'rule-added', undefined, { rule: stored });
      return stored;
    },

    async removeRule(id, actor) {
      if (!(await registry.rules.remove(id))) throw new CimdError('admin-not-found', `There is no stored rule ${id}`);
      await trust.audit.record(actor, 'rule-removed', undefined, { id });
    },

    async revokeGrants(clientId, actor, userId) {
      await record(clientId);
      return revokeGrants(clientId, actor, 'revoked by an administrator', userId);
    },

    audit: ({ clientId, action, limit = 100 } = {}) =>
      registry.audit.list({
        limit,
        ...(clientId === undefined ? {} : { clientId }),
        ...(action === undefined ? {} : { action }),
      }),
  };
}
