import { promises as dns } from 'node:dns';
import { CimdError, isCimdError } from '@cimd/core';
import { untilAborted } from './deadline.js';
import type { FetchTarget } from './fetch-target.js';

/** One DNS answer, as `dns.lookup(host, { all: true })` gives it. */
export interface LookupAddress {
  readonly address: string;
  /** 4 or 6. */
  readonly family: number;
}

/** The injectable DNS seam: every address the host name resolves to. */
export type LookupFunction = (hostname: string) => Promise<readonly LookupAddress[]>;

/**
 * The default resolver: the operating system's, as the rest of the machine sees it. `verbatim`
 * keeps the resolver's order (no IPv4-first reordering); `all` returns every answer, because
 * every answer is checked.
 */
export const systemLookup: LookupFunction = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** Development host overrides, like curl's `--resolve`: host name → address(es). */
export type ResolveOverrides = ReadonlyMap<string, readonly string[]>;

/**
 * Step 2, first half (H2): resolve the host once. The answers returned here are the only ones the
 * connection will ever use; nothing resolves the name again for this fetch. An IP literal is its
 * own answer. A development override replaces DNS for the names it lists; its addresses are
 * checked like any other.
 */
export async function resolveOnce(
  target: FetchTarget,
  lookup: LookupFunction,
  overrides: ResolveOverrides,
  signal: AbortSignal,
): Promise<readonly LookupAddress[]> {
  if (target.ipLiteral !== 0) return [{ address: target.hostname, family: target.ipLiteral }];
  const override = overrides.get(target.hostname);
  if (override !== undefined) return override.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  let answers: readonly LookupAddress[];
  try {
    answers = await untilAborted(lookup(target.hostname), signal);
  } catch (error) {
    if (isCimdError(error)) throw error;
    const code = (error as { code?: unknown }).code;
    const why = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
    throw new CimdError('fetch-dns', `The host ${target.hostname} could not be resolved: ${why}`, { cause: error });
  }
  if (answers.length === 0) throw new CimdError('fetch-dns', `The host ${target.hostname} resolved to no address`);
  return answers;
}
