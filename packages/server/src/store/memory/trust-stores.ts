import type { Gate } from '../gate.js';
import { storeConflict } from '../store-errors.js';
import {
  MAX_VERSIONS_PER_CLIENT,
  type AdmissionRuleStore,
  type ApprovalRecord,
  type ApprovalStore,
  type AuditEvent,
  type AuditStore,
  type ClientVersionRecord,
  type ClientVersionStore,
  type DomainRecord,
  type DomainStore,
  type LogoRecord,
  type LogoStore,
  type StoredAdmissionRule,
  type TrustedClientRecord,
  type TrustedClientStore,
  type TrustStores,
} from '../trust.js';
import { compoundKey } from './compound-key.js';
import { frozenCopy } from './frozen-copy.js';

/** Byte order of strings, as `COLLATE "C"` sorts in the SQL stores. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Newest first, then id descending: the order of versions and audit events in every store. */
function newestFirst<T extends { readonly id: string }>(time: (x: T) => number): (a: T, b: T) => number {
  return (a, b) => time(b) - time(a) || byteOrder(b.id, a.id);
}

/** The trust stores in process memory (tests and single-process development). */
export function createMemoryTrustStores(gate: Gate): TrustStores {
  return {
    clients: memoryTrustedClients(gate),
    approvals: memoryApprovals(gate),
    versions: memoryVersions(gate),
    domains: memoryDomains(gate),
    audit: memoryAudit(gate),
    rules: memoryRules(gate),
    logos: memoryLogos(gate),
  };
}

function memoryTrustedClients(gate: Gate): TrustedClientStore {
  const records = new Map<string, TrustedClientRecord>();
  const update = (clientId: string, change: Partial<TrustedClientRecord>): boolean => {
    const record = records.get(clientId);
    if (record === undefined) return false;
    records.set(clientId, frozenCopy({ ...record, ...change }));
    return true;
  };
  const withTrust = (record: TrustedClientRecord, trust: TrustedClientRecord['trust']): TrustedClientRecord => {
    const { trust: _old, ...rest } = record;
    return trust === undefined ? rest : { ...rest, trust };
  };
  return {
    get: (clientId) => gate.run(() => records.get(clientId)),
    create: (record) =>
      gate.run(() => {
        const held = records.get(record.clientId);
        if (held !== undefined) return { record: held, created: false };
        const stored = frozenCopy(record);
        records.set(record.clientId, stored);
        return { record: stored, created: true };
      }),
    replaceDocument: (clientId, expected, next, now) =>
      gate.run(() => records.get(clientId)?.digest === expected && update(clientId, { ...next, updatedAt: now })),
    touchFetch: (clientId, at) =>
      gate.run(() => {
        const last = records.get(clientId)?.lastFetchAt;
        if (last === undefined || last < at) update(clientId, { lastFetchAt: at });
      }),
    setTrust: (clientId, trust, now) =>
      gate.run(() => {
        const record = records.get(clientId);
        if (record === undefined) return false;
        records.set(clientId, frozenCopy({ ...withTrust(record, trust), updatedAt: now }));
        return true;
      }),
    setPinned: (clientId, pinned, now) => gate.run(() => update(clientId, { pinned, updatedAt: now })),
    setRegistered: (clientId, registered, now) => gate.run(() => update(clientId, { registered, updatedAt: now })),
    list: ({ limit, offset = 0, registered, domain }) =>
      gate.run(() =>
        [...records.values()]
          .filter(
            (r) => (registered === undefined || r.registered === registered) && (domain === undefined || r.domain === domain),
          )
          .sort((a, b) => a.firstSeenAt - b.firstSeenAt || byteOrder(a.clientId, b.clientId))
          .slice(offset, offset + limit),
      ),
    countByDomain: (domain) => gate.run(() => [...records.values()].filter((r) => r.domain === domain).length),
  };
}

function memoryApprovals(gate: Gate): ApprovalStore {
  const approvals = new Map<string, ApprovalRecord>();
  const byClient = new Map<string, ApprovalRecord[]>();
  const usersByDomain = new Map<string, Set<string>>();
  return {
    record: (a) =>
      gate.run(() => {
        const key = compoundKey(a.clientId, a.userId);
        const list = byClient.get(a.clientId) ?? [];
        if (approvals.has(key)) return { added: false, approvals: list.length };
        const stored = frozenCopy(a);
        approvals.set(key, stored);
        byClient.set(a.clientId, [...list, stored]);
        const users = usersByDomain.get(a.domain) ?? new Set<string>();
        users.add(a.userId);
        usersByDomain.set(a.domain, users);
        return { added: true, approvals: list.length + 1 };
      }),
    count: (clientId) => gate.run(() => byClient.get(clientId)?.length ?? 0),
    first: (clientId) =>
      gate.run(
        () => [...(byClient.get(clientId) ?? [])].sort((x, y) => x.approvedAt - y.approvedAt || byteOrder(x.userId, y.userId))[0],
      ),
    usersByDomain: (domain) => gate.run(() => usersByDomain.get(domain)?.size ?? 0),
  };
}

function memoryVersions(gate: Gate): ClientVersionStore {
  const versions = new Map<string, ClientVersionRecord>();
  const order = newestFirst<ClientVersionRecord>((v) => v.seenAt);
  const ofClient = (clientId: string): ClientVersionRecord[] =>
    [...versions.values()].filter((v) => v.clientId === clientId).sort(order);
  return {
    add: (version) =>
      gate.run(() => {
        if (versions.has(version.id)) throw storeConflict('trust record');
        versions.set(version.id, frozenCopy(version));
        const settled = ofClient(version.clientId).filter((v) => v.status !== 'pending');
        for (const old of settled.slice(MAX_VERSIONS_PER_CLIENT)) versions.delete(old.id);
      }),
    get: (id) => gate.run(() => versions.get(id)),
    latest: (clientId, digest) => gate.run(() => ofClient(clientId).find((v) => v.digest === digest)),
    list: ({ clientId, status, limit }) =>
      gate.run(() =>
        [...versions.values()]
          .filter((v) => (clientId === undefined || v.clientId === clientId) && (status === undefined || v.status === status))
          .sort(order)
          .slice(0, limit),
      ),
    decide: (id, status, by, at) =>
      gate.run(() => {
        const version = versions.get(id);
        if (version?.status !== 'pending') return false;
        versions.set(id, frozenCopy({ ...version, status, decidedBy: by, decidedAt: at }));
        return true;
      }),
  };
}

function memoryDomains(gate: Gate): DomainStore {
  const domains = new Map<string, DomainRecord>();
  return {
    get: (domain) => gate.run(() => domains.get(domain)),
    put: (record) =>
      gate.run(() => {
        domains.set(record.domain, frozenCopy(record));
      }),
  };
}

function memoryAudit(gate: Gate): AuditStore {
  const events: AuditEvent[] = [];
  const ids = new Set<string>();
  return {
    append: (event) =>
      gate.run(() => {
        if (ids.has(event.id)) throw storeConflict('trust record');
        ids.add(event.id);
        events.push(frozenCopy(event));
      }),
    list: ({ clientId, action, limit }) =>
      gate.run(() =>
        events
          .filter((e) => (clientId === undefined || e.clientId === clientId) && (action === undefined || e.action === action))
          .sort(newestFirst<AuditEvent>((e) => e.at))
          .slice(0, limit),
      ),
  };
}

function memoryRules(gate: Gate): AdmissionRuleStore {
  const rules = new Map<string, StoredAdmissionRule>();
  return {
    list: () => gate.run(() => [...rules.values()].sort((a, b) => a.createdAt - b.createdAt || byteOrder(a.id, b.id))),
    add: (rule) =>
      gate.run(() => {
        if (rules.has(rule.id)) throw storeConflict('admission rule');
        rules.set(rule.id, frozenCopy(rule));
      }),
    remove: (id) => gate.run(() => rules.delete(id)),
  };
}

/** Logos hold bytes, which cannot be frozen: the store keeps and hands out copies instead. */
function memoryLogos(gate: Gate): LogoStore {
  const logos = new Map<string, LogoRecord>();
  const copy = (logo: LogoRecord | undefined): LogoRecord | undefined =>
    logo === undefined ? undefined : { ...logo, bytes: logo.bytes.slice() };
  return {
    put: (logo) =>
      gate.run(() => {
        logos.set(logo.clientId, copy(logo) as LogoRecord);
      }),
    forClient: (clientId) => gate.run(() => copy(logos.get(clientId))),
    byDigest: (digest) => gate.run(() => copy([...logos.values()].find((l) => l.digest === digest))),
    delete: (clientId) =>
      gate.run(() => {
        logos.delete(clientId);
      }),
  };
}
