import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configProblems, mergeConfig, type ConfigInput } from '../src/config.js';
import { authorizationServerMetadata } from '../src/endpoints/metadata.js';
import { assertInvalidClient, clientAssertion, JWT_BEARER, newKey, postForm } from './support/client-auth.js';
import { createHarness, ISSUER, REDIRECT_URI } from './support/harness.js';

const problemsOf = (input: ConfigInput): string[] => configProblems(mergeConfig(input), [input]);

describe('the clientAuth configuration group', () => {
  test('the defaults are valid: strict audience and typ, 300 s lifetime, 60 s skew, asymmetric algorithms, 60 s refetch', () => {
    const config = mergeConfig({});
    assert.deepEqual(configProblems(config), []);
    assert.equal(config.clientAuth.audience, 'strict');
    assert.equal(config.clientAuth.assertionTyp, 'strict');
    assert.equal(config.clientAuth.maxAssertionLifetimeS, 300);
    assert.equal(config.clientAuth.clockSkewS, 60);
    assert.deepEqual(config.clientAuth.algorithms, ['ES256', 'ES384', 'EdDSA', 'PS256', 'RS256']);
    assert.equal(config.clientAuth.jwksRefetchIntervalS, 60);
    assert.equal(config.clientAuth.attestationChallenge, false);
    assert.equal(config.policy.rejectNoneWhenAuthenticatedShared, false);
  });

  test('J3: none and HS* can never be configured, nor an unknown algorithm', () => {
    for (const alg of ['none', 'HS256', 'HS512', 'XY999']) {
      assert.ok(
        problemsOf({ clientAuth: { algorithms: ['ES256', alg] } }).some((p) => p.includes(`"${alg}"`)),
        `${alg} is refused`,
      );
    }
    assert.ok(problemsOf({ clientAuth: { algorithms: [] } }).some((p) => p.includes('at least one')));
  });

  test('modes, numbers and members are checked, each problem naming its member', () => {
    const problems = problemsOf({
      clientAuth: { audience: 'loose' as 'strict', assertionTyp: 'any' as 'strict', clockSkewS: 900, maxAssertionLifetimeS: 0 },
      limits: { authenticatedRefreshTokenTtlS: 400 * 24 * 3600 },
    });
    for (const member of [
      'clientAuth.audience',
      'clientAuth.assertionTyp',
      'clientAuth.clockSkewS',
      'clientAuth.maxAssertionLifetimeS',
      'limits.authenticatedRefreshTokenTtlS',
    ]) {
      assert.ok(
        problems.some((p) => p.includes(member)),
        member,
      );
    }
    assert.ok(
      problemsOf({ clientAuth: { jwksRefetch: 5 } } as unknown as ConfigInput).includes(
        'unknown member "clientAuth.jwksRefetch"',
      ),
    );
  });

  test('J3: the metadata publishes exactly the configured algorithms, and nothing about attestation unless it is enabled', () => {
    const md = authorizationServerMetadata(
      ISSUER,
      mergeConfig({ policy: { authMethods: ['private_key_jwt'] }, clientAuth: { algorithms: ['EdDSA'] } }),
    );
    assert.deepEqual(md['token_endpoint_auth_signing_alg_values_supported'], ['EdDSA']);
    assert.equal(md['client_attestation_signing_alg_values_supported'], undefined);
    const none = authorizationServerMetadata(ISSUER, mergeConfig({}));
    assert.equal(none['token_endpoint_auth_signing_alg_values_supported'], undefined);
  });

  test('J3: an algorithm left out of the allow-list is refused at the token endpoint', async () => {
    const h = await createHarness({
      policy: { authenticateBeforeFetch: false, authMethods: ['private_key_jwt'] },
      clientAuth: { algorithms: ['EdDSA'] },
    });
    const key = await newKey('ES256');
    const id = h.newClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } });
    await h.seeClient(id);
    const r = await postForm(h.browser(), '/token', {
      grant_type: 'authorization_code',
      code: 'bogus',
      code_verifier: 'v'.repeat(43),
      redirect_uri: REDIRECT_URI,
      client_assertion_type: JWT_BEARER,
      client_assertion: await clientAssertion(key, id, ISSUER, h.clock.now()),
    });
    assertInvalidClient(h, r, 'client-assertion-alg-not-allowed');
    await h.close();
  });
});
