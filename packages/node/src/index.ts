export { createSafeFetcher } from './safe-fetcher.js';
export { DEFAULT_LIMITS, DEFAULT_MAX_BYTES } from './fetcher-options.js';
export type { FetchLimitOptions, SafeFetcherOptions } from './fetcher-options.js';
export type { DevelopmentOptions } from './development-gate.js';
export type { FetchEvent, FetchEventHook } from './fetch-event.js';
export { DEFAULT_BUDGETS, OutboundBudget } from './outbound-budget.js';
export type { BudgetLimits, OutboundBudgetLimits } from './outbound-budget.js';
export { TokenBucket } from './token-bucket.js';
export { createDnsLookup, dnsLookup, systemLookup } from './resolve-host.js';
export type { DnsLookupOptions, LookupAddress, LookupFunction } from './resolve-host.js';
export { ACCEPT, DEFAULT_USER_AGENT, PACKAGE_VERSION } from './request-headers.js';
export { addressRefusal, PRODUCTION_ADDRESS_POLICY } from './address-policy.js';
export type { AddressPolicy } from './address-policy.js';
export {
  IPV4_SPECIAL_RANGES,
  IPV6_SPECIAL_RANGES,
  LOOPBACK_RANGES,
  classifyAddress,
  describeRange,
  isLoopbackRange,
} from './special-addresses.js';
export type { AddressClass, SpecialRange } from './special-addresses.js';
export { LOGO_MEDIA_TYPES, isJsonMediaType, isLogoMediaType, parseMediaType } from './media-type.js';
export type { MediaType } from './media-type.js';
export { documentDigest } from './document-digest.js';
