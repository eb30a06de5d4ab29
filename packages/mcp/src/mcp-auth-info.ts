import type { VerifiedAccessToken } from './access-token.js';

/**
 * The shape of the MCP TypeScript SDK's `AuthInfo` (`@modelcontextprotocol/sdk/server/auth/types.js`),
 * declared here so that this package does not depend on the SDK. The SDK's Streamable HTTP
 * transport hands it to tool handlers as `extra.authInfo` when it is set as `req.auth`.
 */
export interface McpAuthInfo {
  token: string;
  clientId: string;
  scopes: string[];
  expiresAt?: number;
  resource?: URL;
  extra?: Record<string, unknown>;
}

/** A verified token as the SDK's `AuthInfo`; `extra` carries the subject, issuer and token id. */
export function toMcpAuthInfo(token: VerifiedAccessToken, resource: string): McpAuthInfo {
  return {
    token: token.token,
    clientId: token.clientId,
    scopes: [...token.scopes],
    expiresAt: token.expiresAt,
    resource: new URL(resource),
    extra: { subject: token.subject, issuer: token.issuer, jwtId: token.jwtId },
  };
}
