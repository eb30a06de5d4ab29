import {
  admissionRuleProblem,
  CHANGE_POLICIES,
  thresholdsProblem,
  type AdmissionMode,
  type AdmissionRule,
  type ChangeClass,
  type ChangePolicy,
  type ReputationThresholds,
} from '@cimd/core';

/**
 * The `trust` group: how far the server trusts client_ids it discovers (IETF 124 slides, R61,
 * R62, R64, R65, R74–R78, R83, H20). Every member is documented in `docs/configuration.md`; the
 * model is explained to operators in `docs/trust.md`.
 */
export interface TrustGroup {
  /** `open` (default): any client_id passing the URL rules; `allow-list`: only listed or pre-registered ones. */
  readonly admission: AdmissionMode;
  /** Admission rules from the configuration (the admin console manages more, stored). */
  readonly rules: readonly AdmissionRule[];
  /** Distinct approving users after which the first-seen warning goes (default 10). */
  readonly usersForNoWarning: number;
  /** ... after which the self-asserted name is shown, with its byline (default 100). */
  readonly usersForName: number;
  /** ... after which the logo is shown (default 1000). */
  readonly usersForLogo: number;
  /** Domains whose lookalikes are flagged (confusable letters, small typos, brand in a subdomain). */
  readonly wellKnownDomains: readonly string[];
  /** Client_ids on one registrable domain from which the domain counts as crowded (default 50). */
  readonly crowdedDomainClients: number;
  /** A domain registered fewer than this many days ago is young (default 30; needs a registration-data source). */
  readonly youngDomainDays: number;
  /** How often a domain's registration data is looked up again, seconds (default 86400). */
  readonly registrationRecheckS: number;
  /** A first-seen client's redirect URI must be on its own host or loopback (default true). */
  readonly firstSeenRedirectHostMatch: boolean;
  /** Tokens a first-seen client may get per window (default 100). */
  readonly firstSeenTokensPerClient: number;
  /** Tokens all first-seen clients of one registrable domain may get per window together (default 500). */
  readonly firstSeenTokensPerDomain: number;
  /** The window of those limits, seconds (default 3600). */
  readonly firstSeenTokenWindowS: number;
  /** Access token lifetime for first-seen clients, seconds (default 300). */
  readonly firstSeenAccessTokenTtlS: number;
  /** Refresh token lifetime for first-seen clients, seconds (default 86400). */
  readonly firstSeenRefreshTokenTtlS: number;
  /** What a change of the name, logo or shown links does (default `silent`). */
  readonly onCosmeticChange: ChangePolicy;
  /** ... of the redirect URIs (default `re-consent`, R64). */
  readonly onRedirectChange: ChangePolicy;
  /** ... of `jwks` or `jwks_uri` (default `re-consent`; rotation at a jwks_uri is not a document change, R65). */
  readonly onKeyChange: ChangePolicy;
  /** ... of scope, grant types, response types or authentication (default `re-consent`). */
  readonly onPrivilegeChange: ChangePolicy;
  /** ... of the domain's registration data (default `re-consent`). */
  readonly onRegistrationChange: ChangePolicy;
  /** Fetch, check and serve logos of clients whose tier shows them (default true, R74). */
  readonly logos: boolean;
  /** Largest logo accepted, bytes (default 65536). */
  readonly maxLogoBytes: number;
  /** How often pre-registered clients are fetched again, seconds (default 3600; 0: only on demand, R61). */
  readonly refreshIntervalS: number;
  /** User names allowed into the admin console (default none: the console is closed). */
  readonly admins: readonly string[];
}

export const DEFAULT_WELL_KNOWN_DOMAINS: readonly string[] = [
  'google.com',
  'microsoft.com',
  'github.com',
  'paypal.com',
  'amazon.com',
  'facebook.com',
  'openai.com',
  'chatgpt.com',
  'anthropic.com',
  'claude.ai',
  'slack.com',
  'dropbox.com',
];

export const DEFAULT_TRUST: TrustGroup = {
  admission: 'open',
  rules: [],
  usersForNoWarning: 10,
  usersForName: 100,
  usersForLogo: 1000,
  wellKnownDomains: DEFAULT_WELL_KNOWN_DOMAINS,
  crowdedDomainClients: 50,
  youngDomainDays: 30,
  registrationRecheckS: 86_400,
  firstSeenRedirectHostMatch: true,
  firstSeenTokensPerClient: 100,
  firstSeenTokensPerDomain: 500,
  firstSeenTokenWindowS: 3600,
  firstSeenAccessTokenTtlS: 300,
  firstSeenRefreshTokenTtlS: 86_400,
  onCosmeticChange: 'silent',
  onRedirectChange: 're-consent',
  onKeyChange: 're-consent',
  onPrivilegeChange: 're-consent',
  onRegistrationChange: 're-consent',
  logos: true,
  maxLogoBytes: 65_536,
  refreshIntervalS: 3600,
  admins: [],
};

/** The reputation thresholds of a trust group. */
export function thresholdsOf(trust: TrustGroup): ReputationThresholds {
  return { noWarning: trust.usersForNoWarning, name: trust.usersForName, logo: trust.usersForLogo };
}

/** The change policy of every class. */
export function changePoliciesOf(trust: TrustGroup): Record<ChangeClass, ChangePolicy> {
  return {
    cosmetic: trust.onCosmeticChange,
    redirect: trust.onRedirectChange,
    keys: trust.onKeyChange,
    privilege: trust.onPrivilegeChange,
    registration: trust.onRegistrationChange,
  };
}

/** Every problem of a trust group, as sentences naming the member. */
export function trustProblems(t: TrustGroup): string[] {
  const problems: string[] = [];
  const p = (ok: boolean, message: string): void => {
    if (!ok) problems.push(message);
  };
  p(t.admission === 'open' || t.admission === 'allow-list', 'trust.admission must be "open" or "allow-list"');
  if (!Array.isArray(t.rules)) problems.push('trust.rules must be a list of rules');
  else
    t.rules.forEach((rule: unknown, i) => {
      const why = typeof rule === 'object' && rule !== null ? admissionRuleProblem(rule as AdmissionRule) : 'must be an object';
      if (why !== undefined) problems.push(`trust.rules[${i}]: ${why}`);
    });
  const th = thresholdsProblem(thresholdsOf(t));
  if (th !== undefined) problems.push(`trust.usersForNoWarning, usersForName, usersForLogo: ${th}`);
  p(
    Array.isArray(t.wellKnownDomains) && t.wellKnownDomains.every((d) => typeof d === 'string' && /^[a-z0-9.-]+$/.test(d)),
    'trust.wellKnownDomains must list lower-case ASCII host names (IDNs in their xn-- form)',
  );
  const positive = [
    'crowdedDomainClients',
    'youngDomainDays',
    'registrationRecheckS',
    'firstSeenTokensPerClient',
    'firstSeenTokensPerDomain',
    'firstSeenTokenWindowS',
    'firstSeenAccessTokenTtlS',
    'firstSeenRefreshTokenTtlS',
    'maxLogoBytes',
  ] as const;
  for (const k of positive)
    p(Number.isSafeInteger(t[k]) && t[k] > 0, `trust.${k} must be a positive whole number, not ${String(t[k])}`);
  p(
    Number.isSafeInteger(t.refreshIntervalS) && t.refreshIntervalS >= 0,
    `trust.refreshIntervalS must be a whole number ≥ 0, not ${String(t.refreshIntervalS)}`,
  );
  for (const k of ['onCosmeticChange', 'onRedirectChange', 'onKeyChange', 'onPrivilegeChange', 'onRegistrationChange'] as const) {
    p(CHANGE_POLICIES.includes(t[k]), `trust.${k} must be "silent", "re-consent" or "revoke", not "${String(t[k])}"`);
  }
  for (const k of ['firstSeenRedirectHostMatch', 'logos'] as const)
    p(typeof t[k] === 'boolean', `trust.${k} must be true or false`);
  p(Array.isArray(t.admins) && t.admins.every((a) => typeof a === 'string' && a !== ''), 'trust.admins must list user names');
  return problems;
}
