import assert from 'node:assert/strict';
import type { CimdServer } from '../../src/server.js';

/** The hidden form fields of a page. */
export function formFields(page: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
    out[m[1] as string] = (m[2] as string).replace(/&amp;/g, '&');
  return out;
}

/**
 * A minimal browser over the server's in-memory `fetch`: a cookie jar, no automatic redirects.
 * Every protocol test drives the real HTTP surface through it, without sockets.
 */
export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly server: CimdServer,
    private readonly origin: string,
  ) {}

  private url(path: string): string {
    return path.startsWith('http') ? path : `${this.origin}${path}`;
  }

  private async send(request: Request): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie !== '') request.headers.set('cookie', cookie);
    const response = await this.server.fetch(request);
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, eq);
      const value = (pair ?? '').slice(eq + 1);
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.send(new Request(this.url(path), { headers }));
  }

  post(path: string, form: Record<string, string> | URLSearchParams, headers: Record<string, string> = {}): Promise<Response> {
    return this.send(
      new Request(this.url(path), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(form).toString(),
      }),
    );
  }

  /** Follow a redirect to the server itself. */
  follow(response: Response): Promise<Response> {
    const location = response.headers.get('location');
    assert.ok(location !== null, `expected a redirect, got ${response.status}`);
    return this.get(location);
  }

  /** Submit the login form of a login page. */
  async login(loginPage: Response, username: string, password: string): Promise<Response> {
    const fields = formFields(await loginPage.text());
    return this.post('/login', { ...fields, username, password });
  }

  /** Submit the consent form of a consent page. */
  async decide(consentPage: string, decision: 'approve' | 'deny'): Promise<Response> {
    return this.post('/consent', { ...formFields(consentPage), decision });
  }

  /**
   * Run an authorization request to its end: log in when asked, decide on consent when asked.
   * Returns the final redirect to the client (its Location parsed) and the pages seen.
   */
  async authorize(
    params: URLSearchParams,
    options: { username?: string; password?: string; decision?: 'approve' | 'deny' } = {},
  ): Promise<{ location: URL; pages: string[]; response: Response }> {
    const pages: string[] = [];
    let response = await this.get(`/authorize?${params.toString()}`);
    for (let i = 0; i < 6; i++) {
      const location = response.headers.get('location');
      if (response.status === 302 || response.status === 303) {
        assert.ok(location !== null);
        if (location.startsWith('/login')) {
          const page = await this.get(location);
          assert.ok(options.username !== undefined && options.password !== undefined, 'the flow asked for a login');
          response = await this.login(page, options.username, options.password);
          continue;
        }
        if (location.startsWith('/')) {
          response = await this.get(location);
          continue;
        }
        return { location: new URL(location), pages, response };
      }
      const page = await response.text();
      pages.push(page);
      assert.equal(response.status, 200, `unexpected page ${response.status}: ${page.slice(0, 500)}`);
      assert.ok(page.includes('action="/consent"'), 'expected the consent page');
      response = await this.decide(page, options.decision ?? 'approve');
    }
    assert.fail('the authorization flow did not end');
  }
}
