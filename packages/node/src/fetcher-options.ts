import { isIP } from 'node:net';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { systemClock, type Clock, type FetchPurpose } from '@cimd/core';
import { PRODUCTION_ADDRESS_POLICY, type AddressPolicy } from './address-policy.js';
import { checkDevelopmentGate, type DevelopmentOptions } from './development-gate.js';
import type { FetchEventHook } from './fetch-event.js';
import { DEFAULT_BUDGETS, type BudgetLimits, type OutboundBudgetLimits } from './outbound-budget.js';
import { DEFAULT_USER_AGENT, isFieldValue } from './request-headers.js';
import { dnsLookup, type LookupFunction, type ResolveOverrides } from './resolve-host.js';

export interface FetchLimitOptions {
  /**
   * Body caps in bytes, per purpose (R73). Defaults: client-metadata 5120 (the draft's 5 KB),
   * jwks 65536, logo 262144. Some large clients publish documents over 5 KB (long redirect URI
   * lists, localized names); Cloudflare's 5120-byte cap broke one (cloudflare/mcp PR #46). Raise
   * `client-metadata` if your users need them.
   */
  readonly maxBytes?: Partial<Record<FetchPurpose, number>>;
  /** The response head (status line and headers), in bytes. Default 8192. */
  readonly maxHeaderBytes?: number;
  /** Everything from DNS to the last body byte. Default 5000 ms (H4). */
  readonly deadlineMs?: number;
  /** TCP and TLS handshakes. Default 2000 ms (H4). */
  readonly connectTimeoutMs?: number;
}

export interface SafeFetcherOptions {
  /** Sent on every request. Default {@link DEFAULT_USER_AGENT}; set one naming your server. */
  readonly userAgent?: string;
  /** The DNS seam. Default {@link dnsLookup} (c-ares queries, cancelled at the deadline); `systemLookup` uses the OS resolver. */
  readonly lookup?: LookupFunction;
  /** For the rate budgets. Default the system clock. */
  readonly clock?: Clock;
  readonly limits?: FetchLimitOptions;
  /** Outbound budgets (H8); see {@link DEFAULT_BUDGETS}. */
  readonly budgets?: { readonly perOrigin?: Partial<BudgetLimits>; readonly global?: Partial<BudgetLimits> };
  /** Accept a client-metadata or jwks response without a Content-Type. Default false. */
  readonly acceptMissingContentType?: boolean;
  /** Called once per fetch with its outcome; exceptions it throws are ignored. */
  readonly onFetch?: FetchEventHook;
  /** Only `development` admits {@link SafeFetcherOptions.development}. Default `production`. */
  readonly mode?: 'production' | 'development';
  /** The address the authorization server listens on; must be loopback for development options. */
  readonly bindAddress?: string;
  /** Where `NODE_ENV` is read, once, at construction. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Development escape hatches, refused unless the gate passes (R70). */
  readonly development?: DevelopmentOptions;
}

export const DEFAULT_MAX_BYTES: Readonly<Record<FetchPurpose, number>> = {
  'client-metadata': 5120,
  jwks: 65_536,
  logo: 262_144,
};

export const DEFAULT_LIMITS = {
  maxHeaderBytes: 8192,
  deadlineMs: 5000,
  connectTimeoutMs: 2000,
} as const;

/** The options, checked and completed: what the pipeline reads. */
export interface FetcherSettings {
  readonly userAgent: string;
  readonly lookup: LookupFunction;
  readonly clock: Clock;
  readonly maxBytes: Readonly<Record<FetchPurpose, number>>;
  readonly maxHeaderBytes: number;
  readonly deadlineMs: number;
  readonly connectTimeoutMs: number;
  readonly budgets: OutboundBudgetLimits;
  readonly acceptMissingContentType: boolean;
  readonly onFetch: FetchEventHook | undefined;
  readonly policy: AddressPolicy;
  readonly overrides: ResolveOverrides;
  readonly allowHttpHosts: ReadonlySet<string>;
  /**
   * Trusted roots (Node's default store, plus `development.extraCa`) and the TLS 1.2 floor, built
   * once: building a context from PEM text on every connection costs ~20 ms of CPU.
   */
  readonly secureContext: SecureContext;
}

/**
 * Check and complete the options. Throws `fetch-dev-refused` for development options outside
 * development (R70), and TypeError for values that are not what they claim to be.
 */
export function fetcherSettings(options: SafeFetcherOptions): FetcherSettings {
  const development = checkDevelopmentGate({
    development: options.development,
    mode: options.mode,
    bindAddress: options.bindAddress,
    env: options.env ?? process.env,
  });
  const limits = options.limits ?? {};
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  if (userAgent === '' || !isFieldValue(userAgent)) throw new TypeError('userAgent must be a non-empty header field value');
  return {
    userAgent,
    lookup: options.lookup ?? dnsLookup,
    clock: options.clock ?? systemClock,
    maxBytes: {
      'client-metadata': positive(
        'limits.maxBytes.client-metadata',
        limits.maxBytes?.['client-metadata'],
        DEFAULT_MAX_BYTES['client-metadata'],
      ),
      jwks: positive('limits.maxBytes.jwks', limits.maxBytes?.jwks, DEFAULT_MAX_BYTES.jwks),
      logo: positive('limits.maxBytes.logo', limits.maxBytes?.logo, DEFAULT_MAX_BYTES.logo),
    },
    maxHeaderBytes: positive('limits.maxHeaderBytes', limits.maxHeaderBytes, DEFAULT_LIMITS.maxHeaderBytes),
    deadlineMs: positive('limits.deadlineMs', limits.deadlineMs, DEFAULT_LIMITS.deadlineMs),
    connectTimeoutMs: positive('limits.connectTimeoutMs', limits.connectTimeoutMs, DEFAULT_LIMITS.connectTimeoutMs),
    budgets: {
      perOrigin: budget('budgets.perOrigin', options.budgets?.perOrigin, DEFAULT_BUDGETS.perOrigin),
      global: budget('budgets.global', options.budgets?.global, DEFAULT_BUDGETS.global),
    },
    acceptMissingContentType: options.acceptMissingContentType ?? false,
    onFetch: options.onFetch,
    policy: development?.allowLoopback === true ? { allowLoopback: true } : PRODUCTION_ADDRESS_POLICY,
    overrides: resolveOverrides(development?.resolve),
    allowHttpHosts: new Set((development?.allowHttpHosts ?? []).map((h) => h.toLowerCase())),
    secureContext: secureContext(development?.extraCa),
  };
}

/** Node's default roots (which include NODE_EXTRA_CA_CERTS), plus a development CA if given. */
function secureContext(extraCa: string | undefined): SecureContext {
  if (extraCa === undefined) return createSecureContext({ minVersion: 'TLSv1.2' });
  return createSecureContext({ minVersion: 'TLSv1.2', ca: [...rootCertificates, extraCa] });
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive integer, not ${value}`);
  return value;
}

function budget(name: string, value: Partial<BudgetLimits> | undefined, fallback: BudgetLimits): BudgetLimits {
  return {
    concurrent: positive(`${name}.concurrent`, value?.concurrent, fallback.concurrent),
    perMinute: positive(`${name}.perMinute`, value?.perMinute, fallback.perMinute),
    burst: positive(`${name}.burst`, value?.burst, fallback.burst),
  };
}

function resolveOverrides(table: DevelopmentOptions['resolve']): ResolveOverrides {
  const out = new Map<string, readonly string[]>();
  for (const [host, value] of Object.entries(table ?? {})) {
    const addresses = typeof value === 'string' ? [value] : [...value];
    const bad = addresses.find((a) => isIP(a) === 0);
    if (addresses.length === 0 || bad !== undefined) {
      throw new TypeError(`development.resolve[${JSON.stringify(host)}] must list IP addresses`);
    }
    out.set(host.toLowerCase(), addresses);
  }
  return out;
}
