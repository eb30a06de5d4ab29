import type { Gate } from '../gate.js';
import type { GrantRecord, GrantStore } from '../grants.js';
import { storeConflict } from '../store-errors.js';
import { frozenCopy } from './frozen-copy.js';

/** Neither revoked nor past its end. */
function isActive(grant: GrantRecord, now: number): boolean {
  return grant.revokedAt === undefined && now < grant.expiresAt;
}

/** Oldest first, then by id: the order the SQL stores use. */
function byCreation(a: GrantRecord, b: GrantRecord): number {
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  const ids = index.get(key);
  if (ids === undefined) index.set(key, new Set([id]));
  else ids.add(id);
}

/**
 * Grants in memory, indexed by user and by client. Grants are never deleted (a revoked grant is
 * still read back, and revocation must outlive the tokens issued under it).
 */
export function createMemoryGrantStore(gate: Gate): GrantStore {
  const grants = new Map<string, GrantRecord>();
  const byUser = new Map<string, Set<string>>();
  const byClient = new Map<string, Set<string>>();

  /** Revoke one grant when it is active; returns whether it was. */
  const revokeOne = (grant: GrantRecord, now: number, reason: string): boolean => {
    if (!isActive(grant, now)) return false;
    grants.set(grant.id, frozenCopy({ ...grant, revokedAt: now, revokedReason: reason }));
    return true;
  };

  const grantsOf = (index: Map<string, Set<string>>, key: string): GrantRecord[] => {
    const out: GrantRecord[] = [];
    for (const id of index.get(key) ?? []) {
      const grant = grants.get(id);
      if (grant !== undefined) out.push(grant);
    }
    return out;
  };

  return {
    create: (grant) =>
      gate.run(() => {
        if (grants.has(grant.id)) throw storeConflict('grant');
        grants.set(grant.id, frozenCopy(grant));
        addTo(byUser, grant.userId, grant.id);
        addTo(byClient, grant.clientId, grant.id);
      }),
    get: (id) => gate.run(() => grants.get(id)),
    revoke: (id, now, reason) =>
      gate.run(() => {
        const grant = grants.get(id);
        return grant !== undefined && revokeOne(grant, now, reason);
      }),
    bindInstanceKey: (id, thumbprint, now) =>
      gate.run(() => {
        const grant = grants.get(id);
        if (grant === undefined || !isActive(grant, now)) return false;
        if (grant.instanceKeyThumbprint !== undefined) return grant.instanceKeyThumbprint === thumbprint;
        grants.set(id, frozenCopy({ ...grant, instanceKeyThumbprint: thumbprint }));
        return true;
      }),
    revokeByClient: (clientId, now, reason, userId) =>
      gate.run(() => {
        let revoked = 0;
        for (const grant of grantsOf(byClient, clientId)) {
          if (userId !== undefined && grant.userId !== userId) continue;
          if (revokeOne(grant, now, reason)) revoked += 1;
        }
        return revoked;
      }),
    listActiveByUser: (userId, now) =>
      gate.run(() =>
        grantsOf(byUser, userId)
          .filter((grant) => isActive(grant, now))
          .sort(byCreation),
      ),
  };
}
