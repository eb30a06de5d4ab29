import { calculateJwkThumbprint, compactVerify, importJWK, type JWK } from 'jose';
import { CimdError, checkJwkSet, type Clock, type Finding, type PublicJwk } from '@cimd/core';
import type { Client } from '../clients/client.js';
import type { ClientAuthGroup } from '../config.js';
import type { ReplayStore } from '../store/replay.js';
import type { ClientAuthMethod } from '../token/client-auth.js';
import { sha256 } from '../util/random.js';
import { keyFitsAlg } from './algorithms.js';
import type { AttestationChallenges } from './attestation-challenges.js';
import type { ClientKeys } from './client-keys.js';
import { audienceList, decodeCompactJwt, normalizeTyp, type DecodedJwt } from './compact-jwt.js';
import { verifyWithClientKeys } from './key-verify.js';
import { checkTimeClaims } from './time-claims.js';

/*
 * Names from draft-ietf-oauth-attestation-based-client-auth-11 (§4, §5.1, §6, §7, §8): the two
 * request header fields, the challenge response header, the JWT types, and the challenge claim.
 * Since -08 neither JWT carries `iss`; the PoP has no `exp` since -06 and names the challenge in
 * `challenge` (formerly `nonce`) since -06.
 */
export const ATTESTATION_HEADER = 'OAuth-Client-Attestation';
export const ATTESTATION_POP_HEADER = 'OAuth-Client-Attestation-PoP';
export const ATTESTATION_CHALLENGE_HEADER = 'OAuth-Client-Attestation-Challenge';
export const ATTESTATION_JWT_TYPE = 'oauth-client-attestation+jwt';
export const ATTESTATION_POP_JWT_TYPE = 'oauth-client-attestation-pop+jwt';
export const ATTESTATION_METHOD = 'attest_jwt_client_auth';

export interface AttestationOptions {
  /** This server's issuer identifier: the PoP audience (§5.1, §7.2 item 7). */
  readonly issuer: string;
  readonly settings: ClientAuthGroup;
  /** The keys of the client's document: the Client Attester's keys (§10.8, IETF 124 slides). */
  readonly keys: ClientKeys;
  readonly replay: ReplayStore;
  readonly clock: Clock;
  /** Present when PoPs must carry a server-provided challenge (`clientAuth.attestationChallenge`). */
  readonly challenges?: AttestationChallenges;
}

/** The one value of a request header field; Fetch joins repeated fields with ", " (RFC 9110 §5.3). */
function single(headers: Headers, name: string): DecodedJwt {
  const value = headers.get(name);
  if (value === null) throw new CimdError('client-attestation-header-invalid', `The ${name} header is missing`);
  const jwt = decodeCompactJwt(value.trim());
  if (jwt === undefined) {
    throw new CimdError('client-attestation-header-invalid', `The ${name} header must appear once and hold one compact JWT`);
  }
  return jwt;
}

/** The attestation's cnf.jwk: a public key as JWK (§4, §7.1 item 5). */
function confirmationKey(claims: Readonly<Record<string, unknown>>): PublicJwk {
  const cnf = claims['cnf'];
  const jwk = typeof cnf === 'object' && cnf !== null ? (cnf as Record<string, unknown>)['jwk'] : undefined;
  const reasons: Finding[] = [];
  checkJwkSet({ keys: [jwk] }, reasons, 'cnf: ');
  if (jwk === undefined || reasons.length > 0) {
    throw new CimdError('client-attestation-invalid', 'The attestation needs cnf.jwk holding one public key', {
      ...(reasons.length > 0 ? { findings: reasons } : {}),
    });
  }
  return jwk as PublicJwk;
}

/**
 * `attest_jwt_client_auth` (draft-ietf-oauth-attestation-based-client-auth-11): a Client
 * Attestation JWT, signed by the Client Attester with a key found through the client's metadata
 * document, binds a client instance key (`cnf.jwk`); a PoP JWT signed by that key proves the
 * instance holds it, for this server (`aud`), once (`jti`, and a challenge when required).
 * Returns the RFC 7638 thumbprint of the instance key, to which refresh tokens are bound (§10.3).
 */
export function createAttestationMethod(options: AttestationOptions): ClientAuthMethod {
  const { settings } = options;
  const skew = settings.clockSkewS;

  async function verifyAttestation(client: Client, jwt: DecodedJwt, nowS: number): Promise<PublicJwk> {
    const alg = jwt.header['alg'] as string;
    if (normalizeTyp(jwt.header['typ']) !== ATTESTATION_JWT_TYPE || !settings.algorithms.includes(alg)) {
      throw new CimdError(
        'client-attestation-invalid',
        `The attestation must be typed ${ATTESTATION_JWT_TYPE} and signed with one of ${settings.algorithms.join(', ')}; it has typ ${JSON.stringify(jwt.header['typ'])} and alg ${alg}`,
      );
    }
    if (jwt.claims['sub'] !== client.clientId) {
      throw new CimdError('client-attestation-subject-mismatch', `The attestation sub must be the client_id ${client.clientId}`);
    }
    const cnf = confirmationKey(jwt.claims);
    checkTimeClaims(
      jwt.claims,
      nowS,
      { requireExp: true, requireIat: false, skewS: skew, maxAgeS: settings.maxAttestationAgeS },
      {
        invalid: 'client-attestation-invalid',
        expired: 'client-attestation-not-fresh',
        tooLong: 'client-attestation-not-fresh',
        tooOld: 'client-attestation-not-fresh',
        notYetValid: 'client-attestation-not-fresh',
      },
      'The client attestation',
    );
    await verifyWithClientKeys(
      jwt,
      alg,
      client,
      options.keys,
      {
        notFound: 'client-attestation-key-not-found',
        algMismatch: 'client-attestation-key-not-found',
        signature: 'client-attestation-signature-invalid',
      },
      'The client attestation',
    );
    return cnf;
  }

  async function challengeRequired(why: string): Promise<never> {
    const fresh = await (options.challenges as AttestationChallenges).issue();
    // §6.1: a 400 with use_attestation_challenge and a fresh challenge in the response header.
    throw new CimdError('client-attestation-challenge-required', why, { headers: { [ATTESTATION_CHALLENGE_HEADER]: fresh } });
  }

  async function verifyPop(client: Client, jwt: DecodedJwt, cnf: PublicJwk, nowS: number): Promise<void> {
    const alg = jwt.header['alg'] as string;
    const { claims } = jwt;
    if (normalizeTyp(jwt.header['typ']) !== ATTESTATION_POP_JWT_TYPE || !settings.algorithms.includes(alg)) {
      throw new CimdError(
        'client-attestation-pop-invalid',
        `The PoP must be typed ${ATTESTATION_POP_JWT_TYPE} and signed with one of ${settings.algorithms.join(', ')}`,
      );
    }
    const jti = claims['jti'];
    if (typeof jti !== 'string' || jti === '' || jti.length > 256) {
      throw new CimdError('client-attestation-pop-invalid', 'The PoP needs a jti: a string of 1 to 256 characters');
    }
    // Drafts before -08 had iss = client_id in the PoP; accepted when it says just that.
    if (claims['iss'] !== undefined && claims['iss'] !== client.clientId) {
      throw new CimdError('client-attestation-pop-invalid', 'The PoP iss, when present, must be the client_id');
    }
    const aud = audienceList(claims['aud']);
    if (aud === undefined || aud.length !== 1 || aud[0] !== options.issuer) {
      throw new CimdError(
        'client-attestation-pop-audience-invalid',
        `The PoP aud must be the issuer "${options.issuer}", not ${JSON.stringify(claims['aud'])}`,
      );
    }
    const { iat } = checkTimeClaims(
      claims,
      nowS,
      { requireExp: false, requireIat: true, skewS: skew, maxAgeS: settings.maxAssertionLifetimeS },
      {
        invalid: 'client-attestation-pop-invalid',
        expired: 'client-attestation-pop-not-fresh',
        tooLong: 'client-attestation-pop-not-fresh',
        tooOld: 'client-attestation-pop-not-fresh',
        notYetValid: 'client-attestation-pop-not-fresh',
      },
      'The attestation PoP',
    );
    if (!keyFitsAlg(cnf, alg)) {
      throw new CimdError(
        'client-attestation-pop-signature-invalid',
        `The instance key in cnf does not fit the PoP algorithm ${alg}`,
      );
    }
    try {
      await compactVerify(jwt.token, await importJWK({ ...(cnf as JWK), ext: false }, alg), { algorithms: [alg] });
    } catch {
      throw new CimdError(
        'client-attestation-pop-signature-invalid',
        'The PoP is not signed by the key in the attestation cnf claim',
      );
    }
    if (options.challenges !== undefined) {
      const challenge = claims['challenge'];
      if (typeof challenge !== 'string') await challengeRequired('The PoP carries no challenge; this server requires one');
      else if (!(await options.challenges.consume(challenge))) {
        await challengeRequired('The PoP challenge is unknown, expired or already used');
      }
    }
    // The jti is held until the PoP could no longer pass the iat window (compared in whole
    // seconds, inclusive, and iat may have a fraction: one second more).
    const until = (Math.ceil(iat as number) + settings.maxAssertionLifetimeS + 2 * skew + 1) * 1000;
    const first = await options.replay.remember(`attestation-pop:${client.clientId}`, sha256(jti), until, options.clock.now());
    if (!first) throw new CimdError('client-attestation-pop-replayed', `The PoP jti "${jti}" was already used`);
  }

  return {
    name: ATTESTATION_METHOD,
    present: (_form, headers) => headers.has(ATTESTATION_HEADER) || headers.has(ATTESTATION_POP_HEADER),
    claimedClientId(_form, headers) {
      const sub = single(headers, ATTESTATION_HEADER).claims['sub'];
      // §5.1: the attestation's subject is the client_id; without one it attests nobody.
      if (typeof sub !== 'string') throw new CimdError('client-attestation-invalid', 'The client attestation has no sub');
      return sub;
    },
    async verify(client, _form, headers) {
      const attestation = single(headers, ATTESTATION_HEADER);
      const pop = single(headers, ATTESTATION_POP_HEADER);
      const nowS = Math.floor(options.clock.now() / 1000);
      // Validate the attestation before its PoP, as the draft recommends.
      const cnf = await verifyAttestation(client, attestation, nowS);
      await verifyPop(client, pop, cnf, nowS);
      return { instanceKeyThumbprint: await calculateJwkThumbprint(cnf, 'sha256') };
    },
  };
}
