import { isIpHostname } from '../uri.js';

/**
 * Second-level labels under which, with a two-letter country code, names are registered one
 * level down (`example.co.uk`, `example.com.au`). An approximation of the Public Suffix List,
 * which cimd does not ship: good enough to group client_ids by the site that registered them.
 */
const SECOND_LEVEL_SUFFIXES: ReadonlySet<string> = new Set(['ac', 'co', 'com', 'edu', 'gov', 'govt', 'ne', 'net', 'or', 'org']);

/** A host name lower-cased, without a trailing dot and without IPv6 brackets. */
export function normalizeHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[|\]$/g, '');
}

/**
 * The registrable domain of a host, approximated: the last two labels, or the last three under
 * a country code with a common second-level suffix (`example.co.uk`). IP literals and one-label
 * names come back whole. This is the "domain" of domain health: client_ids and users are counted
 * per registrable domain, so `a.example.com` and `b.example.com` count together.
 */
export function registrableDomain(host: string): string {
  const h = normalizeHost(host);
  if (isIpHostname(h) || h.includes(':')) return h;
  const labels = h.split('.');
  if (labels.length <= 2) return h;
  const tld = labels[labels.length - 1] as string;
  const second = labels[labels.length - 2] as string;
  const take = tld.length === 2 && SECOND_LEVEL_SUFFIXES.has(second) ? 3 : 2;
  return labels.slice(-take).join('.');
}

/** Whether `host` is `parent` or a name below it (label boundaries respected). */
export function isSameOrSubdomain(host: string, parent: string): boolean {
  const h = normalizeHost(host);
  const p = normalizeHost(parent);
  return h === p || h.endsWith(`.${p}`);
}

/** Whether two hosts are the same or one is below the other (`auth.app.example` and `app.example`). */
export function hostsRelated(a: string, b: string): boolean {
  return isSameOrSubdomain(a, b) || isSameOrSubdomain(b, a);
}
