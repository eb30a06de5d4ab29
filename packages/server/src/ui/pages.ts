import type { CimdError } from '@cimd/core';
import type { ConsentView } from './consent-view.js';
import { html, trusted, type SafeHtml } from './html.js';

export const STYLESHEET_PATH = '/assets/cimd.css';

/** A whole page: our stylesheet only, no referrer, nothing from anywhere else. `wide` for tables (the admin console). */
export function layout(title: string, body: SafeHtml, wide = false): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${title}</title>
        <link rel="stylesheet" href="${STYLESHEET_PATH}" />
      </head>
      <body>
        ${wide ? html`<main class="wide">${body}</main>` : html`<main>${body}</main>`}
      </body>
    </html>`.value;
}

export interface LoginPageInput {
  readonly interactionId: string;
  readonly csrf: string;
  /** The host of the client asking, when known; shown so the user knows why they log in. */
  readonly clientHost?: string;
  readonly username?: string;
  readonly error?: string;
  /** Where the form posts (default `/login`; the admin console has its own). */
  readonly action?: string;
}

export function loginPage(input: LoginPageInput): string {
  return layout(
    'Sign in',
    html`<div class="card">
      <h1>Sign in</h1>
      ${input.clientHost === undefined ? '' : html`<p class="muted">to continue to <strong>${input.clientHost}</strong></p>`}
      ${input.error === undefined ? '' : html`<div class="notice danger" role="alert">${input.error}</div>`}
      <form method="post" action="${input.action ?? '/login'}">
        <input type="hidden" name="interaction" value="${input.interactionId}" />
        <input type="hidden" name="csrf" value="${input.csrf}" />
        <label for="username">User name</label>
        <input type="text" id="username" name="username" autocomplete="username" required value="${input.username ?? ''}" />
        <label for="password">Password</label>
        <input type="password" id="password" name="password" autocomplete="current-password" required />
        <div class="actions"><button class="primary" type="submit">Sign in</button></div>
      </form>
    </div>`,
  );
}

export interface ConsentPageInput {
  readonly interactionId: string;
  readonly csrf: string;
  readonly view: ConsentView;
}

export function consentPage({ interactionId, csrf, view }: ConsentPageInput): string {
  const redirectLine =
    view.redirectKind === 'private-use'
      ? html`an app on this device (<code>${view.redirectHost}:</code> links)`
      : html`<strong>${view.redirectHost}</strong>`;
  return layout(
    `Allow ${view.clientHost}?`,
    html`<div class="card" data-testid="consent" data-tier="${view.tier ?? 'registered'}">
      <div class="client-head">
        ${view.logo === undefined ? '' : html`<img class="logo" src="${view.logo.src}" alt="" width="56" height="56" data-testid="client-logo" />`}
        <div>
          <p class="muted">An application at</p>
          <p class="host" data-testid="client-host">${view.clientHost}</p>
        </div>
      </div>
      ${view.reviewed === true ? html`<p class="badge" data-testid="reviewed-mark">✓ Reviewed by the administrators of this server</p>` : ''}
      ${view.name === undefined ? '' : html`<p data-testid="client-name">calls itself “${view.name.text}” <span class="byline">(${view.name.byline})</span></p>`}
      <p class="client-id" data-testid="client-id">${view.clientId}</p>
      ${
        view.links === undefined
          ? ''
          : html`<p class="links" data-testid="client-links">
              ${view.links.map((l, i) => html`${i > 0 ? ' · ' : ''}<a href="${l.href}" rel="noreferrer noopener" target="_blank" data-testid="client-link">${l.label}</a>`)}
            </p>`
      }
      <h1>wants to access your account ${view.username}</h1>
      ${view.notices.map((n) => html`<div class="notice ${n.level}" data-testid="notice-${n.level}" role="${n.level === 'info' ? 'note' : 'alert'}">${n.text}</div>`)}
      ${
        view.scopes.length === 0
          ? html`<p>It asks for no specific permissions.</p>`
          : html`<p>It will be able to:</p>
              <ul class="scopes">
                ${view.scopes.map((s) => html`<li><strong>${s.description}</strong> <span class="muted">(${s.name})</span></li>`)}
              </ul>`
      }
      ${view.resources.length === 0 ? '' : html`<p>at ${view.resources.map((r, i) => html`${i > 0 ? ', ' : ''}<code>${r}</code>`)}</p>`}
      <dl>
        <dt>After you decide</dt>
        <dd data-testid="redirect-host">you go to ${redirectLine}</dd>
      </dl>
      <form method="post" action="/consent">
        <input type="hidden" name="interaction" value="${interactionId}" />
        <input type="hidden" name="csrf" value="${csrf}" />
        <div class="actions">
          <button class="primary" type="submit" name="decision" value="approve">Allow</button>
          <button type="submit" name="decision" value="deny">Deny</button>
        </div>
      </form>
    </div>`,
  );
}

/**
 * The page shown instead of redirecting when a client or its redirect URI cannot be verified
 * (H15). The reason code is always shown; the detailed message only in development mode (it may
 * quote attacker-chosen values, which are escaped, but production keeps pages generic).
 */
export function errorPage(error: CimdError, detailed: boolean): string {
  return layout(
    'Request not accepted',
    html`<div class="card">
      <h1>This request cannot continue</h1>
      <p>${error.wireDescription}.</p>
      <p class="muted">Reason: <code data-testid="reason">${error.code}</code></p>
      ${detailed ? html`<pre data-testid="detail">${error.message}</pre>` : ''}
      <p class="muted">
        You can close this page. If you expected to sign in here, tell the application's developer the reason above.
      </p>
    </div>`,
  );
}

/** A plain page with a title and a paragraph (for confirmations and simple notices). */
export function simplePage(title: string, body: SafeHtml | string): string {
  return layout(
    title,
    html`<div class="card">
      <h1>${title}</h1>
      ${typeof body === 'string' ? html`<p>${body}</p>` : body}
    </div>`,
  );
}

export { trusted };
