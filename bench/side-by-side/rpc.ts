/**
 * Request and reply over a child process's IPC channel: the orchestrator of the side-by-side
 * benchmark talks to its helper processes (document server, servers, load driver) this way, so
 * that their standard output stays free for their own logs.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/** A command sent to a helper: `op` names it; the rest are its arguments. */
export interface Command {
  readonly op: string;
  readonly [key: string]: unknown;
}

interface Envelope {
  readonly id: number;
  readonly command: Command;
}

interface Reply {
  readonly id: number;
  readonly result?: unknown;
  readonly error?: string;
}

/** What a helper sends once it is ready (its URL, port, anything the orchestrator needs). */
export interface Ready {
  readonly ready: true;
  readonly [key: string]: unknown;
}

/**
 * In a helper: announce readiness, then answer commands with `handle` until the channel closes,
 * and exit then (the orchestrator ended, however it ended). A helper also exits after
 * `maxLifeMs` at the latest, so that no process outlives a stuck benchmark. Besides its own
 * commands, every helper answers `cpu` with the CPU time it has used (µs).
 */
export function serveCommands(
  ready: Record<string, unknown>,
  handle: (command: Command) => Promise<unknown>,
  maxLifeMs = 15 * 60_000,
): void {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('this helper runs only as a child with an IPC channel');
  process.on('message', (message: Envelope) => {
    // Every helper answers `cpu`: the CPU time it has used so far (user + system, µs, all threads),
    // and `profile-start` / `profile-stop {file}`: a CPU profile of just that stretch.
    const op = message.command.op;
    const work =
      op === 'cpu'
        ? Promise.resolve(((u) => u.user + u.system)(process.cpuUsage()))
        : op === 'profile-start' || op === 'profile-stop'
          ? profile(op, message.command['file'])
          : handle(message.command);
    work.then(
      (result) => send({ id: message.id, result } satisfies Reply),
      (error: unknown) =>
        send({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  setTimeout(() => process.exit(3), maxLifeMs).unref();
  send({ ready: true, ...ready } satisfies Ready);
}

let inspector: Session | undefined;

/** Start or stop the V8 CPU profiler of this process; stopping writes the profile to `file`. */
async function profile(op: 'profile-start' | 'profile-stop', file: unknown): Promise<unknown> {
  const post = (method: string): Promise<unknown> =>
    new Promise((resolve, reject) => inspector?.post(method, (err, result) => (err === null ? resolve(result) : reject(err))));
  if (op === 'profile-start') {
    inspector ??= new Session();
    inspector.connect();
    await post('Profiler.enable');
    return post('Profiler.start');
  }
  const { profile: taken } = (await post('Profiler.stop')) as { profile: unknown };
  inspector?.disconnect();
  if (typeof file === 'string') writeFileSync(file, JSON.stringify(taken));
  return file;
}

/** In the orchestrator: a helper's command channel. */
export class Channel {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.on('message', (message: Reply) => {
      const waiting = this.pending.get(message.id);
      if (waiting === undefined) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) waiting.reject(new Error(`${name}: ${message.error}`));
      else waiting.resolve(message.result);
    });
    child.on('exit', (code, signal) => {
      for (const waiting of this.pending.values()) waiting.reject(new Error(`${name} exited (${signal ?? code})`));
      this.pending.clear();
    });
  }

  /** Send a command; resolves with the helper's result (typed by the caller). */
  call<T>(command: Command): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, command } satisfies Envelope);
    });
  }
}
