import type { AddressInfo, Server, Socket } from 'node:net';

/** Counts the TCP connections a server accepts and destroys the open ones on close. */
export interface ConnectionLog {
  /** TCP connections accepted so far (counted before any TLS handshake). */
  readonly count: number;
  /** Remote addresses of the accepted connections, in order. */
  readonly peers: readonly string[];
}

/** Listen on `host` (port 0: any free port), count connections, and return a closer. */
export async function listenCounting(
  server: Server,
  host: string,
  port = 0,
): Promise<{ port: number; log: ConnectionLog; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const peers: string[] = [];
  server.on('connection', (socket: Socket) => {
    peers.push(socket.remoteAddress ?? '(unknown)');
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const log: ConnectionLog = {
    get count() {
      return peers.length;
    },
    peers,
  };
  const close = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { port: (server.address() as AddressInfo).port, log, close };
}

/** `https://host:port/path`, bracketing IPv6 literals. */
export function urlFor(scheme: 'https' | 'http', host: string, port: number, path: string): URL {
  const authority = host.includes(':') ? `[${host}]` : host;
  return new URL(`${scheme}://${authority}:${port}${path.startsWith('/') ? path : `/${path}`}`);
}
