import {
  createMemoryDocumentCache,
  systemClock,
  type Clock,
  type DocumentCache,
  type MemoryDocumentCacheOptions,
} from '@cimd/core';
import { createGate, type Gate } from '../gate.js';
import type { Stores } from '../stores.js';
import { createMemoryCodeStore } from './codes.js';
import { createMemoryConsentStore } from './consents.js';
import { createMemoryCounterStore } from './counters.js';
import { createMemoryGrantStore } from './grants.js';
import { createMemoryInteractionStore } from './interactions.js';
import { createMemoryKeyStore } from './keys.js';
import { createMemoryRefreshTokenStore } from './refresh-tokens.js';
import { createMemoryRegisteredClientStore } from './registered-clients.js';
import { createMemoryReplayStore } from './replay.js';
import { createMemorySessionStore } from './sessions.js';
import { createMemoryTrustStores } from './trust-stores.js';
import { createMemoryUserStore } from './users.js';

export interface MemoryStoresOptions {
  /** Time source of the document cache, which is given no `now` (default the system clock). */
  readonly clock?: Clock;
  /** Bounds of the document cache (defaults of `@cimd/core`'s memory cache). */
  readonly documents?: Partial<Omit<MemoryDocumentCacheOptions, 'clock'>>;
}

/** The document cache behind the same gate as the other stores, so it too refuses work after `close`. */
function gatedDocuments(gate: Gate, inner: DocumentCache): DocumentCache {
  const open = (): Promise<void> => gate.run(() => undefined);
  return {
    get: (clientId) => open().then(() => inner.get(clientId)),
    set: (clientId, entry) => open().then(() => inner.set(clientId, entry)),
    delete: (clientId) => open().then(() => inner.delete(clientId)),
  };
}

/**
 * Every store in process memory: for protocol tests and single-process development. Nothing
 * survives a restart, and two processes share nothing.
 *
 * Every operation runs synchronously to its end inside one promise, so a check and the write that
 * depends on it are never split by another caller: `consume`, `rotate`, `remember`, `revoke` and
 * `increment` are atomic. Expired entries are never returned; `sweep` deletes them, and the maps
 * that grow with untrusted input also drop expired entries by themselves as they grow. The
 * document cache is `@cimd/core`'s bounded LRU cache: its entries are evicted by size and expire
 * when read, so `sweep` does not count them.
 */
export function createMemoryStores(options: MemoryStoresOptions = {}): Stores {
  const gate = createGate('memory');
  const codes = createMemoryCodeStore(gate);
  const refreshTokens = createMemoryRefreshTokenStore(gate);
  const replay = createMemoryReplayStore(gate);
  const interactions = createMemoryInteractionStore(gate);
  const sessions = createMemorySessionStore(gate);
  const counters = createMemoryCounterStore(gate);
  const expiring = [codes, refreshTokens, replay, interactions, sessions, counters];
  const documents = createMemoryDocumentCache({ ...options.documents, clock: options.clock ?? systemClock });
  return {
    codes,
    grants: createMemoryGrantStore(gate),
    refreshTokens,
    consents: createMemoryConsentStore(gate),
    users: createMemoryUserStore(gate),
    keys: createMemoryKeyStore(gate),
    replay,
    interactions,
    sessions,
    counters,
    registeredClients: createMemoryRegisteredClientStore(gate),
    documents: gatedDocuments(gate, documents),
    trust: createMemoryTrustStores(gate),
    sweep: (now) => gate.run(() => expiring.reduce((removed, part) => removed + part.sweep(now), 0)),
    close: () => {
      gate.close();
      return Promise.resolve();
    },
  };
}
