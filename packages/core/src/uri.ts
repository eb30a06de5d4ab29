/**
 * Raw RFC 3986 views of a URI string, before any WHATWG normalisation.
 *
 * The WHATWG URL parser lower-cases the scheme and host, drops default ports, removes dot
 * segments, adds "/" to an empty path and re-encodes characters; the CIMD rules are about the
 * string as written (H1), so they are checked on these raw components.
 */

/** The five components of RFC 3986 Appendix B, plus the authority's parts. */
export interface RawUri {
  /** The scheme as written (case kept), or undefined when there is none. */
  readonly scheme: string | undefined;
  /** The authority as written, or undefined when there is no "//". */
  readonly authority: string | undefined;
  /** Userinfo as written (without "@"), or undefined when absent. */
  readonly userinfo: string | undefined;
  /** Host as written (brackets kept for IP literals), or undefined without an authority. */
  readonly host: string | undefined;
  /** Port as written (without ":"), or undefined when no ":" follows the host. */
  readonly port: string | undefined;
  /** Path as written; may be empty. */
  readonly path: string;
  /** Query without "?", or undefined when no "?" is present (an empty query is ""). */
  readonly query: string | undefined;
  /** Fragment without "#", or undefined when no "#" is present (an empty fragment is ""). */
  readonly fragment: string | undefined;
}

const APPENDIX_B = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

/** Split a URI reference into its raw components. Never throws; every string matches. */
export function splitUri(raw: string): RawUri {
  const m = APPENDIX_B.exec(raw);
  // The expression matches every string; the fallback only satisfies the type checker.
  const [, scheme, authority, path = '', query, fragment] = m ?? [];
  let userinfo: string | undefined;
  let host: string | undefined;
  let port: string | undefined;
  if (authority !== undefined) {
    const at = authority.lastIndexOf('@');
    const hostPort = at === -1 ? authority : authority.slice(at + 1);
    if (at !== -1) userinfo = authority.slice(0, at);
    if (hostPort.startsWith('[')) {
      const close = hostPort.indexOf(']');
      host = close === -1 ? hostPort : hostPort.slice(0, close + 1);
      const rest = close === -1 ? '' : hostPort.slice(close + 1);
      if (rest.startsWith(':')) port = rest.slice(1);
      else if (rest !== '') host = hostPort; // garbage after "]": keep it visible in the host
    } else {
      const colon = hostPort.lastIndexOf(':');
      host = colon === -1 ? hostPort : hostPort.slice(0, colon);
      if (colon !== -1) port = hostPort.slice(colon + 1);
    }
  }
  return { scheme, authority, userinfo, host, port, path, query, fragment };
}

/** Characters RFC 3986 allows anywhere in a URI (unreserved, reserved and "%"). */
const URI_CHAR = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/;

/** The first character not allowed in a URI, or undefined when all are allowed. */
export function firstNonUriCharacter(raw: string): { char: string; index: number } | undefined {
  if (URI_CHAR.test(raw)) return undefined;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (!URI_CHAR.test(ch)) {
      const cp = raw.codePointAt(i) ?? 0;
      return { char: String.fromCodePoint(cp), index: i };
    }
  }
  return undefined;
}

/** Whether every "%" starts a valid "%XX" escape. */
export function hasValidPercentEncoding(raw: string): boolean {
  return !/%(?![0-9A-Fa-f]{2})/.test(raw);
}

/** A readable name for a character in messages: "U+0009 (tab)", '"<"'. */
export function describeCharacter(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const named: Record<number, string> = { 9: 'tab', 10: 'line feed', 13: 'carriage return', 32: 'space', 92: 'backslash' };
  const name = named[cp];
  if (name !== undefined) return `${hex} (${name})`;
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp <= 0x9f)) return `${hex} (control character)`;
  return `"${ch}" (${hex})`;
}

/** A dotted-quad IPv4 address in the form WHATWG URL serialises (after it rewrote the host). */
const IPV4_DOTTED = /^(?:\d{1,3}\.){3}\d{1,3}$/;

/** Whether a WHATWG-parsed hostname is an IP address (IPv4 after rewriting, or bracketed IPv6). */
export function isIpHostname(hostname: string): boolean {
  return hostname.startsWith('[') || IPV4_DOTTED.test(hostname);
}

/** Whether a hostname (as WHATWG serialises it, brackets kept) names the loopback interface. */
export function isLoopbackHostname(hostname: string): boolean {
  if (hostname === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * `https://`, a DNS host of LDH labels, an optional port without a leading zero, then only URI
 * characters other than "#", every "%" starting an escape. Group 1 is the host, group 2 its last
 * label, group 3 the port.
 */
const PLAIN_HTTPS =
  /^https:\/\/((?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?))(?::([1-9][0-9]{0,4}))?(?:[/?](?:[A-Za-z0-9\-._~:/?[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)?$/;

/**
 * A fast check for the common shape `https://host[:port]/path?query`: true only when the string is
 * certainly a valid absolute https URL with a DNS host (labels of at most 63 characters, at most
 * 253 in all), no userinfo, no fragment and only URI characters. False means "look closer" (the caller falls back to a full parse), not "invalid".
 * Left to the full parser: punycode labels (`xn--`, which WHATWG checks), and hosts whose last label
 * is a number or `0x…` (WHATWG reads those as IPv4).
 */
export function isPlainHttpsUrl(raw: string): boolean {
  const m = PLAIN_HTTPS.exec(raw);
  if (m === null) return false;
  const host = m[1] as string;
  const last = m[2] as string;
  const port = m[3];
  if (host.length > 253 || (port !== undefined && port.length === 5 && Number(port) > 65535)) return false;
  // A DNS label has at most 63 characters (RFC 1035 §2.3.4); the expression does not count them.
  if (host.length > 63 && host.split('.').some((label) => label.length > 63)) return false;
  if (host.includes('-') && /(^|\.)xn--/i.test(host)) return false;
  const c0 = last.charCodeAt(0);
  if (c0 >= 0x30 && c0 <= 0x39 && (/^[0-9]+$/.test(last) || /^0[xX][0-9a-fA-F]*$/.test(last))) return false;
  return true;
}
