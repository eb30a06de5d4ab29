import { CimdError, type Clock } from '@cimd/core';
import type { Client } from '../clients/client.js';
import type { ClientAuthGroup } from '../config.js';
import type { ReplayStore } from '../store/replay.js';
import type { ClientAuthMethod } from '../token/client-auth.js';
import type { Form } from '../token/form.js';
import { sha256 } from '../util/random.js';
import type { ClientKeys } from './client-keys.js';
import { audienceList, decodeCompactJwt, normalizeTyp, type DecodedJwt } from './compact-jwt.js';
import { verifyWithClientKeys } from './key-verify.js';
import { checkTimeClaims } from './time-claims.js';

/** RFC 7523 §2.2: the only client_assertion_type this method accepts (J1). */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * Explicit types accepted in strict mode (J4, R50, RFC 8725 §3.11): `client-authentication+jwt`,
 * registered by draft-ietf-oauth-rfc7523bis-11 §4 (IANA media type
 * application/client-authentication+jwt) and the value the client library emits, and
 * `oauth-client-auth+jwt`, which the CIMD -03 preview text recommends.
 */
export const CLIENT_AUTH_JWT_TYPES: readonly string[] = ['client-authentication+jwt', 'oauth-client-auth+jwt'];

/** The longest jti accepted (it is stored, hashed, until the assertion expires). */
const MAX_JTI_CHARS = 256;

export interface PrivateKeyJwtOptions {
  /** This server's issuer identifier (RFC 8414): the one audience of strict mode (J6). */
  readonly issuer: string;
  /** The token endpoint URL, accepted as audience in compatibility mode. */
  readonly tokenEndpoint: string;
  readonly settings: ClientAuthGroup;
  readonly keys: ClientKeys;
  readonly replay: ReplayStore;
  readonly clock: Clock;
}

function assertionOf(form: Form): string {
  const assertion = form.get('client_assertion');
  if (form.get('client_assertion_type') !== JWT_BEARER_ASSERTION_TYPE || assertion === undefined) {
    throw new CimdError(
      'client-assertion-type-invalid',
      `client_assertion_type must be exactly ${JWT_BEARER_ASSERTION_TYPE}, with one client_assertion (RFC 7523 §2.2)`,
    );
  }
  return assertion;
}

function decodeAssertion(form: Form): DecodedJwt {
  const jwt = decodeCompactJwt(assertionOf(form));
  if (jwt === undefined) {
    throw new CimdError('client-assertion-malformed', 'client_assertion is not one signed JWT in compact serialization');
  }
  if (jwt.header['crit'] !== undefined) {
    throw new CimdError('client-assertion-malformed', 'client_assertion has a crit header this server does not understand');
  }
  return jwt;
}

/**
 * `private_key_jwt` client authentication (RFC 7523 §2.2 and §3, OpenID Connect Core §9,
 * draft-ietf-oauth-rfc7523bis-11, RFC 8725; J1–J12) with keys taken only from the client's own
 * metadata document. Every refusal is `invalid_client` (401, J11) with a precise reason code.
 */
export function createPrivateKeyJwtMethod(options: PrivateKeyJwtOptions): ClientAuthMethod {
  const { settings, issuer } = options;
  const skew = settings.clockSkewS;

  function checkHeader(jwt: DecodedJwt, client: Client): string {
    const alg = jwt.header['alg'] as string;
    if (!settings.algorithms.includes(alg)) {
      throw new CimdError(
        'client-assertion-alg-not-allowed',
        `The assertion is signed with ${alg}; this server accepts ${settings.algorithms.join(', ')} (never none or HS*)`,
      );
    }
    // RFC 7591 §2 / OpenID Connect Registration: a declared token_endpoint_auth_signing_alg is the only one.
    const declared = client.metadata.token_endpoint_auth_signing_alg;
    if (declared !== undefined && declared !== alg) {
      throw new CimdError(
        'client-assertion-alg-not-allowed',
        `The assertion is signed with ${alg}, but the client's document declares token_endpoint_auth_signing_alg ${declared}`,
      );
    }
    const typ = normalizeTyp(jwt.header['typ']);
    const typed = typ !== undefined && CLIENT_AUTH_JWT_TYPES.includes(typ);
    const untypedOk = settings.assertionTyp === 'compat' && (typ === undefined || typ === 'jwt');
    if (!typed && !untypedOk) {
      throw new CimdError(
        'client-assertion-typ-invalid',
        typ === undefined
          ? `The assertion has no typ header; this server requires ${CLIENT_AUTH_JWT_TYPES.join(' or ')} (R50)`
          : `The assertion typ "${String(jwt.header['typ'])}" is not ${CLIENT_AUTH_JWT_TYPES.join(' or ')}`,
      );
    }
    return alg;
  }

  function checkAudience(aud: unknown, endpoint: string): void {
    const list = audienceList(aud);
    // rfc7523bis: the issuer identifier is the sole audience value (one string, or an array of one).
    const strictOk = list !== undefined && list.length === 1 && list[0] === issuer;
    const accepted = new Set([issuer, options.tokenEndpoint, endpoint]);
    const compatOk = list !== undefined && list.some((a) => accepted.has(a));
    if (settings.audience === 'strict' ? !strictOk : !compatOk) {
      throw new CimdError(
        'client-assertion-audience-invalid',
        settings.audience === 'strict'
          ? `The assertion aud must be the issuer "${issuer}" alone (draft-ietf-oauth-rfc7523bis), not ${JSON.stringify(aud)}`
          : `The assertion aud ${JSON.stringify(aud)} names neither the issuer nor this endpoint`,
      );
    }
  }

  return {
    name: 'private_key_jwt',
    present: (form) => form.has('client_assertion') || form.has('client_assertion_type'),
    claimedClientId(form) {
      const sub = decodeAssertion(form).claims['sub'];
      // J5: the subject names the client; an assertion without one authenticates nobody (J11).
      if (typeof sub !== 'string') {
        throw new CimdError('client-assertion-issuer-invalid', 'The assertion has no sub naming the client (J5)');
      }
      return sub;
    },
    async verify(client: Client, form: Form, _headers: Headers, endpoint: string) {
      const jwt = decodeAssertion(form);
      const alg = checkHeader(jwt, client);
      const { claims } = jwt;
      if (claims['iss'] !== client.clientId || claims['sub'] !== client.clientId) {
        throw new CimdError(
          'client-assertion-issuer-invalid',
          `The assertion iss (${JSON.stringify(claims['iss'])}) and sub (${JSON.stringify(claims['sub'])}) must both be exactly the client_id ${client.clientId}`,
        );
      }
      checkAudience(claims['aud'], endpoint);
      const nowS = Math.floor(options.clock.now() / 1000);
      const { exp } = checkTimeClaims(
        claims,
        nowS,
        { requireExp: true, requireIat: false, skewS: skew, maxLifetimeS: settings.maxAssertionLifetimeS },
        {
          invalid: 'client-assertion-claims-invalid',
          expired: 'client-assertion-expired',
          tooLong: 'client-assertion-lifetime-too-long',
          tooOld: 'client-assertion-lifetime-too-long',
          notYetValid: 'client-assertion-not-yet-valid',
        },
        'The client assertion',
      );
      const jti = claims['jti'];
      if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_CHARS) {
        throw new CimdError('client-assertion-claims-invalid', 'The assertion needs a jti: a string of 1 to 256 characters (J9)');
      }
      await verifyWithClientKeys(
        jwt,
        alg,
        client,
        options.keys,
        {
          notFound: 'client-assertion-key-not-found',
          algMismatch: 'client-assertion-alg-key-mismatch',
          signature: 'client-assertion-signature-invalid',
        },
        'The client assertion',
      );
      // Only a verified assertion may claim its jti: held per client until it could no longer pass.
      // The clock is compared in whole seconds and exp may have a fraction, so one second more.
      const until = (Math.ceil(exp as number) + skew + 1) * 1000;
      const first = await options.replay.remember(`private_key_jwt:${client.clientId}`, sha256(jti), until, options.clock.now());
      if (!first) throw new CimdError('client-assertion-replayed', `The assertion jti "${jti}" was already used (J9)`);
      return {};
    },
  };
}
