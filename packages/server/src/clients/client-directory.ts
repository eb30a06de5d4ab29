import {
  CimdError,
  checkClientIdUrl,
  classifyRedirectUri,
  type ClientIdUrlPolicy,
  type ClientResolver,
  type RedirectKind,
  type ResolvedClient,
  type ResolveUse,
} from '@cimd/core';
import type { StaticClient } from '../config.js';
import type { RegisteredClientStore } from '../store/registered-clients.js';
import type { Client } from './client.js';

/**
 * Finds the client behind a client_id. Order matters (draft-03 §8.1, R59, R60): pre-registered
 * clients first (an https-looking pre-registered id is never fetched), then clients registered
 * through DCR (whose ids never start with "https://"), then CIMD discovery.
 */
export interface ClientDirectory {
  /** The client, or a CimdError (`client-unknown`, a `client-id-*` rule, a `fetch-*` failure, ...). */
  find(clientId: string, use: ResolveUse): Promise<Client>;
  /** Whether the client_id names a client that needs no fetch (pre-registered or DCR). */
  isKnownWithoutFetch(clientId: string): Promise<boolean>;
  /** Check a client_id against the Client Identifier URL rules without any network traffic. */
  checkUrl(clientId: string): void;
}

export interface ClientDirectoryOptions {
  readonly staticClients: readonly StaticClient[];
  readonly registered: RegisteredClientStore;
  readonly resolver: ClientResolver;
  readonly urlPolicy: Partial<ClientIdUrlPolicy>;
}

export function createClientDirectory(options: ClientDirectoryOptions): ClientDirectory {
  const statics = new Map(options.staticClients.map((c) => [c.client_id, fromStatic(c)]));

  async function registered(clientId: string): Promise<Client | undefined> {
    if (clientId.startsWith('https://')) return undefined;
    const record = await options.registered.get(clientId);
    if (record === undefined) return undefined;
    return fromStatic({ ...(JSON.parse(record.metadata) as StaticClient), client_id: clientId }, 'dcr');
  }

  return {
    async find(clientId, use) {
      const known = statics.get(clientId) ?? (await registered(clientId));
      if (known !== undefined) return known;
      if (!clientId.startsWith('https://')) {
        // Not a URL: an unknown pre-registered or DCR id. Run the URL rules for a precise reason.
        const check = checkClientIdUrl(clientId, options.urlPolicy);
        if (!check.accepted) throw CimdError.fromFindings(check.reasons);
        throw new CimdError('client-unknown', `No client "${clientId}" is registered`);
      }
      return fromResolved(await options.resolver.resolve(clientId, { use }));
    },
    async isKnownWithoutFetch(clientId) {
      return statics.has(clientId) || (await registered(clientId)) !== undefined;
    },
    checkUrl(clientId) {
      if (statics.has(clientId)) return;
      const check = checkClientIdUrl(clientId, options.urlPolicy);
      if (!check.accepted) throw CimdError.fromFindings(check.reasons);
    },
  };
}

/** The kind of each redirect URI (an unusable one counts as https: it never matches anyway). */
export function redirectKindsOf(uris: readonly string[]): RedirectKind[] {
  return uris.map((u) => {
    const c = classifyRedirectUri(u);
    return c.ok ? c.kind : 'https';
  });
}

function fromStatic(c: StaticClient, kind: 'static' | 'dcr' = 'static'): Client {
  const grantTypes = c.grant_types ?? ['authorization_code', 'refresh_token'];
  const method = c.token_endpoint_auth_method ?? 'none';
  return {
    clientId: c.client_id,
    kind,
    metadata: {
      client_id: c.client_id,
      ...(c.client_name === undefined ? {} : { client_name: c.client_name }),
      redirect_uris: c.redirect_uris,
      grant_types: grantTypes,
      token_endpoint_auth_method: method,
    },
    redirectUris: c.redirect_uris,
    redirectKinds: redirectKindsOf(c.redirect_uris),
    grantTypes,
    authMethods: [method],
    applicationType: c.redirect_uris.every((u) => !u.startsWith('https://')) ? 'native' : 'web',
    warnings: [],
  };
}

export function fromResolved(r: ResolvedClient): Client {
  const uris = r.metadata.redirect_uris ?? [];
  return {
    clientId: r.clientId,
    kind: 'cimd',
    metadata: r.metadata,
    redirectUris: uris,
    redirectKinds: redirectKindsOf(uris),
    grantTypes: r.negotiated.grant_types,
    authMethods: r.negotiated.token_endpoint_auth_methods,
    applicationType: r.negotiated.application_type,
    warnings: r.warnings,
    digest: r.digest,
    fetchedAt: r.fetchedAt,
  };
}
