import type { Context, Hono } from 'hono';
import { CimdError, isCimdError, splitUri } from '@cimd/core';
import {
  authorizeStep,
  type AuthorizeDeps,
  type AuthorizeInput,
  type AuthorizeOutcome,
  type AuthorizeUser,
} from '../authorize/flow.js';
import { collectParams, single, type AuthorizationParams } from '../authorize/params.js';
import type { ServerContext } from '../context.js';
import type { InteractionRecord } from '../store/interactions.js';
import { consentPage, errorPage, loginPage } from '../ui/pages.js';
import { sha256 } from '../util/random.js';
import {
  bindInteraction,
  clearBrowserCookies,
  csrfToken,
  requireBinding,
  requireCsrf,
  sessionCookie,
  type CookieSettings,
} from './browser.js';
import { readForm } from './request.js';
import { currentUser as sessionUser, signIn } from './sign-in.js';
import { htmlPage, redirect } from './responses.js';

/**
 * The browser side of the authorization endpoint: /authorize, /login, /consent, /logout. Protocol
 * decisions are made by `authorizeStep`; this file only moves data between HTTP and it.
 */
export function mountBrowserRoutes(app: Hono, ctx: ServerContext): void {
  const cookies: CookieSettings = { secure: ctx.issuer.startsWith('https://') };
  const ttl = ctx.config.limits.interactionTtlS;
  const deps: AuthorizeDeps = {
    issuer: ctx.issuer,
    config: ctx.config,
    clients: ctx.clients,
    stores: ctx.stores,
    clock: ctx.clock,
    random: ctx.random,
    peekClient: ctx.peekClient,
    trust: ctx.trust,
  };
  const detailed = ctx.config.server.mode === 'development';

  const showError = (c: Context, error: CimdError, status = 400): Response => {
    ctx.metrics.authorizeOutcomes.inc({ outcome: error.code });
    ctx.log.info(
      { event: 'authorize-refused', reason: error.code, detail: error.message, findings: error.findings },
      'authorization request refused',
    );
    return htmlPage(c, errorPage(error, detailed), status);
  };

  const currentUser = (c: Context): Promise<AuthorizeUser | undefined> => sessionUser(ctx, c);

  /** Turn an outcome into a response. `viaPost` answers form posts with 303 (RFC 9110 §15.4.4). */
  function respond(c: Context, outcome: AuthorizeOutcome, viaPost: boolean): Response {
    switch (outcome.type) {
      case 'error-page':
        return showError(c, outcome.error);
      case 'redirect':
        ctx.metrics.authorizeOutcomes.inc({ outcome: outcome.error?.code ?? 'code' });
        if (outcome.error !== undefined) {
          ctx.log.info(
            { event: 'authorize-error-redirect', reason: outcome.error.code, client_id: outcome.clientId },
            outcome.error.message,
          );
        }
        return redirect(c, outcome.location, viaPost ? 303 : 302);
      case 'login':
        ctx.metrics.authorizeOutcomes.inc({ outcome: 'login' });
        bindInteraction(c, outcome.interaction.id, ctx.random, cookies, ttl);
        return redirect(c, `/login?interaction=${encodeURIComponent(outcome.interaction.id)}`, viaPost ? 303 : 302);
      case 'consent': {
        ctx.metrics.authorizeOutcomes.inc({ outcome: 'consent' });
        const secret = bindInteraction(c, outcome.interaction.id, ctx.random, cookies, ttl);
        const page = consentPage({
          interactionId: outcome.interaction.id,
          csrf: csrfToken(secret, outcome.interaction.id, 'consent'),
          view: outcome.view,
        });
        return htmlPage(c, page, 200, outcome.redirectUri);
      }
    }
  }

  async function step(c: Context, input: AuthorizeInput, viaPost: boolean): Promise<Response> {
    return respond(c, await authorizeStep(deps, input), viaPost);
  }

  async function interactionFor(c: Context, id: string | undefined): Promise<{ record: InteractionRecord; secret: string }> {
    const secret = requireBinding(c, id);
    const record = await ctx.stores.interactions.get(id as string, ctx.clock.now());
    if (record === undefined) throw new CimdError('interaction-expired', 'The sign-in expired; start again from the application');
    return { record, secret };
  }

  const authorize = async (c: Context, pairs: Iterable<[string, string]>, viaPost: boolean): Promise<Response> => {
    let params: AuthorizationParams;
    try {
      params = collectParams(pairs);
    } catch (e) {
      if (isCimdError(e)) return showError(c, e);
      throw e;
    }
    const user = await currentUser(c);
    return step(c, { params, ...(user === undefined ? {} : { user }) }, viaPost);
  };

  app.get('/authorize', (c) => authorize(c, new URL(c.req.url).searchParams, false));
  app.post('/authorize', async (c) => authorize(c, await readForm(c, ctx.config.limits.maxFormBytes), true));

  app.get('/authorize/continue', async (c) => {
    try {
      const { record } = await interactionFor(c, c.req.query('interaction'));
      const user = await currentUser(c);
      if (user === undefined || (record.userId !== undefined && record.userId !== user.userId)) {
        return step(c, { params: record.params, interaction: record }, false);
      }
      return step(c, { params: record.params, user, interaction: record }, false);
    } catch (e) {
      if (isCimdError(e)) return showError(c, e);
      throw e;
    }
  });

  app.get('/login', async (c) => {
    try {
      const id = c.req.query('interaction');
      const { record, secret } = await interactionFor(c, id);
      return htmlPage(c, loginPage(loginInput(record, secret)), 200, loginFormTarget(record));
    } catch (e) {
      if (isCimdError(e)) return showError(c, e);
      throw e;
    }
  });

  app.post('/login', async (c) => {
    try {
      const form = new URLSearchParams(await readForm(c, ctx.config.limits.maxFormBytes));
      const id = form.get('interaction') ?? undefined;
      const { record, secret } = await interactionFor(c, id);
      requireCsrf(secret, record.id, 'login', form.get('csrf') ?? undefined);
      const username = (form.get('username') ?? '').trim().toLowerCase();
      const result = await signIn(ctx, c, cookies, username, form.get('password') ?? '');
      if (!result.ok) {
        const page = loginPage({ ...loginInput(record, secret), username, error: result.error });
        return htmlPage(c, page, result.status, result.status === 429 ? loginFormTarget(record) : undefined);
      }
      await ctx.stores.interactions.save({ ...record, userId: result.userId, authTime: result.authTime });
      return redirect(c, `/authorize/continue?interaction=${encodeURIComponent(record.id)}`, 303);
    } catch (e) {
      if (isCimdError(e)) return showError(c, e);
      throw e;
    }
  });

  app.get('/consent', async (c) => {
    try {
      const { record } = await interactionFor(c, c.req.query('interaction'));
      const user = await currentUser(c);
      return step(c, { params: record.params, interaction: record, ...(user === undefined ? {} : { user }) }, false);
    } catch (e) {
      if (isCimdError(e)) return showError(c, e);
      throw e;
    }
  });

  app.post('/consent', async (c) => {
    try {
      const form = new URLSearchParams(await readForm(c, ctx.config.limits.maxFormBytes));
      const { record, secret } = await interactionFor(c, form.get('interaction') ?? undefined);
      requireCsrf(secret, record.id, 'consent', form.get('csrf') ?? undefined);
      const user = await currentUser(c);
      if (user === undefined || (record.userId !== undefined && record.userId !== user.userId)) {
        throw new CimdError(
          'interaction-expired',
          'You are no longer signed in as the user who started this request; start again',
        );
      }
      const decision = form.get('decision');
      if (decision !== 'approve' && decision !== 'deny') {
        throw new CimdError('request-parameter-invalid', 'decision must be "approve" or "deny"', { property: 'decision' });
      }
      return step(c, { params: record.params, user, interaction: record, decision }, true);
    } catch (e) {
      if (isCimdError(e)) return showError(c, e);
      throw e;
    }
  });

  app.post('/logout', async (c) => {
    const value = sessionCookie(c);
    if (value !== undefined) await ctx.stores.sessions.delete(sha256(value));
    clearBrowserCookies(c, cookies);
    return redirect(c, '/', 303);
  });

  /** Where a login may end: the requested redirect URI (if the client is already approved), if known. */
  function loginFormTarget(record: InteractionRecord): string {
    return single(record.params, 'redirect_uri') ?? 'unknown';
  }

  function loginInput(record: InteractionRecord, secret: string) {
    const clientId = single(record.params, 'client_id');
    const host = clientId === undefined ? undefined : splitUri(clientId).host;
    return {
      interactionId: record.id,
      csrf: csrfToken(secret, record.id, 'login'),
      ...(host === undefined || host === '' ? {} : { clientHost: host.toLowerCase() }),
    };
  }
}
