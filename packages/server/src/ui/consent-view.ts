import { classifyRedirectUri, splitUri, type RedirectKind } from '@cimd/core';
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
}

export interface ConsentViewInput {
  readonly client: Client;
  readonly redirectUri: string;
  readonly scopes: readonly ScopeDefinition[];
  readonly resources: readonly string[];
  readonly username: string;
  /** The CIMD Service that provisioned this client_id, when it is one (R76). */
  readonly provisionedBy?: string;
}

function hostOf(uri: string): string {
  const u = splitUri(uri);
  return (u.host ?? '').replace(/^\[|\]$/g, '').toLowerCase();
}

/**
 * Decide what the consent page shows. The client_id's host is always the headline; a
 * self-asserted `client_name` appears only with a byline naming the host that asserted it.
 * The trust model (reputation tiers) extends this function; nothing else decides what users see.
 */
export function consentView(input: ConsentViewInput): ConsentView {
  const { client, redirectUri } = input;
  const c = classifyRedirectUri(redirectUri);
  const redirectKind: RedirectKind = c.ok ? c.kind : 'https';
  const clientHost = client.kind === 'cimd' ? hostOf(client.clientId) : (client.metadata.client_name ?? client.clientId);
  const redirectHost = redirectKind === 'private-use' ? (splitUri(redirectUri).scheme ?? redirectUri) : hostOf(redirectUri);
  const notices: ConsentNotice[] = [];

  let name: ConsentView['name'];
  const declared = client.metadata.client_name?.trim();
  if (declared !== undefined && declared !== '') {
    name =
      client.kind === 'cimd'
        ? { text: declared, byline: `name set by the app at ${clientHost}` }
        : { text: declared, byline: 'registered with this server' };
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
  };
}
