/**
 * cimd's server in the side-by-side benchmark, started the way `cimd-server` starts it
 * (`startServer`: SQLite store, the safe fetcher from `buildFetcher`, the production pipeline),
 * in a process of its own.
 *
 *   cimd-server.ts <ca.pem> <data folder | memory:> <users> <budgets: bench|default> <host,host,...>
 *
 * The store is SQLite in the data folder (the default of `cimd-server`), or, given `memory:`, the
 * in-memory store (tests only: it loses everything at exit), to show what durability costs.
 *
 * Development mode only for what a local benchmark needs: the listed client host names resolve to
 * 127.0.0.1, the test CA is trusted, loopback may be fetched (`fetch.resolve`, `fetch.extraCaFile`,
 * `fetch.allowLoopback`). `private_key_jwt` is accepted besides `none`. `budgets`:
 * - `bench`: the fetch rate budgets are lifted and one origin may have 16 fetches in flight (the
 *   global default), because a benchmark warms 10,000 clients of one origin in seconds, which a
 *   real server does over hours; nothing else about fetching changes;
 * - `default`: every budget at its default (the isolation scenario measures with these).
 * Creates `<users>` accounts (`bench0`, `bench1`, ...) with the password {@link BENCH_PASSWORD}.
 */
import { systemClock } from '@cimd/core';
import { startServer } from '../../packages/server/src/cli/start.js';
import { createUser } from '../../packages/server/src/cli/users-command.js';
import { configProblems, mergeConfig, type ConfigInput } from '../../packages/server/src/config.js';
import { secureRandom } from '../../packages/server/src/util/random.js';
import { BENCH_PASSWORD } from './documents.js';
import { serveCommands } from './rpc.js';

const [caPath, dataDir, usersArg, budgets, hostsArg] = process.argv.slice(2);
if (caPath === undefined || dataDir === undefined || hostsArg === undefined)
  throw new Error('usage: cimd-server.ts <ca.pem> <data folder> <users> <bench|default> <hosts>');

const LIFTED = 1_000_000_000;
const input: ConfigInput = {
  server: { issuer: 'http://127.0.0.1:0', host: '127.0.0.1', port: 0, mode: 'development' },
  stores: { url: dataDir === 'memory:' ? 'memory:' : `sqlite:${dataDir}/cimd.db` },
  policy: { authMethods: ['none', 'private_key_jwt'] },
  // The bench has a handful of users; a client they approved counts as established (not first-seen,
  // whose token allowance is 100 an hour), as a real high-volume client with many users would.
  trust: { usersForNoWarning: 1 },
  fetch: {
    resolve: Object.fromEntries(hostsArg.split(',').map((host) => [host, '127.0.0.1'])),
    extraCaFile: caPath,
    allowLoopback: true,
    budgets:
      budgets === 'bench'
        ? { perOrigin: { concurrent: 16, perMinute: LIFTED, burst: LIFTED }, global: { perMinute: LIFTED, burst: LIFTED } }
        : {},
  },
};
const config = mergeConfig(input);
const problems = configProblems(config, [input]);
if (problems.length > 0) throw new Error(`configuration: ${problems.join('; ')}`);

const running = await startServer({ config, demo: false, servicePort: 0, resetDemoPassword: false, say: () => undefined });
const stores = running.server.context.stores;
await Promise.all(
  Array.from({ length: Number(usersArg) }, (_, u) =>
    createUser(stores, secureRandom, `bench${u}`, BENCH_PASSWORD, systemClock.now()),
  ),
);

serveCommands({ port: running.listening.port, url: running.listening.url }, () => Promise.reject(new Error('no commands')));
