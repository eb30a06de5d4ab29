import { createHash } from 'node:crypto';
import { CimdError, canonicalResourceUri } from '@cimd/core';
import type { Stores } from '../store/stores.js';
import type { GrantRecord } from '../store/grants.js';
import { sha256 } from '../util/random.js';
import type { AuthenticatedClient } from './client-auth.js';
import type { Form } from './form.js';
import type { Trust } from '../trust/trust-service.js';
import { issueTokens, type IssueDeps, type TokenResponse } from './issue.js';

export interface GrantDeps extends IssueDeps {
  readonly stores: Pick<Stores, 'codes' | 'grants' | 'refreshTokens' | 'users'>;
  /** The admission policy's resource rules (H20), asked for every token's audience. */
  readonly trust?: Pick<Trust, 'admission'>;
}

/**
 * The audience of the tokens about to be issued must still be admitted for this client: a
 * resource rule added after the authorization stops refreshes for that resource too (H20).
 */
async function admitAudience(deps: GrantDeps, auth: AuthenticatedClient, resources: readonly string[]): Promise<void> {
  if (deps.trust === undefined || auth.client.kind !== 'cimd') return;
  await deps.trust.admission.checkResources(auth.client.clientId, new URL(auth.client.clientId), resources);
}

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

function required(form: Form, name: string): string {
  const v = form.get(name);
  if (v === undefined) throw new CimdError('request-parameter-missing', `${name} is required`, { property: name });
  return v;
}

/** The revocation reason of a grant whose code was presented twice. */
const CODE_REUSED = 'authorization code reused';

/**
 * The grant behind a request, refused when revoked or expired. `wonCode`: the caller has just
 * consumed the grant's code, so a revocation for code reuse can only come from a concurrent
 * second use of that same code. The winner still gets its tokens, on a grant that is already
 * revoked (its refresh token is dead on arrival, its access token inactive at introspection), so
 * that of simultaneous redemptions exactly one succeeds and the reuse still revokes what it issued.
 */
async function activeGrant(deps: GrantDeps, grantId: string, now: number, wonCode = false): Promise<GrantRecord> {
  const grant = await deps.stores.grants.get(grantId);
  const revoked = grant?.revokedAt !== undefined && !(wonCode && grant?.revokedReason === CODE_REUSED);
  if (grant === undefined || revoked || grant.expiresAt <= now) {
    throw new CimdError('grant-revoked', 'The grant behind this request was revoked or has expired');
  }
  // A disabled (or removed) account keeps nothing: no new tokens from its grants.
  const user = await deps.stores.users.findById(grant.userId);
  if (user === undefined || user.disabled === true) {
    throw new CimdError('grant-revoked', 'The account behind this grant is disabled');
  }
  return grant;
}

/** RFC 8707 §2.2: the token request may narrow the audience to resources of the grant. */
function narrowResources(form: Form, granted: readonly string[]): readonly string[] {
  const asked = form.all('resource').map(canonicalResourceUri);
  if (asked.length === 0) return granted;
  const extra = asked.filter((r) => !granted.includes(r));
  if (extra.length > 0) {
    throw new CimdError('resource-not-granted', `The resource ${extra.join(', ')} was not part of the authorization`, {
      property: 'resource',
    });
  }
  return [...new Set(asked)];
}

/**
 * Attestation §10.3: a grant whose tokens were first issued under attestation is bound to that
 * client instance key; every refresh must present an attestation with the same `cnf` key. Binding
 * happens once, at the code exchange; a grant issued without attestation stays unbound.
 */
async function checkInstanceBinding(deps: GrantDeps, grant: GrantRecord, auth: AuthenticatedClient, now: number): Promise<void> {
  const bound = grant.instanceKeyThumbprint;
  if (bound === undefined) {
    if (auth.instanceKeyThumbprint === undefined) return;
    if (await deps.stores.grants.bindInstanceKey(grant.id, auth.instanceKeyThumbprint, now)) return;
    throw new CimdError('refresh-token-instance-mismatch', 'The grant is bound to another client instance key');
  }
  if (auth.instanceKeyThumbprint !== bound) {
    throw new CimdError(
      'refresh-token-instance-mismatch',
      auth.instanceKeyThumbprint === undefined
        ? 'The grant is bound to a client instance: refresh with an attestation of the same instance key'
        : 'The attestation names another client instance key than the one the grant is bound to',
    );
  }
}

/** The authorization_code grant (RFC 6749 §4.1.3, RFC 7636 §4.6, OAuth 2.1 §4.1.3). */
export async function authorizationCodeGrant(deps: GrantDeps, auth: AuthenticatedClient, form: Form): Promise<TokenResponse> {
  const { client } = auth;
  const now = deps.clock.now();
  const code = required(form, 'code');
  const consumption = await deps.stores.codes.consume(sha256(code), now);
  if (consumption.status === 'unknown') throw new CimdError('code-invalid', 'The authorization code is unknown or expired');
  const record = consumption.record;
  if (consumption.status === 'reused') {
    // OAuth 2.1 §4.1.3: a code used twice revokes what was issued from it.
    await deps.stores.grants.revoke(record.grantId, now, CODE_REUSED);
    throw new CimdError('code-reused', 'The authorization code was already used; the tokens issued from it are revoked');
  }
  if (record.clientId !== client.clientId)
    throw new CimdError('code-client-mismatch', 'The authorization code was issued to another client');
  const redirectUri = form.get('redirect_uri');
  if (redirectUri !== undefined && redirectUri !== record.redirectUri) {
    throw new CimdError('code-redirect-uri-mismatch', 'redirect_uri differs from the one of the authorization request', {
      property: 'redirect_uri',
    });
  }
  const verifier = form.get('code_verifier');
  if (verifier === undefined)
    throw new CimdError('pkce-verifier-missing', 'code_verifier is required', { property: 'code_verifier' });
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  if (!VERIFIER.test(verifier) || challenge !== record.codeChallenge) {
    throw new CimdError('pkce-verifier-invalid', 'code_verifier does not match the code_challenge', {
      property: 'code_verifier',
    });
  }
  const grant = await activeGrant(deps, record.grantId, now, true);
  if (auth.instanceKeyThumbprint !== undefined) await checkInstanceBinding(deps, grant, auth, now);
  const resources = narrowResources(form, record.resources);
  await admitAudience(deps, auth, resources);
  return issueTokens(
    deps,
    auth,
    {
      grantId: grant.id,
      grantExpiresAt: grant.expiresAt,
      userId: record.userId,
      authTime: record.authTime,
      scope: record.scope,
      resources,
      grantResources: record.resources,
    },
    (r) => deps.stores.refreshTokens.save(r),
  );
}

/** The refresh_token grant with rotation and reuse detection (RFC 6749 §6, OAuth 2.1 §4.3, RFC 9700 §4.14.2). */
export async function refreshTokenGrant(deps: GrantDeps, auth: AuthenticatedClient, form: Form): Promise<TokenResponse> {
  const { client } = auth;
  const now = deps.clock.now();
  const hash = sha256(required(form, 'refresh_token'));
  const current = await deps.stores.refreshTokens.find(hash, now);
  if (current === undefined) throw new CimdError('refresh-token-invalid', 'The refresh token is unknown or expired');
  if (current.clientId !== client.clientId) {
    throw new CimdError('refresh-token-client-mismatch', 'The refresh token was issued to another client');
  }
  if (current.usedAt !== undefined) {
    await deps.stores.grants.revoke(current.grantId, now, 'refresh token reused');
    throw new CimdError('refresh-token-reused', 'The refresh token was already used; the grant is revoked');
  }
  const grant = await activeGrant(deps, current.grantId, now);
  if (grant.instanceKeyThumbprint !== undefined) await checkInstanceBinding(deps, grant, auth, now);
  const askedScope = form.get('scope');
  let scope = current.scope;
  if (askedScope !== undefined) {
    const asked = [...new Set(askedScope.split(' ').filter((s) => s !== ''))];
    const extra = asked.filter((s) => !current.scope.includes(s));
    if (extra.length > 0)
      throw new CimdError('scope-not-granted', `The scope ${extra.join(', ')} was not granted`, { property: 'scope' });
    scope = asked;
  }
  const resources = narrowResources(form, current.resources);
  await admitAudience(deps, auth, resources);
  let reused = false;
  const response = await issueTokens(
    deps,
    auth,
    {
      grantId: grant.id,
      grantExpiresAt: grant.expiresAt,
      userId: current.userId,
      authTime: grant.authTime ?? grant.createdAt,
      scope,
      resources,
      grantResources: current.resources,
    },
    async (next) => {
      const rotation = await deps.stores.refreshTokens.rotate(hash, { ...next, scope: current.scope }, now);
      if (rotation.status !== 'rotated') reused = true;
    },
  );
  if (reused) {
    // A concurrent use won the rotation: this is reuse (RFC 9700 §4.14.2).
    await deps.stores.grants.revoke(current.grantId, now, 'refresh token reused');
    throw new CimdError('refresh-token-reused', 'The refresh token was already used; the grant is revoked');
  }
  return response;
}
