import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line (codes, verifiers, tokens, assertions, passwords). */
export const REDACTED_PATHS: readonly string[] = [
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'client_assertion',
  'password',
  'token',
  '*.code',
  '*.code_verifier',
  '*.refresh_token',
  '*.access_token',
  '*.client_assertion',
  '*.password',
  '*.token',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** JSON logs on standard output (or the given stream), secrets redacted. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { service: 'cimd-server' }, redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' } };
  return destination === undefined ? pino(options) : pino(options, destination);
}
