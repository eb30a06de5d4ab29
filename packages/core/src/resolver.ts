import { checkClientIdUrl } from './client-id-url.js';
import { systemClock, type Clock } from './clock.js';
import { createMemoryDocumentCache, type CachedDocument, type DocumentCache } from './document-cache.js';
import { CimdError, isCimdError, type Finding } from './errors.js';
import type { FetchedResource, Fetcher, FetchRequest } from './fetcher.js';
import { computeFreshness, DEFAULT_FRESHNESS_BOUNDS, type FreshnessBounds } from './freshness.js';
import { parseHttpDate } from './http-date.js';
import type { ClientMetadata } from './metadata.js';
import type { Negotiated } from './negotiate.js';
import { createOriginBackoff, DEFAULT_ORIGIN_BACKOFF_OPTIONS, type OriginBackoffOptions } from './origin-backoff.js';
import type { ReasonCode } from './reasons.js';
import type { ResolverEvent, ResolverEventHook } from './resolver-events.js';
import { createSingleFlight, type SingleFlight } from './single-flight.js';
import { parseStrictJson } from './strict-json.js';
import { evaluateParsed, type EvaluateOptions } from './validate.js';

/**
 * The orchestration that turns a client_id into validated, negotiated client metadata
 * (draft-03 §5, §5.2): URL rules → admission policy → cache → fetch → validate → cache.
 * Runtime-neutral: the transport is an injected {@link Fetcher}, time an injected {@link Clock}.
 */

/** Which endpoint needs the client; it decides whether a stale copy may bridge a failure (H9). */
export type ResolveUse = 'authorize' | 'token';

/** Where a resolved document came from. */
export type ResolvedSource = 'fetched' | 'cache-hit' | 'revalidated' | 'stale-grace';

export interface ResolvedClient {
  /** The client_id exactly as given (R8). */
  readonly clientId: string;
  readonly metadata: ClientMetadata;
  readonly negotiated: Negotiated;
  /** Warnings about the client_id and the document (validated on this resolution). */
  readonly warnings: readonly Finding[];
  /** When the origin last confirmed the document (a 200, or a 304 to a conditional request). */
  readonly fetchedAt: number;
  /** Until when the document is fresh; in the past for `stale-grace`. */
  readonly freshUntil: number;
  readonly source: ResolvedSource;
  readonly etag?: string;
  readonly lastModified?: string;
  /** Digest of the raw document bytes (`sha256:` and base64url): equal digests, equal documents. */
  readonly digest: string;
}

/** The admission policy's answer (H20). Anything but `'allow'` refuses the client_id. */
export type AdmissionDecision = 'allow' | 'deny';

/** How long documents live, and what happens near and after the end (R37, R38, H9). */
export interface ResolverFreshnessOptions extends FreshnessBounds {
  /**
   * Refresh-ahead: when a fresh entry is within this fraction of its lifetime from expiry, a hit
   * returns it at once and starts one background refresh (default 0.1, the last 10 %; 0 turns it
   * off). Busy clients then never wait for a fetch.
   */
  readonly refreshAheadFraction: number;
  /**
   * Last-good copy (H9), a deliberate policy: when the refetch of an expired document fails, a
   * `token` resolution may be served the last valid copy for this long after its freshness ended
   * (default 1 h; 0 turns it off), and never later than `maxMs` after the origin last confirmed
   * it. An `authorize` resolution never gets a stale copy: the failure is thrown, because a new
   * authorization must reflect what the client publishes now (R35), while a token request
   * continues a grant the user already made, which a short outage of the client's host should
   * not break.
   */
  readonly staleGraceMs: number;
}

export const DEFAULT_RESOLVER_FRESHNESS_OPTIONS: ResolverFreshnessOptions = {
  ...DEFAULT_FRESHNESS_BOUNDS,
  refreshAheadFraction: 0.1,
  staleGraceMs: 60 * 60_000,
};

export interface ResolverCacheOptions {
  /** Where validated documents are kept (default: a bounded in-memory cache). */
  readonly store: DocumentCache;
  /** Coalescing of concurrent fetches of one client_id (default: in-process). */
  readonly singleFlight: SingleFlight;
  /**
   * Conditional revalidation (default true): refetch an expired entry with the `ETag` and
   * `Last-Modified` it was served with; a 304 renews its lifetime without reading the document
   * again. R32 counts a 304 as an error only for requests that were not conditional; the fetcher
   * accepts a 304 only when it sent the condition, and so does the resolver. Turn this off for
   * hosts whose 304s cannot be trusted.
   */
  readonly conditional: boolean;
}

export interface ResolverBackoffOptions extends OriginBackoffOptions {
  /**
   * The failures that count against an origin. By default only those that say the origin as a
   * whole is unwell (it does not resolve, accept connections, complete TLS, or answer in time).
   * A 404, a redirect or an invalid document concerns one URL; counting them would let anyone put
   * a shared host into backoff by asking for documents on it that do not exist.
   */
  readonly countedReasons: readonly ReasonCode[];
}

export const DEFAULT_RESOLVER_BACKOFF_OPTIONS: ResolverBackoffOptions = {
  ...DEFAULT_ORIGIN_BACKOFF_OPTIONS,
  countedReasons: ['fetch-dns', 'fetch-connect', 'fetch-tls', 'fetch-timeout', 'fetch-network'],
};

export interface ResolverHooks {
  /**
   * Admission policy (H20), asked before the cache and before any network traffic, on every
   * resolution (so a client denied later is not served from the cache). Gets a copy of the URL.
   * Default: allow every client_id that passes the URL rules (open mode). A hook that throws
   * denies.
   */
  readonly admit?: (clientId: string, url: URL) => AdmissionDecision | Promise<AdmissionDecision>;
  /**
   * Asked before fetching a client_id with nothing in the cache; throwing refuses the fetch (a
   * CimdError passes through unchanged). A server uses it to fetch, at the token endpoint, only
   * clients an authorization has recorded, so that anonymous requests cannot make it fetch.
   */
  readonly beforeFirstFetch?: (clientId: string, use: ResolveUse) => void | Promise<void>;
  /** Every outcome, with a stable code, for logs and metrics (see `resolver-events.ts`). */
  readonly onEvent?: ResolverEventHook;
}

export interface ClientResolverOptions {
  /** The safe transport (for Node: `@cimd/node`). */
  readonly fetcher: Fetcher;
  readonly clock?: Clock;
  readonly freshness?: Partial<ResolverFreshnessOptions>;
  readonly cache?: Partial<ResolverCacheOptions>;
  readonly backoff?: Partial<ResolverBackoffOptions>;
  /** Validation profile, server capabilities, URL policy and JSON limits (`evaluateDocument`). */
  readonly evaluate?: EvaluateOptions;
  readonly hooks?: ResolverHooks;
  /**
   * Digest of a fetched document's bytes, as `sha256:` and base64url (change detection, R64).
   * Default: Web Crypto's SHA-256, which is asynchronous (a thread-pool hop per document); on
   * Node, pass `documentDigest` from `@cimd/node` (node:crypto, synchronous and cheaper).
   */
  readonly digest?: DocumentDigest;
}

/** How the resolver digests a document: `sha256:` and the base64url SHA-256 of the bytes. */
export type DocumentDigest = (bytes: Uint8Array) => string | Promise<string>;

export interface ClientResolver {
  /** Validated, negotiated metadata for `clientId`, or a `CimdError` (and no other error). */
  resolve(clientId: string, options: { readonly use: ResolveUse }): Promise<ResolvedClient>;
  /**
   * The client from a fresh cache entry only: never fetches, never refreshes, never serves a stale
   * copy. Undefined when the client_id breaks the URL rules, is not admitted or is not cached.
   * For decisions that must not cause network traffic (prompt=none before login).
   */
  peek(clientId: string): Promise<ResolvedClient | undefined>;
  /** Forget the cached document of `clientId` (e.g. an operator's "refetch now"). */
  invalidate(clientId: string): Promise<void>;
  /** Settles when every background refresh started so far has finished (shutdown, tests). */
  drain(): Promise<void>;
}

/** What validation made of a document. */
interface Decoded {
  readonly metadata: ClientMetadata;
  readonly negotiated: Negotiated;
  readonly warnings: readonly Finding[];
}

/**
 * Verdicts on cached document texts remembered per resolver (see `usable`): at most this many
 * client_ids, one text each. Enough for the clients that make most of the traffic.
 */
const CACHED_VERDICTS = 1000;

/** A cached entry with its validated contents. */
interface Usable {
  readonly entry: CachedDocument;
  readonly decoded: Decoded;
}

/** The outcome of one load (one flight). */
interface Loaded extends Usable {
  readonly source: 'fetched' | 'revalidated' | 'cache-hit';
}

/** Longest validators kept for conditional requests; longer ones are not used. */
const MAX_ETAG_LENGTH = 256;
/** An entity-tag (RFC 9110 §8.8.3): optional weakness prefix and a quoted opaque string. */
const ENTITY_TAG = /^(?:W\/)?"[\x21\x23-\x7e\x80-\xff]*"$/;
/** Most client_ids whose refresh-ahead attempt is remembered (one attempt per document version). */
const MAX_REFRESH_ATTEMPTS = 10_000;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Create a resolver; see {@link ClientResolverOptions} for the options and their defaults. */
export function createClientResolver(options: ClientResolverOptions): ClientResolver {
  const clock = options.clock ?? systemClock;
  const fresh: ResolverFreshnessOptions = { ...DEFAULT_RESOLVER_FRESHNESS_OPTIONS, ...options.freshness };
  const backoffOptions: ResolverBackoffOptions = { ...DEFAULT_RESOLVER_BACKOFF_OPTIONS, ...options.backoff };
  const evaluate: EvaluateOptions = options.evaluate ?? {};
  const digest: DocumentDigest = options.digest ?? webCryptoDigest;
  const hooks: ResolverHooks = options.hooks ?? {};
  const store = options.cache?.store ?? createMemoryDocumentCache({ clock });
  const singleFlight = options.cache?.singleFlight ?? createSingleFlight();
  const conditional = options.cache?.conditional ?? true;
  const { countedReasons, ...trackerOptions } = backoffOptions;
  const backoff = createOriginBackoff(trackerOptions);
  const counted: ReadonlySet<ReasonCode> = new Set(countedReasons);
  checkFreshnessOptions(fresh);

  /** client_id → `freshUntil` of the entry version whose refresh-ahead was started. */
  const refreshAttempts = new Map<string, number>();
  /** client_id → the last accepted text read back for it and what validating that text gave. */
  const verdicts = new Map<string, { readonly body: string; readonly decoded: Decoded }>();
  const background = new Set<Promise<void>>();

  function report(event: ResolverEvent): void {
    try {
      hooks.onEvent?.(event);
    } catch {
      // A logging or metrics hook must not turn a resolution into a failure.
    }
  }

  async function admit(clientId: string, url: URL): Promise<void> {
    if (hooks.admit === undefined) return;
    let decision: AdmissionDecision;
    try {
      decision = await hooks.admit(clientId, new URL(url.href));
    } catch (cause) {
      throw new CimdError('fetch-policy-denied', 'The admission policy failed, so the client_id is refused', { cause });
    }
    if (decision !== 'allow')
      throw new CimdError('fetch-policy-denied', `The admission policy refuses the client_id ${clientId}`);
  }

  type FirstFetchHook = NonNullable<ResolverHooks['beforeFirstFetch']>;
  async function firstFetch(hook: FirstFetchHook, clientId: string, use: ResolveUse): Promise<void> {
    try {
      await hook(clientId, use);
    } catch (cause) {
      if (isCimdError(cause)) throw cause;
      throw new CimdError('fetch-policy-denied', 'The fetch policy failed, so the client_id is refused', { cause });
    }
  }

  /** Parse and validate a document for `clientId` with the configured rules; never throws. */
  function decode(clientId: string, body: Uint8Array | string, urlWarnings: readonly Finding[]): Decoded | readonly Finding[] {
    const parsed = parseStrictJson(body, evaluate.limits);
    if (!parsed.ok) return [parsed.reason];
    const v = evaluateParsed(clientId, parsed.value, evaluate, urlWarnings);
    if (!v.accepted || v.metadata === undefined || v.negotiated === undefined) return v.reasons;
    return { metadata: v.metadata, negotiated: v.negotiated, warnings: v.warnings };
  }

  /**
   * `decode` for a cached text. The same text for the same client_id always gets the same verdict
   * from this resolver (its rules and the client_id's URL findings are fixed), so accepted ones are
   * remembered per client_id together with the text itself, and reused only for an identical text,
   * never on the strength of the entry's digest, which a shared store could get wrong. A changed
   * text is validated anew. Re-validating on every read cost ~40 µs per hit (parse and rules), more
   * than the rest of a cache hit; the text is compared, not hashed into a key (that alone cost
   * ~2 µs per hit for a 1.3 KB document).
   */
  function decodeCached(clientId: string, body: string, urlWarnings: readonly Finding[]): Decoded | readonly Finding[] {
    const known = verdicts.get(clientId);
    if (known !== undefined && known.body === body) return known.decoded;
    const decoded = decode(clientId, body, urlWarnings);
    if (!isFindings(decoded)) {
      if (known === undefined && verdicts.size >= CACHED_VERDICTS) verdicts.clear();
      verdicts.set(clientId, { body, decoded });
    }
    return decoded;
  }

  async function cacheGet(clientId: string): Promise<CachedDocument | undefined> {
    let entry: CachedDocument | undefined;
    try {
      entry = await store.get(clientId);
    } catch (cause) {
      throw new CimdError('cache-unavailable', 'The client metadata cache could not be read', { cause });
    }
    return entry !== undefined && clock.now() < entry.staleUntil ? entry : undefined;
  }

  async function cacheSet(clientId: string, entry: CachedDocument): Promise<void> {
    try {
      await store.set(clientId, entry);
    } catch (cause) {
      throw new CimdError('cache-unavailable', 'The client metadata cache could not be written', { cause });
    }
  }

  async function cacheDelete(clientId: string): Promise<void> {
    try {
      await store.delete(clientId);
    } catch (cause) {
      throw new CimdError('cache-unavailable', 'The client metadata cache could not be written', { cause });
    }
  }

  /**
   * Validate a cached entry again before using it. An entry that fails (a rule changed, or a
   * shared store returned something it should not have) is dropped and treated as absent.
   */
  async function usable(
    clientId: string,
    entry: CachedDocument | undefined,
    urlWarnings: readonly Finding[],
  ): Promise<Usable | undefined> {
    if (entry === undefined) return undefined;
    const decoded = decodeCached(clientId, entry.body, urlWarnings);
    if (!isFindings(decoded)) return { entry, decoded };
    await cacheDelete(clientId);
    return undefined;
  }

  /**
   * One load of a client_id: fetch (conditionally when `previous` has validators), validate,
   * cache. Errors and invalid documents are thrown and never cached (R39, R40).
   */
  async function load(
    clientId: string,
    url: URL,
    urlWarnings: readonly Finding[],
    previous: Usable | undefined,
  ): Promise<Loaded> {
    // Another flight (or, with a distributed single-flight, another process) may have stored a
    // newer document meanwhile: use it instead of fetching again.
    const current = await cacheGet(clientId);
    if (
      current !== undefined &&
      current.fetchedAt > (previous?.entry.fetchedAt ?? -Infinity) &&
      clock.now() < current.freshUntil
    ) {
      const fresher = await usable(clientId, current, urlWarnings);
      if (fresher !== undefined) return { ...fresher, source: 'cache-hit' };
    }

    const origin = url.origin;
    const wait = backoff.retryAfter(origin, clock.now());
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new CimdError('fetch-backoff', `${origin} failed repeatedly; no fetch for another ${seconds} s`, {
        headers: { 'retry-after': String(seconds) },
      });
    }
    const validators = conditional && previous !== undefined ? conditionalOf(previous.entry) : undefined;
    const request: FetchRequest = {
      url,
      purpose: 'client-metadata',
      ...(validators === undefined ? {} : { conditional: validators }),
    };
    let res: FetchedResource;
    try {
      res = await options.fetcher.fetch(request);
    } catch (e) {
      const error = isCimdError(e) ? e : new CimdError('fetch-network', 'The fetcher failed unexpectedly', { cause: e });
      if (counted.has(error.code)) backoff.failure(origin, clock.now());
      // A 404 or 410 withdraws the document: the last good copy goes at once, so no later outage
      // can bring it back through the grace (H9), and a background refresh that sees it ends it too.
      if (error.code === 'fetch-gone') {
        await cacheDelete(clientId);
        refreshAttempts.delete(clientId);
        verdicts.delete(clientId);
      }
      throw error;
    }
    backoff.success(origin);

    const receivedAt = clock.now();
    const freshUntil = receivedAt + computeFreshness(res.headers, receivedAt, fresh).lifetimeMs;
    const times = { fetchedAt: receivedAt, freshUntil, staleUntil: staleUntil(receivedAt, freshUntil) };
    let loaded: Loaded;
    if (res.status === 304) {
      if (previous === undefined || validators === undefined) {
        throw new CimdError('fetch-bad-status', 'The server answered 304 to a request that was not conditional');
      }
      // RFC 9111 §4.3.4: the 304's validators replace the stored ones; the document stays.
      const entry = withValidators({ ...previous.entry, ...times }, res.headers, previous.entry);
      loaded = { entry, decoded: previous.decoded, source: 'revalidated' };
    } else {
      const decoded = decode(clientId, res.body, urlWarnings);
      if (isFindings(decoded)) throw CimdError.fromFindings(decoded);
      const base = { body: utf8.decode(res.body), digest: await digest(res.body), ...times };
      loaded = { entry: withValidators(base, res.headers, undefined), decoded, source: 'fetched' };
    }
    await cacheSet(clientId, loaded.entry);
    return loaded;
  }

  /** Run {@link load} through the single-flight; `led` says whether this caller started it. */
  async function flight(
    clientId: string,
    url: URL,
    urlWarnings: readonly Finding[],
    previous: Usable | undefined,
    state: { led: boolean },
  ): Promise<Loaded> {
    try {
      return await singleFlight.run(clientId, () => {
        state.led = true;
        return load(clientId, url, urlWarnings, previous);
      });
    } catch (e) {
      // Loads throw CimdErrors only; anything else comes from the single-flight itself.
      throw isCimdError(e) ? e : new CimdError('cache-unavailable', 'The fetch coordination failed', { cause: e });
    }
  }

  /** The end of an entry's usefulness: its grace window, bounded by `maxMs` after confirmation (H9). */
  function staleUntil(fetchedAt: number, freshUntil: number): number {
    return Math.max(freshUntil, Math.min(freshUntil + fresh.staleGraceMs, fetchedAt + fresh.maxMs));
  }

  /** Start a background refresh of a fresh entry near its end; true when one was started. */
  function refreshAhead(clientId: string, url: URL, urlWarnings: readonly Finding[], cached: Usable, now: number): boolean {
    const { fetchedAt, freshUntil } = cached.entry;
    if (fresh.refreshAheadFraction <= 0 || now < freshUntil - fresh.refreshAheadFraction * (freshUntil - fetchedAt)) return false;
    // One attempt per entry version: a failing host is not asked again on every hit; once the
    // entry expires, foreground resolutions take over.
    if (refreshAttempts.get(clientId) === freshUntil) return false;
    refreshAttempts.delete(clientId);
    refreshAttempts.set(clientId, freshUntil);
    if (refreshAttempts.size > MAX_REFRESH_ATTEMPTS) {
      const oldest = refreshAttempts.keys().next();
      if (oldest.done !== true) refreshAttempts.delete(oldest.value);
    }
    const start = clock.now();
    const state = { led: false };
    const event = (code: ResolverEvent['code'], extra: Partial<ResolverEvent>): ResolverEvent => ({
      code,
      clientId,
      origin: url.origin,
      ms: clock.now() - start,
      use: 'refresh',
      ...(state.led ? {} : { coalesced: true }),
      ...extra,
    });
    const task = flight(clientId, url, urlWarnings, cached, state).then(
      (loaded) => {
        if (refreshAttempts.get(clientId) === freshUntil) refreshAttempts.delete(clientId);
        report(event(loaded.source, {}));
      },
      (e: unknown) => {
        const error = isCimdError(e) ? e : new CimdError('cache-unavailable', 'The background refresh failed', { cause: e });
        report(event(error.code, { error }));
      },
    );
    background.add(task);
    void task.finally(() => background.delete(task));
    return true;
  }

  async function resolve(clientId: string, { use }: { readonly use: ResolveUse }): Promise<ResolvedClient> {
    const start = clock.now();
    let origin: string | undefined;
    const state = { led: true };
    const emit = (code: ResolverEvent['code'], error?: CimdError): void =>
      report({
        code,
        clientId,
        ...(origin === undefined ? {} : { origin }),
        ms: clock.now() - start,
        use,
        ...(state.led ? {} : { coalesced: true }),
        ...(error === undefined ? {} : { error }),
      });
    try {
      // 1. The Client Identifier URL rules, on the raw string (R1–R13, H1, H17).
      const check = checkClientIdUrl(clientId, evaluate.urlPolicy);
      if (!check.accepted || check.url === undefined) throw CimdError.fromFindings(check.reasons);
      const url = check.url;
      origin = url.origin;
      // 2. Admission policy, before the cache and before any network traffic (H20).
      await admit(clientId, url);
      // 3. A fresh cached document (R36, R37, R77); near its end, refreshed in the background.
      const cached = await usable(clientId, await cacheGet(clientId), check.warnings);
      const now = clock.now();
      if (cached !== undefined && now < cached.entry.freshUntil) {
        const ahead = refreshAhead(clientId, url, check.warnings, cached, now);
        emit(ahead ? 'refresh-ahead' : 'cache-hit');
        return resolved(clientId, cached, 'cache-hit');
      }
      // 4. Fetch (R29, R30), coalesced (H8); on failure, perhaps the last good copy (H9).
      if (cached === undefined && hooks.beforeFirstFetch !== undefined) await firstFetch(hooks.beforeFirstFetch, clientId, use);
      state.led = false;
      try {
        const loaded = await flight(clientId, url, check.warnings, cached, state);
        emit(loaded.source);
        return resolved(clientId, loaded, loaded.source);
      } catch (e) {
        // The grace covers outages, never a document its origin says is gone (404, 410): that is
        // how a client withdraws its identity, and it takes effect at once.
        const outage = isCimdError(e) && e.code !== 'fetch-gone';
        if (use === 'token' && cached !== undefined && outage && clock.now() < cached.entry.staleUntil) {
          emit('stale-grace', e);
          return resolved(clientId, cached, 'stale-grace');
        }
        throw e;
      }
    } catch (e) {
      const error = isCimdError(e) ? e : new CimdError('cache-unavailable', 'The resolution failed unexpectedly', { cause: e });
      emit(error.code, error);
      throw error;
    }
  }

  async function peek(clientId: string): Promise<ResolvedClient | undefined> {
    const check = checkClientIdUrl(clientId, evaluate.urlPolicy);
    if (!check.accepted || check.url === undefined) return undefined;
    try {
      await admit(clientId, check.url);
    } catch {
      return undefined;
    }
    const cached = await usable(clientId, await cacheGet(clientId), check.warnings);
    if (cached === undefined || clock.now() >= cached.entry.freshUntil) return undefined;
    return resolved(clientId, cached, 'cache-hit');
  }

  return {
    resolve,
    peek,
    async invalidate(clientId) {
      refreshAttempts.delete(clientId);
      await cacheDelete(clientId);
    },
    async drain() {
      while (background.size > 0) await Promise.allSettled([...background]);
    },
  };
}

function isFindings(value: Decoded | readonly Finding[]): value is readonly Finding[] {
  return Array.isArray(value);
}

function resolved(clientId: string, { entry, decoded }: Usable, source: ResolvedSource): ResolvedClient {
  return {
    clientId,
    metadata: decoded.metadata,
    negotiated: decoded.negotiated,
    warnings: decoded.warnings,
    fetchedAt: entry.fetchedAt,
    freshUntil: entry.freshUntil,
    source,
    ...(entry.etag === undefined ? {} : { etag: entry.etag }),
    ...(entry.lastModified === undefined ? {} : { lastModified: entry.lastModified }),
    digest: entry.digest,
  };
}

/** The conditional part of a refetch, when the entry has usable validators. */
function conditionalOf(entry: CachedDocument): FetchRequest['conditional'] {
  if (entry.etag === undefined && entry.lastModified === undefined) return undefined;
  return {
    ...(entry.etag === undefined ? {} : { etag: entry.etag }),
    ...(entry.lastModified === undefined ? {} : { lastModified: entry.lastModified }),
  };
}

/**
 * An entry with the validators of `headers`, falling back to those of `previous` (for a 304).
 * Only well-formed validators are kept: they go back out in request headers.
 */
function withValidators(
  base: Omit<CachedDocument, 'etag' | 'lastModified'>,
  headers: Readonly<Record<string, string>>,
  previous: CachedDocument | undefined,
): CachedDocument {
  const sentTag = headers['etag']?.trim();
  const etag = sentTag !== undefined && sentTag.length <= MAX_ETAG_LENGTH && ENTITY_TAG.test(sentTag) ? sentTag : previous?.etag;
  const sentDate = headers['last-modified']?.trim();
  const lastModified = sentDate !== undefined && parseHttpDate(sentDate, 0) !== undefined ? sentDate : previous?.lastModified;
  const { body, digest, fetchedAt, freshUntil, staleUntil } = base;
  return {
    body,
    digest,
    fetchedAt,
    freshUntil,
    staleUntil,
    ...(etag === undefined ? {} : { etag }),
    ...(lastModified === undefined ? {} : { lastModified }),
  };
}

/** `sha256:` and the base64url SHA-256 of the bytes, with Web Crypto (runtime-neutral default). */
export async function webCryptoDigest(bytes: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes)));
  let binary = '';
  for (const b of hash) binary += String.fromCharCode(b);
  return `sha256:${btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

function checkFreshnessOptions(f: ResolverFreshnessOptions): void {
  if (!(f.minMs > 0) || !(f.maxMs >= f.minMs)) throw new RangeError('freshness needs 0 < minMs <= maxMs');
  if (!(f.refreshAheadFraction >= 0 && f.refreshAheadFraction < 1)) {
    throw new RangeError('freshness.refreshAheadFraction must be in [0, 1)');
  }
  if (!(f.staleGraceMs >= 0)) throw new RangeError('freshness.staleGraceMs must not be negative');
}
