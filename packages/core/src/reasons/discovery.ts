import type { ReasonInfo } from './reason-info.js';

/** Fetching and caching client-chosen URLs (draft-03 §5, §9.6, §9.7). */
export const DISCOVERY_REASONS = {
  // --- Safe fetch (draft-03 §5, §9.6, §9.7)
  'fetch-scheme': { wire: 'invalid_client', requirement: 'R72', summary: 'The URL scheme may not be fetched' },
  'fetch-blocked-address': {
    wire: 'invalid_client',
    requirement: 'R69',
    summary: 'The host resolves to a special-purpose IP address',
  },
  'fetch-dns': { wire: 'invalid_client', requirement: 'R35', summary: 'The host name could not be resolved' },
  'fetch-connect': { wire: 'invalid_client', requirement: 'R35', summary: 'No connection could be made to the host' },
  'fetch-tls': { wire: 'invalid_client', requirement: 'H14', summary: 'The TLS handshake or certificate check failed' },
  'fetch-timeout': { wire: 'invalid_client', requirement: 'H4', summary: 'The fetch did not finish before its deadline' },
  'fetch-redirect': { wire: 'invalid_client', requirement: 'R33', summary: 'The server answered with a redirect' },
  'fetch-bad-status': { wire: 'invalid_client', requirement: 'R32', summary: 'The server answered with a status other than 200' },
  'fetch-gone': {
    wire: 'invalid_client',
    requirement: 'R32',
    summary: 'The server answered 404 or 410: the document is not, or no longer, published',
  },
  'fetch-too-large': { wire: 'invalid_client', requirement: 'R73', summary: 'The response body exceeds the byte limit' },
  'fetch-headers-too-large': {
    wire: 'invalid_client',
    requirement: 'H6',
    summary: 'The response headers exceed the byte limit',
  },
  'fetch-content-type': {
    wire: 'invalid_client',
    requirement: 'H5',
    summary: 'The response media type is not application/json or application/*+json',
  },
  'fetch-content-encoding': {
    wire: 'invalid_client',
    requirement: 'H6',
    summary: 'The response uses a content encoding that was not asked for',
  },
  'fetch-over-budget': {
    wire: 'temporarily_unavailable',
    requirement: 'H8',
    summary: 'The outbound fetch budget for this origin or for the server is spent',
  },
  'fetch-backoff': {
    wire: 'temporarily_unavailable',
    requirement: 'H8',
    summary: 'The origin failed repeatedly and is in backoff',
  },
  'fetch-network': { wire: 'invalid_client', requirement: 'R35', summary: 'The connection failed while reading the response' },
  'fetch-policy-denied': {
    wire: 'invalid_client',
    requirement: 'H20',
    summary: 'The admission policy refuses this client_id before any fetch',
  },
  'fetch-dev-refused': {
    wire: 'server_error',
    requirement: 'R70',
    summary: 'A development-only fetch option was used outside development mode on loopback',
  },
  // Added with the Node transport (@cimd/node).
  'fetch-url-userinfo': {
    wire: 'invalid_client',
    requirement: 'H3',
    summary: 'The URL carries a user name or password; the fetcher never sends credentials',
  },
  'fetch-aborted': {
    wire: 'temporarily_unavailable',
    requirement: 'R35',
    summary: 'The caller abandoned the fetch before it finished',
  },

  // --- Resolver and cache (draft-03 §5.2)
  'cache-unavailable': {
    wire: 'server_error',
    requirement: 'R36',
    summary: 'The client metadata cache could not be read or written',
  },
} as const satisfies Record<string, ReasonInfo>;
