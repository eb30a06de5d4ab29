import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, type TLSSocket } from 'node:tls';
import { listenCounting, urlFor, type ConnectionLog } from './listening.js';
import type { TestCertificate } from './pki.js';

/** The request head a raw behaviour receives. */
export interface RawRequest {
  readonly method: string;
  readonly path: string;
  /** The head exactly as received, up to and including the blank line. */
  readonly head: string;
}

/**
 * Byte-exact control over one connection: write whatever bytes, at whatever pace, then end or
 * hang. The socket is destroyed when the server closes.
 */
export type RawBehaviour = (socket: TLSSocket, request: RawRequest) => void | Promise<void>;

export interface RawTlsServer {
  readonly host: string;
  readonly port: number;
  url(hostname: string, path: string): URL;
  /** Program one path. Unprogrammed paths get a 404 and the connection closes. */
  behave(path: string, behaviour: RawBehaviour): void;
  hits(path?: string): number;
  /** TLS handshakes that were started: TCP connections accepted. */
  readonly connections: ConnectionLog;
  close(): Promise<void>;
}

export interface RawTlsServerOptions {
  /** The server's certificate and key, e.g. `pki.leaf`. */
  readonly certificate: TestCertificate;
  /** Listen address. Default 127.0.0.1. */
  readonly host?: string;
}

/** Requests with heads larger than this are cut off (the fetcher's are a few hundred bytes). */
const MAX_HEAD = 16 * 1024;

/** A TLS server that hands each request's socket to a per-path behaviour. */
export async function startRawTlsServer(options: RawTlsServerOptions): Promise<RawTlsServer> {
  const host = options.host ?? '127.0.0.1';
  const { certificate } = options;
  const behaviours = new Map<string, RawBehaviour>();
  const paths: string[] = [];
  const server = createServer({ key: certificate.keyPem, cert: certificate.certPem }, (socket) => {
    socket.on('error', () => undefined); // a client hanging up mid-drip is expected
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end === -1 && head.length < MAX_HEAD) return;
      socket.off('data', onData);
      const [method = '', path = ''] = head.slice(0, head.indexOf('\r\n')).split(' ');
      paths.push(path);
      const behaviour = behaviours.get(path) ?? notFound;
      Promise.resolve(behaviour(socket, { method, path, head: head.slice(0, end + 4) })).catch(() => socket.destroy());
    };
    socket.on('data', onData);
  });
  const listening = await listenCounting(server, host);
  return {
    host,
    port: listening.port,
    url: (hostname, path) => urlFor('https', hostname, listening.port, path),
    behave: (path, behaviour) => void behaviours.set(path, behaviour),
    hits: (path) => (path === undefined ? paths.length : paths.filter((p) => p === path).length),
    connections: listening.log,
    close: listening.close,
  };
}

const notFound: RawBehaviour = (socket) => {
  socket.end(rawResponse(404, { 'content-type': 'application/json' }, '{}'));
};

/**
 * An HTTP/1.1 response head (and body), byte for byte as given: no header is added, not even
 * Content-Length, so a test can omit it or lie in it.
 */
export function rawResponse(
  status: number,
  headers: Readonly<Record<string, string | number>>,
  body: string | Uint8Array = '',
): Buffer {
  const lines = [`HTTP/1.1 ${status} Status`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(body)]);
}

/**
 * Write `bytes` in `chunkSize` pieces, `intervalMs` apart, until done or the socket closes. Bounded
 * by the byte count; returns how many bytes were written.
 */
export async function drip(socket: TLSSocket, bytes: Uint8Array, chunkSize: number, intervalMs: number): Promise<number> {
  let written = 0;
  while (written < bytes.length && !socket.destroyed && socket.writable) {
    const piece = bytes.subarray(written, written + chunkSize);
    socket.write(piece);
    written += piece.length;
    await sleep(intervalMs);
  }
  return written;
}
