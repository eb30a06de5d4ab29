import type { AdmissionMode, TrustSignal } from '@cimd/core';
import type { AuditEvent, ClientVersionRecord } from '../store/trust.js';
import type { ClientDetails, ClientOverview, RuleEntry } from '../trust/admin-service.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './pages.js';

/**
 * The admin console's pages (docs/trust.md): server-rendered, our stylesheet only, every value
 * escaped. Every change is a POST form to `/admin/action` carrying the console's CSRF token.
 */

export const ADMIN_ACTION_PATH = '/admin/action';

function time(ms: number | undefined): string {
  return ms === undefined ? '—' : new Date(ms).toISOString().replace('.000Z', 'Z');
}

function signalText(s: TrustSignal): string {
  switch (s.kind) {
    case 'lookalike':
      return `looks like ${s.lookalike.brand} (${s.lookalike.kind})`;
    case 'young-domain':
      return `domain ${s.domain} registered ${s.ageDays} days ago`;
    case 'crowded-domain':
      return `${s.clientIds} client_ids on ${s.domain}`;
    case 'cimd-service':
      return `provisioned by the CIMD Service ${s.service}`;
  }
}

function clientLink(clientId: string): SafeHtml {
  return html`<a href="/admin/client?client_id=${encodeURIComponent(clientId)}">${clientId}</a>`;
}

/** One POST button with its hidden fields. */
function action(csrf: string, name: string, label: string, fields: Readonly<Record<string, string>> = {}): SafeHtml {
  return html`<form class="inline" method="post" action="${ADMIN_ACTION_PATH}">
    <input type="hidden" name="csrf" value="${csrf}" />
    <input type="hidden" name="action" value="${name}" />
    ${Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`)}
    <button type="submit" data-testid="action-${name}">${label}</button>
  </form>`;
}

function header(username: string, notice: string | undefined): SafeHtml {
  return html`<p class="muted">
      Signed in as <strong>${username}</strong> · <a href="/admin">Clients</a> · <a href="/admin/audit">Audit</a>
    </p>
    ${notice === undefined ? '' : html`<div class="notice info" role="status" data-testid="admin-notice">${notice}</div>`}`;
}

function auditTable(events: readonly AuditEvent[]): SafeHtml {
  return html`<table data-testid="audit">
    <tr>
      <th>When</th>
      <th>Who</th>
      <th>What</th>
      <th>Client</th>
      <th>Detail</th>
    </tr>
    ${events.map(
      (e) =>
        html`<tr>
          <td>${time(e.at)}</td>
          <td>${e.actor}</td>
          <td>${e.action}</td>
          <td>${e.clientId === undefined ? '' : clientLink(e.clientId)}</td>
          <td><code>${JSON.stringify(e.detail)}</code></td>
        </tr>`,
    )}
  </table>`;
}

function changesTable(csrf: string, changes: readonly ClientVersionRecord[], decide: boolean): SafeHtml {
  return html`<table data-testid="changes">
    <tr>
      <th>Seen</th>
      <th>Client</th>
      <th>Classes</th>
      <th>Status</th>
      <th>Digest</th>
      <th></th>
    </tr>
    ${changes.map(
      (v) =>
        html`<tr>
          <td>${time(v.seenAt)}</td>
          <td>${clientLink(v.clientId)}</td>
          <td>${v.classes.join(', ') || '—'}</td>
          <td>${v.status}${v.decidedBy === undefined ? '' : ` by ${v.decidedBy}`}</td>
          <td><code>${v.digest}</code></td>
          <td>
            ${
              decide && v.status === 'pending'
                ? html`${action(csrf, 'approve-change', 'Approve', { version: v.id })}
                  ${action(csrf, 'reject-change', 'Reject', { version: v.id })}`
                : ''
            }
          </td>
        </tr>`,
    )}
  </table>`;
}

export interface AdminHomeInput {
  readonly csrf: string;
  readonly username: string;
  readonly mode: AdmissionMode;
  readonly clients: readonly ClientOverview[];
  readonly pending: readonly ClientVersionRecord[];
  readonly rules: readonly RuleEntry[];
  readonly audit: readonly AuditEvent[];
  readonly notice?: string;
}

export function adminHomePage(input: AdminHomeInput): string {
  const { csrf } = input;
  return layout(
    'Trust console',
    html`<div class="card">
      <h1>Trust console</h1>
      ${header(input.username, input.notice)}
      <h2>Clients</h2>
      <table data-testid="clients">
        <tr>
          <th>client_id</th>
          <th>Tier</th>
          <th>Users</th>
          <th>First seen</th>
          <th>Last fetch</th>
          <th>Signals</th>
          <th>Flags</th>
        </tr>
        ${input.clients.map(
          (c) =>
            html`<tr data-testid="client-row">
              <td>${clientLink(c.clientId)}</td>
              <td data-testid="client-tier">${c.tier}${c.tier === c.earned ? '' : ` (earned ${c.earned})`}</td>
              <td>${c.approvals}</td>
              <td>${time(c.firstSeenAt)}</td>
              <td>${time(c.lastFetchAt)}</td>
              <td>${c.signals.map(signalText).join('; ')}</td>
              <td>${[c.registered ? 'pre-registered' : '', c.pinned ? 'pinned' : ''].filter((f) => f !== '').join(', ')}</td>
            </tr>`,
        )}
      </table>
      <form method="post" action="${ADMIN_ACTION_PATH}">
        <input type="hidden" name="csrf" value="${csrf}" />
        <input type="hidden" name="action" value="register" />
        <label for="register-url">Pre-register a client_id (fetched and validated now)</label>
        <input type="url" id="register-url" name="client_id" required placeholder="https://app.example/client.json" size="50" />
        <select name="trust">
          <option value="trusted">trusted</option>
          <option value="reviewed">reviewed</option>
          <option value="none">no decision</option>
        </select>
        <button type="submit" data-testid="action-register">Register</button>
      </form>
      <h2>Pending metadata changes</h2>
      ${input.pending.length === 0 ? html`<p class="muted">None.</p>` : changesTable(csrf, input.pending, true)}
      <h2>Admission (${input.mode})</h2>
      <table data-testid="rules">
        <tr>
          <th>Effect</th>
          <th>Kind</th>
          <th>Value</th>
          <th>Resource</th>
          <th>Source</th>
          <th></th>
        </tr>
        ${input.rules.map(
          (r) =>
            html`<tr>
              <td>${r.rule.effect}</td>
              <td>${r.rule.kind}</td>
              <td><code>${r.rule.value}</code></td>
              <td>${r.rule.resource ?? ''}</td>
              <td>${r.source}</td>
              <td>${'id' in r.rule ? action(csrf, 'remove-rule', 'Remove', { rule: r.rule.id }) : ''}</td>
            </tr>`,
        )}
      </table>
      <form method="post" action="${ADMIN_ACTION_PATH}">
        <input type="hidden" name="csrf" value="${csrf}" />
        <input type="hidden" name="action" value="add-rule" />
        <select name="effect">
          <option>deny</option>
          <option>allow</option>
        </select>
        <select name="kind">
          <option>domain</option>
          <option>origin</option>
          <option>path-prefix</option>
          <option>exact</option>
        </select>
        <input type="text" name="value" required placeholder="*.example.com" />
        <input type="text" name="resource" placeholder="resource (optional)" />
        <button type="submit" data-testid="action-add-rule">Add rule</button>
      </form>
      <h2>Recent decisions</h2>
      ${auditTable(input.audit)}
    </div>`,
    true,
  );
}

export interface AdminClientInput {
  readonly csrf: string;
  readonly username: string;
  readonly client: ClientDetails;
  readonly notice?: string;
}

export function adminClientPage({ csrf, username, client: c, notice }: AdminClientInput): string {
  const id = { client_id: c.clientId };
  const back = { ...id, return: 'client' };
  return layout(
    `Client ${c.clientId}`,
    html`<div class="card">
      <h1>${c.clientId}</h1>
      ${header(username, notice)}
      <dl>
        <dt>Tier</dt>
        <dd data-testid="client-tier">${c.tier} (earned by approvals: ${c.earned})</dd>
        <dt>Administrators' decision</dt>
        <dd>${c.trust ?? 'none'}</dd>
        <dt>Distinct approving users</dt>
        <dd data-testid="client-approvals">${c.approvals}</dd>
        <dt>First seen</dt>
        <dd>${time(c.firstSeenAt)}</dd>
        <dt>First approved by</dt>
        <dd>
          ${c.firstApproval === undefined ? '—' : `${c.firstApproval.username ?? c.firstApproval.userId} at ${time(c.firstApproval.approvedAt)}`}
        </dd>
        <dt>Last fetch</dt>
        <dd>${time(c.lastFetchAt)}</dd>
        <dt>Domain</dt>
        <dd>
          ${c.domain}: ${c.domainClients} client_ids, ${c.domainUsers}
          users${
            c.registration === undefined
              ? ''
              : `; registrant ${c.registration.registrant ?? 'unknown'}, registered ${time(c.registration.registeredAt)}`
          }
        </dd>
        <dt>Signals</dt>
        <dd data-testid="client-signals">${c.signals.map(signalText).join('; ') || 'none'}</dd>
        <dt>Document</dt>
        <dd><code>${c.digest}</code>${c.pinned ? ' (pinned)' : ''}${c.registered ? ' (pre-registered)' : ''}</dd>
        <dt>Name (self-asserted)</dt>
        <dd>${c.metadata.client_name ?? '—'}</dd>
        <dt>Redirect URIs</dt>
        <dd>${(c.metadata.redirect_uris ?? []).join(' ')}</dd>
        <dt>Logo</dt>
        <dd>
          ${c.logo === undefined ? '—' : html`<img class="logo" src="${c.logo.path}" alt="" width="56" height="56" /> ${c.logo.mediaType}, ${c.logo.bytes} bytes`}
        </dd>
      </dl>
      <p>
        ${action(csrf, 'trust', 'Approve (trusted)', { ...back, trust: 'trusted' })}
        ${action(csrf, 'trust', 'Mark reviewed', { ...back, trust: 'reviewed' })}
        ${action(csrf, 'trust', 'Block', { ...back, trust: 'blocked' })}
        ${action(csrf, 'trust', 'Clear decision', { ...back, trust: 'none' })}
        ${c.pinned ? action(csrf, 'unpin', 'Unpin document', back) : action(csrf, 'pin', 'Pin document', back)}
        ${action(csrf, 'refresh', 'Fetch now', back)} ${action(csrf, 'revoke-grants', 'Revoke all grants', back)}
      </p>
      <h2>Document history</h2>
      ${changesTable(csrf, c.versions, true)}
      <h2>Decisions about this client</h2>
      ${auditTable(c.audit)}
    </div>`,
    true,
  );
}

export function adminAuditPage(input: { readonly username: string; readonly events: readonly AuditEvent[] }): string {
  return layout(
    'Trust audit',
    html`<div class="card">
      <h1>Audit</h1>
      ${header(input.username, undefined)} ${auditTable(input.events)}
    </div>`,
    true,
  );
}
