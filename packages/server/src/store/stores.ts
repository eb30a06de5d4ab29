import type { DocumentCache } from '@cimd/core';
import type { CodeStore } from './codes.js';
import type { ConsentStore } from './consents.js';
import type { CounterStore } from './counters.js';
import type { GrantStore } from './grants.js';
import type { InteractionStore } from './interactions.js';
import type { KeyStore } from './keys.js';
import type { RefreshTokenStore } from './refresh-tokens.js';
import type { RegisteredClientStore } from './registered-clients.js';
import type { ReplayStore } from './replay.js';
import type { SessionStore } from './sessions.js';
import type { TrustStores } from './trust.js';
import type { UserStore } from './users.js';

/** Every store the server uses, one small interface per concern. */
export interface Stores {
  readonly codes: CodeStore;
  readonly grants: GrantStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly consents: ConsentStore;
  readonly users: UserStore;
  readonly keys: KeyStore;
  readonly replay: ReplayStore;
  readonly interactions: InteractionStore;
  readonly sessions: SessionStore;
  readonly counters: CounterStore;
  readonly registeredClients: RegisteredClientStore;
  /** Validated client metadata documents (a cache: losing it costs only fetches). */
  readonly documents: DocumentCache;
  /** The trust model's records: client registry, approvals, versions, domains, audit, rules, logos. */
  readonly trust: TrustStores;
  /** Delete expired rows; returns how many. Safe to call at any time. */
  sweep(now: number): Promise<number>;
  close(): Promise<void>;
}
