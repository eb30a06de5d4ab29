import { CimdError, type FetchPurpose } from '@cimd/core';
import type { FetchTarget } from './fetch-target.js';
import { isJsonMediaType, isLogoMediaType, parseMediaType } from './media-type.js';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** Longest attacker-chosen text (a Location, a Content-Type) quoted in a message. */
const QUOTE_LIMIT = 200;

function quote(value: string | string[]): string {
  const text = Array.isArray(value) ? value.join(', ') : value;
  return JSON.stringify(text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text);
}

/**
 * Step 5 (R32, R33, H7): exactly 200 is success; 304 only answers a conditional request. A 3xx
 * is never followed: it names its Location and fails.
 */
export function checkStatus(target: FetchTarget, status: number, headers: Headers, conditional: boolean): 200 | 304 {
  if (status === 200) return 200;
  if (status === 304 && conditional) return 304;
  if (status >= 300 && status < 400 && status !== 304) {
    const location = headers.location;
    const to = location === undefined ? 'no Location' : `Location ${quote(location)}`;
    throw new CimdError('fetch-redirect', `${target.url.href} answered ${status} with ${to}; redirects are never followed`);
  }
  const only = conditional ? '200 (or 304 to a conditional request)' : '200';
  if (status === 404 || status === 410) {
    // The origin says the document does not exist: a client can withdraw its identity this way,
    // so this is told apart from outages (the resolver's outage grace never covers it).
    throw new CimdError('fetch-gone', `${target.url.href} answered ${status}: no document is published there`);
  }
  throw new CimdError('fetch-bad-status', `${target.url.href} answered ${status}; only ${only} is accepted`);
}

/**
 * Step 4's other half (H6): the request asked for `identity`; a server that compresses anyway is
 * refused without decompressing a byte, which is what defeats a gzip bomb.
 */
export function checkContentEncoding(target: FetchTarget, headers: Headers): void {
  const value = headers['content-encoding'];
  if (value === undefined) return;
  const codings = (Array.isArray(value) ? value.join(',') : value)
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '');
  if (codings.every((c) => c === 'identity')) return;
  throw new CimdError(
    'fetch-content-encoding',
    `${target.url.href} answered with Content-Encoding ${quote(value)} although only identity was accepted`,
  );
}

/**
 * Step 6 (H5): the media type, parsed as a whole. Documents: `application/json` or
 * `application/*+json`; a missing Content-Type only if the operator allows it. Logos: PNG, JPEG,
 * GIF or WebP, never SVG. `text/html` (a bot-challenge or login page) is never accepted.
 */
export function checkMediaType(target: FetchTarget, headers: Headers, purpose: FetchPurpose, acceptMissing: boolean): void {
  const value = headers['content-type'];
  const expected = purpose === 'logo' ? 'a PNG, JPEG, GIF or WebP image' : 'application/json or application/*+json';
  if (value === undefined) {
    if (acceptMissing && purpose !== 'logo') return;
    throw new CimdError('fetch-content-type', `${target.url.href} answered without a Content-Type; expected ${expected}`);
  }
  const media = Array.isArray(value) ? undefined : parseMediaType(value);
  const ok = media !== undefined && (purpose === 'logo' ? isLogoMediaType(media) : isJsonMediaType(media));
  if (!ok) {
    throw new CimdError(
      'fetch-content-type',
      `${target.url.href} answered with Content-Type ${quote(value)}; expected ${expected}`,
    );
  }
}

/** Step 7, early half (R73): a declared Content-Length over the cap fails before any body is read. */
export function checkDeclaredLength(target: FetchTarget, headers: Headers, maxBytes: number): void {
  const value = headers['content-length'];
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return; // absent or odd: the byte count decides
  if (Number(value) > maxBytes) {
    throw new CimdError('fetch-too-large', `${target.url.href} declares ${value} bytes; the limit is ${maxBytes}`);
  }
}
