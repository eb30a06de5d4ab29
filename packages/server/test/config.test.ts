import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isCimdError } from '@cimd/core';
import { loadConfig } from '../src/cli/load-config.js';
import { configProblems, mergeConfig, type ConfigInput } from '../src/config.js';

function problems(input: ConfigInput): string[] {
  return configProblems(mergeConfig(input), [input]);
}

describe('configuration validation', () => {
  test('the defaults are valid', () => {
    assert.deepEqual(problems({}), []);
  });

  const cases: Array<[string, ConfigInput, RegExp]> = [
    ['an unknown group', { nope: {} } as unknown as ConfigInput, /unknown group "nope"/],
    ['an unknown member', { server: { prot: 1 } } as unknown as ConfigInput, /unknown member "server\.prot"/],
    ['an http issuer off loopback', { server: { issuer: 'http://as.example' } }, /must be https/],
    ['an issuer with a query', { server: { issuer: 'https://as.example?x=1' } }, /no query or fragment/],
    ['an issuer with a trailing slash', { server: { issuer: 'https://as.example/' } }, /must not end with "\/"/],
    ['a bad mode', { server: { mode: 'staging' as 'production' } }, /server\.mode/],
    ['a code lifetime over 10 minutes', { limits: { codeTtlS: 601 } }, /codeTtlS must be at most 600/],
    ['a zero limit', { limits: { accessTokenTtlS: 0 } }, /accessTokenTtlS must be a positive whole number/],
    ['an unknown profile', { policy: { profile: 'draft-99' as 'draft-03' } }, /profile "draft-99" is unknown/],
    ['a scope with a space', { policy: { scopes: [{ name: 'a b', description: 'x' }] } }, /not a valid scope token/],
    [
      'a resource with a fragment',
      { policy: { resources: ['https://api.example/#x'] } },
      /not an absolute URI without a fragment/,
    ],
    ['a shared-secret auth method', { policy: { authMethods: ['client_secret_basic'] } }, /not supported/],
    ['R70: development fetch options in production', { fetch: { allowLoopback: true } }, /exist only in development mode/],
    [
      'R70: development mode off loopback',
      { server: { mode: 'development', host: '0.0.0.0' }, fetch: { resolve: { 'a.test': '127.0.0.1' } } },
      /need the server bound to loopback/,
    ],
    ['an unknown store', { stores: { url: 'mysql://x' } }, /stores\.url/],
    [
      'a short resource server secret',
      { clients: { static: [], resourceServers: [{ id: 'api', secret: 'short' }] } },
      /at least 16 characters/,
    ],
    [
      'a duplicate static client',
      {
        clients: {
          static: [
            { client_id: 'a', redirect_uris: ['https://a.example/cb'] },
            { client_id: 'a', redirect_uris: ['https://a.example/cb'] },
          ],
          resourceServers: [],
        },
      },
      /appears twice/,
    ],
    [
      'regression: a static client with a plain-http redirect URI off loopback',
      { clients: { static: [{ client_id: 'a', redirect_uris: ['http://a.example/cb'] }], resourceServers: [] } },
      /clients\.static "a": redirect URI "http:\/\/a\.example\/cb"/,
    ],
    [
      'regression: a static client declaring an authenticated method (it has no keys to authenticate with)',
      {
        clients: {
          static: [{ client_id: 'a', redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'private_key_jwt' }],
          resourceServers: [],
        },
      },
      /clients\.static "a": token_endpoint_auth_method must be "none"/,
    ],
  ];
  for (const [name, input, message] of cases) {
    test(`refuses ${name}, naming the member`, () => {
      const found = problems(input);
      assert.ok(
        found.some((p) => message.test(p)),
        found.join('\n'),
      );
    });
  }
});

describe('loading the configuration', () => {
  test('defaults < file < environment < flags; the issuer follows host and port unless set', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cimd-config-'));
    const file = join(dir, 'cimd.json');
    await writeFile(file, JSON.stringify({ server: { port: 9000 }, limits: { accessTokenTtlS: 300 } }));
    const a = await loadConfig(file, {}, {});
    assert.equal(a.server.port, 9000);
    assert.equal(a.server.issuer, 'http://127.0.0.1:9000');
    assert.equal(a.limits.accessTokenTtlS, 300);
    const b = await loadConfig(file, { CIMD_PORT: '9100' }, {});
    assert.equal(b.server.port, 9100);
    const c = await loadConfig(file, { CIMD_PORT: '9100' }, { server: { port: 9200 } });
    assert.equal(c.server.issuer, 'http://127.0.0.1:9200');
    const d = await loadConfig(file, { CIMD_ISSUER: 'https://login.example' }, {});
    assert.equal(d.server.issuer, 'https://login.example');
    await rm(dir, { recursive: true });
  });

  test('a broken file and an invalid configuration fail with config-invalid and every problem listed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cimd-config-'));
    const file = join(dir, 'cimd.json');
    await writeFile(file, '{ not json');
    await assert.rejects(
      loadConfig(file, {}, {}),
      (e) => isCimdError(e) && e.code === 'config-invalid' && /not valid JSON/.test(e.message),
    );
    await assert.rejects(loadConfig(join(dir, 'missing.json'), {}, {}), (e) => isCimdError(e) && /Cannot read/.test(e.message));
    await writeFile(file, JSON.stringify({ limits: { codeTtlS: 9999, accessTokenTtlS: -1 } }));
    await assert.rejects(
      loadConfig(file, {}, {}),
      (e) => isCimdError(e) && /codeTtlS/.test(e.message) && /accessTokenTtlS/.test(e.message),
    );
    await rm(dir, { recursive: true });
  });
});
