import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
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
});
