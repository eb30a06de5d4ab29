import type { CimdError } from '@cimd/core';

/**
 * Build an authorization response redirect (RFC 6749 §4.1.2, query response mode) with `iss`
 * (RFC 9207) on success and error alike. Parameters are appended to the registered URI as written,
 * which may already carry a query (RFC 6749 §3.1.2); it is never re-serialised.
 */
export function redirectWith(redirectUri: string, params: Readonly<Record<string, string | undefined>>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const sep = redirectUri.includes('?') ? (redirectUri.endsWith('?') || redirectUri.endsWith('&') ? '' : '&') : '?';
  return `${redirectUri}${sep}${q.toString()}`;
}

export function errorRedirect(redirectUri: string, error: CimdError, state: string | undefined, issuer: string): string {
  return redirectWith(redirectUri, { error: error.wire, error_description: error.wireDescription, state, iss: issuer });
}

export function codeRedirect(redirectUri: string, code: string, state: string | undefined, issuer: string): string {
  return redirectWith(redirectUri, { code, state, iss: issuer });
}
