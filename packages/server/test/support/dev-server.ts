import assert from 'node:assert/strict';
import { configProblems, createLogger, createUser, mergeConfig, startServer, type RunningServer } from '@cimd/server';
import type { TestPki } from '../../../node/test/kit/index.js';

export interface DevelopmentServer {
  readonly running: RunningServer;
  readonly issuer: string;
}

/**
 * The authorization server on a loopback socket in development mode, as an operator would start
 * it: the only mode where its safe fetcher may map test host names to 127.0.0.1 and trust the
 * test CA (R70). A user `username` with `password` exists.
 */
export async function startDevelopmentServer(options: {
  readonly pki: TestPki;
  /** Host names the fetcher maps to 127.0.0.1. */
  readonly hosts: readonly string[];
  readonly authMethods: readonly string[];
  readonly username: string;
  readonly password: string;
}): Promise<DevelopmentServer> {
  const input = {
    server: { mode: 'development' as const, host: '127.0.0.1', port: 0, issuer: 'http://127.0.0.1:0' },
    stores: { url: 'memory:' },
    policy: { authMethods: [...options.authMethods], authenticateBeforeFetch: false },
    fetch: {
      resolve: Object.fromEntries(options.hosts.map((h) => [h, '127.0.0.1'])),
      extraCaFile: options.pki.ca.certPath,
      allowLoopback: true,
    },
    logging: { level: 'silent' as const },
  };
  const config = mergeConfig(input);
  assert.deepEqual(configProblems(config, [input]), [], 'the test runs a configuration an operator could write');
  const running = await startServer({
    config,
    demo: false,
    servicePort: 0,
    resetDemoPassword: false,
    say: () => undefined,
    logger: createLogger('silent'),
  });
  const ctx = running.server.context;
  await createUser(ctx.stores, ctx.random, options.username, options.password, Date.now());
  return { running, issuer: running.config.server.issuer };
}
