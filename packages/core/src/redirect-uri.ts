import { finding, type Finding } from './errors.js';
import {
  describeCharacter,
  firstNonUriCharacter,
  hasValidPercentEncoding,
  isLoopbackHostname,
  isPlainHttpsUrl,
  splitUri,
} from './uri.js';

/**
 * What kind of redirect URI a registered value is:
 * - `https`: a web or claimed-https redirect;
 * - `loopback`: `http` on an IP loopback literal (`127.0.0.0/8`, `[::1]`), RFC 8252 §7.3;
 * - `localhost`: `http` on the host name `localhost` (RFC 8252 §8.3: NOT RECOMMENDED, but used by
 *   real clients such as Claude Code and VS Code);
 * - `private-use`: a private-use scheme of a native app, RFC 8252 §7.1.
 */
export type RedirectKind = 'https' | 'loopback' | 'localhost' | 'private-use';

export type RedirectClassification =
  | { readonly ok: true; readonly kind: RedirectKind; readonly warning?: Finding }
  | { readonly ok: false; readonly reason: Finding };

/** Schemes that can run code, read local files or smuggle content; never a redirect target. */
const FORBIDDEN_SCHEMES = new Set([
  'javascript',
  'vbscript',
  'data',
  'file',
  'blob',
  'about',
  'filesystem',
  'view-source',
  'chrome',
  'chrome-extension',
  'ws',
  'wss',
  'ftp',
]);

const HTTPS_OK: RedirectClassification = { ok: true, kind: 'https' };
const LOOPBACK_OK: RedirectClassification = { ok: true, kind: 'loopback' };

/**
 * `http://` on a canonical dotted-quad in 127/8 or on `[::1]`, an optional port without a leading
 * zero, then only URI characters other than "#" with valid escapes. Octet ranges are checked apart.
 */
const PLAIN_LOOPBACK =
  /^http:\/\/(?:127(?:\.(?:0|[1-9][0-9]{0,2})){3}|\[::1\])(?::[1-9][0-9]{0,4})?(?:[/?](?:[A-Za-z0-9\-._~:/?[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)?$/;

/** The dotted-quad octets are at most 255 and the port at most 65535. */
function octetsOk(raw: string): boolean {
  const m = /^http:\/\/(?:127\.(\d+)\.(\d+)\.(\d+)|\[::1\])(?::(\d+))?/.exec(raw);
  if (m === null) return false;
  const [, a, b, c, port] = m;
  return [a, b, c].every((o) => o === undefined || Number(o) <= 255) && (port === undefined || Number(port) <= 65535);
}

/** Classify one registered redirect URI (RFC 6749 §3.1.2, RFC 8252, OAuth 2.1 §2.3.1). */
export function classifyRedirectUri(raw: string, property = 'redirect_uris'): RedirectClassification {
  // Fast paths for the common cases: a plain https URL, or http on 127.x.x.x / [::1] written
  // canonically, needs no further decomposition.
  if (isPlainHttpsUrl(raw)) return HTTPS_OK;
  if (PLAIN_LOOPBACK.test(raw) && octetsOk(raw)) return LOOPBACK_OK;
  const invalid = (why: string): RedirectClassification => ({
    ok: false,
    reason: finding('redirect-uri-invalid', `The redirect URI "${raw}" ${why}`, property),
  });
  const bad = firstNonUriCharacter(raw);
  if (bad !== undefined) return invalid(`contains ${describeCharacter(bad.char)}`);
  if (!hasValidPercentEncoding(raw)) return invalid('has a "%" that does not start a %XX escape');
  const u = splitUri(raw);
  if (u.scheme === undefined) return invalid('is not an absolute URI (it has no scheme)');
  if (u.fragment !== undefined) return invalid('has a fragment, which RFC 6749 §3.1.2 forbids');
  const scheme = u.scheme.toLowerCase();
  if (FORBIDDEN_SCHEMES.has(scheme)) {
    return {
      ok: false,
      reason: finding('redirect-uri-scheme-forbidden', `The redirect URI "${raw}" uses the "${u.scheme}" scheme`, property),
    };
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return invalid('cannot be parsed as a URL');
  }
  if (scheme === 'https' || scheme === 'http') {
    if (u.host === undefined || u.host === '') return invalid('has no host');
    if (u.userinfo !== undefined) return invalid('has a userinfo component ("…@" before the host)');
    if (scheme === 'https') return { ok: true, kind: 'https' };
    const host = parsed.hostname;
    if (isLoopbackHostname(host)) return { ok: true, kind: 'loopback' };
    if (host === 'localhost') {
      return {
        ok: true,
        kind: 'localhost',
        warning: finding(
          'redirect-uri-localhost',
          `The redirect URI "${raw}" uses "localhost"; RFC 8252 §8.3 recommends 127.0.0.1 or [::1]`,
          property,
        ),
      };
    }
    return {
      ok: false,
      reason: finding(
        'redirect-uri-http-not-loopback',
        `The redirect URI "${raw}" uses http on "${u.host}"; http is allowed only on loopback`,
        property,
      ),
    };
  }
  if (!scheme.includes('.')) {
    return {
      ok: true,
      kind: 'private-use',
      warning: finding(
        'redirect-uri-private-scheme-not-reverse-dns',
        `The redirect URI "${raw}" uses the private-use scheme "${u.scheme}"; RFC 8252 §7.1 asks for a reverse-DNS name such as "com.example.app"`,
        property,
      ),
    };
  }
  return { ok: true, kind: 'private-use' };
}

/** Options of {@link matchRedirectUri}. */
export interface RedirectMatchOptions {
  /**
   * Let a request on `http://localhost` use any port when `http://localhost` (any port) is
   * registered, as for the IP loopback literals. On by default, because Claude Code, VS Code and
   * FastMCP register port-less `localhost` redirects and bind ephemeral ports.
   */
  readonly localhostPortVariance: boolean;
}

export const DEFAULT_REDIRECT_MATCH_OPTIONS: RedirectMatchOptions = { localhostPortVariance: true };

/**
 * Find the registered redirect URI a request's `redirect_uri` matches, or undefined.
 *
 * Exact simple string comparison (R26), with one relaxation (RFC 8252 §7.3, a deliberate deviation
 * from the literal CIMD text, tracking issues #81 and #95): when the registered URI is `http` on
 * `127.0.0.0/8` or `[::1]` (and `localhost` when enabled), a request that differs only in the port
 * matches. Scheme, host as written, path and query stay byte-identical; `localhost`, `127.0.0.1`
 * and `[::1]` never stand in for each other; nothing else is relaxed.
 */
export function matchRedirectUri(
  requested: string,
  registered: readonly string[],
  options: Partial<RedirectMatchOptions> = {},
): string | undefined {
  if (registered.includes(requested)) return requested;
  const o = { ...DEFAULT_REDIRECT_MATCH_OPTIONS, ...options };
  const req = splitUri(requested);
  if (req.scheme !== 'http' || req.userinfo !== undefined || req.fragment !== undefined || req.host === undefined)
    return undefined;
  if (req.port !== undefined && !isPort(req.port)) return undefined;
  if (firstNonUriCharacter(requested) !== undefined) return undefined;
  return registered.find((r) => {
    const reg = splitUri(r);
    if (reg.scheme !== 'http' || reg.userinfo !== undefined || reg.fragment !== undefined) return false;
    if (reg.host !== req.host || reg.path !== req.path || reg.query !== req.query) return false;
    const host = reg.host ?? '';
    const variable = isLoopbackHostname(host) || (o.localhostPortVariance && host === 'localhost');
    return variable && (reg.port === undefined || isPort(reg.port));
  });
}

function isPort(p: string): boolean {
  return /^[1-9]\d{0,4}$/.test(p) && Number(p) <= 65535;
}
