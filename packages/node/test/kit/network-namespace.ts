import { spawn } from 'node:child_process';

/** Set in the environment of a test file re-run inside a private network namespace. */
export const NETNS_ENV = 'CIMD_TEST_IN_NETNS';

/** Whether this process is the inner run, inside the namespace. */
export function inNetworkNamespace(): boolean {
  return process.env[NETNS_ENV] === '1';
}

export interface NamespaceRunOptions {
  /** The test file to run inside (absolute path; usually the caller's own file). */
  readonly file: string;
  /**
   * Addresses to put on the namespace's loopback interface, so that listeners can bind them and
   * count connections. Traffic to them never leaves the namespace, which has no other interface.
   */
  readonly addresses: readonly string[];
  /** Extra environment for the inner run. */
  readonly env?: Readonly<Record<string, string>>;
  /** Kill the inner run after this long. Default 120 s. */
  readonly timeoutMs?: number;
}

export interface NamespaceRunResult {
  readonly code: number | null;
  /** stdout and stderr of the inner run, interleaved. */
  readonly output: string;
  /** From the inner run's TAP summary. */
  readonly tests: number;
  readonly pass: number;
  readonly fail: number;
}

/**
 * Re-run a test file inside `unshare --net` (needs root, as CI has): a fresh network namespace
 * whose only interface is loopback, with the given addresses added to it. The inner run uses the
 * TAP reporter so its counts can be checked by the outer test.
 *
 * Rejects with a clear message when `unshare` is missing; a failure inside (e.g. not root) shows
 * up as a non-zero `code` with the reason in `output`. Callers must fail, never skip, on either.
 */
export function runInNetworkNamespace(options: NamespaceRunOptions): Promise<NamespaceRunResult> {
  const setup = options.addresses.map((a) =>
    a.includes(':') ? `ip -6 addr add ${a}/128 dev lo nodad` : `ip addr add ${a}/32 dev lo`,
  );
  const script = [
    'set -e',
    'ip link set lo up',
    ...setup,
    'exec "$0" --conditions=source --import tsx --test --test-reporter=tap "$1"',
  ].join('\n');
  // The inner run is a test run of its own, not a child of this one: without this, node:test
  // sees NODE_TEST_CONTEXT inherited from the outer runner and runs nothing.
  const { NODE_TEST_CONTEXT: _outer, ...env } = process.env;
  const child = spawn('unshare', ['--net', 'sh', '-c', script, process.execPath, options.file], {
    env: { ...env, ...options.env, [NETNS_ENV]: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  return new Promise((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why =
        error.code === 'ENOENT'
          ? 'the `unshare` command is not installed (util-linux); the network-namespace SSRF test cannot run'
          : `could not start \`unshare\`: ${error.message}`;
      reject(new Error(why, { cause: error }));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const count = (name: string): number => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(output)?.[1] ?? 0);
      resolve({ code, output, tests: count('tests'), pass: count('pass'), fail: count('fail') });
    });
  });
}
