import { CimdError, systemClock, type AdminTrust, type AdmissionEffect, type AdmissionRuleKind } from '@cimd/core';
import type { ServerConfig } from '../config.js';
import { createContext } from '../context.js';
import { buildFetcher } from '../fetch-setup.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import type { Stores } from '../store/stores.js';
import type { AuditEvent, ClientVersionRecord } from '../store/trust.js';
import { createAdminService, type AdminService, type ClientDetails, type ClientOverview } from '../trust/admin-service.js';
import { secureRandom } from '../util/random.js';

export const ADMIN_HELP = `cimd-server admin: the trust console on the command line (docs/trust.md)

  admin clients [list]                        recorded clients: tier, users, first seen, last fetch, signals
  admin clients show <client_id>              one client: history, decisions, first approver, domain
  admin clients register <client_id>          fetch and validate now, pre-register (R61); --trust trusted|reviewed|none
  admin clients refresh <client_id>           fetch the document again
  admin clients approve|review|block|reset <client_id>
                                              set the administrators' decision (block revokes its grants)
  admin clients pin|unpin <client_id>         pinned: a changed document waits for approval
  admin clients revoke-grants <client_id>     revoke every grant (or one user's: --user <name>)
  admin changes [list]                        metadata changes waiting for approval
  admin changes approve|reject <id>
  admin rules [list]                          admission rules (configuration and console)
  admin rules add allow|deny <kind> <value>   kind: exact, origin, path-prefix, domain; --resource <uri>
  admin rules remove <id>
  admin audit                                 decisions, newest first; --client <client_id>, --action <a>, --limit <n>

  --as <name>   who decides, for the audit trail (default "cli"); --json   machine-readable output
`;

export interface AdminCliOptions {
  readonly as?: string;
  readonly json?: boolean;
  readonly trust?: string;
  readonly user?: string;
  readonly resource?: string;
  readonly client?: string;
  readonly action?: string;
  readonly limit?: number;
}

const DECISIONS: Readonly<Record<string, AdminTrust | undefined>> = {
  approve: 'trusted',
  review: 'reviewed',
  block: 'blocked',
  reset: undefined,
};

function time(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString();
}

function overviewLine(c: ClientOverview): string {
  const flags = [c.registered ? 'pre-registered' : '', c.pinned ? 'pinned' : '', c.trust ?? ''].filter((f) => f !== '');
  const signals = c.signals.map((s) => s.kind).join(',');
  return [
    c.clientId,
    c.tier,
    String(c.approvals),
    time(c.firstSeenAt),
    time(c.lastFetchAt),
    signals || '-',
    flags.join(',') || '-',
  ].join('\t');
}

function detailsText(c: ClientDetails): string {
  const lines = [
    `client_id      ${c.clientId}`,
    `tier           ${c.tier} (earned by approvals: ${c.earned}; decision: ${c.trust ?? 'none'})`,
    `users          ${c.approvals} approved; first ${c.firstApproval === undefined ? '-' : `${c.firstApproval.username ?? c.firstApproval.userId} at ${time(c.firstApproval.approvedAt)}`}`,
    `first seen     ${time(c.firstSeenAt)}`,
    `last fetch     ${time(c.lastFetchAt)}`,
    `domain         ${c.domain}: ${c.domainClients} client_ids, ${c.domainUsers} users`,
    `signals        ${c.signals.map((s) => JSON.stringify(s)).join(' ') || '-'}`,
    `document       ${c.digest}${c.pinned ? ' (pinned)' : ''}${c.registered ? ' (pre-registered)' : ''}`,
    'history:',
    ...c.versions.map(versionLine),
    'decisions:',
    ...c.audit.map(auditLine),
  ];
  return lines.join('\n');
}

function versionLine(v: ClientVersionRecord): string {
  return ['  ' + v.id, time(v.seenAt), v.clientId, v.status, v.classes.join(',') || '-', v.digest].join('\t');
}

function auditLine(e: AuditEvent): string {
  return ['  ' + time(e.at), e.actor, e.action, e.clientId ?? '-', JSON.stringify(e.detail)].join('\t');
}

function need(value: string | undefined, what: string): string {
  if (value === undefined || value === '')
    throw new CimdError('admin-invalid', `${what} is required (see "cimd-server admin --help")`);
  return value;
}

/** Run `cimd-server admin <noun> <verb> …` against the configured stores; returns the text to print. */
export async function runAdminCommand(
  args: readonly string[],
  options: AdminCliOptions,
  config: ServerConfig,
  stores: Stores,
): Promise<string> {
  const log = createLogger('silent');
  const metrics = createMetrics(false);
  const ctx = createContext({
    config,
    stores,
    fetcher: buildFetcher(config, log, metrics),
    clock: systemClock,
    random: secureRandom,
    log,
    metrics,
  });
  const admin = createAdminService(ctx);
  const actor = `cli:${options.as ?? 'cli'}`;
  const out = (value: unknown, text: () => string): string =>
    `${options.json === true ? JSON.stringify(value, null, 2) : text()}\n`;
  const [noun = '', verb = 'list', target] = args;

  switch (noun) {
    case 'clients':
      return clientsCommand(admin, verb, target, options, actor, stores, out);
    case 'changes': {
      if (verb === 'list') {
        const changes = await admin.changes('pending');
        return out(changes, () => changes.map(versionLine).join('\n') || 'no pending changes');
      }
      if (verb !== 'approve' && verb !== 'reject') break;
      const v = await admin.decideChange(need(target, 'the change id'), verb, actor);
      return out(v, () => `change ${v.id} of ${v.clientId}: ${v.status}`);
    }
    case 'rules': {
      if (verb === 'list') {
        const rules = await admin.rules();
        return out(rules, () =>
          rules
            .map((r) =>
              [r.source, 'id' in r.rule ? r.rule.id : '-', r.rule.effect, r.rule.kind, r.rule.value, r.rule.resource ?? '-'].join(
                '\t',
              ),
            )
            .join('\n'),
        );
      }
      if (verb === 'add') {
        const [, , effect, kind, value] = args;
        const rule = await admin.addRule(
          {
            effect: need(effect, 'allow or deny') as AdmissionEffect,
            kind: need(kind, 'the rule kind') as AdmissionRuleKind,
            value: need(value, 'the rule value'),
            ...(options.resource === undefined ? {} : { resource: options.resource }),
          },
          actor,
        );
        return out(rule, () => `added rule ${rule.id}`);
      }
      if (verb === 'remove') {
        await admin.removeRule(need(target, 'the rule id'), actor);
        return out({ removed: target }, () => `removed rule ${target ?? ''}`);
      }
      break;
    }
    case 'audit': {
      const events = await admin.audit({
        limit: options.limit ?? 100,
        ...(options.client === undefined ? {} : { clientId: options.client }),
        ...(options.action === undefined ? {} : { action: options.action }),
      });
      return out(events, () => events.map(auditLine).join('\n') || 'no events');
    }
  }
  throw new CimdError('admin-invalid', `Unknown admin command "${args.join(' ')}" (see "cimd-server admin --help")`);
}

async function clientsCommand(
  admin: AdminService,
  verb: string,
  target: string | undefined,
  options: AdminCliOptions,
  actor: string,
  stores: Stores,
  out: (value: unknown, text: () => string) => string,
): Promise<string> {
  if (verb === 'list') {
    const clients = await admin.listClients({ limit: 1000 });
    return out(clients, () => clients.map(overviewLine).join('\n') || 'no clients recorded');
  }
  const clientId = need(target, 'the client_id');
  switch (verb) {
    case 'show': {
      const c = await admin.client(clientId);
      return out(c, () => detailsText(c));
    }
    case 'register': {
      const level = options.trust === undefined || options.trust === 'trusted' ? 'trusted' : options.trust;
      if (level !== 'trusted' && level !== 'reviewed' && level !== 'none') {
        throw new CimdError('admin-invalid', `--trust must be trusted, reviewed or none, not "${level}"`);
      }
      const c = await admin.register(clientId, actor, level === 'none' ? undefined : level);
      return out(c, () => `registered ${c.clientId}: ${c.tier}, document ${c.digest}`);
    }
    case 'refresh': {
      const r = await admin.refresh(clientId, actor);
      return out(r, () =>
        r.pending !== undefined ? `changed; waiting for approval as ${r.pending}` : r.changed ? 'changed' : 'unchanged',
      );
    }
    case 'pin':
    case 'unpin':
      await admin.setPinned(clientId, verb === 'pin', actor);
      return out({ clientId, pinned: verb === 'pin' }, () => `${verb === 'pin' ? 'pinned' : 'unpinned'} ${clientId}`);
    case 'revoke-grants': {
      let userId: string | undefined;
      if (options.user !== undefined) {
        userId = (await stores.users.findByUsername(options.user.toLowerCase()))?.id;
        if (userId === undefined) throw new CimdError('admin-not-found', `There is no user "${options.user}"`);
      }
      const count = await admin.revokeGrants(clientId, actor, userId);
      return out({ clientId, revoked: count }, () => `revoked ${count} grant${count === 1 ? '' : 's'} of ${clientId}`);
    }
    default: {
      if (!Object.hasOwn(DECISIONS, verb)) break;
      const level = DECISIONS[verb];
      await admin.setTrust(clientId, level, actor);
      return out({ clientId, trust: level ?? null }, () => `${clientId}: ${level ?? 'no decision'}`);
    }
  }
  throw new CimdError('admin-invalid', `Unknown command "admin clients ${verb}" (see "cimd-server admin --help")`);
}
