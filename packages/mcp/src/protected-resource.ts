import { CimdError, isCimdError } from '@cimd/core';
import { verifyAccessToken, type VerifiedAccessToken } from './access-token.js';
import { authorizationServerKeys } from './authorization-server-keys.js';
import { extractBearerToken } from './bearer-token.js';
import { refusalResponse } from './challenge.js';
import {
  metadataLocations,
  metadataRequestMatcher,
  metadataResponse,
  protectedResourceMetadata,
  type MetadataLocations,
  type ProtectedResourceMetadata,
} from './metadata.js';
import { resolveOptions, type ProtectedResourceOptions, type ResolvedOptions } from './options.js';

/** Per-request requirements beyond the resource-wide ones. */
export interface RequestRequirements {
  /** Scopes this request needs in addition to `requiredScopes` (e.g. a write tool). */
  readonly scopes?: readonly string[];
}

/** The outcome of guarding one request. */
export type GuardResult =
  | { readonly kind: 'authorized'; readonly token: VerifiedAccessToken }
  /** Send `response` as it is: the metadata document, or a refusal with its challenge (`error` says why). */
  | { readonly kind: 'respond'; readonly response: Response; readonly error?: CimdError };

/** A protected resource: its metadata, and the check every request goes through. */
export interface ProtectedResource {
  /** The canonical resource identifier; access tokens must carry it in `aud`. */
  readonly resource: string;
  /** Where the metadata is served; `pathInserted` is what challenges name. */
  readonly metadataLocations: MetadataLocations;
  readonly metadata: ProtectedResourceMetadata;
  /**
   * The one entry point for a framework: a request for the metadata (at either well-known URI)
   * gets the document; any other request must carry a valid access token with the scopes needed.
   */
  handle(request: Request, requirements?: RequestRequirements): Promise<GuardResult>;
  /** The metadata response when `request` asks for it, else undefined. */
  metadataResponse(request: Request): Response | undefined;
  /** Check a request's access token (no metadata routing). */
  authenticate(request: Request, requirements?: RequestRequirements): Promise<GuardResult>;
}

function union(...lists: ReadonlyArray<readonly string[]>): string[] {
  return [...new Set(lists.flat())];
}

/**
 * Create the guard of a protected resource (an MCP server) whose authorization server is a
 * cimd-server (or any issuer of RFC 9068 JWT access tokens). Options are validated at once and
 * a bad one throws `config-invalid`; the authorization server is contacted on first use only.
 */
export function createProtectedResource(input: ProtectedResourceOptions): ProtectedResource {
  const options: ResolvedOptions = resolveOptions(input);
  const locations = metadataLocations(options.resource);
  const isMetadataRequest = metadataRequestMatcher(locations);
  const metadata = protectedResourceMetadata(options);
  const keys = authorizationServerKeys(options);

  const refuse = (error: CimdError, scope: readonly string[]): GuardResult => ({
    kind: 'respond',
    response: refusalResponse(error, scope, locations.pathInserted),
    error,
  });

  const authenticate = async (request: Request, requirements: RequestRequirements = {}): Promise<GuardResult> => {
    const needed = union(options.requiredScopes, requirements.scopes ?? []);
    let token: VerifiedAccessToken;
    try {
      token = await verifyAccessToken(extractBearerToken(request), keys, options);
    } catch (e) {
      if (!isCimdError(e)) throw e;
      return refuse(e, needed);
    }
    const missing = needed.filter((s) => !token.scopes.includes(s));
    if (missing.length > 0) {
      // MCP step-up: name what is needed plus what the client already holds here, so that the
      // new token it asks for does not lose the scopes it had.
      const held = token.scopes.filter((s) => options.scopesSupported.includes(s));
      const error = new CimdError('access-token-scope-insufficient', `The access token lacks ${missing.join(' ')}`);
      return refuse(error, union(held, needed));
    }
    return { kind: 'authorized', token };
  };

  const metadataFor = (request: Request): Response | undefined =>
    isMetadataRequest(new URL(request.url)) ? metadataResponse(request.method, metadata) : undefined;

  return {
    resource: options.resource,
    metadataLocations: locations,
    metadata,
    metadataResponse: metadataFor,
    authenticate,
    async handle(request, requirements) {
      const response = metadataFor(request);
      return response === undefined ? authenticate(request, requirements) : { kind: 'respond', response };
    },
  };
}
