import { createHmac } from 'node:crypto';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import type { Context } from 'hono';
import { CimdError } from '@cimd/core';
import { safeEqual } from '../util/random.js';
import type { Random } from '../util/random.js';

export const SESSION_COOKIE = 'cimd_session';
export const INTERACTION_COOKIE = 'cimd_ix';

export interface CookieSettings {
  /** Secure cookies when the issuer is https. */
  readonly secure: boolean;
}

function cookieOptions(settings: CookieSettings, maxAgeS: number) {
  return { path: '/', httpOnly: true, secure: settings.secure, sameSite: 'Lax' as const, maxAge: maxAgeS };
}

/**
 * Bind an interaction to this browser: the cookie holds the interaction id and a random secret.
 * Forms of the interaction carry an HMAC of the id under that secret, so a page from another
 * browser (or another site: SameSite=Lax keeps the cookie off cross-site POSTs) cannot act on it.
 * Nothing about the binding is stored on the server.
 */
export function bindInteraction(c: Context, id: string, random: Random, settings: CookieSettings, ttlS: number): string {
  const existing = readBinding(c);
  const secret = existing?.id === id ? existing.secret : random.token(32);
  if (existing?.id !== id) setCookie(c, INTERACTION_COOKIE, `${id}.${secret}`, cookieOptions(settings, ttlS));
  return secret;
}

function readBinding(c: Context): { id: string; secret: string } | undefined {
  const value = getCookie(c, INTERACTION_COOKIE);
  if (value === undefined) return undefined;
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return { id: value.slice(0, dot), secret: value.slice(dot + 1) };
}

export function csrfToken(secret: string, id: string, purpose: string): string {
  return createHmac('sha256', secret).update(`${purpose}:${id}`).digest('base64url');
}

/** The binding secret when this browser started interaction `id`; throws `interaction-expired` otherwise. */
export function requireBinding(c: Context, id: string | undefined): string {
  const binding = readBinding(c);
  if (id === undefined || binding === undefined || binding.id !== id) {
    throw new CimdError(
      'interaction-expired',
      'This sign-in was not started in this browser, or it expired; start again from the application',
    );
  }
  return binding.secret;
}

/** Check a form's CSRF token for interaction `id`; throws `csrf-invalid`. */
export function requireCsrf(secret: string, id: string, purpose: string, token: string | undefined): void {
  if (token === undefined || !safeEqual(token, csrfToken(secret, id, purpose))) {
    throw new CimdError('csrf-invalid', 'The form token is missing or wrong');
  }
}

export function setSessionCookie(c: Context, value: string, settings: CookieSettings, ttlS: number): void {
  setCookie(c, SESSION_COOKIE, value, cookieOptions(settings, ttlS));
}

export function sessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

export function clearBrowserCookies(c: Context, settings: CookieSettings): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: settings.secure });
  deleteCookie(c, INTERACTION_COOKIE, { path: '/', secure: settings.secure });
}
