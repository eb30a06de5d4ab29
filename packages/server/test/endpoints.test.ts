import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { describe, test } from 'node:test';
import { IMPLEMENTED_DRAFT } from '@cimd/core';
import { listen } from '../src/server.js';
import { authorizeParams, createHarness, ISSUER, PASSWORD, pkce, REDIRECT_URI } from './support/harness.js';

describe('authorization server metadata (RFC 8414, draft-03 §7)', () => {
  test('R56, M-G1: advertises CIMD support, PKCE S256, iss, explicit grants and every endpoint', async () => {
    const h = await createHarness();
    const r = await h.browser().get('/.well-known/oauth-authorization-server');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    const m = (await r.json()) as Record<string, unknown>;
    assert.equal(m['issuer'], ISSUER, 'RFC 8414 §3.3: identical to the issuer');
    assert.equal(m['client_id_metadata_document_supported'], true);
    assert.deepEqual(m['code_challenge_methods_supported'], ['S256']);
    assert.deepEqual(m['grant_types_supported'], ['authorization_code', 'refresh_token']);
    assert.deepEqual(m['response_types_supported'], ['code']);
    assert.deepEqual(m['response_modes_supported'], ['query']);
    assert.deepEqual(m['token_endpoint_auth_methods_supported'], ['none']);
    assert.equal(m['authorization_response_iss_parameter_supported'], true);
    for (const [k, path] of [
      ['authorization_endpoint', '/authorize'],
      ['token_endpoint', '/token'],
      ['revocation_endpoint', '/revoke'],
      ['introspection_endpoint', '/introspect'],
      ['jwks_uri', '/jwks'],
    ]) {
      assert.equal(m[k as string], `${ISSUER}${path}`);
    }
    assert.deepEqual(m['scopes_supported'], ['profile', 'offline_access', 'read', 'write']);
    assert.equal(m['registration_endpoint'], undefined, 'DCR is off by default');
    assert.equal(m['x-cimd-draft'], IMPLEMENTED_DRAFT);
    await h.close();
  });

  test('token_endpoint_auth_signing_alg_values_supported appears exactly when private_key_jwt is offered, never with none', async () => {
    const h = await createHarness({ policy: { authMethods: ['private_key_jwt', 'none'] } });
    const m = (await (await h.browser().get('/.well-known/oauth-authorization-server')).json()) as Record<string, unknown>;
    const algs = m['token_endpoint_auth_signing_alg_values_supported'] as string[];
    assert.ok(Array.isArray(algs) && algs.length > 0 && !algs.includes('none'));
    await h.close();
  });
});

describe('JWKS', () => {
  test('publishes one public ES256 key with no private members', async () => {
    const h = await createHarness();
    const r = await h.browser().get('/jwks');
    assert.equal(r.headers.get('content-type'), 'application/jwk-set+json');
    const { keys } = (await r.json()) as { keys: Array<Record<string, unknown>> };
    assert.equal(keys.length, 1);
    assert.equal(keys[0]?.['kty'], 'EC');
    assert.equal(keys[0]?.['alg'], 'ES256');
    assert.equal(keys[0]?.['use'], 'sig');
    for (const member of ['d', 'p', 'q', 'k']) assert.equal(keys[0]?.[member], undefined);
    await h.close();
  });
});

describe('Dynamic Client Registration (RFC 7591), behind a flag', () => {
  test('off by default: 404 with invalid_request', async () => {
    const h = await createHarness();
    const r = await h.browser().post('/register', {}, { 'content-type': 'application/json' });
    assert.equal(r.status, 404);
    await h.close();
  });

  test('R59: when enabled, registered ids never start with https:// and the client completes a flow', async () => {
    const h = await createHarness({ policy: { dynamicRegistration: true, authenticateBeforeFetch: false } });
    await h.addUser('alice');
    const b = h.browser();
    const meta = (await (await b.get('/.well-known/oauth-authorization-server')).json()) as Record<string, unknown>;
    assert.equal(meta['registration_endpoint'], `${ISSUER}/register`);
    const res = await h.server.fetch(
      new Request(`${ISSUER}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_name: 'Legacy MCP client',
          redirect_uris: [REDIRECT_URI],
          grant_types: ['authorization_code', 'refresh_token'],
        }),
      }),
    );
    assert.equal(res.status, 201);
    const reg = (await res.json()) as { client_id: string; token_endpoint_auth_method: string };
    assert.ok(!reg.client_id.startsWith('https://'));
    assert.equal(reg.token_endpoint_auth_method, 'none');
    const { verifier, challenge } = pkce();
    const { location } = await b.authorize(authorizeParams({ client_id: reg.client_id }, challenge), {
      username: 'alice',
      password: PASSWORD,
    });
    const t = await b.post('/token', {
      grant_type: 'authorization_code',
      code: location.searchParams.get('code') ?? '',
      code_verifier: verifier,
      client_id: reg.client_id,
    });
    assert.equal(t.status, 200);
    assert.equal(h.fetcher.count(), 0);
    await h.close();
  });

  test('invalid registrations get invalid_client_metadata or invalid_redirect_uri', async () => {
    const h = await createHarness({ policy: { dynamicRegistration: true } });
    const register = async (body: unknown) => {
      const r = await h.server.fetch(
        new Request(`${ISSUER}/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
      return { status: r.status, error: ((await r.json()) as { error: string }).error };
    };
    assert.deepEqual(await register({ redirect_uris: ['javascript:alert(1)'] }), { status: 400, error: 'invalid_redirect_uri' });
    assert.deepEqual(await register({}), { status: 400, error: 'invalid_redirect_uri' });
    assert.deepEqual(await register({ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'client_secret_basic' }), {
      status: 400,
      error: 'invalid_client_metadata',
    });
    assert.deepEqual(await register({ redirect_uris: [REDIRECT_URI], grant_types: ['implicit'] }), {
      status: 400,
      error: 'invalid_client_metadata',
    });
    await h.close();
  });
});

describe('operations endpoints', () => {
  test('/metrics exposes Prometheus counters, including resolver outcomes', async () => {
    const h = await createHarness({ policy: { authenticateBeforeFetch: false } });
    const id = h.newClient();
    await h.browser().get(`/authorize?${authorizeParams({ client_id: id }).toString()}`);
    const r = await h.browser().get('/metrics');
    assert.equal(r.status, 200);
    const text = await r.text();
    assert.match(text, /cimd_resolver_outcomes_total\{outcome="fetched"\} 1/);
    assert.match(text, /cimd_http_requests_total\{route="\/authorize",status="302"\} 1/);
    await h.close();
  });

  test('logs are JSON and never contain codes, verifiers, tokens or passwords', async () => {
    const h = await createHarness({ policy: { authenticateBeforeFetch: false } });
    await h.addUser('alice');
    const b = h.browser();
    const { verifier, challenge } = pkce();
    const id = h.newClient();
    const { location } = await b.authorize(authorizeParams({ client_id: id }, challenge), {
      username: 'alice',
      password: PASSWORD,
    });
    const code = location.searchParams.get('code') ?? '';
    const ok = await b.post('/token', { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: id });
    const tokens = (await ok.json()) as { access_token: string; refresh_token: string };
    await b.post('/token', { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: id }); // a refused reuse is logged
    const all = h.logs.join('');
    for (const line of h.logs) assert.doesNotThrow(() => JSON.parse(line));
    for (const secret of [code, verifier, tokens.access_token, tokens.refresh_token, PASSWORD]) assert.ok(!all.includes(secret));
    assert.match(all, /"reason":"code-reused"/);
    await h.close();
  });

  test('unknown errors become a generic 500 and are logged', async () => {
    const h = await createHarness();
    h.server.app.get('/boom', () => {
      throw new Error('kaboom');
    });
    const r = await h.browser().get('/boom');
    assert.equal(r.status, 500);
    const body = (await r.json()) as { error: string; error_description: string };
    assert.equal(body.error, 'server_error');
    assert.ok(!body.error_description.includes('kaboom'));
    assert.ok(h.logs.some((l) => l.includes('kaboom')));
    await h.close();
  });
});

describe('request bodies', () => {
  /** A body without Content-Length (as chunked transfer sends it): 1 KiB chunks, counting how many were read. */
  function chunkedBody(chunks: number): { body: ReadableStream<Uint8Array>; pulled: () => number } {
    let pulled = 0;
    const chunk = new TextEncoder().encode(`x=${'a'.repeat(1022)}`);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        if (pulled > chunks) controller.close();
        else controller.enqueue(chunk);
      },
    });
    return { body, pulled: () => pulled };
  }

  test('regression: a chunked body over maxFormBytes is refused as soon as it passes the limit, never read whole', async () => {
    const h = await createHarness();
    const limitChunks = Math.ceil(h.config.limits.maxFormBytes / 1024);
    for (const path of ['/token', '/revoke', '/authorize']) {
      const { body, pulled } = chunkedBody(1000);
      const r = await h.server.fetch(
        new Request(`${ISSUER}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
          duplex: 'half',
        } as RequestInit),
      );
      assert.equal(r.status, 400, path);
      assert.equal(((await r.json()) as { error: string }).error, 'invalid_request', path);
      assert.ok(pulled() <= limitChunks + 2, `${path}: read ${pulled()} chunks of 1 KiB for a limit of ${limitChunks}`);
    }
    await h.close();
  });

  test('a chunked body within maxFormBytes is read whole, across chunk boundaries', async () => {
    const h = await createHarness();
    const parts = ['grant_', 'type=pass', 'word'].map((p) => new TextEncoder().encode(p));
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = parts.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(next);
      },
    });
    const r = await h.server.fetch(
      new Request(`${ISSUER}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        duplex: 'half',
      } as RequestInit),
    );
    assert.equal(((await r.json()) as { error: string }).error, 'unsupported_grant_type', 'grant_type=password was read');
    await h.close();
  });

  /**
   * POST `chunks` chunks of 1 KiB over a real socket, one per event-loop turn, without
   * Content-Length (chunked), stopping early once the response has arrived.
   */
  function postChunked(
    url: string,
    parts: readonly string[],
  ): Promise<{ status: number; body: string; connection: string | undefined; sent: number }> {
    return new Promise((resolve, reject) => {
      let answered = false;
      let sent = 0;
      const req = httpRequest(
        url,
        { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
        (res) => {
          answered = true;
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection, sent }));
        },
      );
      req.on('error', (e) => (answered ? undefined : reject(e)));
      const next = (): void => {
        if (answered || sent === parts.length) {
          if (!answered) req.end();
          return;
        }
        req.write(parts[sent]);
        sent += 1;
        setTimeout(next, 1);
      };
      next();
    });
  }

  test('over a socket: a chunked body over maxFormBytes is answered 400 once past the limit, and the connection closes', async () => {
    const h = await createHarness();
    const server = await listen(h.server.app, '127.0.0.1', 0);
    try {
      const limitChunks = Math.ceil(h.config.limits.maxFormBytes / 1024);
      const chunk = `x=${'a'.repeat(1022)}&`;
      for (const path of ['/token', '/revoke', '/authorize']) {
        const r = await postChunked(
          `${server.url}${path}`,
          Array.from({ length: 1000 }, () => chunk),
        );
        assert.equal(r.status, 400, path);
        assert.equal((JSON.parse(r.body) as { error: string }).error, 'invalid_request', path);
        assert.equal(r.connection, 'close', path);
        assert.ok(r.sent < 1000, `${path}: the server waited for all ${r.sent} chunks (limit ${limitChunks})`);
      }
    } finally {
      await server.close();
      await h.close();
    }
  });

  test('over a socket: a chunked body within maxFormBytes is read whole, across chunk boundaries', async () => {
    const h = await createHarness();
    const server = await listen(h.server.app, '127.0.0.1', 0);
    try {
      const r = await postChunked(`${server.url}/token`, ['grant_', 'type=pass', 'word']);
      assert.equal((JSON.parse(r.body) as { error: string }).error, 'unsupported_grant_type', 'grant_type=password was read');
      assert.notEqual(r.connection, 'close');
    } finally {
      await server.close();
      await h.close();
    }
  });
});
