import type { ReasonInfo } from './reason-info.js';

/** The Client Identifier URL, the document and the negotiation (draft-03 §3, §4, §6). */
export const CLIENT_DOCUMENT_REASONS = {
  // --- Client Identifier URL (draft-03 §3)
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

  // --- Document syntax (draft-03 §4)
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

  // --- Document contents (draft-03 §4, §4.1, §4.2, §6)
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

  // --- Negotiation (draft-03 §6, H11)
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
} as const satisfies Record<string, ReasonInfo>;
