import {
  assessTrust,
  classifyRedirectUri,
  splitUri,
  type RedirectKind,
  type TrustAssessment,
  type TrustSignal,
  type TrustTier,
} from '@cimd/core';
import type { Client } from '../clients/client.js';
import type { ScopeDefinition } from '../config.js';

/** A notice on the consent page. `danger` notices are shown prominently. */
export interface ConsentNotice {
  readonly level: 'info' | 'warning' | 'danger';
  readonly text: string;
}

/** Everything the consent page shows, decided in one place (R66, R67, M-AS6). */
export interface ConsentView {
  /** The host of the client_id, shown prominently: the identity the user can check (R67). */
  readonly clientHost: string;
  /** The full client_id, shown small. */
  readonly clientId: string;
  /** A display name and whose word it is; undefined when no name may be shown. */
  readonly name?: { readonly text: string; readonly byline: string };
  /** Where the user is sent afterwards (M-AS6: the redirect URI's host must be shown). */
  readonly redirectHost: string;
  readonly redirectKind: RedirectKind;
  readonly scopes: readonly ScopeDefinition[];
  readonly resources: readonly string[];
  readonly notices: readonly ConsentNotice[];
  /** The signed-in user, so they can tell which account they approve for. */
  readonly username: string;
  /** The trust tier of a CIMD client (R75); undefined for pre-registered and DCR clients. */
  readonly tier?: TrustTier;
  /** The client's logo, served by this server (R74); only at tiers that show logos. */
  readonly logo?: { readonly src: string };
  /** The client's own pages, as links (R78); only once an administrator reviewed it. */
  readonly links?: readonly ConsentLink[];
  /** An administrator reviewed this client. */
  readonly reviewed?: boolean;
}

/** A link to one of the client's pages; rendered with `rel="noreferrer noopener"` (R78). */
export interface ConsentLink {
  readonly label: string;
  readonly href: string;
}

export interface ConsentViewInput {
  readonly client: Client;
  readonly redirectUri: string;
  readonly scopes: readonly ScopeDefinition[];
  readonly resources: readonly string[];
  readonly username: string;
  /** The CIMD Service that provisioned this client_id, when it is one (R76). */
  readonly provisionedBy?: string;
  /**
   * The trust assessment of a CIMD client (R75) and the path of its logo on this server, when
   * the server has one (R74). Without it a CIMD client is shown as first-seen.
   */
  readonly trust?: { readonly assessment: TrustAssessment; readonly logoPath?: string };
}

/** What the user is told about each domain signal (R75). */
function signalNotice(signal: TrustSignal, clientHost: string): ConsentNotice | undefined {
  switch (signal.kind) {
    case 'lookalike':
      return {
        level: 'danger',
        text: `${clientHost} looks like ${signal.lookalike.brand}, but it is not ${signal.lookalike.brand}. Do not continue if you expected ${signal.lookalike.brand}.`,
      };
    case 'young-domain':
      return {
        level: 'warning',
        text: `The site ${signal.domain} was registered ${signal.ageDays === 0 ? 'today' : `${signal.ageDays} day${signal.ageDays === 1 ? '' : 's'} ago`}.`,
      };
    case 'crowded-domain':
      return {
        level: 'warning',
        text: `${signal.domain} hosts many different apps (${signal.clientIds}); that it is well known says nothing about this one.`,
      };
    case 'cimd-service':
      return undefined; // the "in development" notice below says it
  }
}

/** The client's pages that may appear as links once reviewed (R78). */
const LINK_MEMBERS = [
  ['client_uri', 'Website'],
  ['policy_uri', 'Privacy policy'],
  ['tos_uri', 'Terms of service'],
] as const;

function hostOf(uri: string): string {
  const u = splitUri(uri);
  return (u.host ?? '').replace(/^\[|\]$/g, '').toLowerCase();
}

/**
 * Decide what the consent page shows. The client_id's host is always the headline. For a CIMD
 * client the trust tier decides the rest (R75, IETF 124 slides): a first-seen client gets a
 * prominent warning; its self-asserted `client_name` appears only from the `named` tier, always
 * with a byline naming the host that asserted it; its logo (served by this server) from the
 * `recognized` tier; links to its pages and a "reviewed" mark only once an administrator
 * reviewed it. Domain signals add warnings. Nothing else decides what users see.
 */
export function consentView(input: ConsentViewInput): ConsentView {
  const { client, redirectUri } = input;
  const c = classifyRedirectUri(redirectUri);
  const redirectKind: RedirectKind = c.ok ? c.kind : 'https';
  const clientHost = client.kind === 'cimd' ? hostOf(client.clientId) : (client.metadata.client_name ?? client.clientId);
  const redirectHost = redirectKind === 'private-use' ? (splitUri(redirectUri).scheme ?? redirectUri) : hostOf(redirectUri);
  const notices: ConsentNotice[] = [];

  const cimd = client.kind === 'cimd';
  const assessment = cimd ? (input.trust?.assessment ?? assessTrust({ approvals: 0 })) : undefined;
  if (assessment?.firstSeen === true) {
    notices.push({
      level: 'danger',
      text: `This server has not seen this app before: few people, if any, have approved ${clientHost}. Continue only if you trust ${clientHost} and you started this sign-in yourself.`,
    });
  }
  for (const signal of assessment?.warnings ?? []) {
    const notice = signalNotice(signal, clientHost);
    if (notice !== undefined) notices.push(notice);
  }

  let name: ConsentView['name'];
  const declared = client.metadata.client_name?.trim();
  if (declared !== undefined && declared !== '' && (assessment === undefined || assessment.showName)) {
    name = cimd
      ? { text: declared, byline: `name set by the app at ${clientHost}` }
      : { text: declared, byline: 'registered with this server' };
  }
  const logoPath = input.trust?.logoPath;
  const logo = assessment?.showLogo === true && logoPath !== undefined ? { src: logoPath } : undefined;
  const links: ConsentLink[] = [];
  if (assessment?.showLinks === true) {
    for (const [member, label] of LINK_MEMBERS) {
      const href = client.metadata[member];
      if (href !== undefined) links.push({ label, href });
    }
  }

  if (input.provisionedBy !== undefined) {
    notices.push({
      level: 'info',
      text: `This app is in development: its identity comes from the CIMD Service at ${hostOf(input.provisionedBy)}, not from a site it controls.`,
    });
  }
  const loopbackOnly =
    client.redirectKinds.length > 0 && client.redirectKinds.every((k) => k === 'loopback' || k === 'localhost');
  if (loopbackOnly) {
    notices.push({
      level: 'warning',
      text: 'This app receives the approval on this device (a localhost address). Any program on your computer could pretend to be it: continue only if you just started this app yourself.',
    });
  } else if (redirectKind === 'private-use') {
    notices.push({
      level: 'warning',
      text: `The approval goes to an app on this device that handles "${redirectHost}:" links. Continue only if you just started this app yourself.`,
    });
  }
  if (client.kind === 'cimd' && (redirectKind === 'https' || redirectKind === 'loopback' || redirectKind === 'localhost')) {
    const sameSite =
      redirectHost === clientHost || redirectHost.endsWith(`.${clientHost}`) || clientHost.endsWith(`.${redirectHost}`);
    if (!sameSite && redirectKind === 'https') {
      notices.push({ level: 'warning', text: `After approval you will be sent to ${redirectHost}, which is not ${clientHost}.` });
    }
  }
  return {
    clientHost,
    clientId: client.clientId,
    ...(name === undefined ? {} : { name }),
    redirectHost,
    redirectKind,
    scopes: input.scopes,
    resources: input.resources,
    notices,
    username: input.username,
    ...(assessment === undefined ? {} : { tier: assessment.tier, reviewed: assessment.reviewed }),
    ...(logo === undefined ? {} : { logo }),
    ...(links.length === 0 ? {} : { links }),
  };
}
