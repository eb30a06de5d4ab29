/**
 * The bare ceiling of the token endpoint: a minimal node:http handler doing the same cryptography
 * and SQLite work as cimd's code exchange for a public client, and nothing else (no framework, no
 * client resolution, no grant lookup, no validation beyond what the work needs). What this machine
 * can do; cimd's token endpoint is compared with it.
 *
 *   ceiling-server.ts <data folder>
 *
 * POST /token: form parse; SHA-256 of the code; in one IMMEDIATE transaction, DELETE … RETURNING
 * the code row (SQLite, WAL, synchronous=NORMAL, as cimd's store); PKCE S256 check; an ES256 JWT
 * access token signed synchronously with node:crypto (the cheapest signing this machine offers:
 * jose goes through Web Crypto, a thread-pool round trip per token); a random refresh token whose
 * hash is INSERTed; a JSON response. The body is read with plain `data` events.
 * POST /mint?n=N (setup, untimed): N codes with their verifiers.
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { redirectUriOf, RESOURCE } from './documents.js';
import { serveCommands } from './rpc.js';

const [dataDir] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: ceiling-server.ts <data folder>');

const CLIENT_ID = 'https://client.test/p/ceiling.json';
const db = new Database(`${dataDir}/ceiling.db`);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE codes (code_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, user_id TEXT NOT NULL,
           redirect_uri TEXT NOT NULL, scope TEXT NOT NULL, challenge TEXT NOT NULL, expires_at INTEGER NOT NULL);
         CREATE TABLE refresh_tokens (token_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, user_id TEXT NOT NULL,
           scope TEXT NOT NULL, expires_at INTEGER NOT NULL);`);
const insertCode = db.prepare('INSERT INTO codes VALUES (?, ?, ?, ?, ?, ?, ?)');
const takeCode = db.prepare<
  [string],
  { client_id: string; user_id: string; redirect_uri: string; scope: string; challenge: string; expires_at: number }
>('DELETE FROM codes WHERE code_hash = ? RETURNING client_id, user_id, redirect_uri, scope, challenge, expires_at');
const insertRefresh = db.prepare('INSERT INTO refresh_tokens VALUES (?, ?, ?, ?, ?)');
const redeem = db.transaction((hash: string) => takeCode.get(hash));

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const HEADER = b64({ alg: 'ES256', typ: 'at+jwt', kid: 'ceiling' });
const sha256 = (s: string): string => createHash('sha256').update(s).digest('base64url');

function reply(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response
    .writeHead(status, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(text),
    })
    .end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function token(form: URLSearchParams, response: ServerResponse): void {
  const code = form.get('code');
  const verifier = form.get('code_verifier');
  if (form.get('grant_type') !== 'authorization_code' || code === null || verifier === null)
    return reply(response, 400, { error: 'invalid_request' });
  const now = Date.now();
  const row = redeem.immediate(sha256(code));
  if (
    row === undefined ||
    row.expires_at <= now ||
    row.client_id !== form.get('client_id') ||
    row.redirect_uri !== form.get('redirect_uri')
  )
    return reply(response, 400, { error: 'invalid_grant' });
  if (sha256(verifier) !== row.challenge) return reply(response, 400, { error: 'invalid_grant' });
  const iat = Math.floor(now / 1000);
  const input = `${HEADER}.${b64({
    iss: 'http://ceiling.bench',
    sub: row.user_id,
    aud: form.get('resource') ?? RESOURCE,
    exp: iat + 600,
    iat,
    jti: randomBytes(16).toString('base64url'),
    client_id: row.client_id,
    scope: row.scope,
  })}`;
  const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  const accessToken = `${input}.${signature.toString('base64url')}`;
  const refreshToken = randomBytes(32).toString('base64url');
  insertRefresh.run(sha256(refreshToken), row.client_id, row.user_id, row.scope, now + 14 * 86_400_000);
  reply(response, 200, {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: 600,
    scope: row.scope,
    refresh_token: refreshToken,
  });
}

function mint(n: number, response: ServerResponse): void {
  const out: { code: string; verifier: string }[] = [];
  const expires = Date.now() + 600_000;
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const code = randomBytes(32).toString('base64url');
      const verifier = randomBytes(32).toString('base64url');
      insertCode.run(
        sha256(code),
        CLIENT_ID,
        'u_ceiling',
        redirectUriOf(CLIENT_ID),
        'read offline_access',
        sha256(verifier),
        expires,
      );
      out.push({ code, verifier });
    }
  })();
  reply(response, 200, out);
}

const server = createServer((request, response) => {
  const url = request.url ?? '/';
  if (request.method === 'POST' && url === '/token') {
    readBody(request)
      .then((text) => token(new URLSearchParams(text), response))
      .catch(() => reply(response, 500, { error: 'server_error' }));
  } else if (request.method === 'POST' && url.startsWith('/mint?n=')) {
    request.resume();
    mint(Math.min(100_000, Number(url.slice('/mint?n='.length))), response);
  } else if (request.method === 'GET' && url === '/healthz') {
    reply(response, 200, { status: 'ok' });
  } else {
    request.resume();
    reply(response, 404, { error: 'not_found' });
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  serveCommands({ port, url: `http://127.0.0.1:${port}`, clientId: CLIENT_ID }, () => Promise.reject(new Error('no commands')));
});
