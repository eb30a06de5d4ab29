import { createHash } from 'node:crypto';
import {
  CimdError,
  computeFreshness,
  isCimdError,
  sniffImage,
  type Clock,
  type Fetcher,
  type FreshnessBounds,
  type TrustAssessment,
} from '@cimd/core';
import type { Client } from '../clients/client.js';
import type { Logger } from '../observability/logger.js';
import type { LogoRecord, LogoStore } from '../store/trust.js';
import { SYSTEM_ACTOR, type Auditor } from './audit.js';

/** Where a stored logo is served, on this server's own origin (R74). */
export const LOGO_PATH_PREFIX = '/logos/';

/** The path of a stored logo. */
export function logoPath(digest: string): string {
  return `${LOGO_PATH_PREFIX}${digest}`;
}

/** A logo's name: the base64url SHA-256 of its bytes. */
export const LOGO_DIGEST = /^[A-Za-z0-9_-]{43}$/;

/** Transport failures that say what was served is not an acceptable logo (not that the host is unwell). */
const REFUSED_BY_TRANSPORT: ReadonlySet<string> = new Set(['fetch-content-type', 'fetch-too-large']);

/** Most logo URLs remembered as failing (each for the shortest cache lifetime). */
const MAX_FAILURES = 1000;

export interface LogoDeps {
  readonly fetcher: Fetcher;
  readonly store: LogoStore;
  readonly clock: Clock;
  readonly freshness: FreshnessBounds;
  readonly maxBytes: number;
  readonly enabled: boolean;
  readonly audit: Auditor;
  readonly log: Logger;
}

/**
 * Logos (R74, idea 9 of the field notes): fetched by the server through the safe fetcher
 * (purpose `logo`: image media types only, its own byte cap), checked by content (PNG, JPEG, GIF
 * or WebP by their signatures; never SVG, never whatever the Content-Type claimed), size-limited,
 * stored, and served from this server's origin under their digest, so the user's browser never
 * contacts the client's host (no tracking, no swapping after moderation). Only fetched for a
 * client whose tier shows logos; kept for the logo response's cache lifetime.
 */
export interface Logos {
  /** The path of the client's logo on this server, fetching it when needed; undefined when none may or can be shown. */
  pathFor(client: Client, assessment: TrustAssessment): Promise<string | undefined>;
}

export function createLogos(deps: LogoDeps): Logos {
  /** logo URL → until when a failure is remembered (no refetch on every consent page). */
  const failures = new Map<string, number>();

  function remember(uri: string, now: number): void {
    failures.delete(uri);
    failures.set(uri, now + deps.freshness.minMs);
    if (failures.size > MAX_FAILURES) {
      const oldest = failures.keys().next();
      if (oldest.done !== true) failures.delete(oldest.value);
    }
  }

  async function refuse(client: Client, uri: string, error: CimdError): Promise<undefined> {
    remember(uri, deps.clock.now());
    await deps.store.delete(client.clientId);
    await deps.audit.record(SYSTEM_ACTOR, 'logo-refused', client.clientId, {
      logo_uri: uri,
      reason: error.code,
      detail: error.message,
    });
    return undefined;
  }

  async function fetchLogo(client: Client, uri: string, stored: LogoRecord | undefined): Promise<string | undefined> {
    const now = deps.clock.now();
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return undefined; // the document was validated: logo_uri is an absolute https URL
    }
    let response;
    try {
      response = await deps.fetcher.fetch({ url, purpose: 'logo' });
    } catch (e) {
      if (!isCimdError(e)) throw e;
      // The transport refused what the server sent (an SVG or HTML Content-Type, too many bytes): refused.
      if (REFUSED_BY_TRANSPORT.has(e.code)) return refuse(client, uri, e);
      deps.log.warn({ event: 'logo-fetch-failed', client_id: client.clientId, reason: e.code }, 'logo fetch failed');
      remember(uri, now);
      return undefined;
    }
    const bytes = response.body;
    if (bytes.length > deps.maxBytes) {
      return refuse(
        client,
        uri,
        new CimdError('logo-too-large', `The logo has ${bytes.length} bytes; the limit is ${deps.maxBytes}`),
      );
    }
    const mediaType = sniffImage(bytes);
    if (mediaType === undefined) {
      const claimed = response.headers['content-type'] ?? 'no Content-Type';
      return refuse(
        client,
        uri,
        new CimdError('logo-not-image', `The logo is not a PNG, JPEG, GIF or WebP image (it claimed ${claimed})`),
      );
    }
    const digest = createHash('sha256').update(bytes).digest('base64url');
    const freshUntil = now + computeFreshness(response.headers, now, deps.freshness).lifetimeMs;
    await deps.store.put({ clientId: client.clientId, digest, mediaType, bytes, sourceUri: uri, fetchedAt: now, freshUntil });
    if (stored?.digest !== digest) {
      await deps.audit.record(SYSTEM_ACTOR, 'logo-accepted', client.clientId, {
        logo_uri: uri,
        digest,
        mediaType,
        bytes: bytes.length,
      });
    }
    return logoPath(digest);
  }

  return {
    async pathFor(client, assessment) {
      const uri = client.metadata.logo_uri;
      if (!deps.enabled || !assessment.showLogo || uri === undefined) return undefined;
      const now = deps.clock.now();
      const stored = await deps.store.forClient(client.clientId);
      if (stored !== undefined && stored.sourceUri === uri && now < stored.freshUntil) return logoPath(stored.digest);
      if ((failures.get(uri) ?? 0) > now) return undefined;
      return fetchLogo(client, uri, stored);
    },
  };
}
