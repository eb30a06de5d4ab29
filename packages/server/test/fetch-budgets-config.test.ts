import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isCimdError } from '@cimd/core';
import { DEFAULT_BUDGETS, type LookupFunction } from '@cimd/node';
import { clusterBudgetLimits } from '../src/cluster-budget.js';
import { configProblems, mergeConfig, type ConfigInput } from '../src/config.js';
import { buildFetcher } from '../src/fetch-setup.js';
import { createLogger } from '../src/observability/logger.js';
import { createMetrics } from '../src/observability/metrics.js';

function problems(input: ConfigInput): string[] {
  return configProblems(mergeConfig(input), [input]);
}

/**
 * A DNS seam that counts its calls and answers with a private address, which the production
 * fetcher refuses: every fetch that gets past its budget ends at the address check, and no
 * packet leaves the machine.
 */
function countingLookup(): { lookup: LookupFunction; calls: () => number } {
  let calls = 0;
  return {
    lookup: () => {
      calls += 1;
      return Promise.resolve([{ address: '10.0.0.5', family: 4 }]);
    },
    calls: () => calls,
  };
}

/** The reason code of a fetch of `url` through `fetcher`, which must fail. */
async function failure(fetcher: ReturnType<typeof buildFetcher>, url: string): Promise<string> {
  try {
    await fetcher.fetch({ url: new URL(url), purpose: 'client-metadata' });
  } catch (e) {
    assert.ok(isCimdError(e), String(e));
    return e.code;
  }
  assert.fail('the fetch should have failed');
}

function fetcherFor(input: ConfigInput, lookup: LookupFunction): ReturnType<typeof buildFetcher> {
  return buildFetcher(mergeConfig(input), createLogger('silent'), createMetrics(false), { lookup, env: {} });
}

describe('fetch.budgets configuration (H8)', () => {
  test('H8: fetch.budgets accepts perOrigin and global with positive whole numbers', () => {
    assert.deepEqual(
      problems({ fetch: { budgets: { perOrigin: { concurrent: 8, perMinute: 600 }, global: { burst: 200 } } } }),
      [],
    );
  });

  const cases: Array<[string, ConfigInput, RegExp]> = [
    ['a zero rate', { fetch: { budgets: { global: { perMinute: 0 } } } }, /fetch\.budgets\.global\.perMinute must be a positive/],
    ['a fraction', { fetch: { budgets: { perOrigin: { burst: 1.5 } } } }, /fetch\.budgets\.perOrigin\.burst must be a positive/],
    [
      'an unknown scope',
      { fetch: { budgets: { perHost: {} } as unknown as Record<string, never> } },
      /unknown member "fetch\.budgets\.perHost"/,
    ],
    [
      'an unknown budget member',
      { fetch: { budgets: { global: { parallel: 3 } as unknown as Record<string, never> } } },
      /unknown member "fetch\.budgets\.global\.parallel"/,
    ],
    [
      'a budget that is not an object',
      { fetch: { budgets: { global: 5 as unknown as Record<string, never> } } },
      /must be an object/,
    ],
  ];
  for (const [name, input, message] of cases) {
    test(`H8: fetch.budgets refuses ${name}, naming the member`, () => {
      const found = problems(input);
      assert.ok(
        found.some((p) => message.test(p)),
        found.join('\n'),
      );
    });
  }

  test('H8: the configured budget reaches the fetcher: with a global burst of 1 the second fetch is refused before any DNS lookup', async () => {
    const dns = countingLookup();
    const fetcher = fetcherFor({ fetch: { budgets: { global: { burst: 1, perMinute: 1 } } } }, dns.lookup);
    assert.equal(await failure(fetcher, 'https://a.example/client.json'), 'fetch-blocked-address');
    assert.equal(await failure(fetcher, 'https://b.example/client.json'), 'fetch-over-budget');
    assert.equal(dns.calls(), 1);
  });

  test('H8: without fetch.budgets the defaults hold: one origin gets a burst of 10, the 11th fetch is refused', async () => {
    const dns = countingLookup();
    const fetcher = fetcherFor({}, dns.lookup);
    const burst = DEFAULT_BUDGETS.perOrigin.burst;
    for (let i = 0; i < burst; i++)
      assert.equal(await failure(fetcher, `https://a.example/c/${i}.json`), 'fetch-blocked-address');
    assert.equal(await failure(fetcher, 'https://a.example/c/next.json'), 'fetch-over-budget');
    // Another origin still has its own budget.
    assert.equal(await failure(fetcher, 'https://b.example/client.json'), 'fetch-blocked-address');
    assert.equal(dns.calls(), burst + 1);
  });

  test('H8: the cluster-wide rates follow fetch.budgets, and default to the per-instance defaults', () => {
    assert.deepEqual(clusterBudgetLimits({}), {
      perOriginPerMinute: DEFAULT_BUDGETS.perOrigin.perMinute,
      globalPerMinute: DEFAULT_BUDGETS.global.perMinute,
    });
    assert.deepEqual(clusterBudgetLimits({ perOrigin: { perMinute: 120 }, global: { concurrent: 4 } }), {
      perOriginPerMinute: 120,
      globalPerMinute: DEFAULT_BUDGETS.global.perMinute,
    });
  });
});
