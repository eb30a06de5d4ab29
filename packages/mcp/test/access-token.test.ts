/**
 * Bearer verification through the framework-neutral core: real ES256 tokens, and the
 * authorization server's metadata and JWKS over real HTTP on a loopback socket.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { UnsecuredJWT } from 'jose';
import { createProtectedResource, DISCOVERY_RETRY_MS, type GuardResult, type ProtectedResource } from '../src/index.js';
import { ManualClock } from '../../core/test/support/manual-clock.js';
import { startTokenIssuer, type TokenIssuer } from './support/token-issuer.js';

const RESOURCE = 'https://mcp.example.com/mcp';
const METADATA_URL = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';

function withToken(token: string, path = '/mcp', extra: Record<string, string> = {}): Request {
  return new Request(`https://mcp.example.com${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...extra },
  });
}

function refusal(result: GuardResult): { status: number; challenge: string; code: string } {
  assert.equal(result.kind, 'respond', 'the request was expected to be refused');
  if (result.kind !== 'respond') throw new Error('unreachable');
  return {
    status: result.response.status,
    challenge: result.response.headers.get('www-authenticate') ?? '',
    code: result.error?.code ?? '',
  };
}

function authorized(result: GuardResult) {
  if (result.kind !== 'authorized') {
    assert.fail(`expected authorized, got ${result.response.status} ${result.error?.message ?? ''}`);
  }
  return result.token;
}

describe('bearer verification (RFC 6750, RFC 9068, MCP: token audience validation)', () => {
  let as: TokenIssuer;
  let clock: ManualClock;
  let guard: ProtectedResource;
  before(async () => {
    as = await startTokenIssuer();
    clock = new ManualClock(Date.now());
    guard = createProtectedResource({
      resource: RESOURCE,
      authorizationServer: as.issuer,
      scopesSupported: ['mcp:tools', 'mcp:admin', 'profile'],
      requiredScopes: ['mcp:tools'],
      clock,
    });
  });
  after(() => as.close());

  test('RFC 9068: a token of the authorization server for this resource is accepted, and says who and what', async () => {
    const token = await as.mint(RESOURCE, clock.now(), { claims: { scope: 'mcp:tools profile' } });
    const verified = authorized(await guard.handle(withToken(token)));
    assert.equal(verified.subject, 'u_alice');
    assert.equal(verified.clientId, 'https://client.example/oauth/client.json');
    assert.deepEqual(verified.scopes, ['mcp:tools', 'profile']);
    assert.deepEqual(verified.audience, [RESOURCE]);
    assert.equal(verified.issuer, as.issuer);
    assert.equal(verified.token, token);
    assert.equal(verified.expiresAt, Math.floor(clock.now() / 1000) + 600);
  });

  test('the AS metadata and JWKS are fetched once for many tokens (jose caches the key set)', async () => {
    const before = { metadata: as.hits.get('/.well-known/oauth-authorization-server') ?? 0, jwks: as.hits.get('/jwks') ?? 0 };
    for (let i = 0; i < 20; i++) {
      authorized(await guard.handle(withToken(await as.mint(RESOURCE, clock.now()))));
    }
    assert.equal(as.hits.get('/.well-known/oauth-authorization-server'), Math.max(before.metadata, 1));
    assert.equal(as.hits.get('/jwks'), Math.max(before.jwks, 1));
  });

  test('MCP no token passthrough: a token minted for another resource is 401 invalid_token', async () => {
    const token = await as.mint('https://other.example.com/mcp', clock.now());
    const r = refusal(await guard.handle(withToken(token)));
    assert.equal(r.status, 401);
    assert.equal(r.code, 'access-token-audience-mismatch');
    assert.match(
      r.challenge,
      /^Bearer error="invalid_token", error_description="[^"]+", scope="mcp:tools", resource_metadata="https:\/\/mcp\.example\.com\/\.well-known\/oauth-protected-resource\/mcp"$/,
    );
  });

  test('MCP canonical URI: aud must be the canonical form; an upper-case variant or a trailing slash is another audience', async () => {
    for (const aud of [
      'https://MCP.example.com/mcp',
      'HTTPS://mcp.example.com/mcp',
      'https://mcp.example.com/mcp/',
      'https://mcp.example.com/MCP',
    ]) {
      const r = refusal(await guard.handle(withToken(await as.mint(aud, clock.now()))));
      assert.equal(r.code, 'access-token-audience-mismatch', aud);
    }
  });

  test('RFC 9068 §4: several audiences including this resource are accepted', async () => {
    const token = await as.mint(['https://other.example.com/mcp', RESOURCE], clock.now());
    assert.deepEqual(authorized(await guard.handle(withToken(token))).audience, ['https://other.example.com/mcp', RESOURCE]);
  });

  test('RFC 9068 §4: iss must be the configured issuer exactly', async () => {
    for (const iss of ['https://evil.example', `${as.issuer}/`, as.issuer.toUpperCase()]) {
      const r = refusal(await guard.handle(withToken(await as.mint(RESOURCE, clock.now(), { claims: { iss } }))));
      assert.equal(r.status, 401);
      assert.equal(r.code, 'access-token-issuer-mismatch', iss);
    }
  });

  test('RFC 9068 §4: typ must be at+jwt (an ID token or another JWT of the AS is not an access token)', async () => {
    for (const typ of ['JWT', undefined, 'dpop+jwt']) {
      const r = refusal(await guard.handle(withToken(await as.mint(RESOURCE, clock.now(), { header: { typ } }))));
      assert.equal(r.code, 'access-token-invalid', String(typ));
      assert.match(r.challenge, /error="invalid_token"/);
    }
    authorized(await guard.handle(withToken(await as.mint(RESOURCE, clock.now(), { header: { typ: 'application/at+jwt' } }))));
  });

  test('expiry: an expired token is 401 invalid_token; exp is read against the injected clock', async () => {
    const token = await as.mint(RESOURCE, clock.now());
    authorized(await guard.handle(withToken(token)));
    clock.advance(601_000);
    try {
      const r = refusal(await guard.handle(withToken(token)));
      assert.equal(r.status, 401);
      assert.equal(r.code, 'access-token-expired');
      assert.match(r.challenge, /^Bearer error="invalid_token", error_description="The access token has expired"/);
    } finally {
      clock.advance(-601_000);
    }
  });

  test('a token not valid yet (nbf in the future) is refused', async () => {
    const nbf = Math.floor(clock.now() / 1000) + 120;
    const r = refusal(await guard.handle(withToken(await as.mint(RESOURCE, clock.now(), { claims: { nbf } }))));
    assert.equal(r.code, 'access-token-invalid');
  });

  test('RFC 9068 §2.2: a token without exp, iat, jti, sub or client_id is refused', async () => {
    for (const claim of ['exp', 'iat', 'jti', 'sub', 'client_id']) {
      const r = refusal(await guard.handle(withToken(await as.mint(RESOURCE, clock.now(), { claims: { [claim]: undefined } }))));
      assert.equal(r.code, 'access-token-invalid', claim);
    }
    const r = refusal(await guard.handle(withToken(await as.mint(RESOURCE, clock.now(), { claims: { scope: ['mcp:tools'] } }))));
    assert.equal(r.code, 'access-token-invalid', 'a scope that is not a string');
  });

  test('signatures: a key the AS does not publish, alg none, an altered payload and a disallowed algorithm are refused', async () => {
    const stray = await as.strayKey();
    const strayToken = await as.mint(RESOURCE, clock.now(), { key: stray });
    assert.equal(refusal(await guard.handle(withToken(strayToken))).code, 'access-token-invalid');
    // The same kid as the real key, signed by another key.
    const lying = await as.mint(RESOURCE, clock.now(), { key: { ...stray, kid: as.kid } });
    assert.equal(refusal(await guard.handle(withToken(lying))).code, 'access-token-invalid');

    const unsecured = new UnsecuredJWT({
      iss: as.issuer,
      aud: RESOURCE,
      sub: 'u_alice',
      client_id: 'x',
      jti: 'j',
      scope: 'mcp:tools',
    })
      .setIssuedAt(Math.floor(clock.now() / 1000))
      .setExpirationTime(Math.floor(clock.now() / 1000) + 600)
      .encode();
    assert.equal(refusal(await guard.handle(withToken(`${unsecured}AAAA`))).code, 'access-token-invalid');
    assert.equal(refusal(await guard.handle(withToken(unsecured))).code, 'access-token-invalid', 'an empty signature');

    const good = await as.mint(RESOURCE, clock.now());
    const [h, , s] = good.split('.');
    const forged = Buffer.from(
      JSON.stringify({ iss: as.issuer, aud: RESOURCE, sub: 'u_admin', client_id: 'x', jti: 'j', iat: 1, exp: 9e9 }),
    ).toString('base64url');
    assert.equal(refusal(await guard.handle(withToken(`${h}.${forged}.${s}`))).code, 'access-token-invalid');

    const rsa = await as.strayKey('RS256');
    as.publish(rsa.publicJwk);
    const rsaToken = await as.mint(RESOURCE, clock.now(), { key: rsa });
    const rsaRefusal = await guard.handle(withToken(rsaToken));
    assert.equal(refusal(rsaRefusal).code, 'access-token-invalid');
    assert.match(
      rsaRefusal.kind === 'respond' ? (rsaRefusal.error?.message ?? '') : '',
      /"alg"/,
      'RS256 is not allowed by default',
    );
  });

  test('a JWE or any non-JWS string is refused before any key lookup', async () => {
    const jwks = as.hits.get('/jwks') ?? 0;
    for (const t of ['a.b.c.d.e', 'abc', 'a.b']) {
      assert.equal(refusal(await guard.handle(withToken(t))).code, 'access-token-invalid', t);
    }
    assert.equal(as.hits.get('/jwks') ?? 0, jwks);
  });

  test('RFC 6750 §3.1, MCP scope challenges: a token without a required scope is 403 insufficient_scope naming the scope', async () => {
    const token = await as.mint(RESOURCE, clock.now(), { claims: { scope: 'profile' } });
    const result = await guard.handle(withToken(token));
    const r = refusal(result);
    assert.equal(r.status, 403);
    assert.equal(r.code, 'access-token-scope-insufficient');
    assert.equal(
      r.challenge,
      `Bearer error="insufficient_scope", error_description="The access token lacks a scope this request needs", scope="profile mcp:tools", resource_metadata="${METADATA_URL}"`,
      'step-up keeps the scopes held here and adds the missing one',
    );
    if (result.kind === 'respond') {
      assert.deepEqual(await result.response.json(), {
        error: 'insufficient_scope',
        error_description: 'The access token lacks a scope this request needs',
      });
    }
  });

  test('per-request scopes add to the required ones (a tool that writes)', async () => {
    const token = await as.mint(RESOURCE, clock.now(), { claims: { scope: 'mcp:tools' } });
    authorized(await guard.handle(withToken(token)));
    const r = refusal(await guard.handle(withToken(token), { scopes: ['mcp:admin'] }));
    assert.equal(r.status, 403);
    assert.match(r.challenge, /scope="mcp:tools mcp:admin"/);
    const admin = await as.mint(RESOURCE, clock.now(), { claims: { scope: 'mcp:admin mcp:tools' } });
    authorized(await guard.handle(withToken(admin), { scopes: ['mcp:admin'] }));
  });

  test('no token: 401 with resource_metadata and scope and no error code (RFC 6750 §3.1)', async () => {
    const result = await guard.handle(new Request('https://mcp.example.com/mcp', { method: 'POST' }));
    const r = refusal(result);
    assert.equal(r.status, 401);
    assert.equal(r.code, 'bearer-token-missing');
    assert.equal(r.challenge, `Bearer scope="mcp:tools", resource_metadata="${METADATA_URL}"`);
    if (result.kind === 'respond') assert.equal(result.response.headers.get('cache-control'), 'no-store');
  });
});

describe('the authorization server is unreachable or misconfigured', () => {
  let as: TokenIssuer;
  before(async () => {
    as = await startTokenIssuer();
  });
  after(() => as.close());

  test('an outage is 503 temporarily_unavailable without a challenge (the token may be fine); discovery is retried after a pause', async () => {
    const clock = new ManualClock(Date.now());
    const guard = createProtectedResource({ resource: RESOURCE, authorizationServer: as.issuer, clock });
    const token = await as.mint(RESOURCE, clock.now());
    as.available = false;
    try {
      const first = await guard.handle(withToken(token));
      assert.equal(first.kind, 'respond');
      if (first.kind === 'respond') {
        assert.equal(first.response.status, 503);
        assert.equal(first.response.headers.get('www-authenticate'), null);
        assert.equal(first.response.headers.get('retry-after'), '5');
        assert.equal(first.error?.code, 'authorization-server-keys-unavailable');
      }
      const hits = as.hits.get('/.well-known/oauth-authorization-server');
      await guard.handle(withToken(token));
      assert.equal(as.hits.get('/.well-known/oauth-authorization-server'), hits, 'no new attempt within the pause');
    } finally {
      as.available = true;
    }
    clock.advance(DISCOVERY_RETRY_MS);
    authorized(await guard.handle(withToken(await as.mint(RESOURCE, clock.now()))));
  });

  test('RFC 8414 §3.3: metadata naming another issuer is not trusted for keys', async () => {
    const saved = as.metadata;
    as.metadata = { ...saved, issuer: 'https://elsewhere.example' };
    try {
      const guard = createProtectedResource({ resource: RESOURCE, authorizationServer: as.issuer });
      const result = await guard.handle(withToken(await as.mint(RESOURCE, Date.now())));
      assert.equal(result.kind === 'respond' ? result.error?.code : 'authorized', 'authorization-server-keys-unavailable');
    } finally {
      as.metadata = saved;
    }
  });

  test('an explicit jwksUri skips discovery', async () => {
    const metadataHits = as.hits.get('/.well-known/oauth-authorization-server') ?? 0;
    const guard = createProtectedResource({ resource: RESOURCE, authorizationServer: as.issuer, jwksUri: as.jwksUri });
    authorized(await guard.handle(withToken(await as.mint(RESOURCE, Date.now()))));
    assert.equal(as.hits.get('/.well-known/oauth-authorization-server') ?? 0, metadataHits);
  });
});
