import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

/** One outgoing connection attempt seen in this process. */
export interface ConnectionAttempt {
  /** Which channel saw it: undici's connector call, or Node's `net.connect`. */
  readonly via: 'undici' | 'net';
  /**
   * `host:port` for undici; for net, the `ip:port` of each attempt the socket makes (filled in as
   * it tries, empty until then).
   */
  readonly targets: string[];
}

export interface ConnectionWatch {
  readonly attempts: readonly ConnectionAttempt[];
  stop(): void;
}

interface UndiciConnectMessage {
  readonly connectParams: { readonly hostname: string; readonly port: string };
}

/**
 * Observe every outgoing connection attempt in this process, through the diagnostics channels
 * that undici (`undici:client:beforeConnect`, before any connector runs) and Node
 * (`net.client.socket`, when `net.connect` creates a socket, before it connects) publish.
 * Observation only: nothing is patched or intercepted. Run tests that rely on it serially.
 */
export function watchConnectionAttempts(): ConnectionWatch {
  const attempts: ConnectionAttempt[] = [];
  const onUndici = (message: unknown): void => {
    const { hostname, port } = (message as UndiciConnectMessage).connectParams;
    attempts.push({ via: 'undici', targets: [`${hostname}:${port}`] });
  };
  const onNet = (message: unknown): void => {
    const attempt: ConnectionAttempt = { via: 'net', targets: [] };
    attempts.push(attempt);
    (message as { socket: Socket }).socket.on('connectionAttempt', (ip: string, port: number) => {
      attempt.targets.push(`${ip}:${port}`);
    });
  };
  subscribe('undici:client:beforeConnect', onUndici);
  subscribe('net.client.socket', onNet);
  return {
    attempts,
    stop() {
      unsubscribe('undici:client:beforeConnect', onUndici);
      unsubscribe('net.client.socket', onNet);
    },
  };
}
