import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PROFILES, evaluateDocument, type EvaluateOptions, type Profile, type ReasonCode, type Verdict } from '@cimd/core';

const ID = 'https://app.example/client.json';
const JWKS_URI = 'https://app.example/jwks.json';

function evaluate(extra: Record<string, unknown>, options: EvaluateOptions = {}): Verdict {
  const document = { client_id: ID, client_name: 'App', redirect_uris: ['https://app.example/cb'], ...extra };
  return evaluateDocument(ID, JSON.stringify(document), options);
}

const codes = (v: Verdict): ReasonCode[] => v.reasons.map((f) => f.code);
const NONE_ONLY = { server: { authMethods: ['none'] } };
const SEP_3149: Profile = { ...PROFILES['draft-03'], rejectNoneWhenAuthenticatedShared: true };

describe('client authentication negotiation (draft-03 §6)', () => {
  test('R42, R43: no auth fields means "none", never the RFC 7591 default client_secret_basic', () => {
    const v = evaluate({});
    assert.equal(v.negotiated?.token_endpoint_auth_method, 'none');
    assert.deepEqual(v.negotiated?.token_endpoint_auth_methods, ['none']);
  });

  test('R44: only the plural member, without RP Metadata Choices support, never defaults to none', () => {
    const v = evaluate(
      { token_endpoint_auth_methods_supported: ['private_key_jwt'], jwks_uri: JWKS_URI },
      { server: { rpMetadataChoices: false } },
    );
    assert.deepEqual(codes(v), ['auth-method-unsupported']);
    assert.equal(v.reasons[0]?.requirement, 'R48');
  });

  test('R44: only the plural member with RP Metadata Choices: the client is held to private_key_jwt', () => {
    const v = evaluate({ token_endpoint_auth_methods_supported: ['private_key_jwt'], jwks_uri: JWKS_URI });
    assert.equal(v.negotiated?.token_endpoint_auth_method, 'private_key_jwt');
    assert.deepEqual(v.negotiated?.token_endpoint_auth_methods, ['private_key_jwt']);
  });

  test('R46: a singular method outside the plural list makes the document invalid', () => {
    const v = evaluate({
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_methods_supported: ['none'],
      jwks_uri: JWKS_URI,
    });
    assert.deepEqual(codes(v), ['auth-method-not-in-supported']);
  });

  test('R47: unsupported listed methods are ignored while one is supported', () => {
    const v = evaluate({ token_endpoint_auth_methods_supported: ['tls_client_auth', 'private_key_jwt'], jwks_uri: JWKS_URI });
    assert.equal(v.accepted, true);
    assert.equal(v.negotiated?.token_endpoint_auth_method, 'private_key_jwt');
    assert.deepEqual(v.negotiated?.ignored.token_endpoint_auth_methods, ['tls_client_auth']);
    assert.ok(v.warnings.some((w) => w.code === 'auth-method-ignored'));
  });

  test('R48, R49: when the server (by policy) supports none of the declared methods, the result is unauthorized_client', () => {
    const v = evaluate({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: JWKS_URI }, NONE_ONLY);
    assert.deepEqual(codes(v), ['auth-method-unsupported']);
    assert.equal(v.accepted, false);
  });

  test('R53 (server without RP Metadata Choices): method none with a plural list and a jwks_uri is public', () => {
    const v = evaluate(
      {
        token_endpoint_auth_method: 'none',
        token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
        jwks_uri: JWKS_URI,
      },
      { server: { rpMetadataChoices: false } },
    );
    assert.equal(v.negotiated?.token_endpoint_auth_method, 'none');
    assert.deepEqual(v.negotiated?.token_endpoint_auth_methods, ['none']);
  });

  test('R53 (server with RP Metadata Choices): the client may use either mutually supported method', () => {
    const v = evaluate({
      token_endpoint_auth_method: 'none',
      token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
      jwks_uri: JWKS_URI,
    });
    assert.equal(v.negotiated?.token_endpoint_auth_method, 'none');
    assert.deepEqual(v.negotiated?.token_endpoint_auth_methods, ['private_key_jwt', 'none']);
  });

  test('R52, SEP-3149 profile option: when an authenticated method is shared, none is refused', () => {
    const v = evaluate(
      { token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'], jwks_uri: JWKS_URI },
      { profile: SEP_3149 },
    );
    assert.equal(v.negotiated?.token_endpoint_auth_method, 'private_key_jwt');
    assert.deepEqual(v.negotiated?.token_endpoint_auth_methods, ['private_key_jwt']);
    const publicOnly = evaluate({ token_endpoint_auth_methods_supported: ['none'] }, { profile: SEP_3149 });
    assert.deepEqual(publicOnly.negotiated?.token_endpoint_auth_methods, ['none']);
  });

  test('a client preferring private_key_jwt (ChatGPT shape) gets private_key_jwt where the server has it', () => {
    const v = evaluate({ token_endpoint_auth_methods_supported: ['private_key_jwt', 'none'], jwks_uri: JWKS_URI });
    assert.equal(v.negotiated?.token_endpoint_auth_method, 'private_key_jwt');
    const publicServer = evaluate(
      { token_endpoint_auth_methods_supported: ['private_key_jwt', 'none'], jwks_uri: JWKS_URI },
      NONE_ONLY,
    );
    assert.equal(publicServer.negotiated?.token_endpoint_auth_method, 'none');
    assert.deepEqual(publicServer.negotiated?.ignored.token_endpoint_auth_methods, ['private_key_jwt']);
  });

  test('H12: private_key_jwt declared as the method without jwks or jwks_uri is rejected', () => {
    const v = evaluate({ token_endpoint_auth_method: 'private_key_jwt' });
    assert.deepEqual(codes(v), ['private-key-jwt-without-keys']);
    assert.equal(v.reasons[0]?.requirement, 'H12');
  });

  test('H12: a key-based method offered only in the plural list without keys is ignored, with a warning', () => {
    const v = evaluate({ token_endpoint_auth_methods_supported: ['private_key_jwt', 'none'] });
    assert.equal(v.negotiated?.token_endpoint_auth_method, 'none');
    assert.ok(v.warnings.some((w) => w.code === 'auth-method-ignored' && /without jwks/.test(w.message)));
    const only = evaluate({ token_endpoint_auth_methods_supported: ['private_key_jwt'] });
    assert.deepEqual(codes(only), ['auth-method-unsupported']);
  });

  test('R41: attestation-based client authentication is not a shared secret and negotiates like any key method', () => {
    const v = evaluate(
      { token_endpoint_auth_method: 'attest_jwt_client_auth', jwks_uri: JWKS_URI },
      { server: { authMethods: ['attest_jwt_client_auth', 'private_key_jwt', 'none'] } },
    );
    assert.equal(v.negotiated?.token_endpoint_auth_method, 'attest_jwt_client_auth');
  });
});

describe('grant and response type negotiation (H11)', () => {
  test('H11: unsupported grants in real documents (device_code, jwt-bearer) are ignored, not fatal', () => {
    const v = evaluate({
      grant_types: [
        'authorization_code',
        'refresh_token',
        'urn:ietf:params:oauth:grant-type:device_code',
        'urn:ietf:params:oauth:grant-type:jwt-bearer',
      ],
    });
    assert.equal(v.accepted, true);
    assert.deepEqual(v.negotiated?.grant_types, ['authorization_code', 'refresh_token']);
    assert.deepEqual(v.negotiated?.ignored.grant_types, [
      'urn:ietf:params:oauth:grant-type:device_code',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
    ]);
  });

  test('H11: omitted grant_types and response_types default to authorization_code and code (RFC 7591 §2)', () => {
    const v = evaluate({});
    assert.deepEqual(v.negotiated?.grant_types, ['authorization_code']);
    assert.deepEqual(v.negotiated?.response_types, ['code']);
  });

  test('H11: rejected only when no grant that can start a session remains', () => {
    assert.deepEqual(codes(evaluate({ grant_types: ['urn:ietf:params:oauth:grant-type:device_code'] })), [
      'grant-type-unsupported',
    ]);
    assert.deepEqual(codes(evaluate({ grant_types: ['refresh_token'] })), ['grant-type-unsupported']);
    assert.deepEqual(codes(evaluate({ grant_types: ['implicit'] })), ['grant-type-unsupported']);
  });

  test('H11: extra response types are ignored; a code client without "code" is rejected', () => {
    const v = evaluate({ response_types: ['code', 'code id_token', 'token'] });
    assert.deepEqual(v.negotiated?.response_types, ['code']);
    assert.deepEqual(v.negotiated?.ignored.response_types, ['code id_token', 'token']);
    assert.deepEqual(codes(evaluate({ response_types: ['token'] })), ['response-type-unsupported']);
  });

  test('H11: duplicated values are counted once', () => {
    const v = evaluate({ grant_types: ['authorization_code', 'authorization_code'], response_types: ['code', 'code'] });
    assert.deepEqual(v.negotiated?.grant_types, ['authorization_code']);
    assert.deepEqual(v.negotiated?.response_types, ['code']);
  });
});
