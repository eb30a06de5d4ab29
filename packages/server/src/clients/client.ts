import type { ClientMetadata, Finding, RedirectKind } from '@cimd/core';

/** Where a client's identity comes from. */
export type ClientKind = 'cimd' | 'static' | 'dcr';

/**
 * A client as the protocol code sees it, whatever its source. For CIMD clients every member comes
 * from the validated, negotiated document; for static and DCR clients from configuration or
 * registration.
 */
export interface Client {
  readonly clientId: string;
  readonly kind: ClientKind;
  readonly metadata: ClientMetadata;
  readonly redirectUris: readonly string[];
  readonly redirectKinds: readonly RedirectKind[];
  readonly grantTypes: readonly string[];
  /** Every token endpoint authentication method the client may use here. */
  readonly authMethods: readonly string[];
  readonly applicationType: 'web' | 'native';
  /** Findings that did not prevent use (shown to operators, never to end users). */
  readonly warnings: readonly Finding[];
  /** Digest of the document as fetched (CIMD only). */
  readonly digest?: string;
  /** When the origin last confirmed the document (CIMD only). */
  readonly fetchedAt?: number;
}

/** Whether the client may act without authenticating (a public client). */
export function isPublic(client: Client): boolean {
  return client.authMethods.includes('none');
}
