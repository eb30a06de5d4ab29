import type { Context } from 'hono';
import type { AuthorizeUser } from '../authorize/flow.js';
import type { ServerContext } from '../context.js';
import { sha256 } from '../util/random.js';
import { sessionCookie, setSessionCookie, type CookieSettings } from './browser.js';
import { clientAddress } from './request.js';

/** The signed-in user of this browser, if its session is valid and the account enabled. */
export async function currentUser(ctx: ServerContext, c: Context): Promise<AuthorizeUser | undefined> {
  const value = sessionCookie(c);
  if (value === undefined) return undefined;
  const session = await ctx.stores.sessions.get(sha256(value), ctx.clock.now());
  if (session === undefined) return undefined;
  const user = await ctx.stores.users.findById(session.userId);
  if (user === undefined || user.disabled === true) return undefined;
  return { userId: user.id, username: user.username, authTime: session.authTime };
}

export type SignInResult =
  | { readonly ok: true; readonly userId: string; readonly authTime: number }
  | { readonly ok: false; readonly status: 401 | 429; readonly error: string };

/**
 * Check a user name and password and, when they are right, start a session in this browser (a
 * new session id; the previous session, if any, ends). Failed attempts are counted per account
 * and per client address; over either limit every attempt is refused, even with the right
 * password. The one login of the server: the authorization flow and the admin console use it.
 *
 * Both counters are incremented BEFORE the password is checked: an atomic increment is the only
 * way concurrent attempts cannot all read the same count and all go on to a password check (a
 * burst of guesses past the limit). A success resets the account's counter and takes its
 * increment back from the address's, so the address counter counts failures (and attempts in
 * progress) only, and successful logins from a shared address do not use it up.
 */
export async function signIn(
  ctx: ServerContext,
  c: Context,
  cookies: CookieSettings,
  username: string,
  password: string,
): Promise<SignInResult> {
  const now = ctx.clock.now();
  const limits = ctx.config.limits;
  const window = limits.loginWindowS * 1000;
  const accountKey = `login-fail:user:${username}`;
  const addressKey = `login-fail:addr:${clientAddress(c)}`;
  const [byAccount, byAddress] = await Promise.all([
    ctx.stores.counters.increment(accountKey, window, now),
    ctx.stores.counters.increment(addressKey, window, now),
  ]);
  if (byAccount > limits.loginFailuresPerAccount || byAddress > limits.loginFailuresPerAddress) {
    ctx.metrics.logins.inc({ outcome: 'throttled' });
    ctx.log.warn({ event: 'login-throttled', username, address: clientAddress(c) }, 'login throttled');
    return { ok: false, status: 429, error: 'Too many failed attempts. Wait a few minutes and try again.' };
  }
  const result =
    username === '' || password === '' ? { ok: false as const } : await ctx.authenticator.authenticate({ username, password });
  if (!result.ok) {
    ctx.metrics.logins.inc({ outcome: 'failed' });
    ctx.log.info({ event: 'login-failed', username }, 'login failed');
    return { ok: false, status: 401, error: 'The user name or password is wrong.' };
  }
  await Promise.all([ctx.stores.counters.reset(accountKey), ctx.stores.counters.release(addressKey, now)]);
  const sessionValue = ctx.random.token(32);
  await ctx.stores.sessions.create({
    idHash: sha256(sessionValue),
    userId: result.userId,
    authTime: now,
    expiresAt: now + limits.sessionTtlS * 1000,
  });
  const previous = sessionCookie(c);
  if (previous !== undefined) await ctx.stores.sessions.delete(sha256(previous));
  setSessionCookie(c, sessionValue, cookies, limits.sessionTtlS);
  ctx.metrics.logins.inc({ outcome: 'ok' });
  ctx.log.info({ event: 'login', user_id: result.userId }, 'user logged in');
  return { ok: true, userId: result.userId, authTime: now };
}
