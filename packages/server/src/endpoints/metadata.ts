import { IMPLEMENTED_DRAFT } from '@cimd/core';
import type { ServerConfig } from '../config.js';
import { SUPPORTED_GRANT_TYPES } from '../token/token-endpoint.js';
import { SIGNING_ALG } from '../tokens/signing-keys.js';

/**
 * Authorization server metadata (RFC 8414 §2), with the CIMD parameter (draft-03 §7, R56). The
 * signing algorithms are the `clientAuth.algorithms` allow-list (J3; RFC 8414 requires them when
 * private_key_jwt is listed, without `none`); attestation adds the draft-11 §8 parameters.
 */
export function authorizationServerMetadata(issuer: string, config: ServerConfig): Record<string, unknown> {
  const authMethods = [...config.policy.authMethods];
  const signed = authMethods.some((m) => m === 'private_key_jwt');
  const attested = authMethods.some((m) => m === 'attest_jwt_client_auth');
  const algorithms = [...config.clientAuth.algorithms];
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    revocation_endpoint: `${issuer}/revoke`,
    introspection_endpoint: `${issuer}/introspect`,
    jwks_uri: `${issuer}/jwks`,
    ...(config.policy.dynamicRegistration ? { registration_endpoint: `${issuer}/register` } : {}),
    scopes_supported: config.policy.scopes.map((s) => s.name),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: [...SUPPORTED_GRANT_TYPES],
    token_endpoint_auth_methods_supported: authMethods,
    ...(signed ? { token_endpoint_auth_signing_alg_values_supported: algorithms } : {}),
    revocation_endpoint_auth_methods_supported: authMethods,
    ...(signed ? { revocation_endpoint_auth_signing_alg_values_supported: algorithms } : {}),
    ...(attested
      ? {
          client_attestation_signing_alg_values_supported: algorithms,
          client_attestation_pop_signing_alg_values_supported: algorithms,
          ...(config.clientAuth.attestationChallenge ? { challenge_endpoint: `${issuer}/challenge` } : {}),
        }
      : {}),
    introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    client_id_metadata_document_supported: true,
    access_token_signing_alg_values_supported: [SIGNING_ALG],
    prompt_values_supported: ['none', 'login', 'consent'],
    ...(config.policy.resources.length > 0 ? { protected_resources: [...config.policy.resources] } : {}),
    service_documentation: 'https://github.com/cimd-dev/cimd#readme',
    'x-cimd-draft': IMPLEMENTED_DRAFT,
  };
}
