import type { OAuthErrorCode } from '../wire.js';

/** What the library knows about one reason code. */
export interface ReasonInfo {
  /** The OAuth error code a client sees when this reason ends a request. */
  readonly wire: OAuthErrorCode;
  /** The requirement (see `docs/conformance.md`) this reason enforces, when there is one. */
  readonly requirement?: string;
  /** One line for operators: what went wrong, in general terms. */
  readonly summary: string;
}
