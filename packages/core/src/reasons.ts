import { CLIENT_DOCUMENT_REASONS } from './reasons/client-id-and-document.js';
import { DISCOVERY_REASONS } from './reasons/discovery.js';
import { SERVER_REASONS } from './reasons/server.js';
import { CLIENT_AUTH_REASONS } from './reasons/client-auth.js';
import { RESOURCE_REASONS } from './reasons/resource.js';
import { TRUST_REASONS } from './reasons/trust.js';
import type { ReasonInfo } from './reasons/reason-info.js';

export type { ReasonInfo } from './reasons/reason-info.js';

/**
 * Every stable reason code of the library, grouped by where it arises (one file per group in
 * `reasons/`).
 *
 * The keys are part of the public API: operators match on them in logs, metrics and the `cimd`
 * CLI's `--json` output. Add codes freely; never rename or reuse one.
 */
export const REASONS = {
  ...CLIENT_DOCUMENT_REASONS,
  ...DISCOVERY_REASONS,
  ...SERVER_REASONS,
  ...CLIENT_AUTH_REASONS,
  ...RESOURCE_REASONS,
  ...TRUST_REASONS,
} as const satisfies Record<string, ReasonInfo>;

/** A stable, machine-readable reason code. */
export type ReasonCode = keyof typeof REASONS;

/** Whether a string is one of the library's reason codes. */
export function isReasonCode(value: string): value is ReasonCode {
  return Object.hasOwn(REASONS, value);
}
