import { CimdError } from '@cimd/core';

/** RFC 6750 §2.1: `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Longer tokens are refused before any parsing (ours are well under 2 KB). */
export const MAX_TOKEN_LENGTH = 8192;

/**
 * The access token of a request, from the `Authorization: Bearer` header only (RFC 6750 §2.1,
 * MCP: "never in the query string"). A token in the query string is refused even when a header is
 * present too, so that a client that leaks tokens into URLs learns so at once. The body is never
 * read. Throws `CimdError`:
 * - `bearer-token-in-query`: `access_token` in the query (400 invalid_request);
 * - `bearer-token-missing`: no Authorization header, or another scheme (401, no error code);
 * - `bearer-token-malformed`: not exactly one well-formed Bearer credential (400 invalid_request);
 * - `access-token-invalid`: a token over {@link MAX_TOKEN_LENGTH} characters (401 invalid_token).
 */
export function extractBearerToken(request: Request): string {
  if (new URL(request.url).searchParams.has('access_token')) {
    throw new CimdError('bearer-token-in-query', 'The request carries access_token in its query string');
  }
  const header = request.headers.get('authorization');
  if (header === null || header.trim() === '') {
    throw new CimdError('bearer-token-missing', 'The request has no Authorization header');
  }
  const space = header.indexOf(' ');
  const scheme = space === -1 ? header : header.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') {
    // A header of one word is a credential without a scheme: the message (logged) never quotes it.
    const what = space === -1 ? 'has no scheme' : `uses the ${scheme.slice(0, 20)} scheme`;
    throw new CimdError('bearer-token-missing', `The Authorization header ${what}, not Bearer`);
  }
  const token = header.slice(scheme.length).replace(/^ +/, '');
  if (token === '' || !B64TOKEN.test(token)) {
    // Also catches two Authorization headers, which Headers joins with ", ".
    throw new CimdError('bearer-token-malformed', 'The Bearer credential is empty, repeated or not a b64token');
  }
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new CimdError('access-token-invalid', `The access token has ${token.length} characters, over ${MAX_TOKEN_LENGTH}`);
  }
  return token;
}
