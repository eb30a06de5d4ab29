import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

/** Seconds since the epoch at a clock's time. */
export const seconds = (ms: number): number => Math.floor(ms / 1000);

export interface MintOptions {
  /** Claims to set or, with `undefined`, to remove. */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Protected header members to set or remove (`alg` and `kid` default to the issuer's key). */
  readonly header?: Readonly<Record<string, unknown>>;
  /** Sign with this key instead (e.g. one the JWKS does not publish). */
  readonly key?: { readonly privateKey: CryptoKey; readonly kid: string; readonly alg: string };
}

/**
 * A stand-in authorization server on a loopback socket: RFC 8414 metadata and a JWKS over real
 * HTTP, and a `mint` that signs RFC 9068 access tokens the way cimd-server does (ES256, `kid`,
 * `typ` at+jwt). It counts requests per path, and `available` turns it into an outage (503).
 */
export interface TokenIssuer {
  readonly issuer: string;
  readonly jwksUri: string;
  /** The kid of the signing key. */
  readonly kid: string;
  readonly hits: Map<string, number>;
  /** Answer every request with 503 while false. */
  available: boolean;
  /** Override the metadata document (e.g. another issuer). */
  metadata: Record<string, unknown>;
  mint(resource: string | readonly string[], now: number, options?: MintOptions): Promise<string>;
  /** A key pair not published in the JWKS. */
  strayKey(alg?: 'ES256' | 'RS256'): Promise<{ privateKey: CryptoKey; publicJwk: JWK; kid: string; alg: string }>;
  /** Publish another public key in the JWKS. */
  publish(jwk: JWK): void;
  close(): Promise<void>;
}

let kidCounter = 0;

async function keyPair(alg: 'ES256' | 'RS256'): Promise<{ privateKey: CryptoKey; publicJwk: JWK; kid: string; alg: string }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `test-key-${++kidCounter}`;
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }, kid, alg };
}

export async function startTokenIssuer(): Promise<TokenIssuer> {
  const signing = await keyPair('ES256');
  const keys: JWK[] = [signing.publicJwk];
  const hits = new Map<string, number>();
  let server: Server | undefined;
  const state = { available: true, metadata: {} as Record<string, unknown> };
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (!state.available) {
      res.writeHead(503).end();
      return;
    }
    if (path === '/.well-known/oauth-authorization-server') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state.metadata));
    } else if (path === '/jwks') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  state.metadata = { issuer, jwks_uri: `${issuer}/jwks`, authorization_endpoint: `${issuer}/authorize` };

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    kid: signing.kid,
    hits,
    get available() {
      return state.available;
    },
    set available(v: boolean) {
      state.available = v;
    },
    get metadata() {
      return state.metadata;
    },
    set metadata(m: Record<string, unknown>) {
      state.metadata = m;
    },
    async mint(resource, now, options = {}) {
      const iat = seconds(now);
      const claims: Record<string, unknown> = {
        iss: issuer,
        sub: 'u_alice',
        aud: typeof resource === 'string' ? resource : [...resource],
        client_id: 'https://client.example/oauth/client.json',
        scope: 'mcp:tools',
        iat,
        exp: iat + 600,
        jti: `jti-${iat}-${++kidCounter}`,
      };
      for (const [k, v] of Object.entries(options.claims ?? {})) {
        if (v === undefined) delete claims[k];
        else claims[k] = v;
      }
      const key = options.key ?? signing;
      const header: Record<string, unknown> = { alg: key.alg, kid: key.kid, typ: 'at+jwt' };
      for (const [k, v] of Object.entries(options.header ?? {})) {
        if (v === undefined) delete header[k];
        else header[k] = v;
      }
      return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
    },
    strayKey: (alg = 'ES256') => keyPair(alg),
    publish(jwk) {
      keys.push(jwk);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server?.closeAllConnections();
        server?.close(() => resolve());
        server = undefined;
      }),
  };
}
