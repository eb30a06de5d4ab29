import { createServer } from 'node:net';
import { listenCounting, type ConnectionLog } from './listening.js';

/**
 * A plain TCP listener that only counts: it accepts, records and hangs up. Put one on an address
 * a correct fetcher must never reach; its count must stay 0.
 */
export interface CountingListener {
  readonly host: string;
  readonly port: number;
  readonly connections: ConnectionLog;
  close(): Promise<void>;
}

export async function startCountingListener(host: string, port = 0): Promise<CountingListener> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.destroy();
  });
  const listening = await listenCounting(server, host, port);
  return { host, port: listening.port, connections: listening.log, close: listening.close };
}
