import { CimdError } from '@cimd/core';

/** A parsed form body: single-valued parameters, plus `resource`, which may repeat (RFC 8707). */
export interface Form {
  get(name: string): string | undefined;
  all(name: string): readonly string[];
  has(name: string): boolean;
}

const MULTI = new Set(['resource']);

/**
 * Parse an `application/x-www-form-urlencoded` body (RFC 6749 §3.2: the token endpoint takes only
 * this), refusing repeated parameters (RFC 6749 §3.2) and oversized bodies.
 */
export function parseForm(contentType: string | null | undefined, body: string, maxBytes: number): Form {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new CimdError(
      'request-body-invalid',
      `The body must be application/x-www-form-urlencoded, not "${contentType ?? '(none)'}"`,
    );
  }
  if (Buffer.byteLength(body) > maxBytes) throw new CimdError('request-body-invalid', `The body exceeds ${maxBytes} bytes`);
  const single = new Map<string, string>();
  const multi = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(body)) {
    if (value === '') continue; // RFC 6749 §3.2: parameters sent without a value are treated as omitted
    if (MULTI.has(name)) {
      const list = multi.get(name) ?? [];
      list.push(value);
      multi.set(name, list);
    } else if (single.has(name)) {
      throw new CimdError('request-parameter-repeated', `The parameter "${name}" appears more than once`, { property: name });
    } else single.set(name, value);
  }
  return {
    get: (name) => single.get(name),
    all: (name) => multi.get(name) ?? (single.has(name) ? [single.get(name) as string] : []),
    has: (name) => single.has(name) || multi.has(name),
  };
}
