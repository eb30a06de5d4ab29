import { CimdError, type Clock, type Fetcher } from '@cimd/core';
import { DEFAULT_BUDGETS } from '@cimd/node';
import type { FetchBudgets } from './config.js';
import type { CounterStore } from './store/counters.js';

/** Fetch starts allowed per minute across every instance sharing the counters. */
export interface ClusterBudgetLimits {
  readonly perOriginPerMinute: number;
  readonly globalPerMinute: number;
}

/** The per-instance rate budgets of `@cimd/node`, applied to the cluster as a whole. */
export const DEFAULT_CLUSTER_BUDGETS: ClusterBudgetLimits = {
  perOriginPerMinute: DEFAULT_BUDGETS.perOrigin.perMinute,
  globalPerMinute: DEFAULT_BUDGETS.global.perMinute,
};

/** The cluster's rates as configured in `fetch.budgets` (the defaults where it says nothing). */
export function clusterBudgetLimits(budgets: FetchBudgets): ClusterBudgetLimits {
  return {
    perOriginPerMinute: budgets.perOrigin?.perMinute ?? DEFAULT_CLUSTER_BUDGETS.perOriginPerMinute,
    globalPerMinute: budgets.global?.perMinute ?? DEFAULT_CLUSTER_BUDGETS.globalPerMinute,
  };
}

const WINDOW_MS = 60_000;

/**
 * Outbound fetch rate budgets that hold across instances (H8). The safe fetcher of each instance
 * keeps its own budgets (concurrency, token buckets); in front of it, this counts every fetch
 * start in the shared {@link CounterStore} (PostgreSQL), one fixed one-minute window per origin
 * and one for everything, and refuses with `fetch-over-budget` when the cluster has spent it.
 * So N instances together fetch an origin at most `perOriginPerMinute` times a minute (a fixed
 * window admits up to twice that across a window boundary), not N times as often.
 * Refused attempts count too: a flood of new client_ids cannot retry its way past the budget.
 */
export function withClusterBudget(
  fetcher: Fetcher,
  counters: CounterStore,
  clock: Clock,
  limits: ClusterBudgetLimits = DEFAULT_CLUSTER_BUDGETS,
): Fetcher {
  return {
    async fetch(request) {
      const now = clock.now();
      const origin = request.url.origin;
      const global = await counters.increment('fetch-budget:global', WINDOW_MS, now);
      if (global > limits.globalPerMinute) {
        throw new CimdError(
          'fetch-over-budget',
          `Outbound fetch refused: the cluster's rate budget of ${limits.globalPerMinute} fetches a minute is spent`,
        );
      }
      const perOrigin = await counters.increment(`fetch-budget:origin:${origin}`, WINDOW_MS, now);
      if (perOrigin > limits.perOriginPerMinute) {
        throw new CimdError(
          'fetch-over-budget',
          `Outbound fetch refused: the cluster's rate budget of ${limits.perOriginPerMinute} fetches a minute to ${origin} is spent`,
        );
      }
      return fetcher.fetch(request);
    },
  };
}
