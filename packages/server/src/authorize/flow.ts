import {
  CimdError,
  canonicalResourceUri,
  classifyRedirectUri,
  isCimdError,
  matchRedirectUri,
  redirectStaysWithClient,
  type Clock,
} from '@cimd/core';
import type { Client } from '../clients/client.js';
import { isPublic } from '../clients/client.js';
import type { ClientDirectory } from '../clients/client-directory.js';
import type { ServerConfig } from '../config.js';
import type { Stores } from '../store/stores.js';
import type { InteractionRecord } from '../store/interactions.js';
import type { TrustContext } from '../trust/assessment.js';
import type { Trust } from '../trust/trust-service.js';
import { consentView, type ConsentView } from '../ui/consent-view.js';
import { sha256, type Random } from '../util/random.js';
import { single, multi, type AuthorizationParams } from './params.js';
import { codeRedirect, errorRedirect } from './responses.js';
import { validateResources } from './resource.js';

export interface AuthorizeDeps {
  readonly issuer: string;
  readonly config: ServerConfig;
  readonly clients: ClientDirectory;
  readonly stores: Pick<Stores, 'codes' | 'grants' | 'consents' | 'interactions'>;
  readonly clock: Clock;
  readonly random: Random;
  /** The client from cache only, never fetching (prompt=none before login); undefined if not cached. */
  readonly peekClient: (clientId: string) => Promise<Client | undefined>;
  /** Admission, reputation, fingerprints, logos (docs/trust.md). */
  readonly trust: Trust;
}

/** The signed-in user, if any. */
export interface AuthorizeUser {
  readonly userId: string;
  readonly username: string;
  readonly authTime: number;
}

export interface AuthorizeInput {
  readonly params: AuthorizationParams;
  readonly user?: AuthorizeUser;
  /** The interaction this step continues, when it continues one. */
  readonly interaction?: InteractionRecord;
  /** The user's answer on the consent page. */
  readonly decision?: 'approve' | 'deny';
}

export type AuthorizeOutcome =
  /** The client or its redirect URI could not be verified: show a page, never redirect (H15). */
  | { readonly type: 'error-page'; readonly error: CimdError }
  /** Send the browser to the client: a code or an error, always with `iss` (RFC 9207). */
  | { readonly type: 'redirect'; readonly location: string; readonly error?: CimdError; readonly clientId: string }
  | { readonly type: 'login'; readonly interaction: InteractionRecord }
  /** Show the consent page; `redirectUri` is where its form's redirect chain ends (CSP form-action). */
  | {
      readonly type: 'consent';
      readonly interaction: InteractionRecord;
      readonly view: ConsentView;
      readonly redirectUri: string;
    };

const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);
const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

function asCimdError(e: unknown): CimdError {
  if (isCimdError(e)) return e;
  throw e;
}

/**
 * One step of the authorization endpoint (RFC 6749 §4.1.1, OAuth 2.1 §4.1, RFC 7636, RFC 8707,
 * RFC 9207). Called for the initial request, after login and after consent; every call re-checks
 * the whole request against the client as it is now.
 *
 * Order matters: until the client and its redirect URI are verified, errors are shown as a page
 * (H15, RFC 6749 §4.1.2.1); after, they are sent to the client. With `authenticateBeforeFetch`,
 * an unknown client's document is fetched only once the user has logged in (SSRF mitigation,
 * IETF 124 slides).
 */
export async function authorizeStep(deps: AuthorizeDeps, input: AuthorizeInput): Promise<AuthorizeOutcome> {
  const { params, user } = input;
  const now = deps.clock.now();
  const clientId = single(params, 'client_id');
  if (clientId === undefined) {
    return errorPage(new CimdError('request-parameter-missing', 'client_id is required', { property: 'client_id' }));
  }
  const needsFetch = !(await deps.clients.isKnownWithoutFetch(clientId));
  if (needsFetch) {
    try {
      deps.clients.checkUrl(clientId);
      // H20: the admission policy, with the request's resources (RFC 8707), before login and any fetch.
      await deps.trust.admission.check(clientId, new URL(clientId), requestedResources(deps, params));
    } catch (e) {
      return errorPage(asCimdError(e));
    }
  }
  const prompt = (single(params, 'prompt') ?? '').split(' ').filter((p) => p !== '');
  const promptNone = prompt.includes('none');

  let client: Client;
  if (user === undefined && needsFetch && deps.config.policy.authenticateBeforeFetch) {
    if (!promptNone) return login(deps, input, now);
    const cached = await deps.peekClient(clientId);
    if (cached === undefined) {
      return errorPage(
        new CimdError(
          'login-required',
          'prompt=none needs a logged-in user, and this client is not known yet, so its redirect URI cannot be verified',
        ),
      );
    }
    client = cached;
  } else {
    try {
      client = await deps.clients.find(clientId, 'authorize');
    } catch (e) {
      return errorPage(asCimdError(e));
    }
  }

  // Verify the redirect URI before anything is sent to it (R26, H15).
  const requested = single(params, 'redirect_uri');
  let redirectUri: string;
  if (requested === undefined) {
    if (client.redirectUris.length !== 1) {
      return errorPage(
        new CimdError(
          'redirect-uri-missing',
          `redirect_uri is required: the client registers ${client.redirectUris.length} redirect URIs`,
          {
            property: 'redirect_uri',
          },
        ),
      );
    }
    redirectUri = client.redirectUris[0] as string;
  } else {
    const match = matchRedirectUri(requested, client.redirectUris, {
      localhostPortVariance: deps.config.policy.localhostPortVariance,
    });
    if (match === undefined) {
      return errorPage(
        new CimdError('redirect-uri-not-registered', `The redirect_uri "${requested}" is not registered by ${clientId}`, {
          property: 'redirect_uri',
        }),
      );
    }
    redirectUri = requested;
  }
  // The trust tier of a CIMD client (R75). A first-seen public client may only send codes to its own
  // host or loopback (R62, slides); a client that authenticates at the token endpoint cannot be
  // impersonated by whoever receives its code (as in H19).
  const trust = client.kind === 'cimd' ? await deps.trust.assessor.assess(client, { lookup: true }) : undefined;
  if (trust?.assessment.tier === 'blocked') {
    return errorPage(new CimdError('trust-client-blocked', `An administrator blocked ${clientId}`));
  }
  if (trust?.assessment.firstSeen === true && deps.config.trust.firstSeenRedirectHostMatch && isPublic(client)) {
    if (!redirectStaysWithClient(clientId, redirectUri)) {
      return errorPage(
        new CimdError(
          'trust-redirect-host-mismatch',
          `${clientId} is seen for the first time, so its redirect URI must be on its own host or loopback, not "${redirectUri}"`,
          { property: 'redirect_uri' },
        ),
      );
    }
  }
  const state = single(params, 'state');
  /** An error response to the client ends the interaction, as a code does: its forms stop working. */
  const fail = async (error: CimdError): Promise<AuthorizeOutcome> => {
    if (input.interaction !== undefined) await deps.stores.interactions.delete(input.interaction.id);
    return { type: 'redirect', location: errorRedirect(redirectUri, error, state, deps.issuer), error, clientId };
  };

  let request: CheckedRequest;
  try {
    request = checkRequest(deps, client, params, prompt);
  } catch (e) {
    return fail(asCimdError(e));
  }

  // Login: needed without a session, and again for prompt=login within this interaction.
  const loggedInHere = input.interaction?.authTime !== undefined && input.interaction.authTime >= input.interaction.createdAt;
  if (user === undefined || (prompt.includes('login') && !loggedInHere)) {
    if (promptNone) return fail(new CimdError('login-required', 'prompt=none, but the user is not logged in'));
    return login(deps, input, now);
  }

  // Consent.
  if (input.decision === 'deny') return fail(new CimdError('access-denied', 'The user denied the request'));
  const fingerprint = deps.trust.fingerprint(client, trust);
  if (input.decision !== 'approve') {
    const consent = await deps.stores.consents.get(user.userId, clientId);
    const covered =
      consent !== undefined &&
      deps.trust.covers(consent.fingerprint, fingerprint) &&
      request.scope.every((s) => consent.scope.includes(s)) &&
      request.resources.every((r) => consent.resources.includes(r));
    if (!covered || prompt.includes('consent') || !identityAssured(client, redirectUri)) {
      if (promptNone) return fail(new CimdError('consent-required', 'prompt=none, but the user has not approved this request'));
      const interaction = await ensureInteraction(deps, input, now);
      const scopes = deps.config.policy.scopes.filter((s) => request.scope.includes(s.name));
      return {
        type: 'consent',
        interaction,
        redirectUri,
        view: consentView({
          client,
          redirectUri,
          scopes,
          resources: request.resources,
          username: user.username,
          ...provisioning(deps, client),
          ...(trust === undefined ? {} : { trust: await trustDisplay(deps, client, trust) }),
        }),
      };
    }
  }

  // Issue the code.
  const grantId = deps.random.token(16);
  const code = deps.random.token(32);
  const limits = deps.config.limits;
  await deps.stores.grants.create({
    id: grantId,
    userId: user.userId,
    clientId,
    scope: request.scope,
    resources: request.resources,
    authMethod: isPublic(client) ? 'none' : (client.authMethods[0] ?? 'none'),
    createdAt: now,
    authTime: user.authTime,
    expiresAt: now + limits.grantTtlS * 1000,
  });
  await deps.stores.codes.save({
    codeHash: sha256(code),
    grantId,
    clientId,
    userId: user.userId,
    redirectUri,
    scope: request.scope,
    resources: request.resources,
    codeChallenge: request.codeChallenge,
    authTime: user.authTime,
    issuedAt: now,
    expiresAt: now + limits.codeTtlS * 1000,
  });
  if (input.decision === 'approve') {
    await deps.stores.consents.put({
      userId: user.userId,
      clientId,
      scope: request.scope,
      resources: request.resources,
      fingerprint,
      grantedAt: now,
    });
    await deps.trust.approved(client, user.userId);
  }
  if (input.interaction !== undefined) await deps.stores.interactions.delete(input.interaction.id);
  return { type: 'redirect', location: codeRedirect(redirectUri, code, state, deps.issuer), clientId };
}

interface CheckedRequest {
  readonly scope: string[];
  readonly resources: string[];
  readonly codeChallenge: string;
}

/** The checks whose failures are reported to the (verified) redirect URI. */
function checkRequest(
  deps: AuthorizeDeps,
  client: Client,
  params: AuthorizationParams,
  prompt: readonly string[],
): CheckedRequest {
  const mode = single(params, 'response_mode');
  if (mode !== undefined && mode !== 'query') {
    throw new CimdError('request-parameter-invalid', `response_mode "${mode}" is not supported; only "query" is`, {
      property: 'response_mode',
    });
  }
  for (const name of ['request', 'request_uri']) {
    if (single(params, name) !== undefined) {
      throw new CimdError('request-parameter-invalid', `${name} is not supported by this server`, { property: name });
    }
  }
  const responseType = single(params, 'response_type');
  if (responseType === undefined)
    throw new CimdError('request-parameter-missing', 'response_type is required', { property: 'response_type' });
  if (responseType !== 'code') {
    throw new CimdError('response-type-not-code', `response_type "${responseType}" is not supported; only "code" is`, {
      property: 'response_type',
    });
  }
  if (!client.grantTypes.includes('authorization_code')) {
    throw new CimdError(
      'client-grant-not-allowed',
      `The client ${client.clientId} does not declare the authorization_code grant`,
    );
  }
  const codeChallenge = single(params, 'code_challenge');
  const method = single(params, 'code_challenge_method');
  if (codeChallenge === undefined) {
    throw new CimdError('pkce-missing', 'code_challenge is required (PKCE with S256)', { property: 'code_challenge' });
  }
  if (method !== 'S256') {
    const why = method === undefined ? 'is missing, which means "plain"' : `is "${method}"`;
    throw new CimdError('pkce-method-unsupported', `code_challenge_method ${why}; only S256 is accepted`, {
      property: 'code_challenge_method',
    });
  }
  if (!PKCE_CHALLENGE.test(codeChallenge)) {
    throw new CimdError(
      'pkce-challenge-invalid',
      'code_challenge must be 43 base64url characters (BASE64URL(SHA256(verifier)))',
      {
        property: 'code_challenge',
      },
    );
  }
  const known = new Set(deps.config.policy.scopes.map((s) => s.name));
  const scope = [...new Set((single(params, 'scope') ?? '').split(' ').filter((s) => s !== ''))];
  const unknown = scope.filter((s) => !known.has(s));
  if (unknown.length > 0) {
    throw new CimdError('scope-invalid', `Unknown scope${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, {
      property: 'scope',
    });
  }
  const resources = validateResources(
    multi(params, 'resource'),
    deps.config.policy.resources,
    deps.config.policy.defaultResource,
  );
  const unknownPrompt = prompt.find((p) => !PROMPTS.has(p));
  if (unknownPrompt !== undefined) {
    throw new CimdError('prompt-invalid', `prompt "${unknownPrompt}" is not supported`, { property: 'prompt' });
  }
  if (prompt.includes('none') && prompt.length > 1) {
    throw new CimdError('prompt-invalid', 'prompt=none cannot be combined with other values', { property: 'prompt' });
  }
  return { scope, resources, codeChallenge };
}

/**
 * H19 (RFC 8252 §8.6): a public client whose code goes to a loopback address or a private-use
 * scheme can be impersonated by any program on the device, so its approval is never silent.
 */
function identityAssured(client: Client, redirectUri: string): boolean {
  if (!isPublic(client)) return true;
  const c = classifyRedirectUri(redirectUri);
  return c.ok && c.kind === 'https';
}

/** The CIMD Service a client_id belongs to, when it belongs to one (R76). */
function provisioning(deps: AuthorizeDeps, client: Client): { provisionedBy?: string } {
  if (client.kind !== 'cimd') return {};
  const service = deps.trust.assessor.serviceOf(client.clientId);
  return service === undefined ? {} : { provisionedBy: service };
}

/** What the consent page needs from the trust model: the assessment and, when its tier shows one, the logo's path here (R74). */
async function trustDisplay(deps: AuthorizeDeps, client: Client, trust: TrustContext) {
  const logo = await deps.trust.logos.pathFor(client, trust.assessment);
  return { assessment: trust.assessment, ...(logo === undefined ? {} : { logoPath: logo }) };
}

/**
 * The resources an authorization request names (RFC 8707), canonical, for the admission policy
 * before any fetch; the default resource when it names none. Malformed values are left out here:
 * the request is refused for them later, once its redirect URI is verified.
 */
function requestedResources(deps: AuthorizeDeps, params: AuthorizationParams): string[] {
  const named = multi(params, 'resource')
    .filter((r) => URL.canParse(r))
    .map(canonicalResourceUri);
  const fallback = deps.config.policy.defaultResource;
  return named.length === 0 && fallback !== undefined ? [canonicalResourceUri(fallback)] : [...new Set(named)];
}

async function ensureInteraction(deps: AuthorizeDeps, input: AuthorizeInput, now: number): Promise<InteractionRecord> {
  if (input.interaction !== undefined) return input.interaction;
  const record: InteractionRecord = {
    id: deps.random.token(24),
    params: input.params,
    createdAt: now,
    expiresAt: now + deps.config.limits.interactionTtlS * 1000,
  };
  await deps.stores.interactions.save(record);
  return record;
}

async function login(deps: AuthorizeDeps, input: AuthorizeInput, now: number): Promise<AuthorizeOutcome> {
  return { type: 'login', interaction: await ensureInteraction(deps, input, now) };
}

function errorPage(error: CimdError): AuthorizeOutcome {
  return { type: 'error-page', error };
}
