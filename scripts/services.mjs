// Which external services the test suites need, and whether they answer.
//
// A test file named *.postgres.test.ts needs PostgreSQL; *.redis.test.ts needs Redis. Their
// addresses come from CIMD_TEST_POSTGRES_URL and CIMD_TEST_REDIS_URL (defaults: the local
// services of the development machines).
import { connect } from 'node:net';

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
  return {
    up: { postgres: pg.ok, redis: redis.ok },
    detail: { postgres: pg.why, redis: redis.why },
    env: { CIMD_TEST_POSTGRES_URL: DEFAULTS.postgres, CIMD_TEST_REDIS_URL: DEFAULTS.redis },
    needs(file) {
      const out = [];
      if (file.includes('.postgres.')) out.push('postgres');
      if (file.includes('.redis.')) out.push('redis');
      return out;
    },
  };
}
