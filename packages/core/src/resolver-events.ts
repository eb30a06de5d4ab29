import type { CimdError } from './errors.js';
import type { ReasonCode } from './reasons.js';

/**
 * What one resolution (or one background refresh) came to. The success codes are listed in
 * {@link RESOLVER_SUCCESS_OUTCOMES}; every failure carries the stable reason code of the
 * `CimdError` that ended it (e.g. `fetch-timeout`, `client-id-mismatch`, `fetch-policy-denied`).
 */
export type ResolverOutcome = ResolverSuccessOutcome | ReasonCode;

export type ResolverSuccessOutcome =
  /** The document was fetched (a 200) and validated. */
  | 'fetched'
  /** A fresh cached document was used; no network. */
  | 'cache-hit'
  /** An expired cached document was confirmed by a 304 to a conditional request. */
  | 'revalidated'
  /** A refetch failed and the last valid copy was served within its grace window (H9, `token` only). */
  | 'stale-grace'
  /** A fresh cached document was used and a background refresh was started. */
  | 'refresh-ahead';

export const RESOLVER_SUCCESS_OUTCOMES: readonly ResolverSuccessOutcome[] = [
  'fetched',
  'cache-hit',
  'revalidated',
  'stale-grace',
  'refresh-ahead',
];

/** Why a document is resolved: the endpoint asking, or a background refresh. */
export type ResolverEventUse = 'authorize' | 'token' | 'refresh';

/** One outcome, for logs and metrics. Carries no document contents. */
export interface ResolverEvent {
  readonly code: ResolverOutcome;
  readonly clientId: string;
  /** The origin of the client_id; absent when the client_id is not a usable URL. */
  readonly origin?: string;
  /** Milliseconds from the start of the resolution to its outcome (by the injected clock). */
  readonly ms: number;
  readonly use: ResolverEventUse;
  /**
   * True when this resolution waited for a fetch another one had started (single-flight, H8):
   * count fetches as `fetched`/`revalidated` events without `coalesced`.
   */
  readonly coalesced?: boolean;
  /** The failure: for failure codes, and for `stale-grace` (the failure that was bridged). */
  readonly error?: CimdError;
}

/** Receives every {@link ResolverEvent}. Must not throw; if it does, the error is ignored. */
export type ResolverEventHook = (event: ResolverEvent) => void;

/** Whether an outcome is a failure (a reason code) rather than a success. */
export function isFailureOutcome(code: ResolverOutcome): code is ReasonCode {
  return !(RESOLVER_SUCCESS_OUTCOMES as readonly string[]).includes(code);
}
