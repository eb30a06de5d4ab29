/**
 * The client metadata vocabulary cimd understands (RFC 7591 §2, OpenID Connect Dynamic Client
 * Registration §2, RFC 9449, RFC 8705, OpenID Connect RP Metadata Choices) and the typed result of
 * validating a document. Member names stay as on the wire.
 */

/** A JSON Web Key as found in a document's `jwks` (public members only, once validated). */
export interface PublicJwk {
  readonly kty: string;
  readonly kid?: string;
  readonly use?: string;
  readonly alg?: string;
  readonly [member: string]: unknown;
}

export interface PublicJwks {
  readonly keys: readonly PublicJwk[];
}

/** Properties that may carry a language tag (`client_name#ja-JP`, RFC 7591 §2.2). */
export type LocalizableProperty = 'client_name' | 'client_uri' | 'logo_uri' | 'tos_uri' | 'policy_uri';

/** A validated client metadata document: known members only, unusable redirect URIs removed. */
export interface ClientMetadata {
  readonly client_id: string;
  readonly client_name?: string;
  readonly client_uri?: string;
  readonly logo_uri?: string;
  readonly tos_uri?: string;
  readonly policy_uri?: string;
  readonly contacts?: readonly string[];
  readonly redirect_uris?: readonly string[];
  readonly post_logout_redirect_uris?: readonly string[];
  readonly grant_types?: readonly string[];
  readonly response_types?: readonly string[];
  readonly scope?: string;
  readonly token_endpoint_auth_method?: string;
  readonly token_endpoint_auth_methods_supported?: readonly string[];
  readonly token_endpoint_auth_signing_alg?: string;
  readonly jwks?: PublicJwks;
  readonly jwks_uri?: string;
  readonly software_id?: string;
  readonly software_version?: string;
  readonly software_statement?: string;
  readonly application_type?: string;
  readonly dpop_bound_access_tokens?: boolean;
  /** Language-tagged variants: `{ client_name: { "ja-JP": "…" } }`. */
  readonly localized?: Readonly<Partial<Record<LocalizableProperty, Readonly<Record<string, string>>>>>;
}

export type MemberType = 'string' | 'string[]' | 'boolean' | 'number' | 'object';

/** Known members and their JSON types. Members not listed are ignored (H10). */
export const KNOWN_MEMBERS: Readonly<Record<string, MemberType>> = {
  client_id: 'string',
  client_name: 'string',
  client_uri: 'string',
  logo_uri: 'string',
  tos_uri: 'string',
  policy_uri: 'string',
  contacts: 'string[]',
  redirect_uris: 'string[]',
  post_logout_redirect_uris: 'string[]',
  grant_types: 'string[]',
  response_types: 'string[]',
  scope: 'string',
  token_endpoint_auth_method: 'string',
  token_endpoint_auth_methods_supported: 'string[]',
  token_endpoint_auth_signing_alg: 'string',
  revocation_endpoint_auth_method: 'string',
  revocation_endpoint_auth_methods_supported: 'string[]',
  introspection_endpoint_auth_method: 'string',
  introspection_endpoint_auth_methods_supported: 'string[]',
  jwks: 'object',
  jwks_uri: 'string',
  software_id: 'string',
  software_version: 'string',
  software_statement: 'string',
  application_type: 'string',
  sector_identifier_uri: 'string',
  subject_type: 'string',
  initiate_login_uri: 'string',
  request_uris: 'string[]',
  backchannel_logout_uri: 'string',
  frontchannel_logout_uri: 'string',
  default_max_age: 'number',
  require_auth_time: 'boolean',
  default_acr_values: 'string[]',
  dpop_bound_access_tokens: 'boolean',
  tls_client_certificate_bound_access_tokens: 'boolean',
  require_pushed_authorization_requests: 'boolean',
  backchannel_logout_session_required: 'boolean',
  frontchannel_logout_session_required: 'boolean',
  id_token_signed_response_alg: 'string',
  userinfo_signed_response_alg: 'string',
  request_object_signing_alg: 'string',
  authorization_signed_response_alg: 'string',
};

export const LOCALIZABLE: ReadonlySet<string> = new Set<LocalizableProperty>([
  'client_name',
  'client_uri',
  'logo_uri',
  'tos_uri',
  'policy_uri',
]);

/** Members whose value is a URI the server might fetch or show: absolute https only (R72, PR #50). */
export const HTTPS_URI_MEMBERS: readonly string[] = [
  'client_uri',
  'logo_uri',
  'tos_uri',
  'policy_uri',
  'jwks_uri',
  'sector_identifier_uri',
  'initiate_login_uri',
  'backchannel_logout_uri',
  'frontchannel_logout_uri',
  'request_uris',
];

/** Members naming client authentication methods, held to the credential restrictions (R22). */
export const AUTH_METHOD_MEMBERS: readonly string[] = [
  'token_endpoint_auth_method',
  'token_endpoint_auth_methods_supported',
  'revocation_endpoint_auth_method',
  'revocation_endpoint_auth_methods_supported',
  'introspection_endpoint_auth_method',
  'introspection_endpoint_auth_methods_supported',
];

/**
 * Shared-symmetric-secret client authentication methods (draft-03 §4.1, R22). Any other method
 * whose registered name mentions a secret is treated the same way.
 */
export function isSharedSecretMethod(method: string): boolean {
  return (
    method === 'client_secret_basic' ||
    method === 'client_secret_post' ||
    method === 'client_secret_jwt' ||
    /secret/i.test(method)
  );
}

/** Methods that authenticate with a key published through `jwks` or `jwks_uri`. */
export const KEY_BASED_METHODS: ReadonlySet<string> = new Set([
  'private_key_jwt',
  'self_signed_tls_client_auth',
  'attest_jwt_client_auth',
]);

/** JWK members that carry private or symmetric key material (RFC 7518 §6). */
export const PRIVATE_JWK_MEMBERS: readonly string[] = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Members copied into {@link ClientMetadata} (redirect URI lists are copied after filtering). */
const COPIED: ReadonlySet<string> = new Set([
  'client_name',
  'client_uri',
  'logo_uri',
  'tos_uri',
  'policy_uri',
  'contacts',
  'grant_types',
  'response_types',
  'scope',
  'token_endpoint_auth_method',
  'token_endpoint_auth_methods_supported',
  'token_endpoint_auth_signing_alg',
  'jwks',
  'jwks_uri',
  'software_id',
  'software_version',
  'software_statement',
  'application_type',
  'dpop_bound_access_tokens',
]);

/** Everything the validator needs to know about one known member, looked up once per member. */
export interface MemberSpec {
  readonly type: MemberType;
  /** An absolute https URL (or a list of them) is required. */
  readonly https: boolean;
  /** Copied into the typed metadata. */
  readonly copy: boolean;
  /** May carry a language tag. */
  readonly localizable: boolean;
}

export const MEMBER_SPECS: ReadonlyMap<string, MemberSpec> = new Map(
  Object.entries(KNOWN_MEMBERS).map(([name, type]) => [
    name,
    { type, https: HTTPS_URI_MEMBERS.includes(name), copy: COPIED.has(name), localizable: LOCALIZABLE.has(name) },
  ]),
);
