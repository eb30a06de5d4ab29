import { finding, type Finding } from './errors.js';
import { checkJwkSet } from './jwk-set.js';
import {
  AUTH_METHOD_MEMBERS,
  MEMBER_SPECS,
  isSharedSecretMethod,
  type ClientMetadata,
  type LocalizableProperty,
  type MemberType,
} from './metadata.js';
import type { Profile } from './profiles.js';
import { classifyRedirectUri, type RedirectKind } from './redirect-uri.js';
import { isPlainHttpsUrl, splitUri } from './uri.js';

/** The verdict on a parsed document's contents, before negotiation with a server. */
export interface DocumentCheck {
  readonly reasons: readonly Finding[];
  readonly warnings: readonly Finding[];
  /** The typed metadata; present when there are no reasons. */
  readonly metadata: ClientMetadata | undefined;
  /** The kind of each usable redirect URI, in the order of `metadata.redirect_uris`. */
  readonly redirectKinds: readonly RedirectKind[];
}

type Json = Record<string, unknown>;

/**
 * Check the contents of a parsed client metadata document for the Client Identifier URL it was
 * fetched from (draft-03 §4, §4.1, §4.2, §6; R14–R28, R46, H10, H12). Unknown members are ignored;
 * every rule that keeps a server safe rejects; unusable redirect URIs are dropped with a warning
 * (they could never match a request anyway).
 */
export function checkDocument(value: unknown, clientId: string, profile: Profile): DocumentCheck {
  const reasons: Finding[] = [];
  const warnings: Finding[] = [];
  const done = (metadata?: ClientMetadata, kinds: RedirectKind[] = []): DocumentCheck => ({
    reasons,
    warnings,
    metadata: reasons.length === 0 ? metadata : undefined,
    redirectKinds: reasons.length === 0 ? kinds : [],
  });

  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    reasons.push(finding('document-not-object', `The document is ${what}; it must be a JSON object`));
    return done();
  }
  const doc = value as Json;

  // draft-03 §4: client_id present and identical to the URL (R15, R16).
  if (!Object.hasOwn(doc, 'client_id')) {
    reasons.push(finding('client-id-missing', 'The document has no client_id', 'client_id'));
  } else if (typeof doc['client_id'] !== 'string') {
    reasons.push(finding('property-type', `client_id must be a string, not ${jsonType(doc['client_id'])}`, 'client_id'));
  } else if (doc['client_id'] !== clientId) {
    reasons.push(
      finding(
        'client-id-mismatch',
        `The document's client_id "${doc['client_id']}" is not exactly the Client Identifier URL "${clientId}"`,
        'client_id',
      ),
    );
  }

  const built = readMembers(doc, reasons);
  checkCredentials(doc, reasons);
  checkSoftwareStatement(doc, reasons);
  if (reasons.length > 0) return done();

  const redirect = usableRedirects(doc, 'redirect_uris', warnings);
  const postLogout = usableRedirects(doc, 'post_logout_redirect_uris', warnings);

  const method = doc['token_endpoint_auth_method'] as string | undefined;
  const methods = doc['token_endpoint_auth_methods_supported'] as string[] | undefined;
  if (method !== undefined && methods !== undefined && !methods.includes(method)) {
    reasons.push(
      finding(
        'auth-method-not-in-supported',
        `token_endpoint_auth_method "${method}" is not listed in token_endpoint_auth_methods_supported [${methods.join(', ')}]`,
        'token_endpoint_auth_method',
      ),
    );
  }
  if (profile.requireClientName && (typeof doc['client_name'] !== 'string' || doc['client_name'].trim() === '')) {
    reasons.push(finding('client-name-missing', `The ${profile.name} profile requires a non-empty client_name`, 'client_name'));
  }
  if (profile.requireRedirectUris && (redirect === undefined || redirect.uris.length === 0)) {
    reasons.push(
      finding('redirect-uris-missing', `The ${profile.name} profile requires at least one usable redirect URI`, 'redirect_uris'),
    );
  }
  if (reasons.length > 0) return done();
  if (redirect !== undefined) built['redirect_uris'] = redirect.uris;
  if (postLogout !== undefined) built['post_logout_redirect_uris'] = postLogout.uris;
  return done(built as unknown as ClientMetadata, redirect?.kinds);
}

/**
 * One pass over the members: type checks for known members (R14), the https rule for URI-valued
 * members (R72), and the typed copy of what the server uses. Unknown members are ignored (H10).
 */
function readMembers(doc: Json, reasons: Finding[]): Record<string, unknown> {
  const out: Record<string, unknown> = { client_id: doc['client_id'] };
  let localized: Partial<Record<LocalizableProperty, Record<string, string>>> | undefined;
  for (const key of Object.keys(doc)) {
    const hash = key.indexOf('#');
    const base = hash === -1 ? key : key.slice(0, hash);
    const spec = MEMBER_SPECS.get(base);
    if (spec === undefined || (hash !== -1 && !spec.localizable) || key === 'client_id') continue;
    const v = doc[key];
    if (!hasType(v, spec.type)) {
      reasons.push(finding('property-type', `${key} must be ${describeType(spec.type)}, not ${jsonType(v)}`, key));
      continue;
    }
    if (spec.https) checkHttpsValue(key, v as string | string[], reasons);
    if (hash !== -1) {
      localized ??= {};
      (localized[base as LocalizableProperty] ??= {})[key.slice(hash + 1)] = v as string;
    } else if (spec.copy) out[key] = v;
  }
  if (localized !== undefined) out['localized'] = localized;
  return out;
}

function hasType(v: unknown, type: MemberType): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'string[]':
      if (!Array.isArray(v)) return false;
      for (const e of v) if (typeof e !== 'string') return false;
      return true;
    case 'boolean':
      return typeof v === 'boolean';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) && v >= 0;
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
  }
}

function describeType(type: MemberType): string {
  const names: Record<MemberType, string> = {
    string: 'a string',
    'string[]': 'an array of strings',
    boolean: 'a boolean',
    number: 'a non-negative number',
    object: 'a JSON object',
  };
  return names[type];
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.every((e) => typeof e === 'string') ? 'an array' : 'an array with non-string elements';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** draft-03 §4.1: no shared secrets, no shared-secret methods, no private keys (R21–R23, H12). */
function checkCredentials(claims: Json, reasons: Finding[], where = ''): void {
  for (const name of ['client_secret', 'client_secret_expires_at']) {
    if (Object.hasOwn(claims, name)) {
      reasons.push(finding('client-secret-present', `${where}${name} must not appear in a client metadata document`, name));
    }
  }
  for (const name of AUTH_METHOD_MEMBERS) {
    const v = claims[name];
    const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((e): e is string => typeof e === 'string') : [];
    const secret = list.find(isSharedSecretMethod);
    if (secret !== undefined) {
      reasons.push(
        finding('shared-secret-auth-method', `${where}${name} names "${secret}", a shared-secret method that CIMD forbids`, name),
      );
    }
  }
  if (Object.hasOwn(claims, 'jwks')) checkJwkSet(claims['jwks'], reasons, where);
  if (Object.hasOwn(claims, 'jwks') && Object.hasOwn(claims, 'jwks_uri')) {
    reasons.push(finding('jwks-and-jwks-uri', `${where}jwks and jwks_uri must not both be present (RFC 7591 §2)`, 'jwks'));
  }
}

function checkHttpsValue(key: string, v: string | string[], reasons: Finding[]): void {
  if (typeof v === 'string') {
    const why = httpsUriProblem(v);
    if (why !== undefined) reasons.push(finding('uri-not-https', `${key} "${v}" ${why}`, key));
    return;
  }
  for (let i = 0; i < v.length; i++) {
    const uri = v[i] as string;
    const why = httpsUriProblem(uri);
    if (why !== undefined) reasons.push(finding('uri-not-https', `${key}[${i}] "${uri}" ${why}`, `${key}[${i}]`));
  }
}

const UNSAFE_IN_URI = /[\s\\\p{Cc}]/u;

/** Why a string is not an absolute https URL safe to fetch or show, or undefined. */
export function httpsUriProblem(uri: string): string | undefined {
  if (isPlainHttpsUrl(uri)) return undefined;
  if (!uri.startsWith('https://')) {
    const scheme = splitUri(uri).scheme;
    if (scheme === undefined) return 'is not an absolute URL';
    if (scheme !== 'https') return `uses the "${scheme}" scheme; only absolute https URLs are allowed`;
    return 'has no authority ("//" and a host)';
  }
  if (UNSAFE_IN_URI.test(uri)) return 'contains whitespace, a control character or a backslash';
  let end = 8;
  while (end < uri.length) {
    const c = uri.charCodeAt(end);
    if (c === 0x2f /* / */ || c === 0x3f /* ? */ || c === 0x23 /* # */) break;
    end++;
  }
  const authority = uri.slice(8, end);
  if (authority.includes('@')) return 'has a userinfo component ("…@" before the host)';
  if (authority === '' || authority.startsWith(':')) return 'has no host';
  if (!URL.canParse(uri)) return 'cannot be parsed as a URL';
  return undefined;
}

/** R24: the claims of a software_statement are held to the same credential rules. */
function checkSoftwareStatement(doc: Json, reasons: Finding[]): void {
  const ss = doc['software_statement'];
  if (typeof ss !== 'string') return;
  const claims = decodeJwtClaims(ss);
  if (claims === undefined) {
    reasons.push(
      finding(
        'software-statement-invalid',
        'software_statement is not a JWT whose payload is a JSON object',
        'software_statement',
      ),
    );
    return;
  }
  const inner: Finding[] = [];
  checkCredentials(claims, inner, 'software_statement: ');
  for (const f of inner) {
    reasons.push(finding('software-statement-invalid', f.message, `software_statement.${f.property ?? ''}`));
  }
}

/** Decode (not verify) the claims of a compact JWS; undefined when it is not one. */
export function decodeJwtClaims(jwt: string): Json | undefined {
  const parts = jwt.split('.');
  if (parts.length !== 3) return undefined;
  const payload = parts[1] as string;
  if (!/^[A-Za-z0-9_-]+$/.test(payload)) return undefined;
  try {
    const b64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

function usableRedirects(
  doc: Json,
  name: 'redirect_uris' | 'post_logout_redirect_uris',
  warnings: Finding[],
): { uris: string[]; kinds: RedirectKind[] } | undefined {
  const list = doc[name] as string[] | undefined;
  if (list === undefined) return undefined;
  const uris: string[] = [];
  const kinds: RedirectKind[] = [];
  list.forEach((uri, i) => {
    const c = classifyRedirectUri(uri, `${name}[${i}]`);
    if (!c.ok) {
      warnings.push({ ...c.reason, message: `${c.reason.message}; it is ignored` });
      return;
    }
    if (c.warning !== undefined) warnings.push(c.warning);
    if (uris.includes(uri)) return;
    uris.push(uri);
    kinds.push(c.kind);
  });
  return { uris, kinds };
}
