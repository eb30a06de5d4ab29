import { checkClientIdUrl, type ClientIdUrlPolicy } from './client-id-url.js';
import { checkDocument } from './document.js';
import type { Finding } from './errors.js';
import type { ClientMetadata } from './metadata.js';
import { DEFAULT_SERVER_CAPABILITIES, negotiate, type Negotiated, type ServerCapabilities } from './negotiate.js';
import { resolveProfile, type Profile, type ProfileName } from './profiles.js';
import { parseStrictJson, type JsonLimits } from './strict-json.js';

/** Everything that decides whether a document is acceptable to a server. */
export interface EvaluateOptions {
  /** Validation profile (default `draft-03`). */
  readonly profile?: ProfileName | Profile;
  /** What the server supports (defaults in {@link DEFAULT_SERVER_CAPABILITIES}). */
  readonly server?: Partial<ServerCapabilities>;
  /** Client Identifier URL policy. */
  readonly urlPolicy?: Partial<ClientIdUrlPolicy>;
  /** Structural limits for the body. */
  readonly limits?: Partial<JsonLimits>;
}

/** The verdict on a client_id and its document; the shape of `cimd validate --json`. */
export interface Verdict {
  readonly accepted: boolean;
  readonly client_id: string;
  readonly reasons: readonly Finding[];
  readonly warnings: readonly Finding[];
  /** Present only when accepted. */
  readonly metadata?: ClientMetadata;
  /** Present only when accepted. */
  readonly negotiated?: Negotiated;
}

/**
 * Decide exactly as the authorization server does whether `body` is an acceptable client metadata
 * document for `clientId`: URL rules, strict JSON, contents, then negotiation with the server.
 * Never throws for any input.
 */
export function evaluateDocument(clientId: string, body: Uint8Array | string, options: EvaluateOptions = {}): Verdict {
  const url = checkClientIdUrl(clientId, options.urlPolicy);
  if (!url.accepted) return { accepted: false, client_id: clientId, reasons: url.reasons, warnings: url.warnings };
  const parsed = parseStrictJson(body, options.limits);
  if (!parsed.ok) return { accepted: false, client_id: clientId, reasons: [parsed.reason], warnings: url.warnings };
  return evaluateParsed(clientId, parsed.value, options, url.warnings);
}

/** {@link evaluateDocument} for a value already parsed by {@link parseStrictJson}. */
export function evaluateParsed(
  clientId: string,
  value: unknown,
  options: EvaluateOptions = {},
  urlWarnings: readonly Finding[] = [],
): Verdict {
  const profile = resolveProfile(options.profile);
  const server: ServerCapabilities =
    options.server === undefined ? DEFAULT_SERVER_CAPABILITIES : { ...DEFAULT_SERVER_CAPABILITIES, ...options.server };
  const doc = checkDocument(value, clientId, profile);
  const warnings = [...urlWarnings, ...doc.warnings];
  if (doc.metadata === undefined) return { accepted: false, client_id: clientId, reasons: doc.reasons, warnings };
  const n = negotiate(doc.metadata, doc.redirectKinds, server, profile);
  warnings.push(...n.warnings);
  if (!n.ok) return { accepted: false, client_id: clientId, reasons: n.reasons, warnings };
  return { accepted: true, client_id: clientId, reasons: [], warnings, metadata: doc.metadata, negotiated: n.negotiated };
}
