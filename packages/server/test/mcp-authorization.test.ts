/**
 * The authorization server side of the MCP authorization specification (2025-11-25, and the
 * 2026-07-28 changes): what an MCP client and an MCP server rely on. The `iss` parameter on every
 * authorization response (H18) and PKCE are proven in authorize.test.ts; the metadata basics in
 * endpoints.test.ts; this file adds the MCP-specific parts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { authorizeParams, createHarness, PASSWORD, pkce, REDIRECT_URI, type Harness } from './support/harness.js';

const MCP = 'https://mcp.example/mcp';

async function metadataOf(h: Harness): Promise<Record<string, unknown>> {
  return (await (await h.browser().get('/.well-known/oauth-authorization-server')).json()) as Record<string, unknown>;
}

describe('MCP authorization: resource indicators (RFC 8707) and canonical server URIs', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ policy: { authenticateBeforeFetch: false, resources: [MCP] } });
    await h.addUser('alice');
  });
  after(() => h.close());

  async function tokenFor(authorizeResource: string, tokenResource: string | undefined): Promise<Response> {
    const b = h.browser();
    const clientId = h.newClient();
    const { verifier, challenge } = pkce();
    const { location } = await b.authorize(authorizeParams({ client_id: clientId, resource: authorizeResource }, challenge), {
      username: 'alice',
      password: PASSWORD,
    });
    const code = location.searchParams.get('code');
    assert.ok(code !== null, location.href);
    return b.post('/token', {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      ...(tokenResource === undefined ? {} : { resource: tokenResource }),
    });
  }

  test('MCP: upper-case scheme and host variants of a listed resource are accepted, in both requests; aud is the canonical URI', async () => {
    for (const [atAuthorize, atToken] of [
      ['HTTPS://MCP.EXAMPLE/mcp', 'https://Mcp.Example/mcp'],
      ['https://mcp.example/mcp', 'HTTPS://mcp.example/mcp'],
    ] as const) {
      const r = await tokenFor(atAuthorize, atToken);
      assert.equal(r.status, 200, `${atAuthorize} / ${atToken}`);
      const { access_token } = (await r.json()) as { access_token: string };
      assert.equal(decodeJwt(access_token).aud, MCP, 'the audience an MCP server compares against');
    }
  });

  test('MCP: the path is part of the identity: another case in the path, or a trailing slash, is another resource (invalid_target)', async () => {
    for (const other of ['https://mcp.example/MCP', 'https://mcp.example/mcp/']) {
      const b = h.browser();
      const r = await b.get(`/authorize?${authorizeParams({ client_id: h.newClient(), resource: other }).toString()}`);
      const location = new URL(r.headers.get('location') ?? 'about:blank');
      assert.equal(location.searchParams.get('error'), 'invalid_target', other);
    }
  });

  test('MCP: a token request naming a resource outside the grant is invalid_target', async () => {
    const r = await tokenFor(MCP, 'https://api.example/mcp');
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as { error: string }).error, 'invalid_target');
  });

  test('RFC 9728 §4: the metadata lists the protected resources the server issues tokens for', async () => {
    assert.deepEqual((await metadataOf(h))['protected_resources'], [MCP]);
  });
});

describe('MCP 2026-07-28: Dynamic Client Registration is deprecated but available behind a flag', () => {
  test('M-G1: off by default; CIMD and PKCE are always advertised; with the flag on, both registration paths are advertised', async () => {
    const off = await createHarness();
    const on = await createHarness({ policy: { dynamicRegistration: true } });
    try {
      const a = await metadataOf(off);
      const b = await metadataOf(on);
      assert.equal(a['registration_endpoint'], undefined);
      assert.equal(b['registration_endpoint'], 'https://as.example/register');
      for (const m of [a, b]) {
        // MCP clients prefer CIMD when this is true (registration priority: pre-registered, CIMD, DCR).
        assert.equal(m['client_id_metadata_document_supported'], true);
        // MCP clients MUST refuse an AS without PKCE metadata.
        assert.deepEqual(m['code_challenge_methods_supported'], ['S256']);
        // RFC 9207 (MCP 2026-07-28): advertised because every authorization response carries iss (H18).
        assert.equal(m['authorization_response_iss_parameter_supported'], true);
        // A URL-identified client is public unless its document says otherwise: "none" stays offered.
        assert.ok((m['token_endpoint_auth_methods_supported'] as string[]).includes('none'));
      }
    } finally {
      await off.close();
      await on.close();
    }
  });
});
