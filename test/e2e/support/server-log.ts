import { Writable } from 'node:stream';
import { createLogger } from '@cimd/server';

type Logger = ReturnType<typeof createLogger>;

/** The server's JSON log, kept in memory, so a test can show it and check it. */
export interface ServerLog {
  readonly logger: Logger;
  /** The lines logged at `error` or above (unexpected failures inside the server) since the last call. */
  takeErrors(): string[];
}

/** A logger at `warn` that keeps its lines (secrets are redacted by the server's own logger). */
export function captureServerLog(): ServerLog {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  return {
    logger: createLogger('warn', sink),
    takeErrors: () => lines.splice(0).filter((l) => ((JSON.parse(l) as { level?: number }).level ?? 0) >= 50),
  };
}
