import { systemClock, type Clock } from '@cimd/core';
import type { Stores } from '../stores.js';
import { createPgCodeStore } from './codes.js';
import { createPgConsentStore } from './consents.js';
import { createPgCounterStore } from './counters.js';
import { openPgDatabase, type PgDatabase, type PgDatabaseOptions } from './database.js';
import { createPgDocumentCache } from './documents.js';
import { createPgGrantStore } from './grants.js';
import { createPgInteractionStore } from './interactions.js';
import { createPgKeyStore } from './keys.js';
import { checkPostgresSchema, migratePostgres } from './migrations.js';
import { createPgRefreshTokenStore } from './refresh-tokens.js';
import { createPgRegisteredClientStore } from './registered-clients.js';
import { createPgReplayStore } from './replay.js';
import { createPgSessionStore } from './sessions.js';
import { sqlTrustStores } from '../sql/trust-stores.js';
import { pgRunner } from './sql-runner.js';
import type { PgSweepable } from './sweep.js';
import { createPgUserStore } from './users.js';

export interface PostgresStoresOptions extends PgDatabaseOptions {
  /** Time of the document cache (which is given no `now`) and of migration records (default the system clock). */
  readonly clock?: Clock;
  /**
   * Apply pending migrations when opening (default true). When false, opening checks that the
   * schema is current and fails otherwise (run `cimd-server migrate` first).
   */
  readonly migrate?: boolean;
}

/**
 * Every store in PostgreSQL (`pg` pool): the backend for several instances. Atomicity rests on
 * conditional UPDATE … RETURNING, INSERT … ON CONFLICT and short transactions, so it holds
 * across connections, processes and machines. Expired rows are deleted by `sweep`.
 */
export async function openPostgresStores(options: PostgresStoresOptions): Promise<Stores> {
  const clock = options.clock ?? systemClock;
  const db = openPgDatabase(options);
  try {
    if (options.migrate ?? true) await migratePostgres(db, clock.now());
    else await checkPostgresSchema(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return postgresStores(db, clock);
}

/** The stores over an open, migrated database (closing the stores closes it). */
export function postgresStores(db: PgDatabase, clock: Clock): Stores {
  const codes = createPgCodeStore(db);
  const refreshTokens = createPgRefreshTokenStore(db);
  const replay = createPgReplayStore(db);
  const interactions = createPgInteractionStore(db);
  const sessions = createPgSessionStore(db);
  const counters = createPgCounterStore(db);
  const documents = createPgDocumentCache(db, clock);
  const expiring: readonly PgSweepable[] = [codes, refreshTokens, replay, interactions, sessions, counters, documents];
  return {
    codes,
    grants: createPgGrantStore(db),
    refreshTokens,
    consents: createPgConsentStore(db),
    users: createPgUserStore(db),
    keys: createPgKeyStore(db),
    replay,
    interactions,
    sessions,
    counters,
    registeredClients: createPgRegisteredClientStore(db),
    documents,
    trust: sqlTrustStores(pgRunner(db)),
    sweep: (now) =>
      db.transaction(async (tx) => {
        let removed = 0;
        for (const part of expiring) removed += await part.sweep(tx, now);
        return removed;
      }),
    close: () => db.close(),
  };
}
