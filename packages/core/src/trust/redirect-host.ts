import { classifyRedirectUri } from '../redirect-uri.js';
import { splitUri } from '../uri.js';
import { hostsRelated, normalizeHost } from './domain-name.js';

/**
 * Whether a redirect URI stays with the client_id's own host (slides: for a client seen for the
 * first time, "require matching domain on redirect_uri"; R62 lets an AS restrict redirects to the
 * client's origin):
 * - https: the same host, or one below the other (`auth.app.example` for `app.example`);
 * - loopback (`127.0.0.0/8`, `[::1]`, `localhost`): always, since the code stays on the device;
 * - a private-use scheme: when it is the reverse of such a host (`example.app:/cb` for
 *   `app.example`, RFC 8252 §7.1 names schemes after a domain the app controls).
 */
export function redirectStaysWithClient(clientId: string, redirectUri: string): boolean {
  const clientHost = normalizeHost(splitUri(clientId).host ?? '');
  if (clientHost === '') return false;
  const c = classifyRedirectUri(redirectUri);
  if (!c.ok) return false;
  const u = splitUri(redirectUri);
  switch (c.kind) {
    case 'loopback':
    case 'localhost':
      return true;
    case 'https':
      return hostsRelated(normalizeHost(u.host ?? ''), clientHost);
    case 'private-use': {
      const reversed = (u.scheme ?? '').toLowerCase().split('.').reverse().join('.');
      return reversed.includes('.') && hostsRelated(reversed, clientHost);
    }
  }
}
