import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isCimdError } from '@cimd/core';
import { createProtectedResource, metadataLocations, type ProtectedResourceOptions } from '../src/index.js';

const AS = 'https://as.example.com';

describe('RFC 9728 protected resource metadata', () => {
  const cases: Array<[string, string, string]> = [
    ['https://mcp.example.com/mcp', 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp', 'a path'],
    [
      'https://mcp.example.com/tenants/a/mcp',
      'https://mcp.example.com/.well-known/oauth-protected-resource/tenants/a/mcp',
      'a longer path',
    ],
    ['https://mcp.example.com', 'https://mcp.example.com/.well-known/oauth-protected-resource', 'no path'],
    ['https://mcp.example.com/', 'https://mcp.example.com/.well-known/oauth-protected-resource', 'the terminating "/" removed'],
    [
      'https://mcp.example.com:8443/mcp?t=1',
      'https://mcp.example.com:8443/.well-known/oauth-protected-resource/mcp?t=1',
      'a port and a query',
    ],
  ];
  for (const [resource, expected, what] of cases) {
    test(`RFC 9728 §3.1: the well-known suffix goes between host and path (${what})`, () => {
      assert.equal(metadataLocations(resource).pathInserted, expected);
      assert.equal(metadataLocations(resource).root, `${new URL(resource).origin}/.well-known/oauth-protected-resource`);
    });
  }

  test('RFC 9728 §2, §3.3: resource is the canonical identifier; authorization_servers, scopes_supported, bearer_methods_supported ["header"]', () => {
    const r = createProtectedResource({
      resource: 'HTTPS://MCP.Example.COM/mcp',
      authorizationServer: AS,
      scopesSupported: ['mcp:tools', 'profile'],
      requiredScopes: ['mcp:tools'],
    });
    assert.equal(r.resource, 'https://mcp.example.com/mcp', 'scheme and host lower-cased, the path kept');
    assert.deepEqual(r.metadata, {
      resource: 'https://mcp.example.com/mcp',
      authorization_servers: [AS],
      scopes_supported: ['mcp:tools', 'profile'],
      bearer_methods_supported: ['header'],
    });
    const documented = createProtectedResource({
      resource: 'https://mcp.example.com/mcp',
      authorizationServer: AS,
      resourceName: 'Example MCP',
      resourceDocumentation: 'https://mcp.example.com/docs',
    });
    assert.equal(documented.metadata.resource_name, 'Example MCP');
    assert.equal(documented.metadata.resource_documentation, 'https://mcp.example.com/docs');
    assert.equal('scopes_supported' in documented.metadata, false, 'no scopes: the member is left out');
  });

  test('MCP PRM discovery: the document is served at the path-inserted and the root well-known URIs, identical', async () => {
    const r = createProtectedResource({
      resource: 'https://mcp.example.com/mcp',
      authorizationServer: AS,
      requiredScopes: ['mcp:tools'],
    });
    const bodies: unknown[] = [];
    for (const url of [r.metadataLocations.pathInserted, r.metadataLocations.root]) {
      const result = await r.handle(new Request(url));
      assert.equal(result.kind, 'respond');
      if (result.kind !== 'respond') continue;
      assert.equal(result.error, undefined);
      assert.equal(result.response.status, 200);
      assert.equal(result.response.headers.get('content-type'), 'application/json');
      assert.equal(result.response.headers.get('access-control-allow-origin'), '*');
      bodies.push(await result.response.json());
    }
    assert.deepEqual(bodies[0], r.metadata);
    assert.deepEqual(bodies[1], r.metadata);
  });

  test('metadata requests need no token; HEAD has no body, OPTIONS is a CORS preflight, POST is 405', async () => {
    const r = createProtectedResource({ resource: 'https://mcp.example.com/mcp', authorizationServer: AS });
    const url = r.metadataLocations.pathInserted;
    const statusOf = async (method: string): Promise<Response> => {
      const result = await r.handle(new Request(url, { method }));
      assert.equal(result.kind, 'respond');
      return result.kind === 'respond' ? result.response : new Response(null, { status: 599 });
    };
    const head = await statusOf('HEAD');
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    const options = await statusOf('OPTIONS');
    assert.equal(options.status, 204);
    assert.match(options.headers.get('access-control-allow-methods') ?? '', /GET/);
    const post = await statusOf('POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD, OPTIONS');
  });

  test('other paths, and look-alikes of the well-known paths, are protected', async () => {
    const r = createProtectedResource({ resource: 'https://mcp.example.com/mcp', authorizationServer: AS });
    for (const path of ['/mcp', '/.well-known/oauth-protected-resource/other', '/.well-known/oauth-protected-resourcex', '/']) {
      const result = await r.handle(new Request(`https://mcp.example.com${path}`));
      assert.equal(result.kind === 'respond' ? result.response.status : 200, 401, path);
    }
  });
});

describe('options are checked at creation (config-invalid, every problem named)', () => {
  const base: ProtectedResourceOptions = { resource: 'https://mcp.example.com/mcp', authorizationServer: AS };
  const refused: Array<[string, Partial<ProtectedResourceOptions>, RegExp]> = [
    ['an http resource off loopback', { resource: 'http://mcp.example.com/mcp' }, /resource .* must use https/],
    ['a resource with a fragment', { resource: 'https://mcp.example.com/mcp#x' }, /must not have a fragment/],
    ['a resource with userinfo', { resource: 'https://u@mcp.example.com/mcp' }, /must not have userinfo/],
    ['a relative resource', { resource: '/mcp' }, /not an absolute URL/],
    ['an issuer with a trailing slash', { authorizationServer: `${AS}/` }, /trailing "\/"/],
    ['an http issuer off loopback', { authorizationServer: 'http://as.example.com' }, /authorizationServer .* must use https/],
    ['a scope with a space', { scopesSupported: ['a b'] }, /not a valid scope token/],
    ['a required scope not published', { scopesSupported: ['a'], requiredScopes: ['b'] }, /missing from scopesSupported/],
    ['a symmetric algorithm', { algorithms: ['HS256'] }, /not an asymmetric/],
    ['alg none', { algorithms: ['none'] }, /not an asymmetric/],
    ['a negative clock tolerance', { clockToleranceS: -1 }, /clockToleranceS/],
  ];
  for (const [what, overrides, message] of refused) {
    test(`refuses ${what}`, () => {
      assert.throws(
        () => createProtectedResource({ ...base, ...overrides }),
        (e) => isCimdError(e) && e.code === 'config-invalid' && message.test(e.message),
      );
    });
  }

  test('http on loopback is allowed for development (127.0.0.0/8, [::1], localhost)', () => {
    for (const resource of ['http://127.0.0.1:3000/mcp', 'http://[::1]:3000/mcp', 'http://localhost:3000/mcp']) {
      assert.equal(createProtectedResource({ resource, authorizationServer: 'http://127.0.0.1:8080' }).resource, resource);
    }
  });
});
