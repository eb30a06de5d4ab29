import type { ReasonInfo } from './reason-info.js';

/** Client authentication: private_key_jwt and attestation. */
export const CLIENT_AUTH_REASONS = {
  // --- Client authentication: private_key_jwt (RFC 7523 §2.2, §3; draft-ietf-oauth-rfc7523bis-11; J1–J12)
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

  // --- Client authentication: attestation (draft-ietf-oauth-attestation-based-client-auth-11)
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
} as const satisfies Record<string, ReasonInfo>;
