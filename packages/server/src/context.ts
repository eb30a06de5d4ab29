import { documentDigest } from '@cimd/node';
import {
  CimdError,
  PROFILES,
  createClientResolver,
  type ClientResolver,
  type ClientResolverOptions,
  type Clock,
  type Fetcher,
  type ResolverEvent,
  type SingleFlight,
} from '@cimd/core';
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
import type { RegistrationDataSource } from './trust/registration-data.js';
import { createTrust, type Trust } from './trust/trust-service.js';
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
  /** The trust model: admission, registry, reputation, logos, first-seen limits, audit (docs/trust.md). */
  readonly trust: Trust;
  /**
   * Fetch a CIMD client's document now, past the cache and the admission policy, and record it
   * (an administrator's pre-registration or refresh, R61).
   */
  readonly refetchClient: (clientId: string) => Promise<Client>;
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
  /** Where domain registration data comes from (RDAP or a table); default none. */
  readonly registrationData?: RegistrationDataSource;
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
  const trust = createTrust({
    config,
    stores,
    fetcher: parts.fetcher,
    clock,
    random: parts.random,
    log,
    ...(parts.registrationData === undefined ? {} : { registrationData: parts.registrationData }),
  });
  const resolverOptions = {
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
  } satisfies ClientResolverOptions;
  const hooks = {
    onEvent(event: ResolverEvent) {
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
  };
  // H20: the admission policy is asked before the cache and before any fetch, on every resolution.
  const resolver = createClientResolver({
    ...resolverOptions,
    hooks: {
      ...hooks,
      admit: (id, url) => trust.admission.hook(id, url),
      // The token and revocation endpoints look the client up before it has authenticated: there,
      // only a client an authorization already recorded may be fetched, so anonymous requests
      // cannot make the server fetch arbitrary URLs or spend the fetch budgets of real clients.
      beforeFirstFetch: async (id, use) => {
        if (use === 'token' && (await stores.trust.clients.get(id)) === undefined) {
          throw new CimdError('client-unknown', `${id} has not been through an authorization here, so it is not fetched`);
        }
      },
    },
  });
  // An administrator's fetch (R61) is not subject to admission: pre-registering is how a client gets admitted.
  const adminResolver = createClientResolver({ ...resolverOptions, hooks });
  const directory = createClientDirectory({
    staticClients: config.clients.static,
    registered: stores.registeredClients,
    resolver,
    urlPolicy,
  });
  // Every CIMD client passes through the trust registry: first sighting, changes, pinning (R64).
  const clients: ClientDirectory = {
    ...directory,
    find: async (clientId, use) => trust.registry.observe(await directory.find(clientId, use)),
  };
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
      return r === undefined ? undefined : trust.registry.observe(fromResolved(r));
    },
    trust,
    async refetchClient(clientId) {
      directory.checkUrl(clientId);
      await adminResolver.invalidate(clientId);
      return trust.registry.observe(fromResolved(await adminResolver.resolve(clientId, { use: 'authorize' })));
    },
  };
}
