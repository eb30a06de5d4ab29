// Which external services the test suites need, and whether they answer.
//
// A test file named *.postgres.test.ts needs PostgreSQL; *.redis.test.ts needs Redis;
// *browser.test.ts needs Chromium (CIMD_CHROMIUM, default /usr/bin/chromium). The services'
// addresses come from CIMD_TEST_POSTGRES_URL and CIMD_TEST_REDIS_URL (defaults: the local
// services of the development machines).
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

/** Debian's Chromium, driven by playwright-core; never downloaded. */
export const CHROMIUM = process.env.CIMD_CHROMIUM ?? '/usr/bin/chromium';

const DEFAULTS = {
  postgres: process.env.CIMD_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  redis: process.env.CIMD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
};

function reachable(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port), timeout: 1500 });
    const done = (ok, why) => {
      socket.destroy();
      resolve({ ok, why });
    };
    socket.once('connect', () => done(true, 'reachable'));
    socket.once('timeout', () => done(false, `no answer from ${hostname}:${port}`));
    socket.once('error', (e) => done(false, `${e.code ?? e.message} at ${hostname}:${port}`));
  });
}

export async function probeServices() {
  const [pg, redis] = await Promise.all([reachable(DEFAULTS.postgres), reachable(DEFAULTS.redis)]);
  const chromium = existsSync(CHROMIUM);
  return {
    up: { postgres: pg.ok, redis: redis.ok, chromium },
    detail: {
      postgres: pg.why,
      redis: redis.why,
      chromium: chromium ? 'installed' : `${CHROMIUM} is missing (apt-get install -y chromium)`,
    },
    env: { CIMD_TEST_POSTGRES_URL: DEFAULTS.postgres, CIMD_TEST_REDIS_URL: DEFAULTS.redis },
    needs(file) {
      const out = [];
      if (file.includes('.postgres.')) out.push('postgres');
      if (file.includes('.redis.')) out.push('redis');
      if (/(^|[./])browser\.test\.ts$/.test(file)) out.push('chromium');
      return out;
    },
  };
}
