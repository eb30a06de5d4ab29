/**
 * Two server instances in one process, each built by `createServer` from its own configuration,
 * each with its own PostgreSQL pool and Redis connections, sharing one schema and one key prefix:
 * the state of a deployment of several instances. Requests go through the real HTTP surface
 * (in memory) and alternate between the instances.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '../src/auth/password.js';
import { mergeConfig } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { createMetrics } from '../src/observability/metrics.js';
import { createServer, type CimdServer } from '../src/server.js';
import { Browser } from './support/browser.js';
import { clientAssertion, JWT_BEARER, jwksOf, newKey } from './support/client-auth.js';
import { authorizeParams, document, ISSUER, ManualClock, MapFetcher, PASSWORD, pkce, REDIRECT_URI } from './support/harness.js';
import { testSchemas } from './support/postgres.js';
import { testRedisPrefixes } from './support/redis.js';

const schemas = testSchemas('multi');
const prefixes = testRedisPrefixes('multi');

interface TokenBody {
  access_token?: string;
  refresh_token?: string;
  error?: string;
}

/** Every request to the next instance in turn: a load balancer without affinity. */
function roundRobin(instances: readonly CimdServer[]): CimdServer {
  let next = 0;
  const first = instances[0] as CimdServer;
  return {
    ...first,
    fetch: (request) => (instances[next++ % instances.length] as CimdServer).fetch(request),
  };
}

async function postToken(server: CimdServer, form: Record<string, string>): Promise<{ status: number; body: TokenBody }> {
  const res = await server.fetch(
    new Request(`${ISSUER}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    }),
  );
  return { status: res.status, body: (await res.json()) as TokenBody };
}

describe('several instances on one PostgreSQL schema and one Redis prefix', () => {
  const clock = new ManualClock();
  const fetcher = new MapFetcher();
  let a: CimdServer;
  let b: CimdServer;
  let clientCount = 0;

  before(async () => {
    const schema = schemas.next();
    const prefix = prefixes.next();
    const config = mergeConfig({
      server: { issuer: ISSUER, host: '127.0.0.1', port: 0 },
      stores: { url: schemas.url(schema), cacheUrl: prefixes.url(prefix) },
      policy: {
        authenticateBeforeFetch: false,
        resources: ['https://api.example/mcp'],
        authMethods: ['private_key_jwt', 'none'],
      },
    });
    const parts = { fetcher, clock, logger: createLogger('silent'), metrics: createMetrics(false) };
    // Both start at once: the migrations serialise on their advisory lock.
    [a, b] = await Promise.all([createServer(config, parts), createServer(config, parts)]);
    await a.context.stores.users.create({
      id: 'u_alice',
      username: 'alice',
      passwordHash: await hashPassword(PASSWORD, { log2N: 10, r: 8, p: 1 }),
      createdAt: clock.now(),
    });
  });
  after(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  function newClient(): string {
    const id = `https://app${++clientCount}.app.example/oauth/client.json`;
    fetcher.serve(id, { body: document(id), headers: { 'content-type': 'application/json', 'cache-control': 'max-age=600' } });
    return id;
  }

  /** The whole browser flow with every request on the other instance than the one before. */
  async function code(clientId: string): Promise<{ code: string; verifier: string }> {
    const { verifier, challenge } = pkce();
    const browser = new Browser(roundRobin([a, b]), ISSUER);
    const { location } = await browser.authorize(authorizeParams({ client_id: clientId }, challenge), {
      username: 'alice',
      password: PASSWORD,
    });
    const value = location.searchParams.get('code');
    assert.ok(value !== null, `no code: ${location.href}`);
    return { code: value, verifier };
  }

  const exchange = (clientId: string, c: { code: string; verifier: string }): Record<string, string> => ({
    grant_type: 'authorization_code',
    code: c.code,
    code_verifier: c.verifier,
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
  });

  test('an authorization whose every request lands on the other instance ends with a code (interactions, sessions, consent shared)', async () => {
    const clientId = newClient();
    const issued = await code(clientId);
    const { status, body } = await postToken(b, exchange(clientId, issued));
    assert.equal(status, 200);
    assert.ok(body.access_token !== undefined && body.refresh_token !== undefined);
  });

  test('OAuth 2.1 §4.1.3: two instances redeeming one code at the same moment: exactly one succeeds, and the reuse revokes what it issued', async () => {
    for (let round = 0; round < 4; round++) {
      const clientId = newClient();
      const issued = await code(clientId);
      const form = exchange(clientId, issued);
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => postToken(i % 2 === 0 ? a : b, form)));
      const winners = results.filter((r) => r.status === 200);
      assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(results.map((r) => r.status))}`);
      for (const loser of results.filter((r) => r.status !== 200)) assert.equal(loser.body.error, 'invalid_grant');
      const refresh = winners[0]?.body.refresh_token ?? '';
      const after = await postToken(a, { grant_type: 'refresh_token', refresh_token: refresh, client_id: clientId });
      assert.equal(after.body.error, 'invalid_grant', 'the reused code revoked the grant, on every instance');
    }
  });

  test('RFC 9700 §4.14.2: a refresh token rotated on one instance is reuse on the other, and the family dies everywhere', async () => {
    const clientId = newClient();
    const first = await postToken(a, exchange(clientId, await code(clientId)));
    const refresh = first.body.refresh_token ?? '';
    const rotated = await postToken(b, { grant_type: 'refresh_token', refresh_token: refresh, client_id: clientId });
    assert.equal(rotated.status, 200);
    const replayed = await postToken(a, { grant_type: 'refresh_token', refresh_token: refresh, client_id: clientId });
    assert.equal(replayed.body.error, 'invalid_grant');
    const successor = await postToken(b, {
      grant_type: 'refresh_token',
      refresh_token: rotated.body.refresh_token ?? '',
      client_id: clientId,
    });
    assert.equal(successor.body.error, 'invalid_grant', 'the reuse on A revoked the successor issued by B');
  });

  test('H8: a new client_id resolved through both instances at the same moment is fetched once', async () => {
    const clientId = newClient();
    const release = fetcher.hold();
    const resolving = Array.from({ length: 10 }, (_, i) =>
      (i % 2 === 0 ? a : b).context.resolver.resolve(clientId, { use: 'authorize' }),
    );
    // The first fetch is held while every other resolution meets the lock or the local flight.
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    const resolved = await Promise.all(resolving);
    assert.equal(fetcher.count(clientId), 1);
    assert.ok(resolved.every((r) => r.metadata.client_id === clientId));
  });

  test('J9: a client assertion accepted by one instance is a replay on the other (its jti is held in PostgreSQL)', async () => {
    const key = await newKey();
    const clientId = `https://keys${++clientCount}.app.example/oauth/client.json`;
    fetcher.serve(clientId, {
      body: document(clientId, { token_endpoint_auth_method: 'private_key_jwt', jwks: JSON.parse(jwksOf(key)) as unknown }),
      headers: { 'content-type': 'application/json', 'cache-control': 'max-age=600' },
    });
    await a.context.clients.find(clientId, 'authorize'); // seen by an authorization, as token clients are
    const assertion = await clientAssertion(key, clientId, ISSUER, clock.now());
    // A bogus code: the client authenticates, then the grant is refused (invalid_grant).
    const form = {
      grant_type: 'authorization_code',
      code: 'bogus-code',
      code_verifier: 'v'.repeat(43),
      redirect_uri: REDIRECT_URI,
      client_assertion_type: JWT_BEARER,
      client_assertion: assertion,
    };
    assert.equal((await postToken(a, form)).body.error, 'invalid_grant', 'A accepted the assertion');
    assert.equal((await postToken(b, form)).body.error, 'invalid_client', 'B refused the same assertion as a replay');
    const fresh = await clientAssertion(key, clientId, ISSUER, clock.now());
    assert.equal((await postToken(b, { ...form, client_assertion: fresh })).body.error, 'invalid_grant', 'a new jti is fine');
  });

  test('login throttles count failures on every instance together', async () => {
    const limit = a.context.config.limits.loginFailuresPerAccount;
    const clientId = newClient();
    const statuses: number[] = [];
    for (let i = 0; i <= limit; i++) {
      const browser = new Browser(i % 2 === 0 ? a : b, ISSUER);
      const start = await browser.get(`/authorize?${authorizeParams({ client_id: clientId }).toString()}`);
      const loginPage = await browser.follow(start);
      statuses.push((await browser.login(loginPage, 'alice', 'wrong password')).status);
    }
    assert.deepEqual(statuses, [...Array<number>(limit).fill(401), 429]);
  });
});
