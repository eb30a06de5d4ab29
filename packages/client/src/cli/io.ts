/** What a CLI command may touch; injected so commands run in-process in tests. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Read a file, or standard input for "-", as bytes. */
  readonly readInput: (path: string) => Promise<Uint8Array>;
}

/** Exit statuses shared by every verb. */
export const EXIT = { accepted: 0, rejected: 1, usage: 2 } as const;

/** A usage mistake: printed with the verb's help hint, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
