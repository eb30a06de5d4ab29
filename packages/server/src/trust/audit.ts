import type { Clock } from '@cimd/core';
import type { Logger } from '../observability/logger.js';
import type { AuditEvent, AuditStore } from '../store/trust.js';
import type { Random } from '../util/random.js';
import { sortableIds } from './sortable-id.js';

/** The actor of the server's own trust decisions. */
export const SYSTEM_ACTOR = 'system';

/**
 * Writes the audit trail: every administrator decision and every automatic trust decision (a
 * client seen for the first time, a tier reached, a metadata change and the policy applied, a
 * change queued, registration data changed, a logo accepted or refused). Each event is also
 * logged (`event: trust-audit`).
 */
export interface Auditor {
  record(
    actor: string,
    action: string,
    clientId: string | undefined,
    detail?: Readonly<Record<string, unknown>>,
  ): Promise<AuditEvent>;
}

export function createAuditor(store: AuditStore, clock: Clock, random: Random, log: Logger): Auditor {
  const nextId = sortableIds(random);
  return {
    async record(actor, action, clientId, detail = {}) {
      const at = clock.now();
      const event: AuditEvent = {
        id: nextId(at),
        at,
        actor,
        action,
        ...(clientId === undefined ? {} : { clientId }),
        detail,
      };
      await store.append(event);
      log.info({ event: 'trust-audit', actor, action, client_id: clientId, detail }, `trust: ${action}`);
      return event;
    },
  };
}
