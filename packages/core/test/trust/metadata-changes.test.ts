import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  classifyMetadataChange,
  fingerprintCovers,
  securityFingerprint,
  strictestPolicy,
  type ChangeClass,
  type ChangePolicy,
  type ClientMetadata,
} from '../../src/index.js';

const KEY_A = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
  kid: 'a',
};
const KEY_B = {
  kty: 'EC',
  crv: 'P-256',
  x: 'gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0',
  y: 'SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps',
  kid: 'b',
};

const base: ClientMetadata = {
  client_id: 'https://app.example/c.json',
  client_name: 'Example',
  logo_uri: 'https://app.example/logo.png',
  redirect_uris: ['https://app.example/cb', 'https://app.example/cb2'],
  grant_types: ['authorization_code', 'refresh_token'],
  scope: 'read write',
  token_endpoint_auth_method: 'private_key_jwt',
  jwks: { keys: [KEY_A] },
};

const hash = (text: string): string => createHash('sha256').update(text).digest('base64url').slice(0, 22);
const POLICIES: Record<ChangeClass, ChangePolicy> = {
  cosmetic: 'silent',
  redirect: 're-consent',
  keys: 're-consent',
  privilege: 're-consent',
  registration: 're-consent',
};

describe('metadata change classification (R64, R65)', () => {
  test('R64: equal documents have no change; order in set-valued members and in scope does not matter', () => {
    assert.deepEqual(classifyMetadataChange(base, { ...base }), []);
    const reordered = {
      ...base,
      redirect_uris: ['https://app.example/cb2', 'https://app.example/cb'],
      scope: 'write read',
      grant_types: ['refresh_token', 'authorization_code'],
    };
    assert.deepEqual(classifyMetadataChange(base, reordered), []);
  });

  test('R64: each member lands in its class', () => {
    const classes = (next: Partial<ClientMetadata>) =>
      classifyMetadataChange(base, { ...base, ...next }).map((c) => [c.class, c.members]);
    assert.deepEqual(classes({ client_name: 'Renamed', logo_uri: 'https://app.example/new.png' }), [
      ['cosmetic', ['client_name', 'logo_uri']],
    ]);
    assert.deepEqual(classes({ redirect_uris: ['https://app.example/cb', 'https://evil.example/cb'] }), [
      ['redirect', ['redirect_uris']],
    ]);
    assert.deepEqual(classes({ jwks_uri: 'https://app.example/jwks' }), [['keys', ['jwks_uri']]]);
    assert.deepEqual(classes({ scope: 'read write admin' }), [['privilege', ['scope']]]);
    assert.deepEqual(classes({ token_endpoint_auth_method: 'none' }), [['privilege', ['token_endpoint_auth_method']]]);
    assert.deepEqual(
      classes({ client_name: 'x', redirect_uris: ['https://app.example/other'], grant_types: ['authorization_code'] }).map(
        ([c]) => c,
      ),
      ['cosmetic', 'redirect', 'privilege'],
    );
  });

  test('R65: a key change says how many keys came and went (a rotation adds one and keeps the old one)', () => {
    const [added] = classifyMetadataChange(base, { ...base, jwks: { keys: [KEY_A, KEY_B] } });
    assert.deepEqual(added, { class: 'keys', members: ['jwks'], keysAdded: 1, keysRemoved: 0 });
    const [replaced] = classifyMetadataChange(base, { ...base, jwks: { keys: [KEY_B] } });
    assert.deepEqual(replaced, { class: 'keys', members: ['jwks'], keysAdded: 1, keysRemoved: 1 });
    assert.deepEqual(
      classifyMetadataChange({ ...base, jwks: { keys: [KEY_A, KEY_B] } }, { ...base, jwks: { keys: [KEY_B, KEY_A] } }),
      [],
    );
  });

  test('R64: the strictest policy of the changed classes applies', () => {
    assert.equal(strictestPolicy([], POLICIES), 'silent');
    assert.equal(strictestPolicy(['cosmetic'], POLICIES), 'silent');
    assert.equal(strictestPolicy(['cosmetic', 'redirect'], POLICIES), 're-consent');
    assert.equal(strictestPolicy(['redirect', 'keys'], { ...POLICIES, keys: 'revoke' }), 'revoke');
  });
});

describe('security fingerprints (R64)', () => {
  const fp = (m: ClientMetadata, registration = '') => securityFingerprint(m, hash, registration);

  test('R64: a consent covers the client while no class with a non-silent policy changed', () => {
    const approved = fp(base);
    assert.equal(fingerprintCovers(approved, fp({ ...base, client_name: 'Renamed' }), POLICIES), true, 'cosmetic is silent');
    assert.equal(fingerprintCovers(approved, fp({ ...base, redirect_uris: ['https://app.example/x'] }), POLICIES), false);
    assert.equal(fingerprintCovers(approved, fp({ ...base, jwks: { keys: [KEY_A, KEY_B] } }), POLICIES), false);
    assert.equal(fingerprintCovers(approved, fp({ ...base, scope: 'read' }), POLICIES), false);
    assert.equal(fingerprintCovers(approved, fp(base, 'registrant=Someone Else'), POLICIES), false, 'registration data');
    assert.equal(
      fingerprintCovers(approved, fp({ ...base, client_name: 'Renamed' }), { ...POLICIES, cosmetic: 're-consent' }),
      false,
    );
    assert.equal(
      fingerprintCovers(approved, fp({ ...base, redirect_uris: ['https://app.example/x'] }), { ...POLICIES, redirect: 'silent' }),
      true,
    );
  });

  test('R64: a fingerprint of an older format never covers (the user is asked once more)', () => {
    assert.equal(fingerprintCovers('sha256:abc', fp(base), POLICIES), false);
    assert.equal(fingerprintCovers(fp(base), fp(base), POLICIES), true);
  });
});
