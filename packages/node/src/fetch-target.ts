import { isIP } from 'node:net';
import { CimdError } from '@cimd/core';

/** The parts of a URL the pipeline works with, after the scheme allow-list. */
export interface FetchTarget {
  readonly url: URL;
  /** `https://host[:port]`, the key of the per-origin budget. */
  readonly origin: string;
  readonly protocol: 'https:' | 'http:';
  /** Lower-case host name, or the IP literal without brackets. */
  readonly hostname: string;
  /** 4 or 6 when the host is an IP literal, 0 for a DNS name. */
  readonly ipLiteral: 0 | 4 | 6;
  readonly port: number;
  /** Path and query as sent on the request line; the fragment is never sent. */
  readonly path: string;
}

/**
 * Step 1: the scheme allow-list (R72). https only; http only for the host names a development
 * configuration lists. A URL with userinfo is refused: the fetcher never sends credentials (H3).
 */
export function checkTarget(url: URL, allowHttpHosts: ReadonlySet<string>): FetchTarget {
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const protocol = url.protocol;
  if (protocol !== 'https:' && !(protocol === 'http:' && allowHttpHosts.has(hostname))) {
    const http = protocol === 'http:' ? ` (http is allowed only for development hosts; ${hostname} is not one)` : '';
    throw new CimdError(
      'fetch-scheme',
      `Refusing to fetch ${JSON.stringify(protocol)} URL ${url.origin}: only https is fetched${http}`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new CimdError('fetch-url-userinfo', `Refusing to fetch ${url.origin}: the URL carries a user name or password`);
  }
  const family = isIP(hostname);
  return {
    url,
    origin: url.origin,
    protocol,
    hostname,
    ipLiteral: family === 4 || family === 6 ? family : 0,
    port: url.port === '' ? (protocol === 'https:' ? 443 : 80) : Number(url.port),
    path: `${url.pathname}${url.search}`,
  };
}
