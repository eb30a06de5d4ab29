import { CimdError } from '@cimd/core';
import type { Client } from '../clients/client.js';
import type { ClientDirectory } from '../clients/client-directory.js';
import type { TokenLifetimes } from '../trust/token-limits.js';
import type { Form } from './form.js';

/** The client of a token, revocation or introspection request and how it authenticated. */
export interface AuthenticatedClient {
  readonly client: Client;
  readonly method: string;
  /** Attestation: the RFC 7638 thumbprint of the client instance key (`cnf.jwk`). */
  readonly instanceKeyThumbprint?: string;
  /** Token lifetimes the trust model sets for this client (first-seen clients get shorter ones). */
  readonly lifetimes?: TokenLifetimes;
}

/** What a successful verification learned beyond the client's identity. */
export interface AuthenticationProof {
  readonly instanceKeyThumbprint?: string;
}

/** A client authentication method beyond `none` (private_key_jwt, attestation), pluggable. */
export interface ClientAuthMethod {
  /** The method name as in `token_endpoint_auth_methods_supported`. */
  readonly name: string;
  /** Whether the request carries this method's credentials. */
  present(form: Form, headers: Headers): boolean;
  /**
   * The client_id the credentials claim (used to find the client). May throw a CimdError when the
   * credentials are malformed.
   */
  claimedClientId(form: Form, headers: Headers): string | undefined;
  /**
   * Verify the credentials for the client at `endpoint` (the URL of the endpoint); throws a
   * CimdError (`invalid_client` and friends).
   */
  verify(client: Client, form: Form, headers: Headers, endpoint: string): Promise<AuthenticationProof>;
}

export interface ClientAuthDeps {
  readonly clients: ClientDirectory;
  readonly methods: readonly ClientAuthMethod[];
}

/**
 * Authenticate the client of a request at the token, revocation or introspection endpoint
 * (RFC 6749 §2.3, draft-03 §6, R52, J12). Exactly one method may be used. Shared-secret methods
 * never apply to these clients. A client whose metadata allows only authenticated methods must
 * use one: there is no silent fallback to public (R52).
 */
export async function authenticateClient(
  deps: ClientAuthDeps,
  form: Form,
  headers: Headers,
  endpoint: string,
): Promise<AuthenticatedClient> {
  const authorization = headers.get('authorization');
  if (authorization !== null && /^basic /i.test(authorization)) {
    throw new CimdError(
      'client-auth-method-not-allowed',
      'HTTP Basic client authentication (a shared secret) is not accepted here',
      {
        headers: { 'www-authenticate': 'Basic realm="cimd"' },
      },
    );
  }
  if (form.has('client_secret')) {
    throw new CimdError(
      'client-auth-method-not-allowed',
      'client_secret is not accepted: CIMD clients have no shared secrets (R21, R41)',
    );
  }
  const used = deps.methods.filter((m) => m.present(form, headers));
  if (used.length > 1) {
    throw new CimdError(
      'client-auth-ambiguous',
      `The request uses several authentication methods: ${used.map((m) => m.name).join(', ')}`,
    );
  }
  const method = used[0];
  const formClientId = form.get('client_id');
  const claimed = method?.claimedClientId(form, headers);
  if (method !== undefined && claimed !== undefined && formClientId !== undefined && claimed !== formClientId) {
    // J1, attestation §7.5: the client_id parameter names the authenticated client; a mismatch is a failed authentication (J11).
    throw new CimdError('client-id-mismatch-request', 'client_id differs from the client named by the client authentication', {
      wire: 'invalid_client',
    });
  }
  const clientId = claimed ?? formClientId;
  if (clientId === undefined) {
    throw new CimdError('request-parameter-missing', 'client_id is required for a client that does not authenticate', {
      property: 'client_id',
    });
  }
  let client: Client;
  try {
    client = await deps.clients.find(clientId, 'token');
  } catch (e) {
    if (e instanceof CimdError)
      throw new CimdError(e.code, e.message, { wire: 'invalid_client', status: 401, findings: e.findings, cause: e });
    throw e;
  }
  if (method === undefined) {
    if (!client.authMethods.includes('none')) {
      throw new CimdError(
        'client-auth-required',
        `The client ${clientId} must authenticate with ${client.authMethods.join(' or ')} (its metadata makes it confidential)`,
      );
    }
    return { client, method: 'none' };
  }
  if (!client.authMethods.includes(method.name)) {
    throw new CimdError(
      'client-auth-method-not-allowed',
      `The client ${clientId} does not allow ${method.name} (it allows ${client.authMethods.join(', ')})`,
    );
  }
  const proof = await method.verify(client, form, headers, endpoint);
  return {
    client,
    method: method.name,
    ...(proof.instanceKeyThumbprint === undefined ? {} : { instanceKeyThumbprint: proof.instanceKeyThumbprint }),
  };
}
