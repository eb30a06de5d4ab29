import type { OAuthErrorCode } from './wire.js';

/** What the library knows about one reason code. */
export interface ReasonInfo {
  /** The OAuth error code a client sees when this reason ends a request. */
  readonly wire: OAuthErrorCode;
  /** The requirement (see `docs/conformance.md`) this reason enforces, when there is one. */
  readonly requirement?: string;
  /** One line for operators: what went wrong, in general terms. */
  readonly summary: string;
}

/**
 * Every stable reason code of the library, grouped by where it arises.
 *
 * The keys are part of the public API: operators match on them in logs, metrics and the `cimd`
 * CLI's `--json` output. Add codes freely; never rename or reuse one.
 */
export const REASONS = {
  // --- Client Identifier URL (draft-03 §3) -----------------------------------------------------
  'client-id-empty': { wire: 'invalid_client', requirement: 'R13', summary: 'The client_id is empty' },
  'client-id-too-long': { wire: 'invalid_client', requirement: 'H1', summary: 'The client_id exceeds the length limit' },
  'client-id-invalid-character': {
    wire: 'invalid_client',
    requirement: 'H1',
    summary: 'The client_id contains a control character, whitespace, a backslash or a character not allowed in a URI',
  },
  'client-id-not-https': { wire: 'invalid_client', requirement: 'R1', summary: 'The client_id does not use the https scheme' },
  'client-id-userinfo': { wire: 'invalid_client', requirement: 'R2', summary: 'The client_id contains a userinfo component' },
  'client-id-host-missing': { wire: 'invalid_client', requirement: 'H1', summary: 'The client_id has an empty host' },
  'client-id-host-invalid': {
    wire: 'invalid_client',
    requirement: 'H1',
    summary: 'The client_id host is not a valid ASCII DNS name',
  },
  'client-id-host-ip-literal': {
    wire: 'invalid_client',
    requirement: 'H1',
    summary: 'The client_id host is an IP address, not a DNS name',
  },
  'client-id-host-not-canonical': {
    wire: 'invalid_client',
    requirement: 'R8',
    summary: 'The client_id host has upper-case letters; the identifier is compared as written',
  },
  'client-id-port-invalid': { wire: 'invalid_client', requirement: 'R3', summary: 'The client_id port is empty or out of range' },
  'client-id-path-missing': { wire: 'invalid_client', requirement: 'R4', summary: 'The client_id has no path component' },
  'client-id-dot-segment': {
    wire: 'invalid_client',
    requirement: 'R5',
    summary: 'The client_id path has a "." or ".." segment (also percent-encoded)',
  },
  'client-id-percent-encoding': {
    wire: 'invalid_client',
    requirement: 'H1',
    summary: 'The client_id has a malformed percent-encoding',
  },
  'client-id-query': { wire: 'invalid_client', requirement: 'R6', summary: 'The client_id has a query component' },
  'client-id-fragment': { wire: 'invalid_client', requirement: 'R7', summary: 'The client_id has a fragment component' },
  'client-id-root-path': {
    wire: 'invalid_client',
    requirement: 'R11',
    summary: 'The client_id path is "/" (the document at the domain root)',
  },
  'client-id-long': { wire: 'invalid_client', requirement: 'R9', summary: 'The client_id is long; users may be shown it' },
  'client-id-reserved': {
    wire: 'invalid_client',
    requirement: 'H17',
    summary: 'The client_id equals an issuer or protected-resource identifier this server knows',
  },
  'client-id-unparseable': { wire: 'invalid_client', requirement: 'R1', summary: 'The client_id is not a valid URL' },

  // --- Document syntax (draft-03 §4) ------------------------------------------------------------
  'document-too-large': { wire: 'invalid_client', requirement: 'R73', summary: 'The document exceeds the byte limit' },
  'document-not-utf8': { wire: 'invalid_client', requirement: 'R14', summary: 'The document is not valid UTF-8' },
  'document-not-json': { wire: 'invalid_client', requirement: 'R14', summary: 'The document is not valid JSON' },
  'document-not-object': { wire: 'invalid_client', requirement: 'R14', summary: 'The document is not a JSON object' },
  'document-duplicate-member': {
    wire: 'invalid_client',
    requirement: 'R14',
    summary: 'The document repeats a member name in one object',
  },
  'document-too-deep': { wire: 'invalid_client', requirement: 'H6', summary: 'The document nests too deeply' },
  'document-too-many-members': {
    wire: 'invalid_client',
    requirement: 'H6',
    summary: 'The document has too many members or array elements',
  },

  // --- Document contents (draft-03 §4, §4.1, §4.2, §6) ------------------------------------------
  'client-id-missing': { wire: 'invalid_client', requirement: 'R15', summary: 'The document has no client_id' },
  'client-id-mismatch': {
    wire: 'invalid_client',
    requirement: 'R16',
    summary: 'The document client_id differs from the Client Identifier URL',
  },
  'property-type': { wire: 'invalid_client', requirement: 'R14', summary: 'A metadata property has the wrong JSON type' },
  'client-secret-present': {
    wire: 'invalid_client',
    requirement: 'R21',
    summary: 'The document carries client_secret or client_secret_expires_at',
  },
  'shared-secret-auth-method': {
    wire: 'invalid_client',
    requirement: 'R22',
    summary: 'The document declares a shared-secret client authentication method',
  },
  'private-key-material': {
    wire: 'invalid_client',
    requirement: 'R23',
    summary: 'The document carries private or symmetric key material',
  },
  'jwks-invalid': { wire: 'invalid_client', requirement: 'R23', summary: 'The jwks property is not a valid JWK Set' },
  'jwks-and-jwks-uri': {
    wire: 'invalid_client',
    requirement: 'H12',
    summary: 'The document has both jwks and jwks_uri',
  },
  'uri-not-https': {
    wire: 'invalid_client',
    requirement: 'R72',
    summary: 'A URI-valued property is not an absolute https URL',
  },
  'software-statement-invalid': {
    wire: 'invalid_client',
    requirement: 'R24',
    summary: 'The software_statement is not a JWT or its claims break the document rules',
  },
  'auth-method-not-in-supported': {
    wire: 'invalid_client',
    requirement: 'R46',
    summary: 'token_endpoint_auth_method is not a member of token_endpoint_auth_methods_supported',
  },
  'private-key-jwt-without-keys': {
    wire: 'unauthorized_client',
    requirement: 'H12',
    summary: 'private_key_jwt is declared but the document has neither jwks nor jwks_uri',
  },
  'client-name-missing': { wire: 'invalid_client', requirement: 'M-AS5', summary: 'The profile requires client_name' },
  'redirect-uris-missing': {
    wire: 'invalid_client',
    requirement: 'R25',
    summary: 'The client uses a redirect-based grant but registers no usable redirect_uris',
  },
  'redirect-uri-invalid': {
    wire: 'invalid_client',
    requirement: 'R25',
    summary: 'A registered redirect URI is not an absolute URI without a fragment',
  },
  'redirect-uri-scheme-forbidden': {
    wire: 'invalid_client',
    requirement: 'R72',
    summary: 'A registered redirect URI uses a scheme that can run code or read files',
  },
  'redirect-uri-http-not-loopback': {
    wire: 'invalid_client',
    requirement: 'R25',
    summary: 'A registered redirect URI uses http on a host other than loopback',
  },
  'redirect-uri-localhost': {
    wire: 'invalid_client',
    requirement: 'R26',
    summary: 'A registered redirect URI uses the host name localhost (RFC 8252 §8.3 prefers 127.0.0.1 or [::1])',
  },
  'redirect-uri-private-scheme-not-reverse-dns': {
    wire: 'invalid_client',
    requirement: 'R26',
    summary: 'A private-use redirect URI scheme is not in reverse-DNS form (RFC 8252 §7.1)',
  },
  'application-type-inferred': {
    wire: 'invalid_client',
    requirement: 'H13',
    summary: 'application_type is absent and every redirect URI is loopback or a private-use scheme: treated as native',
  },
  'application-type-web-with-native-redirects': {
    wire: 'invalid_client',
    requirement: 'H13',
    summary: 'application_type is web but redirect URIs are loopback or a private-use scheme',
  },
  'localhost-only-redirects': {
    wire: 'invalid_client',
    requirement: 'M-AS6',
    summary: 'Every redirect URI is on loopback: anyone on the device could receive the code',
  },

  // --- Negotiation (draft-03 §6, H11) -----------------------------------------------------------
  'auth-method-unsupported': {
    wire: 'unauthorized_client',
    requirement: 'R48',
    summary: 'No client authentication method of the document is supported by this server',
  },
  'auth-method-ignored': {
    wire: 'invalid_client',
    requirement: 'R47',
    summary: 'Some declared client authentication methods are not supported and were ignored',
  },
  'grant-type-unsupported': {
    wire: 'unauthorized_client',
    requirement: 'H11',
    summary: 'No grant type of the document that can start a session is supported by this server',
  },
  'grant-type-ignored': {
    wire: 'invalid_client',
    requirement: 'H11',
    summary: 'Some declared grant types are not supported and were ignored',
  },
  'response-type-unsupported': {
    wire: 'unauthorized_client',
    requirement: 'H11',
    summary: 'The document allows no response type this server supports for its grants',
  },
  'response-type-ignored': {
    wire: 'invalid_client',
    requirement: 'H11',
    summary: 'Some declared response types are not supported and were ignored',
  },
  'redirect-uri-not-registered': {
    wire: 'invalid_request',
    requirement: 'R26',
    summary: 'The redirect_uri of the request matches no registered redirect URI',
  },

  // --- Safe fetch (draft-03 §5, §9.6, §9.7) -----------------------------------------------------
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

  // --- Resolver and cache (draft-03 §5.2) -------------------------------------------------------
  'cache-unavailable': {
    wire: 'server_error',
    requirement: 'R36',
    summary: 'The client metadata cache could not be read or written',
  },

  // --- Authorization server storage (@cimd/server store) ------------------------------------------
  'store-conflict': {
    wire: 'server_error',
    summary: 'A record with the same unique key (id, username, code or token hash) is already stored',
  },
  'store-not-found': { wire: 'server_error', summary: 'The record to update is not stored' },
  'store-closed': { wire: 'server_error', summary: 'The store was used after it was closed' },

  // --- Authorization server: requests, interactions, tokens (RFC 6749, OAuth 2.1, RFC 7636) ------
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

  // --- Client authentication: private_key_jwt (RFC 7523 §2.2, §3; draft-ietf-oauth-rfc7523bis-11; J1–J12) ---
  'client-assertion-type-invalid': {
    wire: 'invalid_client',
    requirement: 'J1',
    summary:
      'client_assertion_type is not urn:ietf:params:oauth:client-assertion-type:jwt-bearer, or client_assertion is missing',
  },
  'client-assertion-malformed': {
    wire: 'invalid_client',
    requirement: 'J1',
    summary: 'client_assertion is not exactly one signed JWT in compact serialization',
  },
  'client-assertion-alg-not-allowed': {
    wire: 'invalid_client',
    requirement: 'J3',
    summary: 'The assertion is signed with an algorithm that is not on the asymmetric allow-list',
  },
  'client-assertion-alg-key-mismatch': {
    wire: 'invalid_client',
    requirement: 'J3',
    summary: "The assertion's algorithm does not fit the type or curve of the client's key",
  },
  'client-assertion-typ-invalid': {
    wire: 'invalid_client',
    requirement: 'J4',
    summary: 'The assertion typ header is missing or is not client-authentication+jwt (R50)',
  },
  'client-assertion-issuer-invalid': {
    wire: 'invalid_client',
    requirement: 'J5',
    summary: 'The assertion iss and sub are not both exactly the client_id',
  },
  'client-assertion-audience-invalid': {
    wire: 'invalid_client',
    requirement: 'J6',
    summary: "The assertion aud is not this server's issuer identifier",
  },
  'client-assertion-claims-invalid': {
    wire: 'invalid_client',
    requirement: 'J7',
    summary: 'The assertion lacks exp or jti, or a time claim is not a number',
  },
  'client-assertion-expired': { wire: 'invalid_client', requirement: 'J7', summary: 'The assertion has expired' },
  'client-assertion-lifetime-too-long': {
    wire: 'invalid_client',
    requirement: 'J7',
    summary: 'The assertion lives longer than this server accepts',
  },
  'client-assertion-not-yet-valid': {
    wire: 'invalid_client',
    requirement: 'J8',
    summary: 'The assertion nbf or iat lies in the future',
  },
  'client-assertion-replayed': {
    wire: 'invalid_client',
    requirement: 'J9',
    summary: 'The assertion jti was already used',
  },
  'client-assertion-key-not-found': {
    wire: 'invalid_client',
    requirement: 'J2',
    summary: "No key of the client's metadata document (jwks or jwks_uri) fits the assertion (R54)",
  },
  'client-assertion-signature-invalid': {
    wire: 'invalid_client',
    requirement: 'J10',
    summary: "The assertion signature does not verify with the client's keys",
  },

  // --- Client authentication: attestation (draft-ietf-oauth-attestation-based-client-auth-11) ------
  'client-attestation-header-invalid': {
    wire: 'invalid_client_attestation',
    summary: 'OAuth-Client-Attestation and OAuth-Client-Attestation-PoP must each appear once, each one compact JWT',
  },
  'client-attestation-invalid': {
    wire: 'invalid_client_attestation',
    summary: 'The client attestation JWT has the wrong typ or algorithm, or lacks sub, exp or a public cnf.jwk (§4, §7.1)',
  },
  'client-attestation-subject-mismatch': {
    wire: 'invalid_client_attestation',
    summary: 'The client attestation sub is not the client_id (§7.5)',
  },
  'client-attestation-key-not-found': {
    wire: 'invalid_client_attestation',
    summary: "No key of the client's metadata document (the attester's jwks_uri) fits the attestation (§10.8)",
  },
  'client-attestation-signature-invalid': {
    wire: 'invalid_client_attestation',
    summary: "The client attestation signature does not verify with the attester's keys",
  },
  'client-attestation-not-fresh': {
    wire: 'use_fresh_attestation',
    summary: 'The client attestation has expired, is too old or is not valid yet (§7.4)',
  },
  'client-attestation-pop-invalid': {
    wire: 'invalid_client_attestation',
    summary: 'The attestation PoP JWT has the wrong typ or algorithm, or lacks aud, jti or iat (§5.1)',
  },
  'client-attestation-pop-signature-invalid': {
    wire: 'invalid_client_attestation',
    summary: 'The attestation PoP is not signed by the key in the attestation cnf claim',
  },
  'client-attestation-pop-audience-invalid': {
    wire: 'invalid_client_attestation',
    summary: "The attestation PoP aud is not this server's issuer identifier",
  },
  'client-attestation-pop-not-fresh': {
    wire: 'invalid_client_attestation',
    summary: 'The attestation PoP iat lies outside the accepted window',
  },
  'client-attestation-pop-replayed': {
    wire: 'invalid_client_attestation',
    summary: 'The attestation PoP jti was already used',
  },
  'client-attestation-challenge-required': {
    wire: 'use_attestation_challenge',
    summary: 'The attestation PoP must carry a challenge from this server (§6.1); a fresh one is in the response',
  },
  'client-attestation-challenge-disabled': {
    wire: 'invalid_request',
    summary: 'This server does not provide attestation challenges',
  },
  'refresh-token-instance-mismatch': {
    wire: 'invalid_grant',
    summary: 'The refresh token is bound to another client instance key (attestation §10.3)',
  },
  'config-invalid': { wire: 'server_error', summary: 'The server configuration is invalid' },
  'internal-error': { wire: 'server_error', summary: 'An unexpected error occurred; see the server log' },

  // --- Protected resource (@cimd/mcp: RFC 6750, RFC 9068, RFC 9728, MCP authorization) --------
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

  // --- Trust: admission, reputation, first-seen limits, logos, admin console (docs/trust.md) ------
  'trust-client-not-allowed': {
    wire: 'invalid_client',
    requirement: 'H20',
    summary: 'This server admits only listed or pre-registered clients, and this client_id is neither',
  },
  'trust-client-denied': {
    wire: 'invalid_client',
    requirement: 'H20',
    summary: 'A deny rule of the admission policy matches this client_id',
  },
  'trust-client-blocked': { wire: 'invalid_client', requirement: 'R75', summary: 'An administrator blocked this client' },
  'trust-resource-not-allowed': {
    wire: 'invalid_target',
    requirement: 'H20',
    summary: 'The admission policy does not admit this client for the requested resource (RFC 8707)',
  },
  'trust-redirect-host-mismatch': {
    wire: 'invalid_request',
    requirement: 'R62',
    summary: 'A client seen for the first time may only redirect to its own host or to loopback',
  },
  'trust-token-rate-limited': {
    wire: 'slow_down',
    requirement: 'R75',
    summary: 'A client seen for the first time has used up its token allowance for now; try again later',
  },
  'logo-not-image': {
    wire: 'invalid_client_metadata',
    requirement: 'R74',
    summary: 'The logo is not a PNG, JPEG, GIF or WebP image by its content',
  },
  'logo-too-large': { wire: 'invalid_client_metadata', requirement: 'R74', summary: 'The logo exceeds the size limit' },
  'admin-forbidden': { wire: 'access_denied', summary: 'The signed-in user is not an administrator of this server' },
  'admin-not-found': { wire: 'invalid_request', summary: 'The client, change or rule named by the administrator is not known' },
  'admin-invalid': {
    wire: 'invalid_request',
    summary: 'The administrator request is invalid (an unknown action, a malformed rule or URL)',
  },
} as const satisfies Record<string, ReasonInfo>;

/** A stable, machine-readable reason code. */
export type ReasonCode = keyof typeof REASONS;

/** Whether a string is one of the library's reason codes. */
export function isReasonCode(value: string): value is ReasonCode {
  return Object.hasOwn(REASONS, value);
}
