/**
 * The peer of the side-by-side benchmark: node-oidc-provider (bench/peer, installed at bench time,
 * never committed) with its Client ID Metadata Document feature on, in a process of its own.
 *
 *   peer-server.ts <ca.pem> <private signing JWK as JSON>
 *
 * Configured to reach the same states as cimd (see docs/benchmarks.md, "Side by side"):
 * - `clientIdMetadataDocument` on; its `fetch` goes through an undici Agent that trusts the test
 *   CA and resolves every name under client.test to 127.0.0.1 (its own SSRF dispatcher, which
 *   destroys loopback sockets, is replaced: nothing else changes in its fetch path);
 * - `devInteractions` for login and consent (driven by the load generator during setup, untimed);
 * - `resourceIndicators`, so that access tokens are ES256 JWTs for the bench resource, as cimd's;
 * - refresh tokens are issued and rotated as cimd does (see `issueRefreshToken`);
 * - a storage adapter over Maps with O(1) operations (peer-adapter.ts), as a production adapter
 *   would be; the stock development adapter would measure its own limits (see there).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Agent, fetch as undiciFetch } from 'undici';
import { RESOURCE } from './documents.js';
import { createPeerAdapter } from './peer-adapter.js';
import { serveCommands } from './rpc.js';

const [caPath, jwkJson] = process.argv.slice(2);
if (caPath === undefined || jwkJson === undefined) throw new Error('usage: peer-server.ts <ca.pem> <jwk>');

const peerRoot = fileURLToPath(new URL('../peer/node_modules/oidc-provider/', import.meta.url));

/** The few members of the peer's API used here (it ships no types; none are installed). */
interface PeerProvider {
  callback(): (req: unknown, res: unknown) => void;
}
type ProviderClass = new (issuer: string, configuration: Record<string, unknown>) => PeerProvider;

const { default: Provider } = (await import(pathToFileURL(`${peerRoot}lib/index.js`).href)) as { default: ProviderClass };

// Its fetch, pointed at the bench's client host: the test CA, and client.test names on loopback.
const testAgent = new Agent({
  connect: {
    ca: [readFileSync(caPath, 'utf8')],
    lookup(
      hostname: string,
      options: LookupOptions,
      callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
    ) {
      if (hostname !== 'client.test' && !hostname.endsWith('.client.test')) {
        callback(Object.assign(new Error(`bench: ${hostname} is not a bench host`), { code: 'ENOTFOUND' }), '');
        return;
      }
      const answer: LookupAddress = { address: '127.0.0.1', family: 4 };
      if (options.all === true) callback(null, [answer]);
      else callback(null, answer.address, answer.family);
    },
  },
});

const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  adapter: createPeerAdapter(),
  clients: [],
  jwks: { keys: [JSON.parse(jwkJson) as object] },
  cookies: { keys: ['bench-only cookie signing key, not a secret'] },
  scopes: ['openid', 'offline_access', 'read', 'write'],
  features: {
    clientIdMetadataDocument: { enabled: true, ack: 'draft-02' },
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'read write',
        audience: RESOURCE,
        accessTokenTTL: 600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
  enabledJWA: { idTokenSigningAlgValues: ['ES256'] },
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
  // cimd's policy: a refresh token whenever the client's document declares the refresh_token
  // grant (the peer's default also wants offline_access granted, which plain OAuth requests,
  // without openid, never get), rotated on every use.
  issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
    client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: () => true,
  ttl: {
    AccessToken: 600,
    AuthorizationCode: 60,
    RefreshToken: 14 * 86_400,
    Interaction: 600,
    Session: 8 * 3600,
    Grant: 90 * 86_400,
  },
  fetch: (url: string, options: Record<string, unknown>) => undiciFetch(url, { ...options, dispatcher: testAgent }),
});

server.on('request', provider.callback());
serveCommands({ port, url: issuer }, () => Promise.reject(new Error('no commands')));
