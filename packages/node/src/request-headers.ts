import type { FetchPurpose, FetchRequest } from '@cimd/core';
import { LOGO_MEDIA_TYPES } from './media-type.js';

/** What each purpose asks for (H5). */
export const ACCEPT: Readonly<Record<FetchPurpose, string>> = {
  'client-metadata': 'application/json',
  jwks: 'application/json',
  logo: LOGO_MEDIA_TYPES.join(', '),
};

/** The version of this package, named in the default User-Agent (a test pins it to package.json). */
export const PACKAGE_VERSION = '0.1.0';

/**
 * The default User-Agent. Operators should set their own, with a URL that explains to the
 * owners of fetched hosts who is fetching and why.
 */
export const DEFAULT_USER_AGENT = `cimd/${PACKAGE_VERSION} (+https://datatracker.ietf.org/doc/draft-ietf-oauth-client-id-metadata-document/)`;

/** A field value without CR, LF, NUL or other controls (RFC 9110 §5.5), so it cannot split a header. */
const FIELD_VALUE = /^[\x20-\x7e\x80-\xff]*$/;

export function isFieldValue(value: string): boolean {
  return FIELD_VALUE.test(value) && value.trim() === value;
}

/** Whether the headers make the request conditional, so that a 304 may answer it. */
export function isConditional(headers: Readonly<Record<string, string>>): boolean {
  return 'if-none-match' in headers || 'if-modified-since' in headers;
}

/**
 * Step 4 (H3, H5, H6): the complete set of request headers, besides the `host` and
 * `connection: close` that undici adds. No cookies, no credentials, nothing ambient.
 *
 * Conditional headers only when the request asks for revalidation. Their values come from an
 * earlier response of the same untrusted server; one that is not a valid field value is left
 * out (the fetch is then unconditional, and a 304 is refused).
 */
export function requestHeaders(request: FetchRequest, userAgent: string): Record<string, string> {
  const headers: Record<string, string> = {
    accept: ACCEPT[request.purpose],
    // Never a compressed body: the byte cap then counts what the document really is (H6).
    'accept-encoding': 'identity',
    'user-agent': userAgent,
  };
  const { etag, lastModified } = request.conditional ?? {};
  if (etag !== undefined && etag !== '' && isFieldValue(etag)) headers['if-none-match'] = etag;
  if (lastModified !== undefined && lastModified !== '' && isFieldValue(lastModified)) {
    headers['if-modified-since'] = lastModified;
  }
  return headers;
}
