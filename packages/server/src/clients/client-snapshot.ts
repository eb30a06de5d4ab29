import type { ClientMetadata } from '@cimd/core';
import type { Client } from './client.js';
import { redirectKindsOf } from './client-directory.js';

/**
 * A client's validated document as the trust registry keeps it: enough to use the client again
 * without its document (a pinned client keeps using the version an administrator approved, R64),
 * and to compare the next version with it.
 */
export interface ClientSnapshot {
  readonly metadata: ClientMetadata;
  readonly redirectUris: readonly string[];
  readonly grantTypes: readonly string[];
  readonly authMethods: readonly string[];
  readonly applicationType: 'web' | 'native';
}

/** The snapshot of a client, as JSON text. */
export function snapshotOf(client: Client): string {
  const snapshot: ClientSnapshot = {
    metadata: client.metadata,
    redirectUris: client.redirectUris,
    grantTypes: client.grantTypes,
    authMethods: client.authMethods,
    applicationType: client.applicationType,
  };
  return JSON.stringify(snapshot);
}

/** The metadata of a stored snapshot. */
export function snapshotMetadata(json: string): ClientMetadata {
  return (JSON.parse(json) as ClientSnapshot).metadata;
}

/** The client a stored snapshot describes (a CIMD client; validated when it was accepted). */
export function clientFromSnapshot(clientId: string, digest: string, json: string): Client {
  const s = JSON.parse(json) as ClientSnapshot;
  return {
    clientId,
    kind: 'cimd',
    metadata: s.metadata,
    redirectUris: s.redirectUris,
    redirectKinds: redirectKindsOf(s.redirectUris),
    grantTypes: s.grantTypes,
    authMethods: s.authMethods,
    applicationType: s.applicationType,
    warnings: [],
    digest,
  };
}
