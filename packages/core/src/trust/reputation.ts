import type { Lookalike } from './lookalike.js';

/**
 * The reputation ladder (IETF 124 slides, "Client ID Reputation"): how far this server trusts a
 * client_id it may never have seen, decided from what it observed (distinct users who approved
 * it), what an administrator decided, and what it knows about the domain. Nothing is asked of the
 * client. Pure: the server counts, this decides.
 *
 * Tiers, lowest first:
 * - `blocked`: an administrator blocked the client; it is refused;
 * - `first-seen`: fewer than `noWarning` users approved it: only the domain is shown, with a
 *   prominent warning; its redirect URI must be on its own host (or loopback); token limits;
 * - `established`: no warning; still only the domain;
 * - `named`: the self-asserted `client_name` is shown, always with a byline naming the host;
 * - `recognized`: the logo is shown too (fetched and served by this server, R74);
 * - `trusted`: an administrator approved it: shown like `recognized`, whatever the counts;
 * - `reviewed`: an administrator reviewed it: links to its `client_uri`, `policy_uri` and
 *   `tos_uri` (R78) and a "reviewed" mark.
 */
export type TrustTier = 'blocked' | 'first-seen' | 'established' | 'named' | 'recognized' | 'trusted' | 'reviewed';

export const TRUST_TIERS: readonly TrustTier[] = [
  'blocked',
  'first-seen',
  'established',
  'named',
  'recognized',
  'trusted',
  'reviewed',
];

/** An administrator's decision about one client_id; it replaces the earned tier. */
export type AdminTrust = 'trusted' | 'blocked' | 'reviewed';

/** Distinct approving users needed for each rung (defaults from the slides: ~10, ~100, ~1000). */
export interface ReputationThresholds {
  readonly noWarning: number;
  readonly name: number;
  readonly logo: number;
}

export const DEFAULT_REPUTATION_THRESHOLDS: ReputationThresholds = { noWarning: 10, name: 100, logo: 1000 };

/**
 * What the server knows about a client's domain or origin that should make it more careful.
 * Signals only ever lower the tier or add warnings; they never raise it.
 */
export type TrustSignal =
  /** The host imitates a well-known domain (caps the tier at `first-seen`). */
  | { readonly kind: 'lookalike'; readonly lookalike: Lookalike }
  /** The domain was registered recently (caps at `first-seen`). */
  | { readonly kind: 'young-domain'; readonly domain: string; readonly ageDays: number }
  /** The domain hosts many client_ids, as spam sites do (caps at `established`: no name, no logo). */
  | { readonly kind: 'crowded-domain'; readonly domain: string; readonly clientIds: number }
  /** A CIMD Service provisioned the client (R76, R83): never the trust of a self-hosted document. */
  | { readonly kind: 'cimd-service'; readonly service: string };

export type TrustSignalKind = TrustSignal['kind'];

/** The highest tier each signal allows. */
const SIGNAL_CAPS: Readonly<Record<TrustSignalKind, TrustTier>> = {
  lookalike: 'first-seen',
  'young-domain': 'first-seen',
  'crowded-domain': 'established',
  'cimd-service': 'established',
};

export interface ReputationInput {
  /** Distinct users who approved this client_id. */
  readonly approvals: number;
  readonly adminTrust?: AdminTrust;
  readonly signals?: readonly TrustSignal[];
  readonly thresholds?: ReputationThresholds;
}

/** The decision, and everything the consent page and the token endpoint need from it. */
export interface TrustAssessment {
  readonly tier: TrustTier;
  /** The tier the approvals alone earned. */
  readonly earned: TrustTier;
  /** The signal that lowered the tier below `earned`, if one did. */
  readonly cappedBy?: TrustSignalKind;
  /** First-seen handling: the prominent warning, own-host redirects, token limits. */
  readonly firstSeen: boolean;
  readonly showName: boolean;
  readonly showLogo: boolean;
  /** Links to `client_uri`, `policy_uri`, `tos_uri` (with `rel="noreferrer noopener"`). */
  readonly showLinks: boolean;
  /** The "reviewed by an administrator" mark. */
  readonly reviewed: boolean;
  /** Signals the user should be warned about (none once an administrator decided). */
  readonly warnings: readonly TrustSignal[];
  /** Every signal that was considered (shown to administrators). */
  readonly signals: readonly TrustSignal[];
}

export function tierRank(tier: TrustTier): number {
  return TRUST_TIERS.indexOf(tier);
}

function lower(a: TrustTier, b: TrustTier): TrustTier {
  return tierRank(a) <= tierRank(b) ? a : b;
}

/** The tier earned by approvals alone. */
export function earnedTier(approvals: number, thresholds: ReputationThresholds = DEFAULT_REPUTATION_THRESHOLDS): TrustTier {
  if (approvals >= thresholds.logo) return 'recognized';
  if (approvals >= thresholds.name) return 'named';
  if (approvals >= thresholds.noWarning) return 'established';
  return 'first-seen';
}

/** Whether thresholds are usable: whole numbers, 1 ≤ noWarning ≤ name ≤ logo. */
export function thresholdsProblem(t: ReputationThresholds): string | undefined {
  const whole = [t.noWarning, t.name, t.logo].every((n) => Number.isSafeInteger(n) && n >= 1);
  if (!whole) return 'the thresholds must be positive whole numbers';
  return t.noWarning <= t.name && t.name <= t.logo ? undefined : 'the thresholds must grow: noWarning ≤ name ≤ logo';
}

/**
 * Assess a client. An administrator's decision replaces the earned tier and stands above the
 * domain signals (the administrator saw them); otherwise the signals cap the earned tier.
 */
export function assessTrust(input: ReputationInput): TrustAssessment {
  const signals = input.signals ?? [];
  const earned = earnedTier(input.approvals, input.thresholds);
  let tier: TrustTier = earned;
  let cappedBy: TrustSignalKind | undefined;
  if (input.adminTrust !== undefined) {
    tier = input.adminTrust;
  } else {
    for (const signal of signals) {
      const capped = lower(tier, SIGNAL_CAPS[signal.kind]);
      if (capped !== tier) {
        tier = capped;
        cappedBy = signal.kind;
      }
    }
  }
  const rank = tierRank(tier);
  const decided = input.adminTrust !== undefined;
  return {
    tier,
    earned,
    ...(cappedBy === undefined ? {} : { cappedBy }),
    firstSeen: tier === 'first-seen',
    showName: rank >= tierRank('named'),
    showLogo: rank >= tierRank('recognized'),
    showLinks: tier === 'reviewed',
    reviewed: tier === 'reviewed',
    warnings: decided ? [] : signals.filter((s) => s.kind !== 'cimd-service'),
    signals,
  };
}
