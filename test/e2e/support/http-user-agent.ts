import assert from 'node:assert/strict';
import { formFields } from '../../../packages/server/test/support/browser.js';

export interface UserAnswers {
  readonly username: string;
  readonly password: string;
  readonly decision?: 'approve' | 'deny';
  /** Where the authorization response is expected (default: the first redirect that leaves the server). */
  readonly until?: (url: URL) => boolean;
}

/** Where an authorization ended: the redirect to the client, and the HTML pages seen on the way. */
export interface AuthorizationEnd {
  readonly callback: URL;
  readonly pages: readonly string[];
}

/**
 * A small user agent over real HTTP (Node's fetch, redirects not followed): it keeps the cookies
 * one origin sets and fills in the server's login and consent forms. No browser, no JavaScript:
 * enough to act as the person in front of a third-party client's authorization request.
 */
export class HttpUserAgent {
  readonly cookies = new Map<string, string>();

  constructor(readonly origin: string) {}

  private async send(url: URL, init: RequestInit): Promise<Response> {
    assert.equal(url.origin, this.origin, `the user agent only talks to ${this.origin}, not ${url.origin}`);
    const headers = new Headers(init.headers);
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie !== '') headers.set('cookie', cookie);
    headers.set('accept', 'text/html');
    const response = await fetch(url, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  get(url: string | URL): Promise<Response> {
    return this.send(new URL(url, this.origin), {});
  }

  post(url: string | URL, form: Record<string, string>): Promise<Response> {
    return this.send(new URL(url, this.origin), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /**
   * Open an authorization URL and act as the user: sign in when the login form shows, answer the
   * consent form, follow the server's own redirects, and stop at the authorization response (by
   * default the first redirect that leaves the server). Bounded to a few steps.
   */
  async authorize(authorizationUrl: URL, answers: UserAnswers): Promise<AuthorizationEnd> {
    const until = answers.until ?? ((url: URL) => url.origin !== this.origin);
    const pages: string[] = [];
    let response = await this.get(authorizationUrl);
    for (let step = 0; step < 10; step++) {
      if (response.status === 302 || response.status === 303) {
        const location = response.headers.get('location');
        assert.ok(location !== null, 'a redirect without Location');
        const next = new URL(location, this.origin);
        if (until(next)) return { callback: next, pages };
        response = await this.get(next);
        continue;
      }
      const page = await response.text();
      pages.push(page);
      assert.equal(response.status, 200, `unexpected page ${response.status}: ${page.slice(0, 400)}`);
      if (page.includes('action="/login"')) {
        response = await this.post('/login', { ...formFields(page), username: answers.username, password: answers.password });
      } else if (page.includes('action="/consent"')) {
        response = await this.post('/consent', { ...formFields(page), decision: answers.decision ?? 'approve' });
      } else {
        assert.fail(`expected a login or consent page, got: ${page.slice(0, 400)}`);
      }
    }
    assert.fail('the authorization did not end within 10 steps');
  }
}
