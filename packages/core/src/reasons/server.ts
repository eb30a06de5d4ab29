import type { ReasonInfo } from './reason-info.js';

/** The authorization server: storage, requests, interactions, tokens. */
export const SERVER_REASONS = {
  // --- Authorization server storage (@cimd/server store)
  'store-conflict': {
    wire: 'server_error',
    summary: 'A record with the same unique key (id, username, code or token hash) is already stored',
  },
  'store-not-found': { wire: 'server_error', summary: 'The record to update is not stored' },
  'store-closed': { wire: 'server_error', summary: 'The store was used after it was closed' },

  // --- Authorization server: requests, interactions, tokens (RFC 6749, OAuth 2.1, RFC 7636)
  'request-parameter-missing': { wire: 'invalid_request', summary: 'A required request parameter is missing' },
  'request-parameter-repeated': {
    wire: 'invalid_request',
    summary: 'A request parameter appears more than once (RFC 6749 §3.1)',
  },
  'request-parameter-invalid': { wire: 'invalid_request', summary: 'A request parameter has an invalid value' },
  'request-body-invalid': {
    wire: 'invalid_request',
    summary: 'The request body is not application/x-www-form-urlencoded or is too large',
  },
  'client-unknown': { wire: 'invalid_client', summary: 'The client_id names no client this server knows or can discover' },
  'redirect-uri-missing': {
    wire: 'invalid_request',
    requirement: 'R26',
    summary: 'redirect_uri is required because the client registers more than one',
  },
  'response-type-not-code': {
    wire: 'unsupported_response_type',
    summary: 'Only response_type=code is supported (OAuth 2.1)',
  },
  'client-grant-not-allowed': {
    wire: 'unauthorized_client',
    requirement: 'H11',
    summary: 'The client is not allowed this grant type by its metadata',
  },
  'pkce-missing': { wire: 'invalid_request', summary: 'code_challenge is required (PKCE, OAuth 2.1 §4.1.1)' },
  'pkce-method-unsupported': { wire: 'invalid_request', summary: 'Only code_challenge_method=S256 is supported' },
  'pkce-challenge-invalid': { wire: 'invalid_request', summary: 'code_challenge is not 43 base64url characters' },
  'pkce-verifier-missing': { wire: 'invalid_request', summary: 'code_verifier is required' },
  'pkce-verifier-invalid': { wire: 'invalid_grant', summary: 'code_verifier does not match the code_challenge' },
  'scope-invalid': { wire: 'invalid_scope', summary: 'A requested scope is unknown to this server' },
  'scope-not-granted': { wire: 'invalid_scope', summary: 'A requested scope exceeds what the grant allows' },
  'resource-invalid': {
    wire: 'invalid_target',
    summary: 'A resource indicator is not an absolute URI without a fragment (RFC 8707 §2)',
  },
  'resource-not-allowed': { wire: 'invalid_target', summary: 'A resource indicator names no resource this server serves' },
  'resource-not-granted': { wire: 'invalid_target', summary: 'A resource indicator exceeds what the grant allows' },
  'prompt-invalid': { wire: 'invalid_request', summary: 'prompt has an unsupported or contradictory value' },
  'login-required': { wire: 'login_required', summary: 'prompt=none, but the user is not logged in' },
  'consent-required': { wire: 'consent_required', summary: 'prompt=none, but the user has not approved this client' },
  'access-denied': { wire: 'access_denied', summary: 'The user denied the request' },
  'interaction-expired': {
    wire: 'invalid_request',
    summary: 'The authorization request expired or is unknown; start again from the application',
  },
  'csrf-invalid': {
    wire: 'invalid_request',
    summary: 'The form was not submitted from this browser session (CSRF check failed)',
  },
  'login-failed': { wire: 'access_denied', summary: 'The user name or password is wrong' },
  'login-throttled': {
    wire: 'temporarily_unavailable',
    summary: 'Too many failed logins for this account or address; try again later',
  },
  'token-grant-type-unsupported': { wire: 'unsupported_grant_type', summary: 'The grant_type is not supported' },
  'code-invalid': { wire: 'invalid_grant', summary: 'The authorization code is unknown or expired' },
  'code-reused': {
    wire: 'invalid_grant',
    summary: 'The authorization code was already used; what it issued is revoked',
  },
  'code-client-mismatch': { wire: 'invalid_grant', summary: 'The authorization code was issued to another client' },
  'code-redirect-uri-mismatch': {
    wire: 'invalid_grant',
    summary: 'redirect_uri differs from the one of the authorization request',
  },
  'refresh-token-invalid': { wire: 'invalid_grant', summary: 'The refresh token is unknown or expired' },
  'refresh-token-reused': {
    wire: 'invalid_grant',
    summary: 'The refresh token was already used; the whole grant is revoked',
  },
  'refresh-token-client-mismatch': { wire: 'invalid_grant', summary: 'The refresh token was issued to another client' },
  'grant-revoked': { wire: 'invalid_grant', summary: 'The grant was revoked or has expired' },
  'client-auth-required': {
    wire: 'invalid_client',
    requirement: 'R52',
    summary: 'The client must authenticate with the method its metadata declares',
  },
  'client-auth-method-not-allowed': {
    wire: 'invalid_client',
    requirement: 'R52',
    summary: 'The client used an authentication method its metadata does not allow here',
  },
  'client-auth-ambiguous': { wire: 'invalid_request', summary: 'The request uses more than one client authentication method' },
  'client-auth-failed': { wire: 'invalid_client', summary: 'Client authentication failed' },
  'client-id-mismatch-request': {
    wire: 'invalid_request',
    summary: 'client_id differs from the client identified by the request authentication',
  },
  'resource-server-auth-failed': {
    wire: 'invalid_client',
    summary: 'The resource server calling introspection did not authenticate',
  },
  'registration-disabled': { wire: 'invalid_request', summary: 'Dynamic Client Registration is not enabled on this server' },
  'registration-metadata-invalid': {
    wire: 'invalid_client_metadata',
    summary: 'The registration metadata is invalid (RFC 7591 §3.2.2)',
  },
  'registration-redirect-invalid': {
    wire: 'invalid_redirect_uri',
    summary: 'A registered redirect URI is invalid (RFC 7591 §3.2.2)',
  },
  'rate-limited': { wire: 'slow_down', summary: 'Too many requests; slow down' },
} as const satisfies Record<string, ReasonInfo>;
