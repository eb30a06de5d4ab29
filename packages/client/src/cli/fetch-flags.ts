import { isIP } from 'node:net';
import type { DevelopmentOptions, FetchLimitOptions, SafeFetcherOptions } from '@cimd/node';
import { positiveInteger } from './evaluate-flags.js';
import { UsageError, type CliIo } from './io.js';

/** Flags of `cimd fetch` beyond the shared server assumptions (EVALUATE_FLAGS). */
export const FETCH_FLAGS = {
  resolve: { type: 'string', multiple: true },
  ca: { type: 'string' },
  'allow-loopback': { type: 'boolean' },
  'timeout-ms': { type: 'string' },
} as const;

export const FETCH_FLAGS_HELP = `Transport (the authorization server's safe fetcher, production rules):
  --timeout-ms <n>                   the whole fetch, DNS to last byte (default 5000)
  --max-bytes <n>                    also the fetch's byte cap (default 5120)

Development (any of these runs the fetcher in development mode, bound to 127.0.0.1; refused
when NODE_ENV=production):
  --resolve <host:address>           use this IP address for host instead of DNS (repeatable)
  --ca <file>                        also trust this CA certificate (PEM)
  --allow-loopback                   permit 127.0.0.0/8 and ::1; every other special-use range
                                     stays refused`;

type Values = {
  resolve?: string[] | undefined;
  ca?: string | undefined;
  'allow-loopback'?: boolean | undefined;
  'timeout-ms'?: string | undefined;
};

/**
 * The safe fetcher's options for these flags (without `onFetch`). Production unless a
 * development flag is given; then development mode bound to loopback, as the CLI is a local tool
 * (R70: the fetcher's own gate still refuses it under NODE_ENV=production).
 */
export async function fetcherOptions(v: Values, maxBytes: number | undefined, io: CliIo): Promise<SafeFetcherOptions> {
  const limits: { -readonly [K in keyof FetchLimitOptions]: FetchLimitOptions[K] } = {};
  if (maxBytes !== undefined) limits.maxBytes = { 'client-metadata': maxBytes };
  if (v['timeout-ms'] !== undefined) limits.deadlineMs = positiveInteger(v['timeout-ms'], 'timeout-ms');

  const development: { -readonly [K in keyof DevelopmentOptions]: DevelopmentOptions[K] } = {};
  if (v.resolve !== undefined) development.resolve = resolveTable(v.resolve);
  if (v.ca !== undefined) development.extraCa = await readCa(v.ca, io);
  if (v['allow-loopback'] === true) development.allowLoopback = true;
  if (Object.keys(development).length === 0) return { mode: 'production', limits };
  return { mode: 'development', bindAddress: '127.0.0.1', development, limits };
}

/** `host:address` entries (like curl's `--resolve`, without the port) → host → addresses. */
function resolveTable(entries: readonly string[]): Record<string, string[]> {
  const table: Record<string, string[]> = {};
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const host = entry.slice(0, colon).trim().toLowerCase();
    let address = colon < 0 ? '' : entry.slice(colon + 1).trim();
    if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
    if (colon < 1 || host === '' || isIP(address) === 0) {
      throw new UsageError(`--resolve needs host:address with an IP address, e.g. client.test:127.0.0.1, not "${entry}"`);
    }
    (table[host] ??= []).push(address);
  }
  return table;
}

async function readCa(path: string, io: CliIo): Promise<string> {
  let pem: string;
  try {
    pem = new TextDecoder().decode(await io.readInput(path));
  } catch (e) {
    throw new UsageError(`cannot read the CA certificate "${path}": ${(e as Error).message}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`"${path}" holds no PEM certificate`);
  return pem;
}
