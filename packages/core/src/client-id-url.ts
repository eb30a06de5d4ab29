import { finding, type Finding } from './errors.js';
import {
  describeCharacter,
  firstNonUriCharacter,
  hasValidPercentEncoding,
  isIpHostname,
  isPlainHttpsUrl,
  splitUri,
  type RawUri,
} from './uri.js';

/**
 * Policy for Client Identifier URLs beyond the MUSTs of draft-03 §3, which always apply.
 * Every member has a documented default (see {@link DEFAULT_CLIENT_ID_URL_POLICY}).
 */
export interface ClientIdUrlPolicy {
  /** A query component: SHOULD NOT per R6. `warn` (default) accepts it with a warning. */
  readonly query: 'warn' | 'reject';
  /** A path of exactly "/": NOT RECOMMENDED per R11. `warn` (default) accepts it with a warning. */
  readonly rootPath: 'warn' | 'reject';
  /** A host that is an IP address: refused by default (H1); `allow` leaves it to the fetch rules. */
  readonly ipLiteralHost: 'reject' | 'allow';
  /** Longest accepted client_id, in characters (default 2048). */
  readonly maxLength: number;
  /** Length above which a warning says the identifier is long (R9; default 255). */
  readonly longWarningLength: number;
  /**
   * Identifiers a client_id must not equal (H17): this server's issuer, other known issuers,
   * protected-resource identifiers. Compared after WHATWG normalisation and without a trailing
   * "/", so that trivial spellings of the same identifier are also refused. Read once per array:
   * give a new array to change the list.
   */
  readonly reserved: readonly string[];
}

export const DEFAULT_CLIENT_ID_URL_POLICY: ClientIdUrlPolicy = {
  query: 'warn',
  rootPath: 'warn',
  ipLiteralHost: 'reject',
  maxLength: 2048,
  longWarningLength: 255,
  reserved: [],
};

/** The verdict on one Client Identifier URL. */
export interface ClientIdUrlCheck {
  readonly accepted: boolean;
  /** The identifier exactly as given; all comparisons use this string (R8). */
  readonly clientId: string;
  /** The URL to fetch, present when accepted. Never use it for comparisons. */
  readonly url: URL | undefined;
  readonly reasons: readonly Finding[];
  readonly warnings: readonly Finding[];
}

const LDH_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * Check a Client Identifier URL on the raw string, before any WHATWG normalisation (draft-03 §3,
 * R1–R13, H1, H17). Collects every independent problem rather than stopping at the first.
 */
export function checkClientIdUrl(raw: string, policy?: Partial<ClientIdUrlPolicy>): ClientIdUrlCheck {
  const p: ClientIdUrlPolicy =
    policy === undefined ? DEFAULT_CLIENT_ID_URL_POLICY : { ...DEFAULT_CLIENT_ID_URL_POLICY, ...policy };
  const reasons: Finding[] = [];
  const warnings: Finding[] = [];
  const verdict = (url: URL | undefined): ClientIdUrlCheck => ({
    accepted: reasons.length === 0,
    clientId: raw,
    url: reasons.length === 0 ? url : undefined,
    reasons,
    warnings,
  });

  if (raw.length === 0) {
    reasons.push(finding('client-id-empty', 'The client_id is empty', 'client_id'));
    return verdict(undefined);
  }
  if (raw.length > p.maxLength) {
    reasons.push(
      finding(
        'client-id-too-long',
        `The client_id is ${raw.length} characters long; at most ${p.maxLength} are accepted`,
        'client_id',
      ),
    );
    return verdict(undefined);
  }
  let u: Pick<RawUri, 'host' | 'path' | 'query'>;
  if (isPlainHttpsUrl(raw)) {
    // The common case: https, a valid DNS host and port, URI characters only, valid escapes, no
    // userinfo and no fragment are already established by one expression.
    u = plainParts(raw);
    const host = u.host ?? '';
    if (host !== host.toLowerCase()) warnings.push(notCanonical(host));
  } else {
    const parts = checkRawComponents(raw, reasons, warnings);
    if (parts === undefined) return verdict(undefined);
    u = parts;
  }
  checkPath(u.path, p, reasons, warnings);
  if (u.query !== undefined) {
    const f = finding(
      'client-id-query',
      `The client_id has a query component ("?${u.query}"); it SHOULD NOT (draft-03 §3)`,
      'client_id',
    );
    (p.query === 'reject' ? reasons : warnings).push(f);
  }
  if (raw.length > p.longWarningLength) {
    warnings.push(
      finding(
        'client-id-long',
        `The client_id is ${raw.length} characters long; users may be shown it, so keep it short`,
        'client_id',
      ),
    );
  }
  if (reasons.length > 0) return verdict(undefined);

  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    reasons.push(finding('client-id-unparseable', 'The client_id is not a valid URL', 'client_id'));
    return verdict(undefined);
  }
  if (isIpHostname(url.hostname) && p.ipLiteralHost === 'reject') {
    reasons.push(
      finding(
        'client-id-host-ip-literal',
        `The client_id host "${u.host ?? ''}" is an IP address (read as ${url.hostname}); a DNS name is required`,
        'client_id',
      ),
    );
  }
  const reserved = reservedMatch(url, p.reserved);
  if (reserved !== undefined) {
    reasons.push(
      finding(
        'client-id-reserved',
        `The client_id names the same resource as "${reserved}", which this server reserves`,
        'client_id',
      ),
    );
  }
  return verdict(url);
}

/**
 * The raw-string rules for anything but a plain https URL: characters, escapes, scheme, fragment,
 * authority, userinfo, host and port. Returns the raw components, or undefined when the string is
 * too broken to judge further.
 */
function checkRawComponents(raw: string, reasons: Finding[], warnings: Finding[]): RawUri | undefined {
  const bad = firstNonUriCharacter(raw);
  if (bad !== undefined) {
    reasons.push(
      finding(
        'client-id-invalid-character',
        `The client_id contains ${describeCharacter(bad.char)} at position ${bad.index}; only URI characters are allowed`,
        'client_id',
      ),
    );
    return undefined;
  }
  if (!hasValidPercentEncoding(raw)) {
    reasons.push(finding('client-id-percent-encoding', 'The client_id has a "%" that does not start a %XX escape', 'client_id'));
  }

  const u = splitUri(raw);
  if (u.scheme === undefined) {
    reasons.push(finding('client-id-not-https', 'The client_id has no scheme; it must start with "https://"', 'client_id'));
  } else if (u.scheme !== 'https') {
    const msg =
      u.scheme.toLowerCase() === 'https'
        ? `The client_id scheme "${u.scheme}" must be written "https": identifiers are compared as written`
        : `The client_id uses the "${u.scheme}" scheme; only "https" is allowed`;
    reasons.push(finding('client-id-not-https', msg, 'client_id'));
  }
  if (u.fragment !== undefined) {
    const what = u.fragment === '' ? 'an empty fragment ("#")' : `a fragment ("#${u.fragment}")`;
    reasons.push(finding('client-id-fragment', `The client_id has ${what}; fragments are not allowed`, 'client_id'));
  }
  if (u.authority === undefined) {
    reasons.push(
      finding('client-id-host-missing', 'The client_id has no authority; it must start with "https://" and a host', 'client_id'),
    );
    return undefined;
  }
  if (u.userinfo !== undefined) {
    reasons.push(
      finding(
        'client-id-userinfo',
        'The client_id has a userinfo component ("…@" before the host); it is not allowed',
        'client_id',
      ),
    );
  }
  checkHost(u.host ?? '', reasons, warnings);
  if (u.port !== undefined) checkPort(u.port, reasons);
  return u;
}

/** Host, path and query of a string {@link isPlainHttpsUrl} accepted. */
function plainParts(raw: string): Pick<RawUri, 'host' | 'path' | 'query'> {
  let end = 8;
  while (end < raw.length && raw.charCodeAt(end) !== 0x2f /* / */ && raw.charCodeAt(end) !== 0x3f /* ? */) end++;
  const authority = raw.slice(8, end);
  const colon = authority.indexOf(':');
  const host = colon === -1 ? authority : authority.slice(0, colon);
  const q = raw.indexOf('?', end);
  return q === -1 ? { host, path: raw.slice(end), query: undefined } : { host, path: raw.slice(end, q), query: raw.slice(q + 1) };
}

function notCanonical(host: string): Finding {
  return finding(
    'client-id-host-not-canonical',
    `The client_id host "${host}" has upper-case letters; the document's client_id must match it exactly as written`,
    'client_id',
  );
}

function checkHost(host: string, reasons: Finding[], warnings: Finding[]): void {
  if (host === '') {
    reasons.push(finding('client-id-host-missing', 'The client_id has an empty host', 'client_id'));
    return;
  }
  if (host.startsWith('[')) return; // an IP literal: judged after parsing, by policy
  if (host.length > 253) {
    reasons.push(finding('client-id-host-invalid', 'The client_id host is longer than 253 characters', 'client_id'));
    return;
  }
  const labels = host.split('.');
  const badLabel = labels.find((l) => !LDH_LABEL.test(l));
  if (badLabel !== undefined) {
    const why =
      badLabel === ''
        ? 'has an empty label (a leading, trailing or doubled ".")'
        : `has the label "${badLabel}"; only ASCII letters, digits and inner hyphens are allowed (use punycode for IDNs)`;
    reasons.push(finding('client-id-host-invalid', `The client_id host "${host}" ${why}`, 'client_id'));
    return;
  }
  if (host !== host.toLowerCase()) warnings.push(notCanonical(host));
}

function checkPort(port: string, reasons: Finding[]): void {
  let why: string | undefined;
  if (port === '') why = 'is empty (":" with no digits)';
  else if (!/^\d+$/.test(port)) why = `"${port}" is not a number`;
  else if (port.length > 1 && port.startsWith('0')) why = `"${port}" has a leading zero`;
  else if (Number(port) < 1 || Number(port) > 65535) why = `${port} is out of range`;
  if (why !== undefined) reasons.push(finding('client-id-port-invalid', `The client_id port ${why}`, 'client_id'));
}

function checkPath(path: string, p: ClientIdUrlPolicy, reasons: Finding[], warnings: Finding[]): void {
  if (path === '') {
    reasons.push(
      finding('client-id-path-missing', 'The client_id has no path; a path such as "/client.json" is required', 'client_id'),
    );
    return;
  }
  if (path === '/') {
    const f = finding(
      'client-id-root-path',
      'The client_id path is "/"; serving the document at the domain root is NOT RECOMMENDED (draft-03 §3)',
      'client_id',
    );
    (p.rootPath === 'reject' ? reasons : warnings).push(f);
    return;
  }
  const segments = path.split('/').slice(1);
  for (const segment of segments) {
    const decoded = segment.replace(/%2e/gi, '.');
    if (decoded === '.' || decoded === '..') {
      const spelled = segment === decoded ? `"${segment}"` : `"${segment}" (which decodes to "${decoded}")`;
      reasons.push(
        finding(
          'client-id-dot-segment',
          `The client_id path has the segment ${spelled}; dot segments are not allowed`,
          'client_id',
        ),
      );
      return;
    }
  }
}

/**
 * The reserved identifiers of each list by their comparison key, prepared once per list (a
 * server's policy lives as long as it does): parsing them again cost ~0.25 µs each on every
 * resolution. A string that is not a URL can never equal a parsed client_id and is left out.
 */
const RESERVED_KEYS = new WeakMap<readonly string[], ReadonlyMap<string, string>>();

function reservedMatch(url: URL, reserved: readonly string[]): string | undefined {
  if (reserved.length === 0) return undefined;
  let keys = RESERVED_KEYS.get(reserved);
  if (keys === undefined) {
    const prepared = new Map<string, string>();
    for (const r of reserved) {
      if (!URL.canParse(r)) continue;
      const key = normalisedKey(new URL(r).href);
      if (!prepared.has(key)) prepared.set(key, r);
    }
    RESERVED_KEYS.set(reserved, prepared);
    keys = prepared;
  }
  return keys.get(normalisedKey(url.href));
}

function normalisedKey(href: string): string {
  return href.endsWith('/') ? href.slice(0, -1) : href;
}

/**
 * Simple string comparison of two Client Identifier URLs (RFC 3986 §6.2.1, R8): no case,
 * default-port, percent-encoding or trailing-slash normalisation.
 */
export function sameClientId(a: string, b: string): boolean {
  return a === b;
}
