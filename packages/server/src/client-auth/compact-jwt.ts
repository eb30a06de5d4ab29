/** A compact JWS (RFC 7515 §7.1) split and decoded, not yet verified. */
export interface DecodedJwt {
  /** The token as received. */
  readonly token: string;
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>>;
}

/** Three base64url segments, nothing else: no whitespace, no second token, no JWE (five parts). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Tokens longer than this are refused before decoding (a header carries at most ~8 KB anyway). */
const MAX_TOKEN_CHARS = 16_384;

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Split and decode one signed JWT in compact serialization; undefined when the value is anything
 * else (J1: exactly one JWT). The signature is not checked here.
 */
export function decodeCompactJwt(token: string): DecodedJwt | undefined {
  if (token.length > MAX_TOKEN_CHARS || !COMPACT_JWS.test(token)) return undefined;
  const [h, c] = token.split('.') as [string, string, string];
  const header = decodeSegment(h);
  const claims = decodeSegment(c);
  if (header === undefined || claims === undefined || typeof header['alg'] !== 'string') return undefined;
  return { token, header, claims };
}

/**
 * A `typ` header value as a media type without the optional `application/` prefix, lower-cased
 * (RFC 7515 §4.1.9: the prefix may be omitted; media types compare case-insensitively).
 */
export function normalizeTyp(typ: unknown): string | undefined {
  if (typeof typ !== 'string') return undefined;
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

/** The `aud` claim as a list (RFC 7519 §4.1.3: a string or an array of strings); undefined when malformed. */
export function audienceList(aud: unknown): readonly string[] | undefined {
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string')) return aud;
  return undefined;
}
