import { CimdError, type FetchedResource, type Fetcher, type FetchRequest, type ReasonCode } from '@cimd/core';

/** What the in-memory origin answers for one URL. */
export type Route =
  /** A 200 with this body and these headers (names lower-cased); 304 to a matching condition. */
  | { readonly body: string | Uint8Array; readonly headers?: Readonly<Record<string, string>> }
  /** A transport failure, as a real fetcher reports it. */
  | { readonly fail: ReasonCode }
  /** A fetcher that breaks its contract: throws something other than a CimdError. */
  | { readonly throws: unknown }
  /** A fetcher that breaks its contract: a 304 whatever the request. */
  | { readonly notModified: true };

const encoder = new TextEncoder();

/**
 * A real {@link Fetcher} serving documents from a map, for resolver tests: it implements the
 * interface's contract (200, or 304 only to a matching conditional request; failures as
 * `CimdError`s with `fetch-*` codes; unknown URLs answer like a 404) and counts its calls. The
 * Node transport is tested against real servers in `@cimd/node`.
 */
export class MapFetcher implements Fetcher {
  readonly requests: FetchRequest[] = [];
  readonly #routes = new Map<string, Route>();
  #gate: Promise<void> | undefined;

  /** Serve `route` at `url` from now on. */
  serve(url: string, route: Route): this {
    this.#routes.set(url, route);
    return this;
  }

  /** Requests made so far, for one URL or all. */
  count(url?: string): number {
    return url === undefined ? this.requests.length : this.requests.filter((r) => r.url.href === url).length;
  }

  /** Hold every fetch (made before or after) until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.#gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    return () => {
      this.#gate = undefined;
      release();
    };
  }

  async fetch(request: FetchRequest): Promise<FetchedResource> {
    this.requests.push(request);
    while (this.#gate !== undefined) await this.#gate;
    const route = this.#routes.get(request.url.href);
    if (route === undefined) throw new CimdError('fetch-gone', `The server answered 404 for ${request.url.href}`);
    if ('fail' in route) throw new CimdError(route.fail, `Simulated ${route.fail} for ${request.url.href}`);
    if ('throws' in route) throw route.throws;
    if ('notModified' in route) return answer(304, {}, new Uint8Array());
    const headers = route.headers ?? {};
    if (notModified(request, headers)) return answer(304, headers, new Uint8Array());
    return answer(200, headers, typeof route.body === 'string' ? encoder.encode(route.body) : route.body);
  }
}

function answer(status: 200 | 304, headers: Readonly<Record<string, string>>, body: Uint8Array): FetchedResource {
  return { status, headers, body, address: '192.0.2.10', ms: 0 };
}

/** RFC 9110 §13.1.2–3: If-None-Match (weak comparison) decides; otherwise If-Modified-Since. */
function notModified(request: FetchRequest, headers: Readonly<Record<string, string>>): boolean {
  const c = request.conditional;
  if (c === undefined) return false;
  const weak = (tag: string): string => tag.replace(/^W\//, '');
  if (c.etag !== undefined) return headers['etag'] !== undefined && weak(c.etag) === weak(headers['etag']);
  if (c.lastModified === undefined || headers['last-modified'] === undefined) return false;
  return Date.parse(headers['last-modified']) <= Date.parse(c.lastModified);
}
