import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AttestationRefused, type AttestationRequest, type ClientAttester } from './attester.js';

/**
 * The attester's HTTP surface:
 *
 *   POST /nonce          → 200 {"nonce": "..."}                       (single use, a few minutes)
 *   POST /attestations   {client_id, platform, evidence, key_proof}
 *                        → 200 {"client_attestation": "<JWT>"} or 400 {"error": "attestation_refused"}
 *   GET  /jwks           → 200 the attester's public keys (the app document's jwks_uri)
 */
export interface AttesterServerOptions {
  readonly attester: ClientAttester;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
  /** Serve over TLS with this certificate (production attesters always do; tests use a test CA). */
  readonly tls?: { readonly certPem: string; readonly keyPem: string };
  /** Where refusals are reported (they go to the app only as a generic error). */
  readonly log?: (line: string) => void;
}

export interface AttesterServer {
  readonly port: number;
  /** Every request received, as "METHOD /path". */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

const MAX_BODY = 16_384;

function send(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...extra }).end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new AttestationRefused('the request body is too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new AttestationRefused('the request body is not JSON');
  }
}

function asRequest(value: unknown): AttestationRequest {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (typeof v['client_id'] !== 'string' || typeof v['platform'] !== 'string' || typeof v['key_proof'] !== 'string') {
    throw new AttestationRefused('client_id, platform and key_proof are required strings');
  }
  return { client_id: v['client_id'], platform: v['platform'], evidence: v['evidence'], key_proof: v['key_proof'] };
}

export function startAttesterServer(options: AttesterServerOptions): Promise<AttesterServer> {
  const { attester } = options;
  const requests: string[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    requests.push(`${req.method ?? ''} ${path ?? ''}`);
    void (async () => {
      try {
        if (req.method === 'GET' && path === '/jwks') {
          send(res, 200, await attester.jwks(), {
            'content-type': 'application/jwk-set+json',
            'cache-control': 'public, max-age=300',
          });
        } else if (req.method === 'POST' && path === '/nonce') {
          send(res, 200, { nonce: attester.nonce() });
        } else if (req.method === 'POST' && path === '/attestations') {
          send(res, 200, { client_attestation: await attester.attest(asRequest(await readJson(req))) });
        } else {
          send(res, 404, { error: 'not_found' });
        }
      } catch (e) {
        if (e instanceof AttestationRefused) {
          options.log?.(`attestation refused: ${e.message}`);
          send(res, 400, { error: 'attestation_refused' });
        } else {
          options.log?.(`attester error: ${String(e)}`);
          send(res, 500, { error: 'server_error' });
        }
      }
    })();
  };
  const server: Server =
    options.tls === undefined
      ? createHttpServer(handler)
      : createHttpsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
