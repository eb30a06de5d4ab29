/**
 * The HTTPS client host of the side-by-side benchmark, a process of its own (on the load
 * generator's CPU), shared by both servers. It counts every request by path, so that origin
 * fetches can be compared (single-flight, cache misses).
 *
 *   document-server.ts <cert.pem> <key.pem> <public JWK as JSON>
 *
 * Hosts (the Host header; every name under client.test resolves to 127.0.0.1 for both servers):
 * - `slow.client.test`: sends the response head after 3 s (then a valid document);
 * - `big.client.test`: a 100 KB JSON document;
 * - `redirect.client.test`: a 302 to a valid document;
 * - any other: `/c/<n>.json` and `/cold/<n>.json` a private_key_jwt client, `/p/<n>.json` a
 *   public one (`none`), each with `Cache-Control: max-age=3600`; anything else is a 404.
 *
 * Commands: `hits {path}` (requests for that path), `total`, `reset`.
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { benchDocument, type ClientKind, type PublicJwk } from './documents.js';
import { serveCommands } from './rpc.js';

const [certPath, keyPath, jwkJson] = process.argv.slice(2);
if (certPath === undefined || keyPath === undefined || jwkJson === undefined)
  throw new Error('usage: document-server.ts <cert.pem> <key.pem> <jwk>');
const key = JSON.parse(jwkJson) as PublicJwk;

const SLOW_HEADERS_MS = 3000;
const BIG_BYTES = 100 * 1024;

const hits = new Map<string, number>();
let total = 0;

function send(response: ServerResponse, status: number, body: Uint8Array | string, headers: Record<string, string> = {}): void {
  response
    .writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers })
    .end(body);
}

function documentFor(host: string, path: string): Uint8Array | undefined {
  const match = /^\/(c|cold|p|x)\/[\w.-]{1,64}\.json$/.exec(path);
  if (match === null) return undefined;
  const kind: ClientKind = match[1] === 'p' ? 'none' : 'private_key_jwt';
  return benchDocument(`https://${host}${path}`, kind, key);
}

const server = createServer(
  { cert: readFileSync(certPath), key: readFileSync(keyPath), keepAliveTimeout: 30_000 },
  (request, response) => {
    const path = request.url ?? '/';
    const host = request.headers.host ?? 'client.test';
    total += 1;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const name = host.replace(/:\d+$/, '');
    if (request.method !== 'GET') return send(response, 405, '{}');
    if (name === 'redirect.client.test') {
      return send(response, 302, '{}', { location: `https://client.test:${port()}/c/0.json` });
    }
    const doc = documentFor(host, path);
    if (doc === undefined) return send(response, 404, '{}');
    if (name === 'big.client.test') {
      const padded = JSON.stringify({ ...(JSON.parse(new TextDecoder().decode(doc)) as object), padding: 'x'.repeat(BIG_BYTES) });
      return send(response, 200, padded, { 'cache-control': 'max-age=3600' });
    }
    if (name === 'slow.client.test') {
      const timer = setTimeout(() => send(response, 200, doc, { 'cache-control': 'max-age=3600' }), SLOW_HEADERS_MS);
      response.on('close', () => clearTimeout(timer));
      return;
    }
    return send(response, 200, doc, { 'cache-control': 'max-age=3600' });
  },
);

const port = (): number => (server.address() as AddressInfo).port;

server.listen(0, '127.0.0.1', () => {
  serveCommands({ port: port() }, (command) => {
    switch (command.op) {
      case 'hits':
        return Promise.resolve(hits.get(String(command['path'])) ?? 0);
      case 'total':
        return Promise.resolve(total);
      case 'reset':
        hits.clear();
        total = 0;
        return Promise.resolve(0);
      default:
        return Promise.reject(new Error(`unknown command ${command.op}`));
    }
  });
});
