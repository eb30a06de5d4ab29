import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluateDocument, type EvaluateOptions, type ReasonCode, type Verdict } from '@cimd/core';

const ID = 'https://app.example/oauth/client.json';

function doc(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { client_id: ID, client_name: 'Example App', redirect_uris: ['https://app.example/callback'], ...extra };
}

function evaluate(value: unknown, options: EvaluateOptions = {}, clientId = ID): Verdict {
  return evaluateDocument(clientId, JSON.stringify(value), options);
}

function codes(v: Verdict): ReasonCode[] {
  return v.reasons.map((f) => f.code);
}

function warningCodes(v: Verdict): ReasonCode[] {
  return v.warnings.map((f) => f.code);
}

/** Base64url of a JSON value, for software statements. */
function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('document shape (R14, R15, R16)', () => {
  test('R14: a minimal valid document is accepted and typed', () => {
    const v = evaluate(doc());
    assert.deepEqual(codes(v), []);
    assert.equal(v.accepted, true);
    assert.equal(v.metadata?.client_name, 'Example App');
    assert.deepEqual(v.metadata?.redirect_uris, ['https://app.example/callback']);
  });

  test('R14: the top level must be an object: arrays, strings, numbers and null are rejected', () => {
    for (const value of [[doc()], ID, 42, null, true]) {
      const v = evaluate(value);
      assert.deepEqual(codes(v), ['document-not-object'], JSON.stringify(value));
    }
  });

  test('R15: a document without client_id is rejected', () => {
    const { client_id: _drop, ...rest } = doc();
    assert.deepEqual(codes(evaluate(rest)), ['client-id-missing']);
  });

  test('R15: a client_id that is not a string is rejected', () => {
    assert.deepEqual(codes(evaluate(doc({ client_id: [ID] }))), ['property-type']);
  });

  test('R16: client_id must equal the URL exactly; spelling variants are mismatches', () => {
    for (const other of [
      `${ID}/`,
      'https://app.example:443/oauth/client.json',
      'https://APP.example/oauth/client.json',
      'https://evil.example/oauth/client.json',
      'https://app.example/oauth/client.json?x',
      'https://app.example/oauth/%63lient.json',
    ]) {
      const v = evaluate(doc({ client_id: other }));
      assert.deepEqual(codes(v), ['client-id-mismatch'], other);
      assert.match(v.reasons[0]?.message ?? '', /is not exactly the Client Identifier URL/);
    }
  });

  test('R16: the comparison is against the identifier as written, port included', () => {
    const id = 'https://app.example:443/c.json';
    assert.equal(evaluate(doc({ client_id: id }), {}, id).accepted, true);
  });

  test('H10: unknown members, including JSON-LD @context and tagged unknowns, are ignored', () => {
    const v = evaluate(doc({ '@context': ['https://www.w3.org/ns/solid/oidc-context.jsonld'], x_vendor: { a: 1 }, 'foo#en': 1 }));
    assert.equal(v.accepted, true);
    assert.equal(Object.hasOwn(v.metadata ?? {}, '@context'), false);
  });

  test('R14: known members with the wrong JSON type are rejected, naming the member and the type', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ client_name: 5 }, 'client_name must be a string, not a number'],
      [{ redirect_uris: 'https://app.example/cb' }, 'redirect_uris must be an array of strings, not a string'],
      [
        { redirect_uris: ['https://app.example/cb', 7] },
        'redirect_uris must be an array of strings, not an array with non-string elements',
      ],
      [{ grant_types: null }, 'grant_types must be an array of strings, not null'],
      [{ jwks: [] }, 'jwks must be a JSON object, not an array'],
      [{ dpop_bound_access_tokens: 'true' }, 'dpop_bound_access_tokens must be a boolean, not a string'],
      [{ default_max_age: -1 }, 'default_max_age must be a non-negative number, not a number'],
      [{ 'client_name#fr': {} }, 'client_name#fr must be a string, not an object'],
    ];
    for (const [extra, message] of cases) {
      const v = evaluate(doc(extra));
      assert.deepEqual(codes(v), ['property-type'], JSON.stringify(extra));
      assert.equal(v.reasons[0]?.message, message);
    }
  });

  test('localized members are collected by language tag', () => {
    const v = evaluate(doc({ 'client_name#ja-JP': 'アプリ', 'logo_uri#fr': 'https://app.example/fr.png' }));
    assert.deepEqual(v.metadata?.localized, {
      client_name: { 'ja-JP': 'アプリ' },
      logo_uri: { fr: 'https://app.example/fr.png' },
    });
  });
});

describe('credential restrictions (draft-03 §4.1: R21–R24, H12)', () => {
  test('R21: client_secret and client_secret_expires_at are rejected whatever their value', () => {
    assert.deepEqual(codes(evaluate(doc({ client_secret: 'x' }))), ['client-secret-present']);
    assert.deepEqual(codes(evaluate(doc({ client_secret: null }))), ['client-secret-present']);
    assert.deepEqual(codes(evaluate(doc({ client_secret_expires_at: 0 }))), ['client-secret-present']);
  });

  test('R22: shared-secret methods are rejected in the singular and plural members', () => {
    for (const m of ['client_secret_basic', 'client_secret_post', 'client_secret_jwt']) {
      assert.deepEqual(codes(evaluate(doc({ token_endpoint_auth_method: m }))), ['shared-secret-auth-method'], m);
      assert.deepEqual(
        codes(evaluate(doc({ token_endpoint_auth_methods_supported: ['none', m] }))),
        ['shared-secret-auth-method'],
        m,
      );
    }
  });

  test('R22: shared-secret methods are also rejected for the revocation and introspection endpoints', () => {
    assert.deepEqual(codes(evaluate(doc({ revocation_endpoint_auth_method: 'client_secret_basic' }))), [
      'shared-secret-auth-method',
    ]);
    assert.deepEqual(codes(evaluate(doc({ introspection_endpoint_auth_methods_supported: ['client_secret_post'] }))), [
      'shared-secret-auth-method',
    ]);
  });

  test('R22: an unregistered method whose name mentions a secret is treated as a shared secret', () => {
    assert.deepEqual(codes(evaluate(doc({ token_endpoint_auth_method: 'vendor_secret_hmac' }))), ['shared-secret-auth-method']);
  });

  test('R23: JWKs with private members or symmetric keys are rejected, naming the key', () => {
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth']) {
      const key = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', [member]: 'secret' };
      const v = evaluate(doc({ jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'x' }, key] } }));
      assert.deepEqual(codes(v), ['private-key-material'], member);
      assert.equal(v.reasons[0]?.property, 'jwks.keys[1]');
    }
    assert.deepEqual(codes(evaluate(doc({ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }))), ['private-key-material']);
  });

  test('R23: a jwks that is not a JWK Set is rejected', () => {
    assert.deepEqual(codes(evaluate(doc({ jwks: {} }))), ['jwks-invalid']);
    assert.deepEqual(codes(evaluate(doc({ jwks: { keys: {} } }))), ['jwks-invalid']);
    assert.deepEqual(codes(evaluate(doc({ jwks: { keys: ['x'] } }))), ['jwks-invalid']);
    assert.deepEqual(codes(evaluate(doc({ jwks: { keys: [{ kid: 'no-kty' }] } }))), ['jwks-invalid']);
  });

  test('R23: public keys are accepted', () => {
    const v = evaluate(doc({ jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1', use: 'sig' }] } }));
    assert.equal(v.accepted, true);
    assert.equal(v.metadata?.jwks?.keys[0]?.kid, 'k1');
  });

  test('H12: jwks and jwks_uri together are rejected', () => {
    const v = evaluate(doc({ jwks: { keys: [] }, jwks_uri: 'https://app.example/jwks.json' }));
    assert.deepEqual(codes(v), ['jwks-and-jwks-uri']);
  });

  test('R24, R28: a software_statement whose claims carry a secret, a secret method or a private key is rejected', () => {
    const jwt = (claims: unknown): string => `${b64url({ alg: 'ES256' })}.${b64url(claims)}.c2ln`;
    assert.equal(evaluate(doc({ software_statement: jwt({ software_id: 'x' }) })).accepted, true);
    for (const claims of [
      { client_secret: 'x' },
      { token_endpoint_auth_method: 'client_secret_basic' },
      { jwks: { keys: [{ kty: 'EC', d: 'x' }] } },
    ]) {
      const v = evaluate(doc({ software_statement: jwt(claims) }));
      assert.deepEqual(codes(v), ['software-statement-invalid'], JSON.stringify(claims));
      assert.match(v.reasons[0]?.message ?? '', /^software_statement: /);
    }
  });

  test('R24: a software_statement that is not a JWT with a JSON object payload is rejected', () => {
    for (const ss of ['not-a-jwt', 'a.b', `x.${b64url([1])}.y`, 'x.!!!.y', `x.${b64url('str')}.y`]) {
      assert.deepEqual(codes(evaluate(doc({ software_statement: ss }))), ['software-statement-invalid'], ss);
    }
  });
});

describe('URI-valued members (R72, PR #50)', () => {
  const members = [
    'client_uri',
    'logo_uri',
    'tos_uri',
    'policy_uri',
    'jwks_uri',
    'sector_identifier_uri',
    'initiate_login_uri',
    'backchannel_logout_uri',
    'frontchannel_logout_uri',
  ];

  test('R72: every URI-valued member other than redirect URIs must be an absolute https URL', () => {
    for (const m of members) {
      for (const bad of [
        'http://app.example/x',
        'javascript:alert(1)',
        'data:image/png;base64,AAAA',
        '/relative',
        'HTTPS://app.example/x',
        'https://u:p@app.example/x',
        'https:///x',
        'https://app.example/a b',
      ]) {
        const v = evaluate(doc({ [m]: bad }));
        assert.deepEqual(codes(v), ['uri-not-https'], `${m}=${bad}`);
        assert.equal(v.reasons[0]?.property, m);
      }
      assert.equal(evaluate(doc({ [m]: 'https://app.example/x' })).accepted, true, m);
    }
  });

  test('R72: request_uris entries and localized URI members are held to the same rule', () => {
    const v = evaluate(
      doc({ request_uris: ['https://app.example/r', 'file:///etc/passwd'], 'logo_uri#de': 'http://app.example/de.png' }),
    );
    assert.deepEqual(codes(v), ['uri-not-https', 'uri-not-https']);
    assert.deepEqual(
      v.reasons.map((f) => f.property),
      ['request_uris[1]', 'logo_uri#de'],
    );
  });
});

describe('redirect URIs in the document (draft-03 §4.2, R25, H13)', () => {
  test('R25: unusable redirect URIs are dropped with a warning that names them; usable ones are kept', () => {
    const v = evaluate(
      doc({
        redirect_uris: [
          'https://app.example/cb',
          'javascript:alert(1)',
          'http://app.example/cb',
          'https://app.example/cb#frag',
          '/relative',
          'http://localhost:*/callback',
          'http://127.0.0.1:3000/callback',
          'com.example.app:/oauth2redirect',
          'https://app.example/cb',
        ],
      }),
    );
    assert.equal(v.accepted, true);
    assert.deepEqual(v.metadata?.redirect_uris, [
      'https://app.example/cb',
      'http://127.0.0.1:3000/callback',
      'com.example.app:/oauth2redirect',
    ]);
    assert.deepEqual(warningCodes(v), [
      'redirect-uri-scheme-forbidden',
      'redirect-uri-http-not-loopback',
      'redirect-uri-invalid',
      'redirect-uri-invalid',
      'redirect-uri-invalid',
    ]);
    assert.match(v.warnings[0]?.message ?? '', /"javascript:alert\(1\)".*it is ignored/);
  });

  test('R25: a code-flow client without any usable redirect URI is rejected', () => {
    const { redirect_uris: _r, ...noRedirects } = doc();
    assert.deepEqual(codes(evaluate(noRedirects)), ['redirect-uris-missing']);
    assert.deepEqual(codes(evaluate(doc({ redirect_uris: [] }))), ['redirect-uris-missing']);
    assert.deepEqual(codes(evaluate(doc({ redirect_uris: ['javascript:x'] }))), ['redirect-uris-missing']);
  });

  test('R27: a client using only grants without redirects needs no redirect URIs', () => {
    const { redirect_uris: _r, ...noRedirects } = doc();
    const v = evaluate(
      {
        ...noRedirects,
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: 'https://app.example/jwks',
      },
      { server: { grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'] } },
    );
    assert.deepEqual(codes(v), []);
    assert.deepEqual(v.negotiated?.grant_types, ['client_credentials']);
  });

  test('H13: no application_type with loopback-only redirects is treated as native, with warnings', () => {
    const v = evaluate(doc({ redirect_uris: ['http://127.0.0.1/callback', 'http://localhost/callback'] }));
    assert.equal(v.negotiated?.application_type, 'native');
    assert.deepEqual(warningCodes(v), ['redirect-uri-localhost', 'localhost-only-redirects', 'application-type-inferred']);
  });

  test('H13: an explicit web application_type with native-style redirects is kept, with a warning', () => {
    const v = evaluate(doc({ application_type: 'web', redirect_uris: ['com.example.app:/cb'] }));
    assert.equal(v.negotiated?.application_type, 'web');
    assert.deepEqual(warningCodes(v), ['application-type-web-with-native-redirects']);
  });

  test('H13: a web client with https redirects stays web without warnings', () => {
    const v = evaluate(doc());
    assert.equal(v.negotiated?.application_type, 'web');
    assert.deepEqual(warningCodes(v), []);
  });
});

describe('profiles (R19, M-C3, M-AS5)', () => {
  test('M-AS5: the mcp-2025-11-25 profile requires client_name and redirect_uris', () => {
    const { client_name: _n, ...noName } = doc();
    assert.equal(evaluate(noName).accepted, true, 'draft-03 does not require client_name');
    assert.deepEqual(codes(evaluate(noName, { profile: 'mcp-2025-11-25' })), ['client-name-missing']);
    assert.deepEqual(codes(evaluate(doc({ client_name: '  ' }), { profile: 'mcp-2025-11-25' })), ['client-name-missing']);
    const { redirect_uris: _r, ...noRedirects } = doc();
    const cc = {
      ...noRedirects,
      grant_types: ['client_credentials'],
      jwks_uri: 'https://app.example/j',
      token_endpoint_auth_method: 'private_key_jwt',
    };
    const server = { grantTypes: ['authorization_code', 'client_credentials'] };
    assert.equal(evaluate(cc, { server }).accepted, true);
    assert.deepEqual(codes(evaluate(cc, { server, profile: 'mcp-2025-11-25' })), ['redirect-uris-missing']);
  });
});
