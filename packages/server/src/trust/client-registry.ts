import {
  CimdError,
  classifyMetadataChange,
  registrableDomain,
  splitUri,
  strictestPolicy,
  type ChangeClass,
  type ChangePolicy,
  type Clock,
  type MetadataChange,
} from '@cimd/core';
import type { Client } from '../clients/client.js';
import { clientFromSnapshot, snapshotMetadata, snapshotOf } from '../clients/client-snapshot.js';
import type { GrantStore } from '../store/grants.js';
import type { ClientVersionRecord, TrustedClientRecord, TrustStores } from '../store/trust.js';
import type { Random } from '../util/random.js';
import { SYSTEM_ACTOR, type Auditor } from './audit.js';
import { sortableIds } from './sortable-id.js';

/**
 * The registry side of trust: every valid CIMD document a resolution returns passes through
 * {@link ClientRegistry.observe}, which records the client the first time, notices a changed
 * document, classifies the change (R64) and applies the configured policy (silent, re-consent,
 * revoke grants), or, for a pinned client, puts the change in the approval queue and keeps
 * using the approved version.
 */
export interface ClientRegistry {
  /** The client in effect for this resolution (a pinned client's approved version). */
  observe(client: Client): Promise<Client>;
  /** Let a queued change of a pinned client take effect (or refuse it); returns what happened. */
  decide(versionId: string, decision: 'approve' | 'reject', actor: string): Promise<ClientVersionRecord>;
}

export interface ClientRegistryDeps {
  readonly stores: Pick<TrustStores, 'clients' | 'versions'>;
  readonly grants: Pick<GrantStore, 'revokeByClient'>;
  readonly policies: Readonly<Record<ChangeClass, ChangePolicy>>;
  readonly audit: Auditor;
  readonly clock: Clock;
  readonly random: Random;
}

/** The registrable domain a client_id belongs to. */
export function domainOfClient(clientId: string): string {
  return registrableDomain(splitUri(clientId).host ?? '');
}

function describe(changes: readonly MetadataChange[]): Record<string, unknown> {
  return {
    classes: changes.map((c) => c.class),
    members: changes.flatMap((c) => c.members),
    ...Object.fromEntries(
      changes
        .filter((c) => c.class === 'keys')
        .flatMap((c) => [
          ['keysAdded', c.keysAdded],
          ['keysRemoved', c.keysRemoved],
        ]),
    ),
  };
}

export function createClientRegistry(deps: ClientRegistryDeps): ClientRegistry {
  const { stores, audit, clock } = deps;
  const nextId = sortableIds(deps.random);

  async function addVersion(
    clientId: string,
    digest: string,
    snapshot: string,
    changes: readonly MetadataChange[],
    status: ClientVersionRecord['status'],
  ): Promise<ClientVersionRecord> {
    const seenAt = clock.now();
    const version: ClientVersionRecord = {
      id: nextId(seenAt),
      clientId,
      digest,
      snapshot,
      classes: changes.map((c) => c.class),
      status,
      seenAt,
    };
    await stores.versions.add(version);
    return version;
  }

  /** Apply the policy of a change that took effect; returns the policy. */
  async function enforce(clientId: string, changes: readonly MetadataChange[], actor: string): Promise<ChangePolicy> {
    const policy = strictestPolicy(
      changes.map((c) => c.class),
      deps.policies,
    );
    await audit.record(actor, 'metadata-changed', clientId, { ...describe(changes), policy });
    if (policy === 'revoke') {
      const reason = `client metadata changed (${changes.map((c) => c.class).join(', ')})`;
      const revoked = await deps.grants.revokeByClient(clientId, clock.now(), reason);
      await audit.record(actor, 'grants-revoked', clientId, { count: revoked, reason });
    }
    return policy;
  }

  async function first(client: Client, digest: string, snapshot: string): Promise<TrustedClientRecord | undefined> {
    const now = clock.now();
    const { record, created } = await stores.clients.create({
      clientId: client.clientId,
      domain: domainOfClient(client.clientId),
      firstSeenAt: now,
      ...(client.fetchedAt === undefined ? {} : { lastFetchAt: client.fetchedAt }),
      digest,
      snapshot,
      pinned: false,
      registered: false,
      updatedAt: now,
    });
    if (!created) return record;
    await addVersion(client.clientId, digest, snapshot, [], 'first-seen');
    await audit.record(SYSTEM_ACTOR, 'client-first-seen', client.clientId, { digest, domain: record.domain });
    return undefined;
  }

  return {
    async observe(client) {
      if (client.kind !== 'cimd' || client.digest === undefined) return client;
      const digest = client.digest;
      // The snapshot (a canonical JSON) is needed only for a new client or a changed document.
      const record = (await stores.clients.get(client.clientId)) ?? (await first(client, digest, snapshotOf(client)));
      if (record === undefined) return client;
      if (client.fetchedAt !== undefined && (record.lastFetchAt ?? -Infinity) < client.fetchedAt) {
        await stores.clients.touchFetch(client.clientId, client.fetchedAt);
      }
      if (record.digest === digest) return client;

      const snapshot = snapshotOf(client);
      const changes = classifyMetadataChange(snapshotMetadata(record.snapshot), client.metadata);
      if (record.pinned) {
        const known = await stores.versions.latest(client.clientId, digest);
        if (known?.status !== 'pending' && known?.status !== 'rejected') {
          const queued = await addVersion(client.clientId, digest, snapshot, changes, 'pending');
          await audit.record(SYSTEM_ACTOR, 'change-queued', client.clientId, {
            ...describe(changes),
            version: queued.id,
            digest,
          });
        }
        return clientFromSnapshot(client.clientId, record.digest, record.snapshot);
      }
      // Compare-and-set: of several instances noticing the change, one records it and applies the policy.
      if (await stores.clients.replaceDocument(client.clientId, record.digest, { digest, snapshot }, clock.now())) {
        await addVersion(client.clientId, digest, snapshot, changes, 'accepted');
        if (changes.length > 0) await enforce(client.clientId, changes, SYSTEM_ACTOR);
      }
      return client;
    },

    async decide(versionId, decision, actor) {
      const version = await stores.versions.get(versionId);
      if (version === undefined || version.status !== 'pending') {
        throw new CimdError('admin-not-found', `There is no pending change ${versionId}`);
      }
      const record = await stores.clients.get(version.clientId);
      if (record === undefined) throw new CimdError('admin-not-found', `The client ${version.clientId} is not recorded`);
      const now = clock.now();
      if (!(await stores.versions.decide(versionId, decision === 'approve' ? 'approved' : 'rejected', actor, now))) {
        throw new CimdError('admin-not-found', `The change ${versionId} was decided meanwhile`);
      }
      if (decision === 'reject') {
        await audit.record(actor, 'change-rejected', version.clientId, { version: versionId, digest: version.digest });
      } else {
        const changes = classifyMetadataChange(snapshotMetadata(record.snapshot), snapshotMetadata(version.snapshot));
        await stores.clients.replaceDocument(
          version.clientId,
          record.digest,
          { digest: version.digest, snapshot: version.snapshot },
          now,
        );
        await audit.record(actor, 'change-approved', version.clientId, { version: versionId, digest: version.digest });
        if (changes.length > 0) await enforce(version.clientId, changes, actor);
      }
      return (await stores.versions.get(versionId)) ?? version;
    },
  };
}
