/**
 * The load generator's browser for setup steps (untimed): a cookie jar and a walk through either
 * server's login and consent pages until the redirect to the client carries a code.
 */
import type { Dispatcher, Pool } from 'undici';
import { isClientRedirect } from './documents.js';

/** Cookies by name (paths are ignored: each flow has its own jar, and names do not collide). */
export class Jar {
  private readonly cookies = new Map<string, string>();

  constructor(header = '') {
    for (const pair of header.split(';')) {
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** Only the cookies whose names start with `prefix`, as a Cookie header. */
  matching(prefix: string): string {
    return [...this.cookies]
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
  }

  take(setCookie: string | string[] | undefined): void {
    for (const line of typeof setCookie === 'string' ? [setCookie] : (setCookie ?? [])) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

export interface Page {
  readonly status: number;
  readonly location: string | undefined;
  readonly text: string;
}

/** One request with the jar's cookies; the jar takes the response's. */
export async function send(
  pool: Pool,
  jar: Jar,
  method: 'GET' | 'POST',
  path: string,
  form?: Record<string, string>,
): Promise<Page> {
  const headers: Record<string, string> = { cookie: jar.header() };
  const options: Dispatcher.RequestOptions = { method, path, headers };
  if (form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    options.body = new URLSearchParams(form).toString();
  }
  const response = await pool.request(options);
  jar.take(response.headers['set-cookie']);
  const location = response.headers['location'];
  return {
    status: response.statusCode,
    location: typeof location === 'string' ? location : undefined,
    text: await response.body.text(),
  };
}

/** The hidden form fields of a cimd page. */
function hiddenFields(page: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
    out[m[1] as string] = (m[2] as string).replace(/&amp;/g, '&');
  return out;
}

/** A path on the server from a Location header (absolute or not). */
function pathOf(location: string): string {
  if (!/^https?:/.test(location)) return location;
  const url = new URL(location);
  return `${url.pathname}${url.search}`;
}

/**
 * Follow an authorization request through login and consent (whichever the server asks for) to
 * the code. Understands cimd's `/login` and `/consent` forms and the peer's devInteractions forms.
 */
export async function walkToCode(pool: Pool, jar: Jar, firstPath: string, username: string, password: string): Promise<string> {
  let page = await send(pool, jar, 'GET', firstPath);
  for (let step = 0; step < 12; step++) {
    if ((page.status === 302 || page.status === 303) && page.location !== undefined) {
      if (isClientRedirect(page.location)) {
        const code = new URL(page.location).searchParams.get('code');
        if (code === null) throw new Error(`the redirect to the client has no code: ${page.location}`);
        return code;
      }
      page = await send(pool, jar, 'GET', pathOf(page.location));
      continue;
    }
    if (page.status === 200 && page.text.includes('action="/consent"')) {
      page = await send(pool, jar, 'POST', '/consent', { ...hiddenFields(page.text), decision: 'approve' });
      continue;
    }
    if (page.status === 200 && page.text.includes('action="/login"')) {
      page = await send(pool, jar, 'POST', '/login', { ...hiddenFields(page.text), username, password });
      continue;
    }
    const peerForm = /action="([^"]+)" method="post">\s*<input type="hidden" name="prompt" value="(login|consent)"/.exec(
      page.text,
    );
    if (page.status === 200 && peerForm !== null) {
      const [, action = '', prompt = ''] = peerForm;
      const form: Record<string, string> = prompt === 'login' ? { prompt, login: username, password } : { prompt };
      page = await send(pool, jar, 'POST', pathOf(action.replace(/&amp;/g, '&')), form);
      continue;
    }
    const text = page.text.replace(/<style[\s\S]*?<\/style>|<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    throw new Error(`unexpected page ${page.status} ${page.location ?? ''}: ${text.slice(0, 400)}`);
  }
  throw new Error('the authorization flow did not end');
}
