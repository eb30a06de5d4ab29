import type { CachedDocument } from '@cimd/core';
import type { AuthorizationCodeRecord } from '../codes.js';
import type { ConsentRecord } from '../consents.js';
import type { GrantRecord } from '../grants.js';
import type { InteractionRecord } from '../interactions.js';
import type { SigningKeyRecord } from '../keys.js';
import type { RefreshTokenRecord } from '../refresh-tokens.js';
import type { SessionRecord } from '../sessions.js';
import type { UserRecord } from '../users.js';

/**
 * The rows of the SQL stores (SQLite and PostgreSQL share one table layout, see
 * sqlite/migrations.ts and postgres/migrations.ts) and their conversion to and from records:
 * timestamps are integer milliseconds, arrays and objects are JSON text, optional values NULL,
 * flags a 0/1 integer. Column names are the keys of each row type, in table order.
 */

/** Arrays and objects are kept as JSON text. */
export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

/** A JSON array of strings read back from a column; anything else means the row was damaged. */
export function parseStringArray(text: string, column: string): string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new Error(`Column ${column} does not hold a JSON array of strings`);
  }
  return value;
}

/** A JSON object read back from a column; anything else means the row was damaged. */
export function parseObject(text: string, column: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`Column ${column} does not hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

export interface CodeRow {
  code_hash: string;
  grant_id: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  scope: string;
  resources: string;
  code_challenge: string;
  auth_time: number;
  issued_at: number;
  expires_at: number;
  used_at: number | null;
}

export const CODE_COLUMNS =
  'code_hash, grant_id, client_id, user_id, redirect_uri, scope, resources, code_challenge, auth_time, issued_at, expires_at, used_at';

export function codeToRow(record: AuthorizationCodeRecord): CodeRow {
  return {
    code_hash: record.codeHash,
    grant_id: record.grantId,
    client_id: record.clientId,
    user_id: record.userId,
    redirect_uri: record.redirectUri,
    scope: toJson(record.scope),
    resources: toJson(record.resources),
    code_challenge: record.codeChallenge,
    auth_time: record.authTime,
    issued_at: record.issuedAt,
    expires_at: record.expiresAt,
    used_at: null,
  };
}

export function codeFromRow(row: CodeRow): AuthorizationCodeRecord {
  return {
    codeHash: row.code_hash,
    grantId: row.grant_id,
    clientId: row.client_id,
    userId: row.user_id,
    redirectUri: row.redirect_uri,
    scope: parseStringArray(row.scope, 'authorization_codes.scope'),
    resources: parseStringArray(row.resources, 'authorization_codes.resources'),
    codeChallenge: row.code_challenge,
    authTime: row.auth_time,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
  };
}

export interface RefreshTokenRow {
  token_hash: string;
  grant_id: string;
  client_id: string;
  user_id: string;
  scope: string;
  resources: string;
  issued_at: number;
  expires_at: number;
  used_at: number | null;
}

export const REFRESH_TOKEN_COLUMNS = 'token_hash, grant_id, client_id, user_id, scope, resources, issued_at, expires_at, used_at';

export function refreshTokenToRow(record: RefreshTokenRecord): RefreshTokenRow {
  return {
    token_hash: record.tokenHash,
    grant_id: record.grantId,
    client_id: record.clientId,
    user_id: record.userId,
    scope: toJson(record.scope),
    resources: toJson(record.resources),
    issued_at: record.issuedAt,
    expires_at: record.expiresAt,
    used_at: record.usedAt ?? null,
  };
}

export function refreshTokenFromRow(row: RefreshTokenRow): RefreshTokenRecord {
  return {
    tokenHash: row.token_hash,
    grantId: row.grant_id,
    clientId: row.client_id,
    userId: row.user_id,
    scope: parseStringArray(row.scope, 'refresh_tokens.scope'),
    resources: parseStringArray(row.resources, 'refresh_tokens.resources'),
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
    ...(row.used_at === null ? {} : { usedAt: row.used_at }),
  };
}

export interface GrantRow {
  id: string;
  user_id: string;
  client_id: string;
  scope: string;
  resources: string;
  auth_method: string;
  instance_key_thumbprint: string | null;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  revoked_reason: string | null;
  auth_time: number | null;
}

export const GRANT_COLUMNS =
  'id, user_id, client_id, scope, resources, auth_method, instance_key_thumbprint, created_at, expires_at, revoked_at, revoked_reason, auth_time';

export function grantToRow(grant: GrantRecord): GrantRow {
  return {
    id: grant.id,
    user_id: grant.userId,
    client_id: grant.clientId,
    scope: toJson(grant.scope),
    resources: toJson(grant.resources),
    auth_method: grant.authMethod,
    instance_key_thumbprint: grant.instanceKeyThumbprint ?? null,
    created_at: grant.createdAt,
    expires_at: grant.expiresAt,
    revoked_at: grant.revokedAt ?? null,
    revoked_reason: grant.revokedReason ?? null,
    auth_time: grant.authTime ?? null,
  };
}

export function grantFromRow(row: GrantRow): GrantRecord {
  return {
    id: row.id,
    userId: row.user_id,
    clientId: row.client_id,
    scope: parseStringArray(row.scope, 'grants.scope'),
    resources: parseStringArray(row.resources, 'grants.resources'),
    authMethod: row.auth_method,
    ...(row.instance_key_thumbprint === null ? {} : { instanceKeyThumbprint: row.instance_key_thumbprint }),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
    ...(row.revoked_reason === null ? {} : { revokedReason: row.revoked_reason }),
    ...(row.auth_time === null ? {} : { authTime: row.auth_time }),
  };
}

export interface ConsentRow {
  user_id: string;
  client_id: string;
  scope: string;
  resources: string;
  fingerprint: string;
  granted_at: number;
}

export const CONSENT_COLUMNS = 'user_id, client_id, scope, resources, fingerprint, granted_at';

export function consentToRow(record: ConsentRecord): ConsentRow {
  return {
    user_id: record.userId,
    client_id: record.clientId,
    scope: toJson(record.scope),
    resources: toJson(record.resources),
    fingerprint: record.fingerprint,
    granted_at: record.grantedAt,
  };
}

export function consentFromRow(row: ConsentRow): ConsentRecord {
  return {
    userId: row.user_id,
    clientId: row.client_id,
    scope: parseStringArray(row.scope, 'consents.scope'),
    resources: parseStringArray(row.resources, 'consents.resources'),
    fingerprint: row.fingerprint,
    grantedAt: row.granted_at,
  };
}

export interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  created_at: number;
  disabled: 0 | 1 | null;
}

export const USER_COLUMNS = 'id, username, password_hash, created_at, disabled';

export function userToRow(user: UserRecord): UserRow {
  return {
    id: user.id,
    username: user.username,
    password_hash: user.passwordHash,
    created_at: user.createdAt,
    disabled: user.disabled === undefined ? null : user.disabled ? 1 : 0,
  };
}

export function userFromRow(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    ...(row.disabled === null ? {} : { disabled: row.disabled === 1 }),
  };
}

export interface KeyRow {
  kid: string;
  alg: string;
  private_jwk: string;
  public_jwk: string;
  created_at: number;
  activates_at: number;
  retires_at: number | null;
  expires_at: number | null;
}

export const KEY_COLUMNS = 'kid, alg, private_jwk, public_jwk, created_at, activates_at, retires_at, expires_at';

export function keyToRow(record: SigningKeyRecord): KeyRow {
  return {
    kid: record.kid,
    alg: record.alg,
    private_jwk: toJson(record.privateJwk),
    public_jwk: toJson(record.publicJwk),
    created_at: record.createdAt,
    activates_at: record.activatesAt,
    retires_at: record.retiresAt ?? null,
    expires_at: record.expiresAt ?? null,
  };
}

export function keyFromRow(row: KeyRow): SigningKeyRecord {
  return {
    kid: row.kid,
    alg: row.alg,
    privateJwk: parseObject(row.private_jwk, 'signing_keys.private_jwk'),
    publicJwk: parseObject(row.public_jwk, 'signing_keys.public_jwk'),
    createdAt: row.created_at,
    activatesAt: row.activates_at,
    ...(row.retires_at === null ? {} : { retiresAt: row.retires_at }),
    ...(row.expires_at === null ? {} : { expiresAt: row.expires_at }),
  };
}

export interface InteractionRow {
  id: string;
  params: string;
  created_at: number;
  expires_at: number;
  user_id: string | null;
  auth_time: number | null;
}

export const INTERACTION_COLUMNS = 'id, params, created_at, expires_at, user_id, auth_time';

export function interactionToRow(record: InteractionRecord): InteractionRow {
  return {
    id: record.id,
    params: toJson(record.params),
    created_at: record.createdAt,
    expires_at: record.expiresAt,
    user_id: record.userId ?? null,
    auth_time: record.authTime ?? null,
  };
}

function toParams(text: string): InteractionRecord['params'] {
  const params = parseObject(text, 'interactions.params');
  for (const value of Object.values(params)) {
    const ok = typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
    if (!ok) throw new Error('Column interactions.params holds a value that is neither a string nor strings');
  }
  return params as InteractionRecord['params'];
}

export function interactionFromRow(row: InteractionRow): InteractionRecord {
  return {
    id: row.id,
    params: toParams(row.params),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    ...(row.user_id === null ? {} : { userId: row.user_id }),
    ...(row.auth_time === null ? {} : { authTime: row.auth_time }),
  };
}

export interface SessionRow {
  id_hash: string;
  user_id: string;
  auth_time: number;
  expires_at: number;
}

export const SESSION_COLUMNS = 'id_hash, user_id, auth_time, expires_at';

export function sessionToRow(record: SessionRecord): SessionRow {
  return { id_hash: record.idHash, user_id: record.userId, auth_time: record.authTime, expires_at: record.expiresAt };
}

export function sessionFromRow(row: SessionRow): SessionRecord {
  return { idHash: row.id_hash, userId: row.user_id, authTime: row.auth_time, expiresAt: row.expires_at };
}

export interface DocumentRow {
  client_id: string;
  body: string;
  digest: string;
  fetched_at: number;
  fresh_until: number;
  stale_until: number;
  etag: string | null;
  last_modified: string | null;
}

export const DOCUMENT_COLUMNS = 'client_id, body, digest, fetched_at, fresh_until, stale_until, etag, last_modified';

export function documentToRow(clientId: string, entry: CachedDocument): DocumentRow {
  return {
    client_id: clientId,
    body: entry.body,
    digest: entry.digest,
    fetched_at: entry.fetchedAt,
    fresh_until: entry.freshUntil,
    stale_until: entry.staleUntil,
    etag: entry.etag ?? null,
    last_modified: entry.lastModified ?? null,
  };
}

export function documentFromRow(row: DocumentRow): CachedDocument {
  return {
    body: row.body,
    digest: row.digest,
    fetchedAt: row.fetched_at,
    freshUntil: row.fresh_until,
    staleUntil: row.stale_until,
    ...(row.etag === null ? {} : { etag: row.etag }),
    ...(row.last_modified === null ? {} : { lastModified: row.last_modified }),
  };
}
