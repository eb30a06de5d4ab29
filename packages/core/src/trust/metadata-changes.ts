import type { ClientMetadata } from '../metadata.js';

/**
 * Changes of a client's metadata document (draft-03 §9.4, R64, R65): which members changed,
 * grouped by what they mean for the trust a user placed in the client.
 *
 * - `cosmetic`: what the consent page shows (name, logo, the client's links, contacts);
 * - `redirect`: where authorization codes may go;
 * - `keys`: the keys that authenticate the client (`jwks`, `jwks_uri`);
 * - `privilege`: what the client may ask for and how it authenticates (scope, grant and response
 *   types, authentication methods and algorithm, DPoP binding).
 *
 * `registration` is not a document member: the server raises it when the domain's registration
 * data (RDAP: registrant, registration date) changes.
 */
export type MetadataChangeClass = 'cosmetic' | 'redirect' | 'keys' | 'privilege';
export type ChangeClass = MetadataChangeClass | 'registration';

export const CHANGE_CLASSES: readonly ChangeClass[] = ['cosmetic', 'redirect', 'keys', 'privilege', 'registration'];

/** The members of each class. Members not listed (software_statement, ...) never change trust. */
export const CHANGE_CLASS_MEMBERS: Readonly<Record<MetadataChangeClass, readonly (keyof ClientMetadata)[]>> = {
  cosmetic: [
    'client_name',
    'client_uri',
    'logo_uri',
    'tos_uri',
    'policy_uri',
    'contacts',
    'localized',
    'software_id',
    'software_version',
  ],
  redirect: ['redirect_uris', 'post_logout_redirect_uris', 'application_type'],
  keys: ['jwks', 'jwks_uri'],
  privilege: [
    'scope',
    'grant_types',
    'response_types',
    'token_endpoint_auth_method',
    'token_endpoint_auth_methods_supported',
    'token_endpoint_auth_signing_alg',
    'dpop_bound_access_tokens',
  ],
};

/**
 * What a server does about a class of change: `silent` (the change takes effect, remembered
 * consents still apply), `re-consent` (the next authorization asks the user again) or `revoke`
 * (every grant of the client is revoked, and the next authorization asks again).
 */
export type ChangePolicy = 'silent' | 're-consent' | 'revoke';

export const CHANGE_POLICIES: readonly ChangePolicy[] = ['silent', 're-consent', 'revoke'];

export interface MetadataChange {
  readonly class: MetadataChangeClass;
  /** The members of this class that changed, in table order. */
  readonly members: readonly string[];
  /** For `keys`: how many keys of the inline `jwks` appeared and disappeared. */
  readonly keysAdded?: number;
  readonly keysRemoved?: number;
}

/** JSON with object members in sorted order, so equal values serialise equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Members whose values are sets: their order carries no meaning. */
const SET_MEMBERS: ReadonlySet<string> = new Set([
  'redirect_uris',
  'post_logout_redirect_uris',
  'grant_types',
  'response_types',
  'token_endpoint_auth_methods_supported',
  'contacts',
]);

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

/** The comparable form of one member's value. */
function memberValue(metadata: ClientMetadata, member: keyof ClientMetadata): string {
  const value = metadata[member];
  if (value === undefined) return 'null';
  if (member === 'scope' && typeof value === 'string')
    return canonicalJson(sortedUnique(value.split(' ').filter((s) => s !== '')));
  if (member === 'jwks' && metadata.jwks !== undefined) return canonicalJson(jwkIdentities(metadata));
  if (SET_MEMBERS.has(member) && Array.isArray(value)) return canonicalJson(sortedUnique(value as string[]));
  return canonicalJson(value);
}

/** Each inline key as canonical JSON, sorted: adding, removing or changing a key changes the set. */
function jwkIdentities(metadata: ClientMetadata): string[] {
  return (metadata.jwks?.keys ?? []).map((k) => canonicalJson(k)).sort();
}

/**
 * The changes from `previous` to `next`, one entry per class that changed (none when equal in
 * every member that matters).
 */
export function classifyMetadataChange(previous: ClientMetadata, next: ClientMetadata): MetadataChange[] {
  const changes: MetadataChange[] = [];
  for (const cls of Object.keys(CHANGE_CLASS_MEMBERS) as MetadataChangeClass[]) {
    const members = CHANGE_CLASS_MEMBERS[cls].filter((m) => memberValue(previous, m) !== memberValue(next, m));
    if (members.length === 0) continue;
    if (cls === 'keys') {
      const before = new Set(jwkIdentities(previous));
      const after = new Set(jwkIdentities(next));
      changes.push({
        class: cls,
        members,
        keysAdded: [...after].filter((k) => !before.has(k)).length,
        keysRemoved: [...before].filter((k) => !after.has(k)).length,
      });
    } else {
      changes.push({ class: cls, members });
    }
  }
  return changes;
}

/** The canonical text of each metadata class: the input of a security fingerprint. */
export function metadataClassText(metadata: ClientMetadata): Record<MetadataChangeClass, string> {
  const text = (cls: MetadataChangeClass): string =>
    canonicalJson(CHANGE_CLASS_MEMBERS[cls].map((m) => [m, memberValue(metadata, m)]));
  return { cosmetic: text('cosmetic'), redirect: text('redirect'), keys: text('keys'), privilege: text('privilege') };
}

/** The strictest policy among those of the given classes (`silent` when there are none). */
export function strictestPolicy(
  classes: readonly ChangeClass[],
  policies: Readonly<Record<ChangeClass, ChangePolicy>>,
): ChangePolicy {
  let out: ChangePolicy = 'silent';
  for (const cls of classes) {
    const p = policies[cls];
    if (CHANGE_POLICIES.indexOf(p) > CHANGE_POLICIES.indexOf(out)) out = p;
  }
  return out;
}

/** Fingerprint format version; anything else (an older fingerprint) never matches. */
const FINGERPRINT_VERSION = 'fp2';
/** Short names of the classes inside a fingerprint. */
const TAGS: Readonly<Record<ChangeClass, string>> = {
  cosmetic: 'c',
  redirect: 'r',
  keys: 'k',
  privilege: 'p',
  registration: 'g',
};

/**
 * A fingerprint of what a user approved (R64): one digest per change class, so that a remembered
 * consent can be checked against only the classes whose policy is not `silent`. `hash` turns text
 * into a short digest (the server injects SHA-256); `registration` is the domain's registration
 * data as text, when known.
 */
export function securityFingerprint(metadata: ClientMetadata, hash: (text: string) => string, registration = ''): string {
  const text = { ...metadataClassText(metadata), registration };
  return [FINGERPRINT_VERSION, ...CHANGE_CLASSES.map((cls) => `${TAGS[cls]}=${hash(text[cls])}`)].join(';');
}

function parseFingerprint(value: string): Map<string, string> | undefined {
  const [version, ...parts] = value.split(';');
  if (version !== FINGERPRINT_VERSION) return undefined;
  const out = new Map<string, string>();
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

/**
 * Whether a consent given at fingerprint `approved` still covers a client now at `current`: every
 * class whose policy is not `silent` is unchanged. A fingerprint of another format never covers.
 */
export function fingerprintCovers(
  approved: string,
  current: string,
  policies: Readonly<Record<ChangeClass, ChangePolicy>>,
): boolean {
  const a = parseFingerprint(approved);
  const c = parseFingerprint(current);
  if (a === undefined || c === undefined) return false;
  return CHANGE_CLASSES.every((cls) => policies[cls] === 'silent' || a.get(TAGS[cls]) === c.get(TAGS[cls]));
}
