import type { CimdError } from '@cimd/core';

/** What a `WWW-Authenticate: Bearer` challenge says (RFC 6750 §3, RFC 9728 §5.1). */
export interface ChallengeParams {
  /** Absent when the request carried no token at all (RFC 6750 §3.1). */
  readonly error?: string;
  readonly errorDescription?: string;
  /** The scopes the request needs; omitted when empty. */
  readonly scope?: readonly string[];
  /** The URL of the protected resource metadata (RFC 9728 §5.1). */
  readonly resourceMetadata: string;
}

/**
 * RFC 6750 §3: `error_description` and `scope` use only %x20-21 / %x23-5B / %x5D-7E, so no quote
 * or backslash to escape; anything else (control or non-ASCII characters) becomes a space.
 */
function attributeValue(value: string): string {
  return value.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, ' ');
}

/** A `Bearer` challenge, attributes in a stable order: error, error_description, scope, resource_metadata. */
export function bearerChallenge(params: ChallengeParams): string {
  const attributes: string[] = [];
  if (params.error !== undefined) attributes.push(`error="${attributeValue(params.error)}"`);
  if (params.errorDescription !== undefined) {
    attributes.push(`error_description="${attributeValue(params.errorDescription)}"`);
  }
  if (params.scope !== undefined && params.scope.length > 0) {
    attributes.push(`scope="${attributeValue(params.scope.join(' '))}"`);
  }
  attributes.push(`resource_metadata="${attributeValue(params.resourceMetadata)}"`);
  return `Bearer ${attributes.join(', ')}`;
}

/**
 * The response that ends a request the resource refuses: 401 (no or invalid token), 400 (a
 * malformed request, e.g. a token in the query string), 403 (insufficient scope), each with a
 * Bearer challenge, or 503 when the authorization server's keys cannot be had (no challenge: the
 * client's token may well be fine). The body repeats the error as JSON; it names no secret.
 */
export function refusalResponse(error: CimdError, scope: readonly string[], resourceMetadata: string): Response {
  const headers = new Headers({ 'content-type': 'application/json', 'cache-control': 'no-store' });
  if (error.status === 503) {
    headers.set('retry-after', '5');
    return new Response(JSON.stringify({ error: error.wire, error_description: error.wireDescription }), {
      status: 503,
      headers,
    });
  }
  const anonymous = error.code === 'bearer-token-missing';
  const description = anonymous ? 'An access token is required' : error.wireDescription;
  headers.set(
    'www-authenticate',
    bearerChallenge({
      ...(anonymous ? {} : { error: error.wire, errorDescription: description }),
      scope,
      resourceMetadata,
    }),
  );
  const body = anonymous ? { error_description: description } : { error: error.wire, error_description: description };
  return new Response(JSON.stringify(body), { status: error.status, headers });
}
