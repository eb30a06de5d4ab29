/**
 * Helper processes of the side-by-side benchmark: each runs as `node --conditions=source --import
 * tsx <script>`, optionally pinned to one CPU with `taskset` (so that a server has exactly one core
 * and the load generator the other), and talks to the orchestrator over IPC (see rpc.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Channel, type Ready } from './rpc.js';

const TASKSET = '/usr/bin/taskset';

/** Whether helpers are pinned to CPUs: taskset exists and the machine has at least two. */
export const PINNED = existsSync(TASKSET) && availableParallelism() >= 2;

export interface Helper {
  readonly name: string;
  readonly channel: Channel;
  readonly ready: Ready;
  readonly pid: number;
  /** Close the channel (the helper exits), then wait for the exit; SIGKILL after 5 s. */
  stop(): Promise<void>;
}

export interface HelperOptions {
  /** Pin the process (all its threads) to this CPU, when pinning is available. */
  readonly cpu?: number;
  /** Extra `node` flags (e.g. `--expose-gc`, `--cpu-prof`). */
  readonly nodeFlags?: readonly string[];
  /** Show the helper's standard output (servers log there); default: discarded. */
  readonly showStdout?: boolean;
  /** How long to wait for the helper's ready message. */
  readonly readyTimeoutMs?: number;
}

/** Start `side-by-side/<script>` with `args`; resolves once it says it is ready. */
export async function startHelper(
  name: string,
  script: string,
  args: readonly string[],
  options: HelperOptions = {},
): Promise<Helper> {
  const file = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const nodeArgs = [...(options.nodeFlags ?? []), '--conditions=source', '--import', 'tsx', file, ...args];
  const pin = PINNED && options.cpu !== undefined;
  const child = spawn(
    pin ? TASKSET : process.execPath,
    pin ? ['-c', String(options.cpu), process.execPath, ...nodeArgs] : nodeArgs,
    {
      stdio: ['ignore', options.showStdout === true ? 'inherit' : 'ignore', 'inherit', 'ipc'],
    },
  );
  const channel = new Channel(name, child);
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} was not ready within ${options.readyTimeoutMs ?? 60_000} ms`));
    }, options.readyTimeoutMs ?? 60_000);
    const onMessage = (message: unknown): void => {
      if (typeof message === 'object' && message !== null && (message as Ready).ready === true) {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(message as Ready);
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready (${signal ?? code})`));
    });
  });
  return {
    name,
    channel,
    ready,
    pid: child.pid ?? -1,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        if (child.connected) child.disconnect();
        else child.kill('SIGTERM');
      }),
  };
}
