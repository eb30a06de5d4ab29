/**
 * The HTTPS document server of `bench/discovery.bench.ts`, run as a process of its own so that
 * its side of every TLS handshake is not counted in the measured process (on 2 cores, each gets
 * about one).
 *
 *   node --conditions=source --import tsx bench/document-server.ts <cert.pem> <key.pem>
 *
 * Serves `GET /c/<n>.json` on 127.0.0.1 (any free port) with the ~1 KB sample document whose
 * client_id is `https://<Host header>/c/<n>.json`, `Cache-Control: max-age=3600`; anything else
 * is a 404. Prints `{"port":N}` once listening. Exits when its standard input closes (the
 * benchmark ending, however it ends), and after 10 minutes at the latest.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { sampleDocument } from './sample-document.js';

const [certPath, keyPath] = process.argv.slice(2);
if (certPath === undefined || keyPath === undefined) throw new Error('usage: document-server.ts <cert.pem> <key.pem>');

const server = createServer({ cert: readFileSync(certPath), key: readFileSync(keyPath) }, (request, response) => {
  const n = /^\/c\/(\d{1,9})\.json$/.exec(request.url ?? '')?.[1];
  if (request.method !== 'GET' || n === undefined) {
    response.writeHead(404, { 'content-type': 'application/json' }).end('{}');
    return;
  }
  const body = sampleDocument(new URL(`https://${request.headers.host ?? 'client.test'}/c/${n}.json`), n);
  response
    .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=3600', 'content-length': body.byteLength })
    .end(body);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
setTimeout(() => process.exit(0), 10 * 60_000).unref();
