import { finding, type Finding } from './errors.js';
import { KEY_BASED_METHODS, type ClientMetadata } from './metadata.js';
import type { Profile } from './profiles.js';
import type { RedirectKind } from './redirect-uri.js';

/** What this authorization server supports; the document is negotiated against it. */
export interface ServerCapabilities {
  /** Grant types this server implements (default `authorization_code`, `refresh_token`). */
  readonly grantTypes: readonly string[];
  /** Response types this server implements (default `code`). */
  readonly responseTypes: readonly string[];
  /**
   * Token endpoint client authentication methods this server accepts for CIMD clients, in order of
   * preference (default `private_key_jwt`, then `none`). Shared-secret methods never apply (R41).
   */
  readonly authMethods: readonly string[];
  /**
   * Whether this server reads `token_endpoint_auth_methods_supported` (OpenID Connect RP Metadata
   * Choices; default true). Without it, a document listing only that member is refused (R44).
   */
  readonly rpMetadataChoices: boolean;
}

export const DEFAULT_SERVER_CAPABILITIES: ServerCapabilities = {
  grantTypes: ['authorization_code', 'refresh_token'],
  responseTypes: ['code'],
  authMethods: ['private_key_jwt', 'none'],
  rpMetadataChoices: true,
};

/** What the client may do at this server, after intersecting its document with the server. */
export interface Negotiated {
  /** The method the client is held to: its declared one, or the strongest shared one. */
  readonly token_endpoint_auth_method: string;
  /** Every method the client may use at this server (RP Metadata Choices). */
  readonly token_endpoint_auth_methods: readonly string[];
  readonly grant_types: readonly string[];
  readonly response_types: readonly string[];
  /** Declared but explicitly given or inferred (H13). */
  readonly application_type: 'web' | 'native';
  /** Declared values this server does not support and therefore ignores. */
  readonly ignored: {
    readonly token_endpoint_auth_methods: readonly string[];
    readonly grant_types: readonly string[];
    readonly response_types: readonly string[];
  };
}

export type NegotiationResult =
  | { readonly ok: true; readonly negotiated: Negotiated; readonly warnings: readonly Finding[] }
  | { readonly ok: false; readonly reasons: readonly Finding[]; readonly warnings: readonly Finding[] };

/** Grants that need the authorization endpoint and therefore registered redirect URIs (R25, R27). */
const REDIRECT_GRANTS = new Set(['authorization_code', 'implicit']);

/**
 * Negotiate a validated document with this server (draft-03 §6, §4.2; R25, R42–R53, H11, H13).
 * Pure: the same inputs always give the same answer.
 */
export function negotiate(
  metadata: ClientMetadata,
  redirectKinds: readonly RedirectKind[],
  server: ServerCapabilities,
  profile: Profile,
): NegotiationResult {
  const reasons: Finding[] = [];
  const warnings: Finding[] = [];

  const auth = negotiateAuthMethod(metadata, server, profile, reasons, warnings);
  const grants = negotiateGrants(metadata, server, reasons, warnings);

  const redirects = metadata.redirect_uris ?? [];
  if (grants !== undefined && grants.grant_types.some((g) => REDIRECT_GRANTS.has(g)) && redirects.length === 0) {
    reasons.push(
      finding(
        'redirect-uris-missing',
        metadata.redirect_uris === undefined
          ? 'The client uses authorization_code but the document has no redirect_uris'
          : 'The client uses authorization_code but none of its redirect_uris is usable',
        'redirect_uris',
      ),
    );
  }
  const applicationType = inferApplicationType(metadata, redirectKinds, warnings);

  if (reasons.length > 0 || auth === undefined || grants === undefined) return { ok: false, reasons, warnings };
  return {
    ok: true,
    warnings,
    negotiated: {
      token_endpoint_auth_method: auth.method,
      token_endpoint_auth_methods: auth.methods,
      grant_types: grants.grant_types,
      response_types: grants.response_types,
      application_type: applicationType,
      ignored: {
        token_endpoint_auth_methods: auth.ignored,
        grant_types: grants.ignoredGrants,
        response_types: grants.ignoredResponses,
      },
    },
  };
}

interface AuthOutcome {
  readonly method: string;
  readonly methods: string[];
  readonly ignored: string[];
}

/** draft-03 §6 with OpenID Connect RP Metadata Choices §2. */
function negotiateAuthMethod(
  md: ClientMetadata,
  server: ServerCapabilities,
  profile: Profile,
  reasons: Finding[],
  warnings: Finding[],
): AuthOutcome | undefined {
  const single = md.token_endpoint_auth_method;
  const plural = md.token_endpoint_auth_methods_supported;
  let declared: string[];
  if (single === undefined && plural === undefined) {
    declared = ['none']; // R42, R43: never the RFC 7591 default client_secret_basic
  } else if (plural === undefined || !server.rpMetadataChoices) {
    if (single === undefined) {
      reasons.push(
        finding(
          'auth-method-unsupported',
          'The document lists only token_endpoint_auth_methods_supported, which this server does not read, and a missing method must not default to "none" (R44)',
          'token_endpoint_auth_methods_supported',
        ),
      );
      return undefined;
    }
    declared = [single];
  } else {
    declared = [...new Set(plural)];
  }

  const hasKeys = md.jwks !== undefined || md.jwks_uri !== undefined;
  if (!hasKeys) {
    const keyless = declared.filter((m) => KEY_BASED_METHODS.has(m));
    if (keyless.length > 0) {
      if (single !== undefined && KEY_BASED_METHODS.has(single)) {
        reasons.push(
          finding(
            'private-key-jwt-without-keys',
            `token_endpoint_auth_method is "${single}" but the document has neither jwks nor jwks_uri`,
            'token_endpoint_auth_method',
          ),
        );
        return undefined;
      }
      warnings.push(
        finding(
          'auth-method-ignored',
          `${keyless.join(', ')} ${keyless.length === 1 ? 'is' : 'are'} declared without jwks or jwks_uri and ${keyless.length === 1 ? 'was' : 'were'} ignored`,
          'token_endpoint_auth_methods_supported',
        ),
      );
      declared = declared.filter((m) => !KEY_BASED_METHODS.has(m));
    }
  }

  let methods = declared.filter((m) => server.authMethods.includes(m));
  const ignored = declared.filter((m) => !server.authMethods.includes(m));
  if (methods.length === 0) {
    const offered = declared.length > 0 ? declared.join(', ') : '(none left)';
    reasons.push(
      finding(
        'auth-method-unsupported',
        `This server supports none of the client's authentication methods [${offered}]; it accepts [${server.authMethods.join(', ')}]`,
        single === undefined ? 'token_endpoint_auth_methods_supported' : 'token_endpoint_auth_method',
      ),
    );
    return undefined;
  }
  if (ignored.length > 0) {
    warnings.push(
      finding(
        'auth-method-ignored',
        `Unsupported authentication methods ignored: ${ignored.join(', ')}`,
        'token_endpoint_auth_methods_supported',
      ),
    );
  }
  const authenticated = methods.filter((m) => m !== 'none');
  if (profile.rejectNoneWhenAuthenticatedShared && authenticated.length > 0 && methods.includes('none')) {
    methods = authenticated; // MCP SEP-3149: an authenticated method is shared, so "none" is refused
  }
  const preferred = server.authMethods.find((m) => m !== 'none' && methods.includes(m)) ?? 'none';
  const method = single !== undefined && methods.includes(single) ? single : preferred;
  return { method, methods: orderLike(methods, server.authMethods), ignored };
}

interface GrantOutcome {
  readonly grant_types: string[];
  readonly response_types: string[];
  readonly ignoredGrants: string[];
  readonly ignoredResponses: string[];
}

/** H11: intersect, and refuse only when nothing that can start a session remains. */
function negotiateGrants(
  md: ClientMetadata,
  server: ServerCapabilities,
  reasons: Finding[],
  warnings: Finding[],
): GrantOutcome | undefined {
  const declaredGrants = [...new Set(md.grant_types ?? ['authorization_code'])]; // RFC 7591 §2 default
  const declaredResponses = [...new Set(md.response_types ?? ['code'])];
  let grants = declaredGrants.filter((g) => server.grantTypes.includes(g));
  const ignoredGrants = declaredGrants.filter((g) => !server.grantTypes.includes(g));
  const responses = declaredResponses.filter((r) => server.responseTypes.includes(r));
  const ignoredResponses = declaredResponses.filter((r) => !server.responseTypes.includes(r));

  if (ignoredGrants.length > 0) {
    warnings.push(finding('grant-type-ignored', `Unsupported grant types ignored: ${ignoredGrants.join(', ')}`, 'grant_types'));
  }
  if (ignoredResponses.length > 0) {
    warnings.push(
      finding('response-type-ignored', `Unsupported response types ignored: ${ignoredResponses.join(', ')}`, 'response_types'),
    );
  }
  let responseProblem = false;
  if (grants.includes('authorization_code') && !responses.includes('code')) {
    grants = grants.filter((g) => g !== 'authorization_code');
    responseProblem = true;
  }
  const starting = grants.filter((g) => g !== 'refresh_token');
  if (starting.length === 0) {
    if (responseProblem) {
      reasons.push(
        finding(
          'response-type-unsupported',
          `The client declares authorization_code but its response_types [${declaredResponses.join(', ')}] do not include "code"`,
          'response_types',
        ),
      );
    } else {
      reasons.push(
        finding(
          'grant-type-unsupported',
          `This server supports none of the client's grant types [${declaredGrants.join(', ')}] that can start a session; it supports [${server.grantTypes.join(', ')}]`,
          'grant_types',
        ),
      );
    }
    return undefined;
  }
  return {
    grant_types: grants,
    response_types: grants.includes('authorization_code') ? responses : [],
    ignoredGrants,
    ignoredResponses,
  };
}

/** H13: an absent application_type with only native-style redirects is treated as native. */
function inferApplicationType(md: ClientMetadata, kinds: readonly RedirectKind[], warnings: Finding[]): 'web' | 'native' {
  const nativeStyle = kinds.length > 0 && kinds.every((k) => k !== 'https');
  if (kinds.length > 0 && kinds.every((k) => k === 'loopback' || k === 'localhost')) {
    warnings.push(
      finding(
        'localhost-only-redirects',
        "Every redirect URI is on loopback: any program on the user's device could receive the authorization code",
        'redirect_uris',
      ),
    );
  }
  if (md.application_type === 'native') return 'native';
  if (md.application_type === 'web') {
    if (nativeStyle) {
      warnings.push(
        finding(
          'application-type-web-with-native-redirects',
          'application_type is "web" but every redirect URI is loopback or a private-use scheme; loopback port rules still apply',
          'application_type',
        ),
      );
    }
    return 'web';
  }
  if (nativeStyle) {
    warnings.push(
      finding(
        'application-type-inferred',
        md.application_type === undefined
          ? 'application_type is absent and every redirect URI is loopback or a private-use scheme: the client is treated as native'
          : `application_type "${md.application_type}" is unknown and every redirect URI is loopback or a private-use scheme: the client is treated as native`,
        'application_type',
      ),
    );
    return 'native';
  }
  return 'web';
}

/** `values` in the order of `order` (every value is in `order`). */
function orderLike(values: readonly string[], order: readonly string[]): string[] {
  return order.filter((m) => values.includes(m));
}
