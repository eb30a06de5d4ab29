import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DOMAIN_COUNT_REUSE_MS } from '../src/trust/assessment.js';
import { BoundedMemo } from '../src/util/bounded-memo.js';
import { createHarness, document, type Harness } from './support/harness.js';
import { approveSynthetically, consentPage, tierOf } from './support/trust.js';

describe('BoundedMemo (remembered pure results, bounded)', () => {
  test('computes a key once, then gives the remembered result, also when the result is null', () => {
    const memo = new BoundedMemo<string | null>(10);
    const computed: string[] = [];
    const verdict = (host: string): string | null => {
      computed.push(host);
      return host.includes('paypa1') ? 'typo' : null;
    };
    for (let i = 0; i < 3; i++) {
      assert.equal(
        memo.get('paypa1.com', () => verdict('paypa1.com')),
        'typo',
      );
      assert.equal(
        memo.get('app.example', () => verdict('app.example')),
        null,
      );
    }
    assert.deepEqual(computed, ['paypa1.com', 'app.example']);
  });

  test('never holds more than its bound; a key forgotten at the restart is computed again, with the same result', () => {
    const memo = new BoundedMemo<number>(3);
    let calls = 0;
    const square = (n: number) => () => {
      calls += 1;
      return n * n;
    };
    for (let n = 0; n < 10; n++) {
      assert.equal(memo.get(String(n), square(n)), n * n);
      assert.ok(memo.size <= 3, `size ${memo.size}`);
    }
    assert.equal(calls, 10);
    assert.equal(memo.get('0', square(0)), 0);
    assert.equal(calls, 11, 'forgotten at a restart, computed again');
  });

  test('peek and set: a result computed elsewhere (asynchronously) is remembered under the same bound', () => {
    const memo = new BoundedMemo<number>(2);
    assert.equal(memo.peek('a'), undefined);
    memo.set('a', 1);
    memo.set('b', 2);
    assert.equal(memo.peek('a'), 1);
    memo.set('b', 3);
    assert.equal(memo.size, 2, 'replacing a key does not restart');
    memo.set('c', 4);
    assert.equal(memo.size, 1);
    assert.equal(memo.peek('c'), 4);
  });

  test('refuses a bound that is not a positive integer', () => {
    assert.throws(() => new BoundedMemo(0), RangeError);
    assert.throws(() => new BoundedMemo(1.5), RangeError);
  });
});

describe('remembered trust verdicts stay right (R75, R64)', () => {
  /** A client on `host` whose only redirect URI is on that host. */
  function serve(h: Harness, host: string, path: string): { id: string; redirect: string } {
    const id = `https://${host}/${path}.json`;
    const redirect = `https://${host}/cb`;
    h.serve(id, document(id, { redirect_uris: [redirect], client_name: 'PayPal' }));
    return { id, redirect };
  }

  test('R75: a lookalike host is flagged on every request and for every client_id on it, however many hosts came between', async () => {
    const h = await createHarness({ trust: { wellKnownDomains: ['paypal.com'] } });
    try {
      await h.addUser('alice');
      const first = serve(h, 'paypa1.com', 'one');
      const second = serve(h, 'paypa1.com', 'two');
      const honest = serve(h, 'honest.example', 'app');
      for (const c of [first, second, honest]) await approveSynthetically(h, c.id, 2000);
      for (let round = 0; round < 2; round++) {
        for (const c of [first, second]) {
          const page = await consentPage(h.browser(), c.id, 'alice', { redirect_uri: c.redirect });
          assert.equal(tierOf(page), 'first-seen', `${c.id}, round ${round}`);
          assert.match(page, /looks like paypal\.com/);
        }
        const page = await consentPage(h.browser(), honest.id, 'alice', { redirect_uri: honest.redirect });
        assert.equal(tierOf(page), 'recognized', `the honest host, round ${round}`);
      }
    } finally {
      await h.close();
    }
  });

  test('R75: a domain that reaches the crowded threshold is flagged at the latest DOMAIN_COUNT_REUSE_MS later (its count is reused no longer)', async () => {
    const h = await createHarness({ trust: { crowdedDomainClients: 3 } });
    try {
      await h.addUser('alice');
      const ids = ['c0', 'c1', 'c2'].map((path) => {
        const id = `https://spam.example/${path}.json`;
        h.serve(id, document(id, { redirect_uris: ['https://spam.example/cb'] }));
        return id;
      });
      const [c0 = '', c1 = '', c2 = ''] = ids;
      for (const id of [c0, c1]) await h.server.context.clients.find(id, 'authorize');
      await approveSynthetically(h, c0, 500);
      const consent = () => consentPage(h.browser(), c0, 'alice', { redirect_uri: 'https://spam.example/cb' });
      assert.equal(tierOf(await consent()), 'named', 'two client_ids: not crowded');
      await h.server.context.clients.find(c2, 'authorize');
      h.clock.advance(DOMAIN_COUNT_REUSE_MS);
      const page = await consent();
      assert.equal(tierOf(page), 'established', 'three client_ids: crowded, capped below named');
      assert.match(page, /spam\.example hosts many different apps \(3\)/);
    } finally {
      await h.close();
    }
  });
});
