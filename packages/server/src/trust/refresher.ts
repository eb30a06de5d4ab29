import { isCimdError } from '@cimd/core';
import type { ServerContext } from '../context.js';
import { createAdminService } from './admin-service.js';
import { SYSTEM_ACTOR } from './audit.js';

/** Pre-registered clients refreshed per page of the registry. */
const PAGE = 100;

/**
 * Fetch every pre-registered client's document again (R61: "it may refresh automatically"),
 * one after the other. A changed document takes effect through the registry as any other change
 * does (change policies, the queue of pinned clients). Failures are audited and the old document
 * stays in effect. A client the admission policy refuses now (a deny rule, a block) is skipped:
 * the schedule never fetches what a request could not (H20). Returns how many were refreshed,
 * skipped and failed.
 */
export async function refreshRegisteredClients(
  ctx: ServerContext,
): Promise<{ refreshed: number; skipped: number; failed: number }> {
  const admin = createAdminService(ctx);
  let refreshed = 0;
  let skipped = 0;
  let failed = 0;
  for (let offset = 0; ; offset += PAGE) {
    const page = await ctx.stores.trust.clients.list({ limit: PAGE, offset, registered: true });
    for (const record of page) {
      try {
        await ctx.trust.admission.check(record.clientId, new URL(record.clientId));
      } catch (e) {
        if (!isCimdError(e)) throw e;
        skipped += 1;
        continue;
      }
      try {
        await admin.refresh(record.clientId, SYSTEM_ACTOR);
        refreshed += 1;
      } catch (e) {
        if (!isCimdError(e)) throw e;
        failed += 1;
        await ctx.trust.audit.record(SYSTEM_ACTOR, 'refresh-failed', record.clientId, { reason: e.code, detail: e.message });
      }
    }
    if (page.length < PAGE) return { refreshed, skipped, failed };
  }
}

/** Refresh pre-registered clients every `intervalS` seconds (0: never); returns the stop function. */
export function startRefresher(ctx: ServerContext, intervalS: number): () => void {
  if (intervalS <= 0) return () => undefined;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    refreshRegisteredClients(ctx)
      .then(
        (result) => ctx.log.info({ event: 'trust-refresh', ...result }, 'pre-registered clients refreshed'),
        (err: unknown) => ctx.log.warn({ event: 'trust-refresh', err }, 'refreshing pre-registered clients failed'),
      )
      .finally(() => {
        running = false;
      });
  }, intervalS * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
