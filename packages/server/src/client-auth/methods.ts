import type { Clock, Fetcher } from '@cimd/core';
import type { ServerConfig } from '../config.js';
import type { ReplayStore } from '../store/replay.js';
import type { ClientAuthMethod } from '../token/client-auth.js';
import type { Random } from '../util/random.js';
import { createAttestationChallenges, type AttestationChallenges } from './attestation-challenges.js';
import { ATTESTATION_METHOD, createAttestationMethod } from './attestation.js';
import { createClientKeys, type ClientKeys } from './client-keys.js';
import { createPrivateKeyJwtMethod } from './private-key-jwt.js';

export interface ClientAuthDependencies {
  readonly config: ServerConfig;
  readonly fetcher: Fetcher;
  readonly replay: ReplayStore;
  readonly clock: Clock;
  readonly random: Random;
}

/** The client authentication the server runs with, built from its configuration. */
export interface ClientAuthSetup {
  /** The methods beyond `none`, for `authenticateClient`. */
  readonly methods: readonly ClientAuthMethod[];
  /** The client key source shared by the methods (one cache of jwks_uri key sets). */
  readonly keys: ClientKeys;
  /** Attestation challenges, when `clientAuth.attestationChallenge` is on. */
  readonly challenges?: AttestationChallenges;
}

/**
 * The methods of `policy.authMethods` beyond `none`: `private_key_jwt` and `attest_jwt_client_auth`
 * share one key source, fetched through the safe fetcher (J2) with the `fetch` group's cache bounds.
 */
export function createClientAuth(deps: ClientAuthDependencies): ClientAuthSetup {
  const { config, clock, replay } = deps;
  const settings = config.clientAuth;
  const issuer = config.server.issuer;
  const keys = createClientKeys({
    fetcher: deps.fetcher,
    clock,
    freshness: { minMs: config.fetch.minCacheS * 1000, maxMs: config.fetch.maxCacheS * 1000 },
    refetchIntervalMs: settings.jwksRefetchIntervalS * 1000,
  });
  const enabled = new Set(config.policy.authMethods);
  const challenges =
    enabled.has(ATTESTATION_METHOD) && settings.attestationChallenge
      ? createAttestationChallenges({ replay, clock, random: deps.random, ttlMs: settings.attestationChallengeTtlS * 1000 })
      : undefined;
  const methods: ClientAuthMethod[] = [];
  if (enabled.has('private_key_jwt')) {
    methods.push(createPrivateKeyJwtMethod({ issuer, tokenEndpoint: `${issuer}/token`, settings, keys, replay, clock }));
  }
  if (enabled.has(ATTESTATION_METHOD)) {
    methods.push(
      createAttestationMethod({ issuer, settings, keys, replay, clock, ...(challenges === undefined ? {} : { challenges }) }),
    );
  }
  return { methods, keys, ...(challenges === undefined ? {} : { challenges }) };
}
