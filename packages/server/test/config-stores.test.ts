import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { systemClock } from '@cimd/core';
import { isSharedDeployment, redactUrl } from '../src/backends.js';
import { runServerCli, type CliEnvironment } from '../src/cli/main.js';
import { configFromEnv, configProblems, mergeConfig, type ConfigInput } from '../src/config.js';
import { openStores } from '../src/server.js';
import { openPgDatabase, parsePostgresUrl } from '../src/store/postgres/database.js';
import { openRedisCoordination } from '../src/store/redis/coordination.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations.js';

function problems(input: ConfigInput): string[] {
  return configProblems(mergeConfig(input), [input]);
}

describe('configuration: the stores group picks the backends by URL', () => {
  test('sqlite:, memory:, postgres:// and postgresql:// state stores, with or without a redis:// cache, are valid', () => {
    for (const url of [
      'sqlite:/var/lib/cimd/cimd.db',
      'memory:',
      'postgres://cimd@db/cimd',
      'postgresql://cimd:pw@db:5433/cimd?schema=prod',
    ]) {
      assert.deepEqual(problems({ stores: { url } }), [], url);
      assert.deepEqual(problems({ stores: { url, cacheUrl: 'redis://cache:6379/1?prefix=prod:' } }), [], url);
    }
    assert.deepEqual(problems({ stores: { cacheUrl: 'rediss://cache.internal', migrateOnStart: false } }), []);
  });

  test('a cache that is not Redis, or a migrateOnStart that is not a boolean, is refused naming the member', () => {
    assert.match(problems({ stores: { cacheUrl: 'memcached://cache' } }).join('\n'), /stores\.cacheUrl/);
    assert.match(problems({ stores: { migrateOnStart: 'yes' as unknown as boolean } }).join('\n'), /stores\.migrateOnStart/);
    assert.match(problems({ stores: { url: 'postgres:' } }).join('\n'), /stores\.url/);
  });

  test('CIMD_CACHE_URL sets stores.cacheUrl; PostgreSQL or a shared cache make a shared deployment, SQLite alone does not', () => {
    assert.deepEqual(configFromEnv({ CIMD_CACHE_URL: 'redis://127.0.0.1:6379', CIMD_STORE: 'postgres://db/cimd' }), {
      stores: { url: 'postgres://db/cimd', cacheUrl: 'redis://127.0.0.1:6379' },
    });
    assert.equal(isSharedDeployment(mergeConfig({})), false);
    assert.equal(isSharedDeployment(mergeConfig({ stores: { url: 'postgresql://db/cimd' } })), true);
    assert.equal(isSharedDeployment(mergeConfig({ stores: { cacheUrl: 'redis://cache' } })), true);
  });

  test('the schema is ours, taken out of the URL pg reads; a schema that is not a plain identifier is refused', () => {
    assert.deepEqual(parsePostgresUrl('postgres://cimd@db:5432/cimd?schema=prod&sslmode=require'), {
      connectionString: 'postgres://cimd@db:5432/cimd?sslmode=require',
      schema: 'prod',
    });
    assert.deepEqual(parsePostgresUrl('postgres://cimd@db/cimd'), { connectionString: 'postgres://cimd@db/cimd' });
    for (const schema of ['Prod', 'a-b', 'x;DROP TABLE users', '']) {
      assert.throws(() => openPgDatabase({ connectionString: 'postgres://127.0.0.1/none', schema }), RangeError, schema);
    }
  });

  test('a cache URL where no Redis answers fails at once, saying why (no silent fallback to fetching everywhere)', async () => {
    await assert.rejects(
      openRedisCoordination({ url: 'redis://127.0.0.1:1', clock: { now: () => 0 } }),
      /Cannot connect to Redis: .*ECONNREFUSED/,
    );
  });

  test('banners and logs never show a store password', () => {
    assert.equal(redactUrl('postgres://cimd:s3cret@db/cimd?schema=a'), 'postgres://cimd:***@db/cimd?schema=a');
    assert.equal(redactUrl('redis://:s3cret@cache:6379'), 'redis://:***@cache:6379');
    assert.equal(redactUrl('sqlite:.data/cimd.db'), 'sqlite:.data/cimd.db');
  });
});

/** A CLI environment whose output is kept in `out`. */
function capturingIo(): { out: string[]; io: CliEnvironment } {
  const out: string[] = [];
  const io = {
    env: {},
    stdout: (s: string) => out.push(s),
    stderr: (s: string) => out.push(s),
    readStdin: () => Promise.resolve(''),
  };
  return { out, io };
}

/** Run `work` in a new temporary folder, removed afterwards. */
async function inTempDir(prefix: string, work: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('cimd-server migrate', () => {
  test('applies the migrations of a new SQLite file once, then says the schema is current; the help names the command', () =>
    inTempDir('cimd-migrate-', async (dir) => {
      const { out, io } = capturingIo();
      const store = `sqlite:${join(dir, 'cimd.db')}`;
      assert.equal(await runServerCli(['migrate', '--store', store], io), 0);
      assert.equal(await runServerCli(['migrate', '--store', store], io), 0);
      const versions = SQLITE_MIGRATIONS.map((m) => m.version).join(', ');
      assert.deepEqual(out, [`${store}: applied migrations ${versions}\n`, `${store}: the schema is current\n`]);
      assert.equal(await runServerCli(['--help'], io), 0);
      assert.match(out.at(-1) ?? '', /cimd-server migrate/);
      assert.match(out.at(-1) ?? '', /--cache <url>/);
    }));
});

describe('cimd-server keys rotate', () => {
  test('regression: the retired key stays published as long as the longest access token it signed lives (authenticated clients too)', () =>
    inTempDir('cimd-keys-', async (dir) => {
      const file = join(dir, 'config.json');
      await writeFile(file, JSON.stringify({ limits: { accessTokenTtlS: 600, authenticatedAccessTokenTtlS: 7200 } }));
      const store = `sqlite:${join(dir, 'cimd.db')}`;
      const { io } = capturingIo();
      assert.equal(await runServerCli(['keys', 'rotate', '--overlap-s', '60', '--config', file, '--store', store], io), 0);
      const stores = await openStores(mergeConfig({ stores: { url: store } }), systemClock);
      try {
        const keys = await stores.keys.list();
        assert.equal(keys.length, 2);
        const retired = keys.find((k) => k.retiresAt !== undefined);
        assert.ok(retired?.retiresAt !== undefined && retired.expiresAt !== undefined);
        assert.equal(retired.expiresAt - retired.retiresAt, 7200 * 1000);
      } finally {
        await stores.close();
      }
    }));
});

describe('cimd-server config check', () => {
  test('regression: prints the configuration without the introspection secrets or store passwords', () =>
    inTempDir('cimd-config-', async (dir) => {
      const { out, io } = capturingIo();
      const file = join(dir, 'config.json');
      const secret = 'introspection-secret-of-the-api';
      await writeFile(
        file,
        JSON.stringify({
          stores: { url: 'postgres://cimd:db-password@db/cimd', cacheUrl: 'redis://:cache-password@cache:6379' },
          clients: { resourceServers: [{ id: 'api', secret }] },
        }),
      );
      assert.equal(await runServerCli(['config', 'check', '--config', file], io), 0);
      const printed = out.join('');
      for (const hidden of [secret, 'db-password', 'cache-password']) assert.ok(!printed.includes(hidden), hidden);
      const shown = JSON.parse(printed) as {
        stores: { url: string; cacheUrl: string };
        clients: { resourceServers: { id: string }[] };
      };
      assert.equal(shown.stores.url, 'postgres://cimd:***@db/cimd');
      assert.equal(shown.stores.cacheUrl, 'redis://:***@cache:6379');
      assert.equal(shown.clients.resourceServers[0]?.id, 'api');
    }));
});
