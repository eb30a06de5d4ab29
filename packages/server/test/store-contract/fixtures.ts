import type { CachedDocument } from '@cimd/core';
import type { AuthorizationCodeRecord } from '../../src/store/codes.js';
import type { ConsentRecord } from '../../src/store/consents.js';
import type { GrantRecord } from '../../src/store/grants.js';
import type { InteractionRecord } from '../../src/store/interactions.js';
import type { SigningKeyRecord } from '../../src/store/keys.js';
import type { RefreshTokenRecord } from '../../src/store/refresh-tokens.js';
import type { SessionRecord } from '../../src/store/sessions.js';
import type { UserRecord } from '../../src/store/users.js';
import { MINUTE, T0 } from './context.js';

/** Records as the endpoints build them; each builder takes the fields a test cares about. */

export const CLIENT = 'https://app.example/oauth/client-metadata.json';
export const OTHER_CLIENT = 'https://other.example/cimd.json';

export function codeRecord(overrides: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord {
  return {
    codeHash: 'code-hash-1',
    grantId: 'grant-1',
    clientId: CLIENT,
    userId: 'user-1',
    redirectUri: 'http://127.0.0.1:49152/callback',
    scope: ['openid', 'mcp:tools'],
    resources: ['https://mcp.example/mcp'],
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    authTime: T0 - MINUTE,
    issuedAt: T0,
    expiresAt: T0 + MINUTE,
    ...overrides,
  };
}

export function refreshRecord(overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    tokenHash: 'refresh-hash-1',
    grantId: 'grant-1',
    clientId: CLIENT,
    userId: 'user-1',
    scope: ['openid', 'offline_access'],
    resources: ['https://mcp.example/mcp'],
    issuedAt: T0,
    expiresAt: T0 + 30 * MINUTE,
    ...overrides,
  };
}

export function grantRecord(overrides: Partial<GrantRecord> = {}): GrantRecord {
  return {
    id: 'grant-1',
    userId: 'user-1',
    clientId: CLIENT,
    scope: ['openid', 'mcp:tools'],
    resources: ['https://mcp.example/mcp'],
    authMethod: 'none',
    createdAt: T0,
    authTime: T0 - 5 * MINUTE,
    expiresAt: T0 + 90 * 24 * 60 * MINUTE,
    ...overrides,
  };
}

export function consentRecord(overrides: Partial<ConsentRecord> = {}): ConsentRecord {
  return {
    userId: 'user-1',
    clientId: CLIENT,
    scope: ['openid', 'mcp:tools'],
    resources: ['https://mcp.example/mcp'],
    fingerprint: 'sha256:6n0Jz2w6rQ5b0w1m1lq7T6m2c9b1Zk0Hq4dC2yQ3x8E',
    grantedAt: T0,
    ...overrides,
  };
}

export function userRecord(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: 'u_7f3a9c',
    username: 'alice',
    passwordHash: '$scrypt$ln=17,r=8,p=1$c2FsdA$aGFzaA',
    createdAt: T0,
    ...overrides,
  };
}

export function keyRecord(overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  return {
    kid: 'key-2026-11',
    alg: 'ES256',
    privateJwk: {
      kty: 'EC',
      crv: 'P-256',
      x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
      y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
      d: 'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI',
    },
    publicJwk: {
      kty: 'EC',
      crv: 'P-256',
      x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
      y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
    },
    createdAt: T0,
    activatesAt: T0 + 60 * MINUTE,
    ...overrides,
  };
}

export function interactionRecord(overrides: Partial<InteractionRecord> = {}): InteractionRecord {
  return {
    id: 'interaction-1',
    params: {
      client_id: CLIENT,
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:49152/callback',
      resource: ['https://mcp.example/mcp', 'https://files.example/mcp'],
      state: 'af0ifjsldkj',
    },
    createdAt: T0,
    expiresAt: T0 + 10 * MINUTE,
    ...overrides,
  };
}

export function sessionRecord(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return { idHash: 'session-hash-1', userId: 'user-1', authTime: T0, expiresAt: T0 + 60 * MINUTE, ...overrides };
}

export function cachedDocument(overrides: Partial<CachedDocument> = {}): CachedDocument {
  return {
    body: JSON.stringify({ client_id: CLIENT, client_name: 'App', redirect_uris: ['http://127.0.0.1/callback'] }),
    digest: 'sha256:qL6t5A0KZcWkJ1pPp0w7pM3gq3QeY0R5n2b3c4d5e6f',
    fetchedAt: T0,
    freshUntil: T0 + 5 * MINUTE,
    staleUntil: T0 + 60 * MINUTE,
    ...overrides,
  };
}
