import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteStores, SQLITE_MIGRATIONS } from '../src/store/index.js';
import { storeContract, T0 } from './store-contract.js';
import { cachedDocument, codeRecord, refreshRecord, userRecord } from './store-contract/fixtures.js';
import { twoHandlesContract } from './store-contract/two-handles.js';
import { raceOverSqlite } from './support/sqlite-race.js';

// One temporary folder for this file; each test gets its own database file inside it.
const root = mkdtempSync(join(tmpdir(), 'cimd-store-sqlite-'));
let files = 0;
const freshPath = (): string => join(root, `db-${++files}`, 'cimd.sqlite');
after(() => rmSync(root, { recursive: true, force: true }));

storeContract('SQLite', ({ clock }) => openSqliteStores({ path: freshPath(), clock }));

/** Read the file with a separate, plain connection, as an operator's sqlite3 shell would. */
function inspect<T>(path: string, read: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

describe('SQLite stores: the database file', () => {
  test('opening creates the folder (owner-only) and a WAL-mode file (owner-only) with every migration recorded', async () => {
    const path = freshPath();
    const stores = await openSqliteStores({ path, clock: { now: () => T0 } });
    await stores.close();
    assert.equal(statSync(join(path, '..')).mode & 0o777, 0o700);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const migrations = inspect(path, (db) => ({
      journal: db.pragma('journal_mode', { simple: true }),
      rows: db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all(),
    }));
    assert.equal(migrations.journal, 'wal');
    assert.deepEqual(
      migrations.rows,
      SQLITE_MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: T0 })),
    );
  });

  test('reopening the file keeps the data and does not run the migrations again', async () => {
    const path = freshPath();
    const first = await openSqliteStores({ path, clock: { now: () => T0 } });
    await first.users.create(userRecord());
    await first.codes.save(codeRecord());
    assert.equal((await first.codes.consume('code-hash-1', T0)).status, 'consumed');
    await first.close();

    const second = await openSqliteStores({ path, clock: { now: () => T0 + 86_400_000 } });
    assert.deepEqual(await second.users.findByUsername('alice'), userRecord());
    assert.equal((await second.codes.consume('code-hash-1', T0 + 1)).status, 'reused');
    await second.close();
    const rows = inspect(path, (db) => db.prepare('SELECT version, applied_at FROM schema_migrations').all());
    assert.deepEqual(
      rows,
      SQLITE_MIGRATIONS.map((m) => ({ version: m.version, applied_at: T0 })),
      'applied once, at the first opening',
    );
  });

  test('a file whose schema is newer than this release is refused, not used half-understood', async () => {
    const path = freshPath();
    await (await openSqliteStores({ path })).close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(9999, 'from the future', T0);
    db.close();
    await assert.rejects(openSqliteStores({ path }), /newer than this release/);
  });

  test('sweep deletes the rows of documents past staleUntil and counts them', async () => {
    const path = freshPath();
    const stores = await openSqliteStores({ path, clock: { now: () => T0 } });
    await stores.documents.set('https://old.example/cimd.json', cachedDocument({ staleUntil: T0 + 1000 }));
    await stores.documents.set('https://live.example/cimd.json', cachedDocument({ staleUntil: T0 + 1001 }));
    assert.equal(await stores.sweep(T0 + 1000), 1);
    await stores.close();
    const left = inspect(path, (db) => db.prepare('SELECT client_id FROM client_documents').pluck().all());
    assert.deepEqual(left, ['https://live.example/cimd.json']);
  });

  test('R36: cached documents survive a restart', async () => {
    const path = freshPath();
    const clock = { now: () => T0 };
    const first = await openSqliteStores({ path, clock });
    await first.documents.set('https://app.example/cimd.json', cachedDocument({ etag: '"v1"' }));
    await first.close();
    const second = await openSqliteStores({ path, clock });
    assert.deepEqual(await second.documents.get('https://app.example/cimd.json'), cachedDocument({ etag: '"v1"' }));
    await second.close();
  });
});

describe('SQLite stores: two connections to one file', () => {
  twoHandlesContract('connections', async (clock) => {
    const path = freshPath();
    const options = clock === undefined ? { path } : { path, clock };
    return [await openSqliteStores(options), await openSqliteStores(options)];
  });
});

describe('SQLite stores: connections racing in parallel threads', () => {
  test('OAuth 2.1 §4.1.3, RFC 9700 §4.14.2, J9: 3 threads racing over 300 codes, tokens and jtis: each is won exactly once', async () => {
    const path = freshPath();
    const items = 300;
    const setup = await openSqliteStores({ path });
    for (let i = 0; i < items; i++) {
      await setup.codes.save(codeRecord({ codeHash: `code-${i}` }));
      await setup.refreshTokens.save(refreshRecord({ tokenHash: `token-${i}` }));
    }
    const tallies = await raceOverSqlite({ path, items, now: T0 + 1, successor: refreshRecord() }, 3);
    for (const kind of ['consumed', 'rotated', 'remembered'] as const) {
      const won = tallies.flatMap((tally) => tally[kind]).sort((x, y) => x - y);
      assert.deepEqual(
        won,
        Array.from({ length: items }, (_, i) => i),
        `${kind}: every item won exactly once`,
      );
    }
    // Only the winner's successor of each token was saved.
    for (let i = 0; i < items; i++) {
      const winner = tallies.findIndex((tally) => tally.rotated.includes(i));
      for (let contender = 0; contender < 3; contender++) {
        const saved = await setup.refreshTokens.find(`token-${i}-next-${contender}`, T0 + 1);
        assert.equal(saved !== undefined, contender === winner, `token ${i}, contender ${contender}`);
      }
    }
    await setup.close();
  });
});
