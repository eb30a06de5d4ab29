import type { Context } from 'hono';
import { type CimdError, splitUri } from '@cimd/core';

/** Headers on every response. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** A JSON response that no cache may keep (RFC 6749 §5.1). */
export function noStoreJson(c: Context, body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return respond(c, JSON.stringify(body), status, {
    ...BASE_HEADERS,
    'content-type': 'application/json',
    'cache-control': 'no-store',
    pragma: 'no-cache',
    ...headers,
  });
}

/** Build the response through the context, so cookies set on it are kept. */
export function respond(c: Context, body: string | null, status: number, headers: Record<string, string>): Response {
  for (const [k, v] of Object.entries(headers)) c.header(k, v);
  c.status(status as 200);
  return body === null ? c.body(null) : c.body(body);
}

/** An OAuth error response (RFC 6749 §5.2): the wire code and a generic description only. */
export function oauthErrorJson(c: Context, error: CimdError): Response {
  return noStoreJson(c, { error: error.wire, error_description: error.wireDescription }, error.status, { ...error.headers });
}

/**
 * A CSP source for the form-action directive covering where a form's redirect chain may end:
 * Chromium applies form-action to redirects after a form submission, and the consent form ends at
 * the client's redirect URI.
 */
export function formActionSource(redirectUri: string | undefined): string {
  if (redirectUri === undefined) return '';
  const u = splitUri(redirectUri);
  if (u.scheme === undefined || !/^[a-z][a-z0-9+.-]*$/i.test(u.scheme)) return '';
  if (u.authority === undefined || u.authority === '') return ` ${u.scheme.toLowerCase()}:`;
  if (!/^[A-Za-z0-9.\-[\]:]+$/.test(u.authority)) return '';
  return ` ${u.scheme.toLowerCase()}://${u.authority}`;
}

/**
 * An HTML page with the strict headers of every page: CSP, no framing, no caching.
 *
 * `formTarget` is where the page's form submission may end after redirects: Chromium checks
 * form-action against every hop of the redirect chain, and a login or consent POST ends at the
 * client's redirect URI. `undefined`: the page's forms stay on this server. `'unknown'`: the end is
 * not known yet (a login before the client's document is fetched, without a redirect_uri), so the
 * page carries no form-action directive; its forms are ours and every value in it is escaped.
 */
export function htmlPage(c: Context, body: string, status = 200, formTarget?: string): Response {
  const formAction = formTarget === 'unknown' ? [] : [`form-action 'self'${formActionSource(formTarget)}`];
  const csp = [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self'",
    ...formAction,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  return respond(c, body, status, {
    ...BASE_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': csp,
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  });
}

/** A 303 See Other (after a form POST) or 302 redirect, never cached. */
export function redirect(c: Context, location: string, status: 302 | 303 = 302): Response {
  return respond(c, null, status, { ...BASE_HEADERS, location, 'cache-control': 'no-store' });
}
