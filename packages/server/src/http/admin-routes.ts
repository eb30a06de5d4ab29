import { createHmac } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { CimdError, isCimdError, type AdminTrust, type AdmissionEffect, type AdmissionRuleKind } from '@cimd/core';
import type { AuthorizeUser } from '../authorize/flow.js';
import type { ServerContext } from '../context.js';
import { createAdminService, type AdminService } from '../trust/admin-service.js';
import { adminAuditPage, adminClientPage, adminHomePage } from '../ui/admin-pages.js';
import { errorPage, loginPage } from '../ui/pages.js';
import { safeEqual } from '../util/random.js';
import { bindInteraction, csrfToken, requireBinding, requireCsrf, sessionCookie, type CookieSettings } from './browser.js';
import { readForm } from './request.js';
import { htmlPage, redirect } from './responses.js';
import { currentUser, signIn } from './sign-in.js';

/** The interaction id the admin login form is bound to (see `bindInteraction`). */
const ADMIN_LOGIN = 'admin-login';
const TRUST_LEVELS: ReadonlySet<string> = new Set(['trusted', 'blocked', 'reviewed']);

/** The console's CSRF token: an HMAC of the session id, so only this browser's session can post. */
function adminCsrf(c: Context): string {
  return createHmac('sha256', sessionCookie(c) ?? '')
    .update('admin-console')
    .digest('base64url');
}

/**
 * The admin console (docs/trust.md): `/admin` for the administrators named in `trust.admins`,
 * signed in with the same accounts and sessions as everyone else. Pages are read with GET; every
 * change is a POST to `/admin/action` with a CSRF token bound to the session and, when the
 * browser names one, an Origin of this server. Decisions are audited as `admin:<user name>`.
 */
export function mountAdminRoutes(app: Hono, ctx: ServerContext): void {
  const cookies: CookieSettings = { secure: ctx.issuer.startsWith('https://') };
  const admins = new Set(ctx.config.trust.admins.map((a) => a.toLowerCase()));
  const admin: AdminService = createAdminService(ctx);
  const detailed = ctx.config.server.mode === 'development';

  const refuse = (c: Context, error: CimdError): Response => htmlPage(c, errorPage(error, detailed), error.status);

  /** The signed-in administrator, or the response to send instead (the login page, a refusal). */
  async function administrator(c: Context): Promise<AuthorizeUser | Response> {
    const user = await currentUser(ctx, c);
    if (user === undefined) return redirect(c, '/admin/login');
    if (!admins.has(user.username.toLowerCase())) {
      return refuse(c, new CimdError('admin-forbidden', `${user.username} is not an administrator`));
    }
    return user;
  }

  function loginForm(c: Context, status: number, username?: string, error?: string): Response {
    const secret = bindInteraction(c, ADMIN_LOGIN, ctx.random, cookies, ctx.config.limits.interactionTtlS);
    const page = loginPage({
      interactionId: ADMIN_LOGIN,
      csrf: csrfToken(secret, ADMIN_LOGIN, 'login'),
      action: '/admin/login',
      ...(username === undefined ? {} : { username }),
      ...(error === undefined ? {} : { error }),
    });
    return htmlPage(c, page, status);
  }

  app.get('/admin/login', (c) => loginForm(c, 200));

  app.post('/admin/login', async (c) => {
    try {
      const form = new URLSearchParams(await readForm(c, ctx.config.limits.maxFormBytes));
      const secret = requireBinding(c, form.get('interaction') ?? undefined);
      requireCsrf(secret, ADMIN_LOGIN, 'login', form.get('csrf') ?? undefined);
      const username = (form.get('username') ?? '').trim().toLowerCase();
      const result = await signIn(ctx, c, cookies, username, form.get('password') ?? '');
      if (!result.ok) return loginForm(c, result.status, username, result.error);
      return redirect(c, '/admin', 303);
    } catch (e) {
      if (isCimdError(e)) return refuse(c, e);
      throw e;
    }
  });

  app.get('/admin', async (c) => {
    const user = await administrator(c);
    if (user instanceof Response) return user;
    const [clients, pending, rules, audit] = await Promise.all([
      admin.listClients({ limit: 500 }),
      admin.changes('pending'),
      admin.rules(),
      admin.audit({ limit: 25 }),
    ]);
    const notice = c.req.query('done');
    const page = adminHomePage({
      csrf: adminCsrf(c),
      username: user.username,
      mode: ctx.config.trust.admission,
      clients,
      pending,
      rules,
      audit,
      ...(notice === undefined ? {} : { notice }),
    });
    return htmlPage(c, page);
  });

  app.get('/admin/client', async (c) => {
    const user = await administrator(c);
    if (user instanceof Response) return user;
    try {
      const client = await admin.client(c.req.query('client_id') ?? '');
      const notice = c.req.query('done');
      return htmlPage(
        c,
        adminClientPage({ csrf: adminCsrf(c), username: user.username, client, ...(notice === undefined ? {} : { notice }) }),
      );
    } catch (e) {
      if (isCimdError(e)) return refuse(c, e);
      throw e;
    }
  });

  app.get('/admin/audit', async (c) => {
    const user = await administrator(c);
    if (user instanceof Response) return user;
    const clientId = c.req.query('client_id');
    const events = await admin.audit({ limit: 500, ...(clientId === undefined ? {} : { clientId }) });
    return htmlPage(c, adminAuditPage({ username: user.username, events }));
  });

  app.post('/admin/action', async (c) => {
    const user = await administrator(c);
    if (user instanceof Response) return user;
    try {
      // Our pages send no referrer, so browsers post them with "Origin: null" (Fetch §3.2): only a
      // named other origin is refused here; the session-bound token is the check that always holds.
      const origin = c.req.header('origin');
      if (origin !== undefined && origin !== 'null' && origin !== new URL(ctx.issuer).origin) {
        throw new CimdError('csrf-invalid', `A form posted from ${origin}`);
      }
      const form = new URLSearchParams(await readForm(c, ctx.config.limits.maxFormBytes));
      if (!safeEqual(form.get('csrf') ?? '', adminCsrf(c)))
        throw new CimdError('csrf-invalid', 'The console form token is wrong');
      const done = await perform(admin, form, `admin:${user.username}`);
      const clientId = form.get('client_id');
      const back =
        form.get('return') === 'client' && clientId !== null
          ? `/admin/client?client_id=${encodeURIComponent(clientId)}&`
          : '/admin?';
      return redirect(c, `${back}done=${encodeURIComponent(done)}`, 303);
    } catch (e) {
      if (isCimdError(e)) return refuse(c, e);
      throw e;
    }
  });
}

function required(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (value === null || value === '') throw new CimdError('admin-invalid', `${name} is required`, { property: name });
  return value;
}

function trustLevel(value: string): AdminTrust | undefined {
  if (value === 'none') return undefined;
  if (!TRUST_LEVELS.has(value))
    throw new CimdError('admin-invalid', `trust must be trusted, reviewed, blocked or none, not "${value}"`);
  return value as AdminTrust;
}

/** Carry out one console action; returns a sentence saying what was done. */
async function perform(admin: AdminService, form: URLSearchParams, actor: string): Promise<string> {
  const action = required(form, 'action');
  switch (action) {
    case 'register': {
      const level = trustLevel(form.get('trust') ?? 'trusted');
      const client = await admin.register(required(form, 'client_id'), actor, level);
      return `Registered ${client.clientId} (${client.tier})`;
    }
    case 'refresh': {
      const r = await admin.refresh(required(form, 'client_id'), actor);
      return r.pending !== undefined
        ? `A changed document waits for approval (${r.pending})`
        : r.changed
          ? 'The document changed and took effect'
          : 'The document is unchanged';
    }
    case 'trust': {
      const level = trustLevel(required(form, 'trust'));
      await admin.setTrust(required(form, 'client_id'), level, actor);
      return `Decision: ${level ?? 'none'}`;
    }
    case 'pin':
    case 'unpin':
      await admin.setPinned(required(form, 'client_id'), action === 'pin', actor);
      return action === 'pin' ? 'Pinned: changes now wait for approval' : 'Unpinned';
    case 'approve-change':
    case 'reject-change': {
      const v = await admin.decideChange(required(form, 'version'), action === 'approve-change' ? 'approve' : 'reject', actor);
      return `Change ${v.id} ${v.status}`;
    }
    case 'add-rule': {
      const resource = form.get('resource') ?? '';
      const rule = await admin.addRule(
        {
          effect: required(form, 'effect') as AdmissionEffect,
          kind: required(form, 'kind') as AdmissionRuleKind,
          value: required(form, 'value').trim(),
          ...(resource.trim() === '' ? {} : { resource: resource.trim() }),
        },
        actor,
      );
      return `Rule ${rule.id} added`;
    }
    case 'remove-rule':
      await admin.removeRule(required(form, 'rule'), actor);
      return 'Rule removed';
    case 'revoke-grants': {
      const count = await admin.revokeGrants(required(form, 'client_id'), actor);
      return `${count} grant${count === 1 ? '' : 's'} revoked`;
    }
    default:
      throw new CimdError('admin-invalid', `Unknown action "${action}"`);
  }
}
