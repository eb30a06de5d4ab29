import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { openPgDatabase } from '../src/store/postgres/database.js';
import { migratePostgres, POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations.js';
import { openPostgresStores } from '../src/store/postgres/postgres-stores.js';
import { storeContract, T0 } from './store-contract.js';
import { cachedDocument, grantRecord, refreshRecord, userRecord } from './store-contract/fixtures.js';
import { twoHandlesContract } from './store-contract/two-handles.js';
import { POSTGRES_URL, testSchemas } from './support/postgres.js';

// Every store set of this file lives in a schema of its own, dropped when the file ends.
const schemas = testSchemas('store');
const open = (schema: string, extra: { clock?: { now(): number }; migrate?: boolean } = {}) =>
  openPostgresStores({ connectionString: POSTGRES_URL, schema, maxConnections: 4, ...extra });

storeContract('PostgreSQL', ({ clock }) => open(schemas.next(), { clock }));

async function inspect<T>(schema: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query(`SELECT * FROM (${sql}) AS q`.replaceAll('$schema', schema))).rows as T[];
  } finally {
    await client.end();
  }
}

describe('PostgreSQL stores: schema and migrations', () => {
  test('opening creates the schema and records every migration once; reopening applies none', async () => {
    const schema = schemas.next();
    await (await open(schema, { clock: { now: () => T0 } })).close();
    const again = await open(schema, { clock: { now: () => T0 + 86_400_000 } });
    await again.close();
    const rows = await inspect<{ version: number; name: string; applied_at: string }>(
      schema,
      'SELECT version, name, applied_at FROM $schema.schema_migrations ORDER BY version',
    );
    assert.deepEqual(
      rows,
      POSTGRES_MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: String(T0) })),
    );
  });

  test('instances starting together migrate once: the advisory lock serialises them', async () => {
    const schema = schemas.next();
    const dbs = Array.from({ length: 4 }, () => openPgDatabase({ connectionString: POSTGRES_URL, schema }));
    try {
      const applied = await Promise.all(dbs.map((db) => migratePostgres(db, T0)));
      assert.deepEqual(
        applied.filter((versions) => versions.length > 0),
        [POSTGRES_MIGRATIONS.map((m) => m.version)],
      );
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
    }
  });

  test('with migrate off, a schema that is not migrated is refused with what to run; a current one opens', async () => {
    const schema = schemas.next();
    await assert.rejects(open(schema, { migrate: false }), /run "cimd-server migrate"/);
    const db = openPgDatabase({ connectionString: POSTGRES_URL, schema });
    await migratePostgres(db, T0);
    await db.close();
    const stores = await open(schema, { migrate: false });
    await stores.users.create(userRecord());
    assert.deepEqual(await stores.users.findByUsername('alice'), userRecord());
    await stores.close();
  });

  test('a schema newer than this release is refused, not used half-understood', async () => {
    const schema = schemas.next();
    await (await open(schema)).close();
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`INSERT INTO ${schema}.schema_migrations (version, name, applied_at) VALUES (9999, 'from the future', 0)`);
    await client.end();
    await assert.rejects(open(schema), /newer than this release/);
    await assert.rejects(open(schema, { migrate: false }), /newer than this release/);
  });

  test('R36: cached documents and timestamps survive reopening, as numbers', async () => {
    const schema = schemas.next();
    const clock = { now: () => T0 };
    const first = await open(schema, { clock });
    await first.documents.set('https://app.example/cimd.json', cachedDocument({ etag: '"v1"' }));
    await first.grants.create(grantRecord({ expiresAt: 8_640_000_000_000 }));
    await first.close();
    const second = await open(schema, { clock });
    assert.deepEqual(await second.documents.get('https://app.example/cimd.json'), cachedDocument({ etag: '"v1"' }));
    assert.equal((await second.grants.get('grant-1'))?.expiresAt, 8_640_000_000_000);
    await second.close();
  });
});

describe('PostgreSQL stores: two pools (two instances) on one schema', () => {
  twoHandlesContract('pools', async (clock) => {
    const schema = schemas.next();
    const extra = clock === undefined ? {} : { clock };
    return [await open(schema, extra), await open(schema, extra)];
  });

  test('RFC 9700 §4.14.2, J9, H8: rotations, jtis and counters raced across two pools are each won once and none is lost', async () => {
    const schema = schemas.next();
    const a = await open(schema);
    const b = await open(schema);
    try {
      await a.refreshTokens.save(refreshRecord({ tokenHash: 'contested' }));
      const rotations = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          (i % 2 === 0 ? a : b).refreshTokens.rotate('contested', refreshRecord({ tokenHash: `next-${i}` }), T0 + 1),
        ),
      );
      const winners = rotations.flatMap((r, i) => (r.status === 'rotated' ? [i] : []));
      assert.equal(winners.length, 1);
      assert.equal(rotations.filter((r) => r.status === 'reused').length, 29);
      for (let i = 0; i < 30; i++) {
        assert.equal((await a.refreshTokens.find(`next-${i}`, T0 + 1)) !== undefined, i === winners[0], `successor ${i}`);
      }
      const jtis = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).replay.remember('client-assertion', 'jti-1', T0 + 60_000, T0)),
      );
      assert.equal(jtis.filter(Boolean).length, 1);
      const counts = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).counters.increment('login:alice', 60_000, T0)),
      );
      assert.deepEqual(
        [...counts].sort((x, y) => x - y),
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
    } finally {
      await a.close();
      await b.close();
    }
  });
});
