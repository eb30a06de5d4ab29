import { parseHttpDate } from './http-date.js';

/**
 * How long a fetched client metadata document may be reused (draft-03 §5.2; R37, R38): the HTTP
 * freshness lifetime of the response (RFC 9111 §4.2), clamped to the server's own bounds.
 *
 * Choices, where RFC 9111 leaves room or does not fit an authorization server:
 *
 * - Shared-cache semantics. One cached document serves every user of the server, so the server
 *   is a shared cache: `s-maxage` wins over `max-age` (§5.2.2.10), and an unqualified `private`
 *   means "not for a shared cache" (§5.2.2.7).
 * - Never less than the minimum. `no-store`, `no-cache`, `private`, `max-age=0`, an expired
 *   `Expires`, invalid freshness information and no freshness information at all give the
 *   configured minimum, not zero. The server does not store the HTTP response; it keeps the
 *   metadata it derived from a validated document, and R38 lets it bound the lifetime itself.
 *   Without a floor, a host answering `no-store` (as some well-known clients do) would be fetched
 *   on every authorization request, which the draft names as a privacy leak (§10.1, R77) and
 *   which turns the server into a traffic amplifier.
 * - Never more than the maximum, whatever the host says (R38; `max-age=31536000` becomes 24 h).
 * - Invalid means stale (§4.2.1 encourages this): a non-numeric or conflicting duplicate
 *   `max-age`, a malformed `Cache-Control`, an invalid `Age`, or an `Expires` that is not an
 *   HTTP-date ("0" included, §5.3) all give the minimum. The safe reading of garbage is the short
 *   one.
 * - Age is taken from the `Age` header only. The apparent age `now - Date` (§4.2.3) is not used:
 *   a host whose clock is wrong would otherwise shorten or lengthen lifetimes at will. `Date`
 *   serves only as the base of `Expires` (`Expires - Date`, skew-free, §4.2.1); without a valid
 *   `Date` the time of receipt is the base.
 * - No heuristic freshness from `Last-Modified` (§4.2.2): no explicit lifetime means the minimum.
 * - `must-revalidate`, `immutable`, `stale-while-revalidate` and `stale-if-error` are ignored:
 *   what happens after expiry is the resolver's policy (stale-grace, refresh-ahead), not the host's.
 */

/** The server's own lower and upper bounds on a document's lifetime (R38). */
export interface FreshnessBounds {
  /** Shortest lifetime, in milliseconds (default 5 minutes). */
  readonly minMs: number;
  /** Longest lifetime, in milliseconds (default 24 hours, the bound SEP-991 suggests). */
  readonly maxMs: number;
}

export const DEFAULT_FRESHNESS_BOUNDS: FreshnessBounds = { minMs: 5 * 60_000, maxMs: 24 * 60 * 60_000 };

/** Which header decided the lifetime. */
export type FreshnessBasis =
  | 's-maxage'
  | 'max-age'
  | 'expires'
  | 'no-store'
  | 'no-cache'
  | 'private'
  /** No explicit freshness information. */
  | 'none'
  /** Freshness information that could not be read; treated as stale. */
  | 'invalid';

export interface Freshness {
  /** The lifetime to use, in milliseconds, within the bounds. */
  readonly lifetimeMs: number;
  readonly basis: FreshnessBasis;
  /** The lifetime the headers asked for, after subtracting `Age` (0 for the stale cases). */
  readonly requestedMs: number;
  /** Set when the bounds changed the requested lifetime. */
  readonly clamped?: 'min' | 'max';
}

/** RFC 9111 §1.2.2: a delta-seconds too large to represent is read as 2^31 seconds. */
const MAX_DELTA_SECONDS = 2 ** 31;

/**
 * The lifetime of a response with these headers (names lower-cased), received at `receivedAt`
 * (milliseconds since the epoch), clamped to `bounds`. Never throws.
 */
export function computeFreshness(
  headers: Readonly<Record<string, string>>,
  receivedAt: number,
  bounds: Partial<FreshnessBounds> = {},
): Freshness {
  const b: FreshnessBounds = { ...DEFAULT_FRESHNESS_BOUNDS, ...bounds };
  const explicit = explicitLifetime(headers, receivedAt);
  if (typeof explicit === 'string') return clamp(b, explicit, 0);
  const age = headers['age'] === undefined ? 0 : deltaSeconds(headers['age']);
  if (age === undefined) return clamp(b, 'invalid', 0);
  return clamp(b, explicit.basis, Math.max(0, explicit.ms - age * 1000));
}

/** The explicit lifetime from the headers, or the basis that makes the response stale at once. */
function explicitLifetime(
  headers: Readonly<Record<string, string>>,
  receivedAt: number,
): { basis: 's-maxage' | 'max-age' | 'expires'; ms: number } | FreshnessBasis {
  const cc = headers['cache-control'] === undefined ? new Map<string, string[]>() : parseCacheControl(headers['cache-control']);
  if (cc === undefined) return 'invalid';
  if (cc.has('no-store')) return 'no-store';
  // The qualified forms (`private="set-cookie"`) concern single header fields, not the body.
  if (cc.get('private')?.includes('') === true) return 'private';
  if (cc.get('no-cache')?.includes('') === true) return 'no-cache';
  for (const basis of ['s-maxage', 'max-age'] as const) {
    const values = cc.get(basis);
    if (values === undefined) continue;
    const seconds = new Set(values).size === 1 && values[0] !== undefined ? deltaSeconds(values[0]) : undefined;
    return seconds === undefined ? 'invalid' : { basis, ms: seconds * 1000 };
  }
  const expires = headers['expires'];
  if (expires === undefined) return 'none';
  const expiresAt = parseHttpDate(expires, receivedAt);
  if (expiresAt === undefined) return 'invalid';
  const date = headers['date'] === undefined ? undefined : parseHttpDate(headers['date'], receivedAt);
  return { basis: 'expires', ms: Math.max(0, expiresAt - (date ?? receivedAt)) };
}

function clamp(b: FreshnessBounds, basis: FreshnessBasis, requestedMs: number): Freshness {
  if (requestedMs < b.minMs) return { lifetimeMs: b.minMs, basis, requestedMs, clamped: 'min' };
  if (requestedMs > b.maxMs) return { lifetimeMs: b.maxMs, basis, requestedMs, clamped: 'max' };
  return { lifetimeMs: requestedMs, basis, requestedMs };
}

/** delta-seconds (RFC 9111 §1.2.2): one or more digits, nothing else. */
function deltaSeconds(value: string): number | undefined {
  const v = value.trim();
  if (!/^\d+$/.test(v)) return undefined;
  return Math.min(Number(v), MAX_DELTA_SECONDS);
}

/** One directive: a token name, optionally `=` and a token or quoted-string argument. */
const DIRECTIVE =
  /[ \t]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:[ \t]*=[ \t]*("(?:[^"\\]|\\.)*"|[!#$%&'*+.^_`|~0-9A-Za-z-]*))?[ \t]*(?:,|$)/y;

/**
 * Parse a Cache-Control field value (RFC 9111 §5.2) into lower-cased directive names and their
 * arguments (unquoted; `''` for none), keeping repeats. `undefined` when the value is malformed.
 */
function parseCacheControl(value: string): Map<string, string[]> | undefined {
  const out = new Map<string, string[]>();
  let at = 0;
  while (at < value.length) {
    // The list syntax (RFC 9110 §5.6.1) allows empty elements: ", ,".
    const skip = /[ \t]*,/y;
    skip.lastIndex = at;
    if (skip.test(value)) {
      at = skip.lastIndex;
      continue;
    }
    if (/^[ \t]*$/.test(value.slice(at))) break;
    DIRECTIVE.lastIndex = at;
    const m = DIRECTIVE.exec(value);
    if (m === null || m[1] === undefined) return undefined;
    at = DIRECTIVE.lastIndex;
    const name = m[1].toLowerCase();
    const raw = m[2] ?? '';
    const arg = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    const list = out.get(name);
    if (list === undefined) out.set(name, [arg]);
    else list.push(arg);
  }
  return out;
}
