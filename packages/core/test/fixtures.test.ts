import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { evaluateDocument, type EvaluateOptions, type ReasonCode } from '@cimd/core';

/**
 * Realistic documents written for cimd, modelled on the shapes real clients publish
 * (shared/field/implementations.md §2.14): loopback redirects without a port, device_code and
 * jwt-bearer grants, RP Metadata Choices with private_key_jwt, JSON-LD, private-use schemes.
 */
interface Fixture {
  readonly file: string;
  /** The URL the document is fetched from (defaults to its own client_id). */
  readonly url?: string;
  readonly options?: EvaluateOptions;
  readonly accepted: boolean;
  readonly reasons?: readonly ReasonCode[];
  readonly warnings?: readonly ReasonCode[];
  readonly authMethod?: string;
  readonly grantTypes?: readonly string[];
  readonly applicationType?: 'web' | 'native';
}

const FIXTURES: readonly Fixture[] = [
  {
    file: 'cli-loopback-no-port.json',
    accepted: true,
    authMethod: 'none',
    grantTypes: ['authorization_code', 'refresh_token'],
    applicationType: 'native',
    warnings: ['redirect-uri-localhost', 'localhost-only-redirects', 'application-type-inferred'],
  },
  {
    file: 'web-connector-jwt-bearer.json',
    accepted: true,
    authMethod: 'none',
    grantTypes: ['authorization_code', 'refresh_token'],
    applicationType: 'web',
    warnings: ['grant-type-ignored'],
  },
  {
    file: 'editor-device-code-native.json',
    accepted: true,
    authMethod: 'none',
    grantTypes: ['authorization_code', 'refresh_token'],
    applicationType: 'native',
    warnings: ['grant-type-ignored'],
  },
  {
    file: 'chat-private-key-jwt.json',
    accepted: true,
    authMethod: 'private_key_jwt',
    grantTypes: ['authorization_code', 'refresh_token'],
    applicationType: 'web',
  },
  {
    file: 'chat-private-key-jwt.json',
    options: { server: { authMethods: ['none'] } },
    accepted: true,
    authMethod: 'none',
    warnings: ['auth-method-ignored'],
  },
  { file: 'solid-json-ld.json', accepted: true, authMethod: 'none', applicationType: 'web' },
  {
    file: 'native-private-use-scheme.json',
    accepted: true,
    authMethod: 'none',
    applicationType: 'native',
    warnings: ['auth-method-ignored'],
  },
  {
    file: 'native-private-use-scheme.json',
    options: { server: { authMethods: ['attest_jwt_client_auth', 'private_key_jwt', 'none'] } },
    accepted: true,
    authMethod: 'attest_jwt_client_auth',
  },
  {
    file: 'mcp-spec-example.json',
    options: { profile: 'mcp-2025-11-25' },
    accepted: true,
    authMethod: 'none',
    grantTypes: ['authorization_code'],
    applicationType: 'native',
  },
  { file: 'with-secret.json', accepted: false, reasons: ['client-secret-present', 'shared-secret-auth-method'] },
  { file: 'copied-document.json', url: 'https://evil.example/client.json', accepted: false, reasons: ['client-id-mismatch'] },
  { file: 'private-jwk.json', accepted: false, reasons: ['private-key-material'] },
];

function load(file: string): { text: string; clientId: string } {
  const text = readFileSync(new URL(`fixtures/documents/${file}`, import.meta.url), 'utf8');
  return { text, clientId: (JSON.parse(text) as { client_id: string }).client_id };
}

describe('M-G2: realistic documents, judged by the draft-03 rules', () => {
  for (const f of FIXTURES) {
    const label = `${f.file}${f.options ? ` with ${JSON.stringify(f.options)}` : ''}`;
    test(`${f.accepted ? 'accepts' : 'rejects'} ${label}`, () => {
      const { text, clientId } = load(f.file);
      const v = evaluateDocument(f.url ?? clientId, text, f.options);
      assert.equal(v.accepted, f.accepted, JSON.stringify(v.reasons));
      if (f.reasons)
        assert.deepEqual(
          v.reasons.map((r) => r.code),
          f.reasons,
        );
      if (f.authMethod) assert.equal(v.negotiated?.token_endpoint_auth_method, f.authMethod);
      if (f.grantTypes) assert.deepEqual(v.negotiated?.grant_types, f.grantTypes);
      if (f.applicationType) assert.equal(v.negotiated?.application_type, f.applicationType);
      if (f.warnings) {
        for (const w of f.warnings)
          assert.ok(
            v.warnings.some((x) => x.code === w),
            `expected warning ${w}`,
          );
      }
    });
  }

  test('every fixture file is covered by a case', () => {
    const dir = new URL('fixtures/documents/', import.meta.url);
    const files = readdirSync(dir).filter((n) => n.endsWith('.json'));
    for (const file of files)
      assert.ok(
        FIXTURES.some((f) => f.file === file),
        file,
      );
  });
});
