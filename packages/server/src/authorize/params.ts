import { CimdError } from '@cimd/core';

/** Authorization request parameters: each single-valued, except `resource` (RFC 8707 §2). */
export type AuthorizationParams = Readonly<Record<string, string | readonly string[]>>;

const MULTI = new Set(['resource']);

/**
 * Collect request parameters, refusing a repeated parameter (RFC 6749 §3.1) and empty names.
 * Parameters without a value are treated as omitted (RFC 6749 §3.1).
 */
export function collectParams(pairs: Iterable<readonly [string, string]>): AuthorizationParams {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of pairs) {
    if (value === '') continue;
    if (MULTI.has(name)) {
      ((out[name] ??= []) as string[]).push(value);
      continue;
    }
    if (Object.hasOwn(out, name)) {
      throw new CimdError('request-parameter-repeated', `The parameter "${name}" appears more than once`, { property: name });
    }
    out[name] = value;
  }
  return out;
}

/** A single-valued parameter, or undefined. */
export function single(params: AuthorizationParams, name: string): string | undefined {
  const v = params[name];
  return typeof v === 'string' ? v : undefined;
}

/** A multi-valued parameter as a list (empty when absent). */
export function multi(params: AuthorizationParams, name: string): readonly string[] {
  const v = params[name];
  return v === undefined ? [] : typeof v === 'string' ? [v] : v;
}
