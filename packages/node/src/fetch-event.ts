import type { FetchPurpose, ReasonCode } from '@cimd/core';

/**
 * What one fetch did, for metrics and logs (step 12). Emitted exactly once per `fetch()` call,
 * whatever the outcome. Carries no body and no URL path: the origin is enough to aggregate on.
 */
export interface FetchEvent {
  /** `https://host[:port]` of the URL. */
  readonly origin: string;
  readonly purpose: FetchPurpose;
  /** `fetched` on success, otherwise the `fetch-*` reason code of the rejection. */
  readonly outcome: 'fetched' | ReasonCode;
  /** The HTTP status, when a response head arrived. */
  readonly status?: number;
  /** Body bytes read (0 when none were). */
  readonly bytes: number;
  /** Milliseconds from the call to the outcome. */
  readonly ms: number;
  /** The peer address actually connected to, when a connection was made. */
  readonly address?: string;
}

export type FetchEventHook = (event: FetchEvent) => void;

/** What the pipeline learns as it goes, turned into the event at the end. */
export interface FetchTrace {
  status?: number;
  bytes: number;
  address?: string;
}

export function fetchEvent(
  origin: string,
  purpose: FetchPurpose,
  outcome: FetchEvent['outcome'],
  trace: FetchTrace,
  ms: number,
): FetchEvent {
  const event: { -readonly [K in keyof FetchEvent]: FetchEvent[K] } = { origin, purpose, outcome, bytes: trace.bytes, ms };
  if (trace.status !== undefined) event.status = trace.status;
  if (trace.address !== undefined && trace.address !== '') event.address = trace.address;
  return event;
}
