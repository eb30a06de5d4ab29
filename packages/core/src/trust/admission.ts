import { canonicalResourceUri } from '../resource-indicator.js';
import { normalizeHost } from './domain-name.js';

/**
 * Admission policy (H20, R75, issue #82 of the draft): which client_ids this server will even
 * look at, decided on the URL alone, before any fetch. Pure: the server feeds it the rules from
 * its configuration and its admin store.
 */

/** `open`: any client_id that passes the URL rules; `allow-list`: only listed or pre-registered ones. */
export type AdmissionMode = 'open' | 'allow-list';

export type AdmissionEffect = 'allow' | 'deny';

/**
 * What a rule's `value` names:
 * - `exact`: one client_id, compared exactly as written (R8);
 * - `origin`: every client_id at an origin, `https://host[:port]`;
 * - `path-prefix`: every client_id at an origin whose path starts with the rule's path, on a
 *   segment boundary (`https://host/clients/` or `https://host/clients`, never `/clients-evil/`);
 * - `domain`: a host (`example.com`: that host only) or a wildcard (`*.example.com`: every host
 *   below it, at any depth, but not `example.com` itself), any port.
 */
export type AdmissionRuleKind = 'exact' | 'origin' | 'path-prefix' | 'domain';

export interface AdmissionRule {
  readonly effect: AdmissionEffect;
  readonly kind: AdmissionRuleKind;
  readonly value: string;
  /**
   * RFC 8707: the rule concerns only authorization requests for this resource. A resource with
   * allow rules of its own admits only the clients they match (a per-resource allow-list).
   */
  readonly resource?: string;
}

export interface AdmissionPolicy {
  readonly mode: AdmissionMode;
  readonly rules: readonly AdmissionRule[];
}

export interface AdmissionRequest {
  readonly clientId: string;
  /** The client_id as parsed (it passed the Client Identifier URL rules). */
  readonly url: URL;
  /** Pre-registered by an administrator (R61): admitted in allow-list mode. */
  readonly registered: boolean;
  /**
   * The resources of the authorization request, canonical (RFC 8707). Undefined when they are
   * not known (a resolution for the token endpoint): then only rules without a resource apply.
   */
  readonly resources?: readonly string[];
}

export type AdmissionVerdict =
  | { readonly allowed: true; readonly rule?: AdmissionRule }
  | {
      readonly allowed: false;
      /** `denied`: a deny rule; `not-listed`: allow-list mode and nothing admits it; the `resource-` forms for one resource. */
      readonly reason: 'denied' | 'not-listed' | 'resource-denied' | 'resource-not-listed';
      readonly rule?: AdmissionRule;
      readonly resource?: string;
    };

const KINDS: ReadonlySet<string> = new Set<AdmissionRuleKind>(['exact', 'origin', 'path-prefix', 'domain']);
const DOMAIN = /^(\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function parseHttps(value: string): URL | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  return url.protocol === 'https:' && url.username === '' && url.password === '' ? url : undefined;
}

/** What is wrong with a rule, as a sentence; undefined when it is usable. */
export function admissionRuleProblem(rule: AdmissionRule): string | undefined {
  if (rule.effect !== 'allow' && rule.effect !== 'deny') return `effect must be "allow" or "deny", not "${String(rule.effect)}"`;
  if (!KINDS.has(rule.kind)) return `kind must be exact, origin, path-prefix or domain, not "${String(rule.kind)}"`;
  if (typeof rule.value !== 'string' || rule.value === '') return 'value must be a non-empty string';
  if (rule.resource !== undefined && (typeof rule.resource !== 'string' || !URL.canParse(rule.resource))) {
    return `resource "${String(rule.resource)}" must be an absolute URI`;
  }
  const url = rule.kind === 'domain' ? undefined : parseHttps(rule.value);
  switch (rule.kind) {
    case 'exact':
      return url === undefined || url.search !== '' || url.hash !== '' ? `"${rule.value}" is not an https client_id` : undefined;
    case 'origin':
      return url === undefined || rule.value.replace(/\/$/, '') !== url.origin
        ? `"${rule.value}" is not an https origin (https://host[:port])`
        : undefined;
    case 'path-prefix':
      return url === undefined || url.search !== '' || url.hash !== '' || url.pathname === '/'
        ? `"${rule.value}" is not an https URL with a path (use an origin rule for a whole origin)`
        : undefined;
    case 'domain':
      return DOMAIN.test(rule.value) ? undefined : `"${rule.value}" is not a lower-case host name, optionally starting with "*."`;
  }
}

/**
 * A path as servers read it, for comparing rules: percent-encoded unreserved characters decoded
 * and other escapes in upper case (RFC 3986 §6.2.2), and `%2F` read as `/`, as many servers
 * (nginx among them) do. `/users/m%61llory/` and `/users/mallory/` name the same resource, so a
 * rule naming one names the other too.
 */
function comparablePath(path: string): string {
  if (!path.includes('%')) return path;
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
    const c = String.fromCharCode(Number.parseInt(hex, 16));
    return /^[A-Za-z0-9._~/-]$/.test(c) ? c : `%${hex.toUpperCase()}`;
  });
}

/**
 * Whether the rule names this client_id (the resource is not looked at here). Exact and
 * path-prefix rules compare paths after RFC 3986 normalisation (see {@link comparablePath}), so an
 * encoded spelling of a denied path is denied too; case is significant, as in the URL itself.
 */
export function ruleMatches(rule: AdmissionRule, clientId: string, url: URL): boolean {
  switch (rule.kind) {
    case 'exact': {
      if (clientId === rule.value) return true;
      const named = parseHttps(rule.value);
      return (
        named !== undefined &&
        named.origin === url.origin &&
        named.search === url.search &&
        comparablePath(named.pathname) === comparablePath(url.pathname)
      );
    }
    case 'origin':
      return url.origin === rule.value.replace(/\/$/, '');
    case 'path-prefix': {
      const prefix = parseHttps(rule.value);
      if (prefix === undefined || prefix.origin !== url.origin) return false;
      const path = comparablePath(prefix.pathname);
      const actual = comparablePath(url.pathname);
      if (!actual.startsWith(path)) return false;
      return path.endsWith('/') || actual.length === path.length || actual[path.length] === '/';
    }
    case 'domain': {
      const host = normalizeHost(url.hostname);
      if (rule.value.startsWith('*.')) return host.endsWith(rule.value.slice(1));
      return host === rule.value;
    }
  }
}

function sameResource(rule: AdmissionRule, resource: string | undefined): boolean {
  if (rule.resource === undefined) return resource === undefined;
  return resource !== undefined && canonicalResourceUri(rule.resource) === resource;
}

/**
 * Decide whether a client_id is admitted. Deny rules win over everything; then, in allow-list
 * mode, the client must be pre-registered or match an allow rule; a resource with allow rules of
 * its own admits only the clients those match, in either mode.
 *
 * Without `resources` (before a fetch, or at the token endpoint) the question is "could this
 * client be admitted for anything?": an allow rule for some resource is enough then, and the
 * authorization request is checked again with its resources.
 */
export function decideAdmission(policy: AdmissionPolicy, request: AdmissionRequest): AdmissionVerdict {
  const { clientId, url, registered } = request;
  const matching = policy.rules.filter((r) => ruleMatches(r, clientId, url));
  const globalDeny = matching.find((r) => r.effect === 'deny' && r.resource === undefined);
  if (globalDeny !== undefined) return { allowed: false, reason: 'denied', rule: globalDeny };

  const resources = request.resources;
  if (resources === undefined) {
    if (policy.mode === 'open' || registered) return { allowed: true };
    const allow = matching.find((r) => r.effect === 'allow');
    return allow === undefined ? { allowed: false, reason: 'not-listed' } : { allowed: true, rule: allow };
  }

  const targets: readonly (string | undefined)[] = resources.length === 0 ? [undefined] : resources;
  for (const resource of targets) {
    if (resource === undefined) continue;
    const deny = matching.find((r) => r.effect === 'deny' && sameResource(r, resource));
    if (deny !== undefined) return { allowed: false, reason: 'resource-denied', rule: deny, resource };
  }
  const globalAllow = matching.find((r) => r.effect === 'allow' && r.resource === undefined);
  for (const resource of targets) {
    const ownList = resource !== undefined && policy.rules.some((r) => r.effect === 'allow' && sameResource(r, resource));
    if (ownList) {
      if (!matching.some((r) => r.effect === 'allow' && sameResource(r, resource))) {
        return { allowed: false, reason: 'resource-not-listed', resource };
      }
    } else if (policy.mode === 'allow-list' && !registered && globalAllow === undefined) {
      return { allowed: false, reason: 'not-listed' };
    }
  }
  return globalAllow === undefined ? { allowed: true } : { allowed: true, rule: globalAllow };
}
