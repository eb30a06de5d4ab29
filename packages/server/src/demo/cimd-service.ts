import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * A development CIMD Service (draft-03 Appendix A, R80–R83): a stable https Client Identifier URL
 * for clients under development. It serves the documents it provisions and 404 for everything
 * else (R82). Clients it provisions are marked "in development" on the consent page (R76, R83).
 */
export interface CimdService {
  /** `https://<host>:<port>`, the origin of every client_id it serves. */
  readonly origin: string;
  /** Provision (or replace) the document at `path`; its client_id is `origin + path`. */
  provision(path: string, metadata: Readonly<Record<string, unknown>>): string;
  close(): Promise<void>;
}

export interface CimdServiceOptions {
  /** The host name in the client_ids (a name the server's development resolver maps to loopback). */
  readonly hostname: string;
  readonly listenHost: string;
  readonly port: number;
  readonly certPem: string;
  readonly keyPem: string;
}

export async function startCimdService(options: CimdServiceOptions): Promise<CimdService> {
  const documents = new Map<string, string>();
  const server: Server = createServer({ cert: options.certPem, key: options.keyPem }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const body = req.method === 'GET' || req.method === 'HEAD' ? documents.get(path) : undefined;
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end('{"error":"not_found"}');
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      'cache-control': 'max-age=300',
      'content-length': Buffer.byteLength(body),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.listenHost, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `https://${options.hostname}:${port}`;
  return {
    origin,
    provision(path, metadata) {
      const clientId = `${origin}${path}`;
      documents.set(path, JSON.stringify({ ...metadata, client_id: clientId }));
      return clientId;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
