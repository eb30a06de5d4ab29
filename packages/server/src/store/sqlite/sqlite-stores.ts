import { systemClock, type Clock } from '@cimd/core';
import { createGate } from '../gate.js';
import type { Stores } from '../stores.js';
import type { Sweepable } from '../sweepable.js';
import { createSqliteCodeStore } from './codes.js';
import { createSqliteConsentStore } from './consents.js';
import { createSqliteCounterStore } from './counters.js';
import { DEFAULT_BUSY_TIMEOUT_MS, migrate, openDatabase } from './database.js';
import { createSqliteDocumentCache } from './documents.js';
import { createSqliteGrantStore } from './grants.js';
import { createSqliteInteractionStore } from './interactions.js';
import { createSqliteKeyStore } from './keys.js';
import { createSqliteRefreshTokenStore } from './refresh-tokens.js';
import { createSqliteRegisteredClientStore } from './registered-clients.js';
import { createSqliteReplayStore } from './replay.js';
import { createSqliteSessionStore } from './sessions.js';
import { sqliteRunner } from './sql-runner.js';
import { sqlTrustStores } from '../sql/trust-stores.js';
import { createSqliteUserStore } from './users.js';

export interface SqliteStoresOptions {
  /** The database file; its folder is created when missing. Several processes may open one file. */
  readonly path: string;
  /** Time of the document cache (which is given no `now`) and of migration records (default the system clock). */
  readonly clock?: Clock;
  /** How long a write waits for another connection's lock (default 5 s). */
  readonly busyTimeoutMs?: number;
}

/**
 * Every store in one SQLite file (better-sqlite3, WAL): the embedded default of the server.
 * Opening applies the pending schema migrations. Each store prepares its statements once.
 * Operations are synchronous inside, handed back as promises; their atomicity rests on
 * conditional statements and IMMEDIATE transactions, so it holds across connections and
 * processes sharing the file, not only within this one.
 */
export function openSqliteStores(options: SqliteStoresOptions): Promise<Stores> {
  return new Promise<Stores>((resolve) => {
    const clock = options.clock ?? systemClock;
    const db = openDatabase(options.path, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
    try {
      migrate(db, clock.now());
    } catch (error) {
      db.close();
      throw error;
    }
    const gate = createGate('SQLite');
    const codes = createSqliteCodeStore(db, gate);
    const refreshTokens = createSqliteRefreshTokenStore(db, gate);
    const replay = createSqliteReplayStore(db, gate);
    const interactions = createSqliteInteractionStore(db, gate);
    const sessions = createSqliteSessionStore(db, gate);
    const counters = createSqliteCounterStore(db, gate);
    const documents = createSqliteDocumentCache(db, gate, clock);
    const expiring: readonly Sweepable[] = [codes, refreshTokens, replay, interactions, sessions, counters, documents];
    const sweep = db.transaction((now: number) => expiring.reduce((removed, part) => removed + part.sweep(now), 0));
    resolve({
      codes,
      grants: createSqliteGrantStore(db, gate),
      refreshTokens,
      consents: createSqliteConsentStore(db, gate),
      users: createSqliteUserStore(db, gate),
      keys: createSqliteKeyStore(db, gate),
      replay,
      interactions,
      sessions,
      counters,
      registeredClients: createSqliteRegisteredClientStore(db, gate),
      documents,
      trust: sqlTrustStores(sqliteRunner(db, gate)),
      sweep: (now) => gate.run(() => sweep.immediate(now)),
      close: () =>
        new Promise<void>((done) => {
          if (!gate.closed) {
            gate.close();
            db.close();
          }
          done();
        }),
    });
  });
}
