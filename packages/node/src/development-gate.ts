import { isIP } from 'node:net';
import { CimdError } from '@cimd/core';
import { classifyAddress, isLoopbackRange } from './special-addresses.js';

/**
 * Development-only escape hatches, all off by default (R70). Accepted only when the fetcher is
 * built with `mode: 'development'`, a loopback `bindAddress` and `NODE_ENV` other than
 * `production`; otherwise construction fails with `fetch-dev-refused`.
 */
export interface DevelopmentOptions {
  /**
   * Host name → address(es), used instead of DNS for those names (like curl's `--resolve`). The
   * addresses are checked like DNS answers: only loopback can pass, and only with `allowLoopback`.
   */
  readonly resolve?: Readonly<Record<string, string | readonly string[]>>;
  /** An extra trusted root (PEM), added to Node's default store, e.g. a local test CA. */
  readonly extraCa?: string;
  /** Permit 127.0.0.0/8 and ::1. Every other special-purpose block stays refused. */
  readonly allowLoopback?: boolean;
  /** Host names that may be fetched over plain http (exact, lower-case). */
  readonly allowHttpHosts?: readonly string[];
}

export interface DevelopmentGateInput {
  readonly development: DevelopmentOptions | undefined;
  readonly mode: 'production' | 'development' | undefined;
  /** The address the authorization server itself listens on. */
  readonly bindAddress: string | undefined;
  /** The environment, read once here (never later). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Refuse development options unless every condition of R70 holds. Returns the options when they
 * pass (or undefined when none were given).
 */
export function checkDevelopmentGate(input: DevelopmentGateInput): DevelopmentOptions | undefined {
  const { development, mode, bindAddress, env } = input;
  if (development === undefined) return undefined;
  const refuse = (why: string): never => {
    throw new CimdError('fetch-dev-refused', `Development fetch options refused: ${why}`);
  };
  if (mode !== 'development') refuse(`the fetcher's mode is ${JSON.stringify(mode ?? 'production')}, not "development"`);
  if (env.NODE_ENV === 'production') refuse('NODE_ENV is "production"');
  if (bindAddress === undefined) refuse('no bindAddress was given; the server must listen on loopback');
  if (!isLoopbackIp(bindAddress as string)) {
    refuse(`the server's bind address ${JSON.stringify(bindAddress)} is not a loopback IP address (127.0.0.0/8 or ::1)`);
  }
  return development;
}

/** 127.0.0.0/8 or ::1, written as an IP address (a name such as "localhost" is not accepted). */
function isLoopbackIp(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  return isIP(bare) !== 0 && isLoopbackRange(classifyAddress(bare)?.range);
}
