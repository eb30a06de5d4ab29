import { CimdError } from '@cimd/core';
import { authenticateClient, type ClientAuthDeps } from './client-auth.js';
import type { Form } from './form.js';
import { authorizationCodeGrant, refreshTokenGrant, type GrantDeps } from './grants.js';
import type { TokenResponse } from './issue.js';
import type { Trust } from '../trust/trust-service.js';

export type TokenDeps = GrantDeps & ClientAuthDeps & { readonly trust?: Pick<Trust, 'tokens'> };

const GRANTS = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
} as const;

/** The grant types this server implements, as advertised in its metadata. */
export const SUPPORTED_GRANT_TYPES: readonly string[] = Object.keys(GRANTS);

/**
 * The token endpoint (RFC 6749 §3.2, §5): authenticate the client, check it may use the grant
 * type, run the grant. Throws CimdError for every refusal (mapped to RFC 6749 §5.2 errors).
 */
export async function handleTokenRequest(
  deps: TokenDeps,
  form: Form,
  headers: Headers,
  tokenEndpoint: string,
): Promise<TokenResponse> {
  const grantType = form.get('grant_type');
  if (grantType === undefined)
    throw new CimdError('request-parameter-missing', 'grant_type is required', { property: 'grant_type' });
  const grant = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType as keyof typeof GRANTS] : undefined;
  if (grant === undefined) throw new CimdError('token-grant-type-unsupported', `grant_type "${grantType}" is not supported`);
  const auth = await authenticateClient(deps, form, headers, tokenEndpoint);
  const { client } = auth;
  if (!client.grantTypes.includes(grantType)) {
    throw new CimdError('client-grant-not-allowed', `The client ${client.clientId} does not declare the ${grantType} grant`);
  }
  // First-seen limits (slides): checked before the grant runs, so a refused request burns no code;
  // counted after it succeeds, so failed requests cannot use up the allowance.
  const admission = await deps.trust?.tokens.admit(client);
  const response = await grant(deps, admission === undefined ? auth : { ...auth, lifetimes: admission.lifetimes }, form);
  await admission?.issued();
  return response;
}
