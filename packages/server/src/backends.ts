import { CimdError, type Clock, type SingleFlight } from '@cimd/core';
import type { ServerConfig } from './config.js';
import { createMemoryStores } from './store/memory/memory-stores.js';
import { openPgDatabase, parsePostgresUrl } from './store/postgres/database.js';
import { migratePostgres } from './store/postgres/migrations.js';
import { openPostgresStores } from './store/postgres/postgres-stores.js';
import { openRedisCoordination, type RedisCoordination } from './store/redis/coordination.js';
import { migrate as migrateSqlite, openDatabase } from './store/sqlite/database.js';
import { openSqliteStores } from './store/sqlite/sqlite-stores.js';
import type { Stores } from './store/stores.js';

/** The stores of a server and, with a shared cache, the cluster-wide fetch single-flight. */
export interface Backends {
  readonly stores: Stores;
  readonly singleFlight?: SingleFlight;
}

/**
 * Whether the configuration is meant for several instances (state in PostgreSQL, or a shared
 * Redis cache): then fetch budgets are counted for the cluster too (see cluster-budget.ts).
 */
export function isSharedDeployment(config: ServerConfig): boolean {
  return /^postgres(ql)?:\/\//.test(config.stores.url) || config.stores.cacheUrl !== undefined;
}

/**
 * Open the state store named by `stores.url` (applying pending migrations when
 * `stores.migrateOnStart`, or when `migrate` says so).
 */
export async function openStores(config: ServerConfig, clock: Clock, migrate = config.stores.migrateOnStart): Promise<Stores> {
  const url = config.stores.url;
  if (url === 'memory:') return createMemoryStores({ clock });
  // SQLite is embedded: its file is always brought to the current schema when opened.
  if (url.startsWith('sqlite:')) return openSqliteStores({ path: url.slice('sqlite:'.length), clock });
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgresStores({ ...parsePostgresUrl(url), clock, migrate });
  throw new Error(`Unsupported stores.url "${url}"`);
}

/**
 * Bring the state store's schema to this release (`cimd-server migrate`): returns the migration
 * versions applied, none when it was current. Safe to run while instances are up, and from
 * several places at once (SQLite: an IMMEDIATE transaction; PostgreSQL: an advisory lock).
 */
export async function migrateStores(config: ServerConfig, clock: Clock): Promise<number[]> {
  const url = config.stores.url;
  if (url === 'memory:') return [];
  if (url.startsWith('sqlite:')) {
    const db = openDatabase(url.slice('sqlite:'.length), 5000);
    try {
      return migrateSqlite(db, clock.now());
    } finally {
      db.close();
    }
  }
  const db = openPgDatabase(parsePostgresUrl(url));
  try {
    return await migratePostgres(db, clock.now());
  } finally {
    await db.close();
  }
}

/** A store or cache URL fit for a banner or a log line: any password replaced by "***". */
export function redactUrl(text: string): string {
  if (!/^[a-z]+:\/\//.test(text) || !URL.canParse(text)) return text;
  const url = new URL(text);
  if (url.password !== '') url.password = '***';
  return url.href;
}

/**
 * Open what `stores` names: the state store by `stores.url`, and with `stores.cacheUrl` the Redis
 * cache and single-flight, which then hold the metadata documents instead of the state store.
 */
export async function openBackends(config: ServerConfig, clock: Clock, onRedisError?: (error: Error) => void): Promise<Backends> {
  const stores = await openStores(config, clock);
  const cacheUrl = config.stores.cacheUrl;
  if (cacheUrl === undefined) return { stores };
  let coordination: RedisCoordination;
  try {
    coordination = await openRedisCoordination({
      url: cacheUrl,
      clock,
      // Longer than one load: the fetch deadline, with room for validation and slow cache writes.
      lockTtlMs: 2 * config.fetch.timeoutMs + 5000,
      ...(onRedisError === undefined ? {} : { onError: onRedisError }),
    });
  } catch (error) {
    await stores.close();
    throw error;
  }
  return { stores: withSharedDocuments(stores, coordination), singleFlight: coordination.singleFlight };
}

/** `stores` with the documents in Redis; closing closes both, and the documents refuse work after. */
export function withSharedDocuments(stores: Stores, coordination: RedisCoordination): Stores {
  let closed = false;
  const shared = coordination.documents;
  const whileOpen = async <T>(operation: () => Promise<T>): Promise<T> => {
    if (closed) throw new CimdError('store-closed', 'The Redis cache is closed');
    return operation();
  };
  return {
    ...stores,
    documents: {
      get: (clientId) => whileOpen(() => shared.get(clientId)),
      set: (clientId, entry) => whileOpen(() => shared.set(clientId, entry)),
      delete: (clientId) => whileOpen(() => shared.delete(clientId)),
    },
    async close() {
      closed = true;
      await Promise.all([stores.close(), coordination.close()]);
    },
  };
}
