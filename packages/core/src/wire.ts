/**
 * OAuth error codes that may appear on the wire (RFC 6749 §4.1.2.1 and §5.2, RFC 7591 §3.2.2,
 * RFC 6750 §3.1, RFC 8707 §2, RFC 9449, OpenID Connect Core §3.1.2.6).
 *
 * Library reason codes (see `reasons.ts`) are precise and meant for operators; wire codes are
 * generic and meant for clients. Every reason maps to exactly one wire code.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_client_metadata'
  | 'invalid_redirect_uri'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'use_attestation_challenge'
  | 'use_fresh_attestation'
  | 'invalid_client_attestation'
  | 'slow_down';

/** Default HTTP status for each wire code when it is returned as a JSON error body. */
export const WIRE_STATUS: Readonly<Record<OAuthErrorCode, number>> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  invalid_scope: 400,
  invalid_target: 400,
  access_denied: 403,
  server_error: 500,
  temporarily_unavailable: 503,
  invalid_client_metadata: 400,
  invalid_redirect_uri: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  login_required: 400,
  consent_required: 400,
  interaction_required: 400,
  invalid_dpop_proof: 400,
  use_dpop_nonce: 400,
  use_attestation_challenge: 400,
  use_fresh_attestation: 400,
  invalid_client_attestation: 401,
  slow_down: 400,
};
