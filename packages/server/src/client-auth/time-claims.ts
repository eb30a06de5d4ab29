import { CimdError, type ReasonCode } from '@cimd/core';

/** What a JWT's time claims must satisfy (RFC 7519 §4.1.4–§4.1.6). */
export interface TimeRules {
  readonly requireExp: boolean;
  readonly requireIat: boolean;
  /** Allowed clock difference, seconds. */
  readonly skewS: number;
  /** Longest lifetime: `exp - iat`, or `exp - now` without iat. */
  readonly maxLifetimeS?: number;
  /** Oldest accepted `iat`, seconds before now. */
  readonly maxAgeS?: number;
}

/** The reason code for each way the time claims can fail. */
export interface TimeFailures {
  readonly invalid: ReasonCode;
  readonly expired: ReasonCode;
  readonly tooLong: ReasonCode;
  readonly tooOld: ReasonCode;
  readonly notYetValid: ReasonCode;
}

export interface CheckedTimes {
  readonly exp: number | undefined;
  readonly iat: number | undefined;
}

function numeric(claims: Readonly<Record<string, unknown>>, name: string, what: string, code: ReasonCode): number | undefined {
  const v = claims[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new CimdError(code, `${what}: ${name} must be a number (NumericDate)`);
  return v;
}

/**
 * Check exp, nbf and iat against `nowS` (seconds). Throws a CimdError naming the first failure;
 * returns exp and iat when they hold.
 */
export function checkTimeClaims(
  claims: Readonly<Record<string, unknown>>,
  nowS: number,
  rules: TimeRules,
  fail: TimeFailures,
  what: string,
): CheckedTimes {
  const exp = numeric(claims, 'exp', what, fail.invalid);
  const nbf = numeric(claims, 'nbf', what, fail.invalid);
  const iat = numeric(claims, 'iat', what, fail.invalid);
  if (rules.requireExp && exp === undefined) throw new CimdError(fail.invalid, `${what}: exp is required`);
  if (rules.requireIat && iat === undefined) throw new CimdError(fail.invalid, `${what}: iat is required`);
  const skew = rules.skewS;
  if (exp !== undefined && exp <= nowS - skew) throw new CimdError(fail.expired, `${what} expired at ${exp} (now ${nowS})`);
  if (nbf !== undefined && nbf > nowS + skew)
    throw new CimdError(fail.notYetValid, `${what} is not valid before ${nbf} (now ${nowS})`);
  if (iat !== undefined && iat > nowS + skew)
    throw new CimdError(fail.notYetValid, `${what} is issued in the future (${iat}, now ${nowS})`);
  if (rules.maxLifetimeS !== undefined && exp !== undefined) {
    const lifetime = iat === undefined ? exp - nowS : exp - iat;
    const allowed = iat === undefined ? rules.maxLifetimeS + skew : rules.maxLifetimeS;
    if (lifetime > allowed) {
      throw new CimdError(fail.tooLong, `${what} lives ${lifetime} s; at most ${rules.maxLifetimeS} s are accepted`);
    }
  }
  if (rules.maxAgeS !== undefined && iat !== undefined && nowS - iat > rules.maxAgeS + skew) {
    throw new CimdError(fail.tooOld, `${what} was issued ${nowS - iat} s ago; at most ${rules.maxAgeS} s are accepted`);
  }
  return { exp, iat };
}
