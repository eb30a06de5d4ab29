/**
 * The seam between the runtime-neutral resolver and a runtime's safe transport (for Node:
 * `@cimd/node`). Every URL a client chose (client_id, jwks_uri, logo_uri) is fetched only through
 * a {@link Fetcher}; no other code calls `fetch` on attacker-chosen URLs.
 */

/** Why a URL is fetched; each purpose has its own byte cap and accepted media types. */
export type FetchPurpose = 'client-metadata' | 'jwks' | 'logo';

export interface FetchRequest {
  readonly url: URL;
  readonly purpose: FetchPurpose;
  /**
   * Conditional revalidation only: `if-none-match` and/or `if-modified-since`. A fetcher sends no
   * other caller-supplied header. When present, a 304 answer is a success.
   */
  readonly conditional?: { readonly etag?: string; readonly lastModified?: string };
  /** Aborts the fetch early; the fetcher's own deadline applies regardless. */
  readonly signal?: AbortSignal;
}

/** A response that passed every transport rule (status, redirects, size, media type, address). */
export interface FetchedResource {
  /** 200, or 304 when the request was conditional. */
  readonly status: 200 | 304;
  /** Response headers, names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as read (empty for 304). */
  readonly body: Uint8Array;
  /** The IP address actually connected to. */
  readonly address: string;
  /** Milliseconds from start to the last byte. */
  readonly ms: number;
}

/**
 * Fetch one attacker-chosen URL safely. Resolves with a {@link FetchedResource} or rejects with a
 * `CimdError` whose code starts with `fetch-` (e.g. `fetch-blocked-address`, `fetch-redirect`,
 * `fetch-too-large`, `fetch-timeout`, `fetch-over-budget`).
 */
export interface Fetcher {
  fetch(request: FetchRequest): Promise<FetchedResource>;
}
