import type { ReasonInfo } from './reason-info.js';

/** The protected resource side (@cimd/mcp). */
export const RESOURCE_REASONS = {
  // --- Protected resource (@cimd/mcp: RFC 6750, RFC 9068, RFC 9728, MCP authorization)
  'bearer-token-missing': {
    wire: 'invalid_token',
    summary: 'The request carries no access token (the challenge names no error, RFC 6750 §3.1)',
  },
  'bearer-token-malformed': {
    wire: 'invalid_request',
    summary: 'The Authorization header is not exactly one well-formed Bearer token',
  },
  'bearer-token-in-query': {
    wire: 'invalid_request',
    summary: 'Access tokens are accepted only in the Authorization header, never in the query string',
  },
  'access-token-invalid': {
    wire: 'invalid_token',
    summary: 'The access token is not a valid JWT access token of the authorization server',
  },
  'access-token-expired': { wire: 'invalid_token', summary: 'The access token has expired' },
  'access-token-issuer-mismatch': {
    wire: 'invalid_token',
    summary: 'The access token was issued by another authorization server',
  },
  'access-token-audience-mismatch': {
    wire: 'invalid_token',
    summary: 'The access token was issued for another resource (no token passthrough)',
  },
  'access-token-scope-insufficient': {
    wire: 'insufficient_scope',
    summary: 'The access token lacks a scope this request needs',
  },
  'authorization-server-keys-unavailable': {
    wire: 'temporarily_unavailable',
    summary: "The authorization server's signing keys could not be obtained; try again later",
  },
} as const satisfies Record<string, ReasonInfo>;
