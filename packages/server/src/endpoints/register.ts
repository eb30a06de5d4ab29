import { CimdError, classifyRedirectUri, type Clock } from '@cimd/core';
import type { StaticClient } from '../config.js';
import type { Stores } from '../store/stores.js';
import type { Random } from '../util/random.js';

export interface RegisterDeps {
  readonly stores: Pick<Stores, 'registeredClients'>;
  readonly clock: Clock;
  readonly random: Random;
}

const GRANTS = new Set(['authorization_code', 'refresh_token']);

/**
 * Dynamic Client Registration (RFC 7591 §3), off by default, for clients that predate CIMD.
 * Only public clients (`none`) are registered; their ids are random and never start with
 * "https://" (R59), so they can never be mistaken for a Client Identifier URL.
 */
export async function registerClient(
  deps: RegisterDeps,
  contentType: string | undefined,
  body: string,
): Promise<Record<string, unknown>> {
  if ((contentType ?? '').split(';')[0]?.trim().toLowerCase() !== 'application/json') {
    throw new CimdError('registration-metadata-invalid', 'The registration request must be application/json');
  }
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    throw new CimdError('registration-metadata-invalid', 'The registration request is not valid JSON');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new CimdError('registration-metadata-invalid', 'The registration request must be a JSON object');
  }
  const m = input as Record<string, unknown>;
  const redirects = m['redirect_uris'];
  if (!Array.isArray(redirects) || redirects.length === 0 || !redirects.every((r) => typeof r === 'string')) {
    throw new CimdError('registration-redirect-invalid', 'redirect_uris must be a non-empty array of strings');
  }
  for (const r of redirects) {
    const c = classifyRedirectUri(r);
    if (!c.ok) throw new CimdError('registration-redirect-invalid', c.reason.message);
  }
  const method = m['token_endpoint_auth_method'] ?? 'none';
  if (method !== 'none') {
    throw new CimdError(
      'registration-metadata-invalid',
      `token_endpoint_auth_method ${JSON.stringify(method)} is not offered; register a public client ("none") or use a Client ID Metadata Document`,
    );
  }
  const grants = m['grant_types'] ?? ['authorization_code'];
  if (!Array.isArray(grants) || !grants.every((g) => typeof g === 'string' && GRANTS.has(g))) {
    throw new CimdError('registration-metadata-invalid', 'grant_types may contain only authorization_code and refresh_token');
  }
  const responseTypes = m['response_types'] ?? ['code'];
  if (!Array.isArray(responseTypes) || responseTypes.length !== 1 || responseTypes[0] !== 'code') {
    throw new CimdError('registration-metadata-invalid', 'response_types must be ["code"]');
  }
  const name = m['client_name'];
  if (name !== undefined && typeof name !== 'string')
    throw new CimdError('registration-metadata-invalid', 'client_name must be a string');
  const now = deps.clock.now();
  const clientId = `dcr_${deps.random.token(18)}`;
  const stored: StaticClient = {
    client_id: clientId,
    redirect_uris: redirects,
    token_endpoint_auth_method: 'none',
    grant_types: grants as string[],
    ...(name === undefined ? {} : { client_name: name }),
  };
  await deps.stores.registeredClients.create({ clientId, metadata: JSON.stringify(stored), createdAt: now });
  return {
    ...stored,
    response_types: ['code'],
    client_id_issued_at: Math.floor(now / 1000),
  };
}
