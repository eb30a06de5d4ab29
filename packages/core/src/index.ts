export { checkClientIdUrl, sameClientId, DEFAULT_CLIENT_ID_URL_POLICY } from './client-id-url.js';
export type { ClientIdUrlCheck, ClientIdUrlPolicy } from './client-id-url.js';
export { checkDocument, decodeJwtClaims, httpsUriProblem } from './document.js';
export type { DocumentCheck } from './document.js';
export { checkJwkSet, parseJwkSet } from './jwk-set.js';
export type { JwkSetResult } from './jwk-set.js';
export { CimdError, finding, isCimdError } from './errors.js';
export type { CimdErrorOptions, Finding } from './errors.js';
export { KEY_BASED_METHODS, KNOWN_MEMBERS, isSharedSecretMethod } from './metadata.js';
export type { ClientMetadata, LocalizableProperty, PublicJwk, PublicJwks } from './metadata.js';
export { DEFAULT_SERVER_CAPABILITIES, negotiate } from './negotiate.js';
export type { Negotiated, NegotiationResult, ServerCapabilities } from './negotiate.js';
export { IMPLEMENTED_DRAFT, PROFILES, isProfileName, resolveProfile } from './profiles.js';
export type { Profile, ProfileName } from './profiles.js';
export { REASONS, isReasonCode } from './reasons.js';
export type { ReasonCode, ReasonInfo } from './reasons.js';
export { DEFAULT_REDIRECT_MATCH_OPTIONS, classifyRedirectUri, matchRedirectUri } from './redirect-uri.js';
export type { RedirectClassification, RedirectKind, RedirectMatchOptions } from './redirect-uri.js';
export { DEFAULT_JSON_LIMITS, parseStrictJson } from './strict-json.js';
export type { JsonLimits, StrictJsonResult } from './strict-json.js';
export { isIpHostname, isLoopbackHostname, isPlainHttpsUrl, splitUri } from './uri.js';
export { canonicalResourceUri } from './resource-indicator.js';
export type { RawUri } from './uri.js';
export { evaluateDocument, evaluateParsed } from './validate.js';
export type { EvaluateOptions, Verdict } from './validate.js';
export { WIRE_STATUS } from './wire.js';
export type { OAuthErrorCode } from './wire.js';
export { systemClock } from './clock.js';
export type { Clock } from './clock.js';
export type { FetchedResource, Fetcher, FetchPurpose, FetchRequest } from './fetcher.js';
export { DEFAULT_FRESHNESS_BOUNDS, computeFreshness } from './freshness.js';
export type { Freshness, FreshnessBasis, FreshnessBounds } from './freshness.js';
export { parseHttpDate } from './http-date.js';
export { DEFAULT_MEMORY_DOCUMENT_CACHE_OPTIONS, createMemoryDocumentCache, estimateEntryBytes } from './document-cache.js';
export type { CachedDocument, DocumentCache, MemoryDocumentCache, MemoryDocumentCacheOptions } from './document-cache.js';
export { createSingleFlight } from './single-flight.js';
export type { SingleFlight } from './single-flight.js';
export { DEFAULT_ORIGIN_BACKOFF_OPTIONS, createOriginBackoff } from './origin-backoff.js';
export type { OriginBackoff, OriginBackoffOptions } from './origin-backoff.js';
export { RESOLVER_SUCCESS_OUTCOMES, isFailureOutcome } from './resolver-events.js';
export type {
  ResolverEvent,
  ResolverEventHook,
  ResolverEventUse,
  ResolverOutcome,
  ResolverSuccessOutcome,
} from './resolver-events.js';
export {
  DEFAULT_RESOLVER_BACKOFF_OPTIONS,
  DEFAULT_RESOLVER_FRESHNESS_OPTIONS,
  createClientResolver,
  webCryptoDigest,
} from './resolver.js';
export type {
  AdmissionDecision,
  ClientResolver,
  ClientResolverOptions,
  DocumentDigest,
  ResolvedClient,
  ResolvedSource,
  ResolveUse,
  ResolverBackoffOptions,
  ResolverCacheOptions,
  ResolverFreshnessOptions,
  ResolverHooks,
} from './resolver.js';
// Trust decisions (admission, reputation, domain health, metadata changes, logos): see trust/index.ts.
export * from './trust/index.js';
