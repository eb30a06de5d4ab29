import { documentDigest } from '@cimd/node';
import { PROFILES, createClientResolver, type ClientResolver, type Clock, type Fetcher, type SingleFlight } from '@cimd/core';
import { localAuthenticator, type Authenticator } from './auth/authenticator.js';
import type { AttestationChallenges } from './client-auth/attestation-challenges.js';
import { createClientAuth } from './client-auth/methods.js';
import { createClientDirectory, fromResolved, type ClientDirectory } from './clients/client-directory.js';
import type { Client } from './clients/client.js';
import type { ServerConfig } from './config.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import type { Stores } from './store/stores.js';
import type { ClientAuthMethod } from './token/client-auth.js';
import { SUPPORTED_GRANT_TYPES } from './token/token-endpoint.js';
import { createSigningKeys, type SigningKeys } from './tokens/signing-keys.js';
import type { Random } from './util/random.js';

/** Everything the endpoints share; built once per server. */
export interface ServerContext {
  readonly config: ServerConfig;
  readonly issuer: string;
  readonly stores: Stores;
  readonly clock: Clock;
  readonly random: Random;
  readonly resolver: ClientResolver;
  readonly clients: ClientDirectory;
  readonly keys: SigningKeys;
  readonly authenticator: Authenticator;
  readonly methods: readonly ClientAuthMethod[];
  /** Attestation challenges (`clientAuth.attestationChallenge`), served at `/challenge`. */
  readonly attestationChallenges?: AttestationChallenges;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly peekClient: (clientId: string) => Promise<Client | undefined>;
}

export interface ContextParts {
  readonly config: ServerConfig;
  readonly stores: Stores;
  readonly fetcher: Fetcher;
  /** Coalescing of metadata fetches (default in-process; shared across instances with Redis). */
  readonly singleFlight?: SingleFlight;
  readonly clock: Clock;
  readonly random: Random;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly authenticator?: Authenticator;
  /** Default: built from `policy.authMethods` and the `clientAuth` group. */
  readonly methods?: readonly ClientAuthMethod[];
}

export function createContext(parts: ContextParts): ServerContext {
  const { config, stores, clock, log, metrics } = parts;
  const issuer = config.server.issuer;
  const urlPolicy = {
    query: config.policy.clientIdQuery,
    rootPath: config.policy.clientIdRootPath,
    // H17: a client_id may not be this server's issuer or one of the resources it serves.
    reserved: [issuer, ...config.policy.resources],
  };
  const resolver = createClientResolver({
    digest: documentDigest,
    fetcher: parts.fetcher,
    clock,
    freshness: { minMs: config.fetch.minCacheS * 1000, maxMs: config.fetch.maxCacheS * 1000 },
    cache: { store: stores.documents, ...(parts.singleFlight === undefined ? {} : { singleFlight: parts.singleFlight }) },
    evaluate: {
      // MCP SEP-3149 as an option on any profile: refuse `none` when an authenticated method is shared.
      profile: config.policy.rejectNoneWhenAuthenticatedShared
        ? { ...PROFILES[config.policy.profile], rejectNoneWhenAuthenticatedShared: true }
        : config.policy.profile,
      server: {
        grantTypes: SUPPORTED_GRANT_TYPES,
        responseTypes: ['code'],
        authMethods: config.policy.authMethods,
        rpMetadataChoices: true,
      },
      urlPolicy,
      limits: { maxBytes: config.fetch.maxDocumentBytes },
    },
    hooks: {
      onEvent(event) {
        metrics.resolverOutcomes.inc({ outcome: event.code });
        const fields = {
          event: 'client-resolution',
          outcome: event.code,
          client_id: event.clientId,
          origin: event.origin,
          ms: event.ms,
          use: event.use,
        };
        if (event.error === undefined) log.debug(fields, 'client resolved');
        else log.warn({ ...fields, reason: event.error.message, findings: event.error.findings }, 'client resolution failed');
      },
    },
  });
  const clients = createClientDirectory({
    staticClients: config.clients.static,
    registered: stores.registeredClients,
    resolver,
    urlPolicy,
  });
  const clientAuth =
    parts.methods === undefined
      ? createClientAuth({ config, fetcher: parts.fetcher, replay: stores.replay, clock, random: parts.random })
      : undefined;
  return {
    config,
    issuer,
    stores,
    clock,
    random: parts.random,
    resolver,
    clients,
    keys: createSigningKeys(stores.keys, clock),
    authenticator: parts.authenticator ?? localAuthenticator(stores.users),
    methods: parts.methods ?? clientAuth?.methods ?? [],
    ...(clientAuth?.challenges === undefined ? {} : { attestationChallenges: clientAuth.challenges }),
    log,
    metrics,
    async peekClient(clientId) {
      const r = await resolver.peek(clientId);
      return r === undefined ? undefined : fromResolved(r);
    },
  };
}
