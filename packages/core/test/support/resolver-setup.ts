import {
  createClientResolver,
  createMemoryDocumentCache,
  type ClientResolver,
  type ClientResolverOptions,
  type MemoryDocumentCache,
  type ResolverEvent,
} from '@cimd/core';
import { ManualClock } from './manual-clock.js';
import { MapFetcher } from './map-fetcher.js';

export const ID = 'https://app.example/oauth/client.json';
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/** A valid draft-03 document for `clientId` (a public client with one redirect URI). */
export function documentFor(clientId: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    client_id: clientId,
    client_name: 'Example App',
    redirect_uris: [`${new URL(clientId).origin}/callback`],
    token_endpoint_auth_method: 'none',
    ...extra,
  });
}

export interface Setup {
  readonly clock: ManualClock;
  readonly fetcher: MapFetcher;
  readonly store: MemoryDocumentCache;
  readonly events: ResolverEvent[];
  readonly resolver: ClientResolver;
}

/** A resolver over an in-memory origin, a manual clock and a memory cache, recording its events. */
export function setup(options: Omit<Partial<ClientResolverOptions>, 'fetcher' | 'clock'> = {}): Setup {
  const clock = new ManualClock();
  const fetcher = new MapFetcher();
  const store = createMemoryDocumentCache({ clock });
  const events: ResolverEvent[] = [];
  const resolver = createClientResolver({
    ...options,
    fetcher,
    clock,
    cache: { store, ...options.cache },
    hooks: {
      ...options.hooks,
      onEvent: (e) => {
        events.push(e);
        options.hooks?.onEvent?.(e);
      },
    },
  });
  return { clock, fetcher, store, events, resolver };
}

/** The codes of recorded events. */
export function codes(events: readonly ResolverEvent[]): string[] {
  return events.map((e) => e.code);
}
