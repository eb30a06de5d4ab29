import { REASONS, type ReasonCode } from './reasons.js';
import { WIRE_STATUS, type OAuthErrorCode } from './wire.js';

/**
 * One observation about a client_id or a document: an error when it causes rejection, a warning
 * when it does not. This is the shape printed by `cimd validate --json`.
 */
export interface Finding {
  readonly code: ReasonCode;
  /** A sentence for humans naming the offending property and value. */
  readonly message: string;
  /** The metadata property concerned, e.g. `redirect_uris[1]`. */
  readonly property?: string;
  /** The requirement enforced (see `docs/conformance.md`), e.g. `R16`. */
  readonly requirement?: string;
}

/** Build a finding, filling `requirement` from the reason table. */
export function finding(code: ReasonCode, message: string, property?: string): Finding {
  const info = REASONS[code];
  const out: { code: ReasonCode; message: string; property?: string; requirement?: string } = { code, message };
  if (property !== undefined) out.property = property;
  if ('requirement' in info) out.requirement = info.requirement;
  return out;
}

/** Options of a {@link CimdError} beyond its reason code and message. */
export interface CimdErrorOptions {
  readonly property?: string;
  /** Overrides the wire code of the reason table (an endpoint may need a different one). */
  readonly wire?: OAuthErrorCode;
  /** Overrides the HTTP status derived from the wire code. */
  readonly status?: number;
  /** Extra response headers, e.g. `Retry-After` or `WWW-Authenticate`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Further findings (a validation failure may have several). */
  readonly findings?: readonly Finding[];
  readonly cause?: unknown;
}

/**
 * The one error class of cimd. `code` is a stable reason for operators; `wire` and `status` are
 * what a client may be told. The `message` may name attacker-chosen values, so it is for logs and
 * operator tools; {@link CimdError.wireDescription} is safe to send to a client.
 */
export class CimdError extends Error {
  override readonly name = 'CimdError';
  readonly code: ReasonCode;
  readonly wire: OAuthErrorCode;
  readonly status: number;
  readonly property: string | undefined;
  readonly requirement: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly findings: readonly Finding[];

  constructor(code: ReasonCode, message: string, options: CimdErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const info = REASONS[code];
    this.code = code;
    this.wire = options.wire ?? info.wire;
    this.status = options.status ?? WIRE_STATUS[this.wire];
    this.property = options.property;
    this.requirement = 'requirement' in info ? info.requirement : undefined;
    this.headers = options.headers ?? {};
    this.findings = options.findings ?? [finding(code, message, options.property)];
  }

  /** A generic description that reveals nothing the client did not send. */
  get wireDescription(): string {
    return REASONS[this.code].summary;
  }

  /** Raise the first of several findings, keeping all of them. */
  static fromFindings(findings: readonly Finding[], options: Omit<CimdErrorOptions, 'findings'> = {}): CimdError {
    const first = findings[0];
    if (first === undefined) throw new TypeError('CimdError.fromFindings needs at least one finding');
    const opts: CimdErrorOptions = { ...options, findings };
    return new CimdError(first.code, first.message, first.property === undefined ? opts : { ...opts, property: first.property });
  }
}

/** Whether a value is a {@link CimdError} (also across module copies). */
export function isCimdError(value: unknown): value is CimdError {
  return value instanceof CimdError || (value instanceof Error && value.name === 'CimdError' && 'code' in value);
}
