import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { listenCounting, urlFor, type ConnectionLog } from './listening.js';
import type { TestCertificate } from './pki.js';

/** A fixed answer: status, headers and body. */
export interface RouteAnswer {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: string | Uint8Array;
}

/** Full control over one path's answer (Node's own request and response objects). */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** Header names and values exactly as received, in order. */
  readonly rawHeaders: readonly string[];
  /** TLS SNI the client sent (false when none). */
  readonly servername: string | false;
  readonly remoteAddress: string;
}

export interface OriginServer {
  readonly host: string;
  readonly port: number;
  /** `https://<hostname>:<port><path>`: any name the injected resolver maps to {@link host}. */
  url(hostname: string, path: string): URL;
  /** Program one path (replacing what it did before). Unprogrammed paths answer 404. */
  route(path: string, answer: RouteAnswer | RouteHandler): void;
  /** Requests received, for one path or all. */
  hits(path?: string): number;
  readonly requests: readonly RecordedRequest[];
  /** TCP connections accepted, counted before TLS. */
  readonly connections: ConnectionLog;
  close(): Promise<void>;
}

export interface OriginServerOptions {
  /** The server's certificate and key, e.g. `pki.leaf`. */
  readonly certificate: TestCertificate;
  /** Listen address. Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
}

/** An HTTPS origin with per-path programmable answers that records every request it gets. */
export async function startOriginServer(options: OriginServerOptions): Promise<OriginServer> {
  const host = options.host ?? '127.0.0.1';
  const { certificate } = options;
  const routes = new Map<string, RouteAnswer | RouteHandler>();
  const requests: RecordedRequest[] = [];
  const server: Server = createServer({ key: certificate.keyPem, cert: certificate.certPem }, (request, response) => {
    const socket = request.socket as TLSSocket;
    const path = request.url ?? '/';
    requests.push({
      method: request.method ?? '',
      path,
      rawHeaders: [...request.rawHeaders],
      servername: socket.servername ?? false,
      remoteAddress: socket.remoteAddress ?? '',
    });
    const route = routes.get(path);
    if (route === undefined) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
    } else if (typeof route === 'function') {
      route(request, response);
    } else {
      response.writeHead(route.status ?? 200, route.headers as Record<string, string | string[]>).end(route.body ?? '');
    }
  });
  const listening = await listenCounting(server, host, options.port);
  return {
    host,
    port: listening.port,
    url: (hostname, path) => urlFor('https', hostname, listening.port, path),
    route: (path, answer) => void routes.set(path, answer),
    hits: (path) => (path === undefined ? requests.length : requests.filter((r) => r.path === path).length),
    requests,
    connections: listening.log,
    close: listening.close,
  };
}

/** A JSON answer with status 200 and `application/json`. */
export function jsonAnswer(value: unknown, headers: Readonly<Record<string, string>> = {}): RouteAnswer {
  return { status: 200, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}
