/**
 * An MCP server built with the official TypeScript SDK (Streamable HTTP, stateless), protected by
 * @cimd/mcp: every request to /mcp needs an access token of the configured authorization server
 * whose audience is this server's canonical URI, and the protected resource metadata (RFC 9728)
 * tells MCP clients where to get one. One tool, `whoami`, answers with what the token says.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  createProtectedResource,
  nodeHttpGuard,
  PROTECTED_RESOURCE_WELL_KNOWN,
  toMcpAuthInfo,
  type McpAuthInfo,
  type NodeGuard,
  type ProtectedResource,
} from '@cimd/mcp';

export interface McpServerOptions {
  /** The authorization server's issuer identifier, e.g. `http://127.0.0.1:8080`. */
  readonly issuer: string;
  /** Listen address (default 127.0.0.1). */
  readonly host?: string;
  /** Listen port (default 3000; 0 picks a free one). */
  readonly port?: number;
  /** The public URL of the MCP endpoint when a proxy terminates TLS (default `http://<host>:<port>/mcp`). */
  readonly resource?: string;
  /** The scope every request needs (default `mcp:tools`). */
  readonly scope?: string;
}

export interface RunningMcpServer {
  /** The MCP endpoint (the resource identifier clients connect to). */
  readonly url: string;
  readonly resource: ProtectedResource;
  close(): Promise<void>;
}

export const DEFAULT_MCP_SCOPE = 'mcp:tools';

/** What `whoami` answers. */
export interface WhoAmI {
  readonly subject: unknown;
  readonly client_id: string;
  readonly scopes: readonly string[];
  readonly resource: string | undefined;
}

/** A fresh MCP server with the one tool (stateless mode: one per request, as the SDK recommends). */
function mcpServer(): McpServer {
  const server = new McpServer({ name: 'cimd-example', version: '0.1.0' });
  server.registerTool(
    'whoami',
    {
      title: 'Who am I?',
      description: 'Tells who the access token of this call belongs to: the user, the client and the granted scopes.',
    },
    (extra) => {
      const auth = extra.authInfo;
      const who: WhoAmI = {
        subject: auth?.extra?.['subject'],
        client_id: auth?.clientId ?? '',
        scopes: auth?.scopes ?? [],
        resource: auth?.resource?.href,
      };
      return { content: [{ type: 'text', text: JSON.stringify(who) }], structuredContent: { ...who } };
    },
  );
  return server;
}

async function handle(
  req: IncomingMessage & { auth?: McpAuthInfo },
  res: ServerResponse,
  resource: ProtectedResource,
  guard: NodeGuard,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  const mcpPath = new URL(resource.resource).pathname;
  if (path !== mcpPath && !path.startsWith(PROTECTED_RESOURCE_WELL_KNOWN)) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
    return;
  }
  // The metadata, 401/403 challenges and bad requests are answered here; a request that passes
  // carries a verified token for this very server.
  const token = await guard(req, res);
  if (token === undefined) return;
  req.auth = toMcpAuthInfo(token, resource.resource);
  const server = mcpServer();
  // No sessionIdGenerator: stateless mode, one transport per request.
  const transport = new StreamableHTTPServerTransport({
    enableJsonResponse: true,
    enableDnsRebindingProtection: true,
    allowedHosts: [new URL(resource.resource).host],
  });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res);
}

/** Start the example MCP server; resolves once it listens. */
export async function startMcpServer(options: McpServerOptions): Promise<RunningMcpServer> {
  const host = options.host ?? '127.0.0.1';
  let resource: ProtectedResource | undefined;
  let guard: NodeGuard | undefined;
  const http: Server = createServer((req, res) => {
    if (resource === undefined || guard === undefined) return void res.writeHead(503).end();
    handle(req, res, resource, guard).catch((e: unknown) => {
      process.stderr.write(`mcp-server: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"server_error"}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 3000, host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const url = options.resource ?? `http://${authority}/mcp`;
  const scope = options.scope ?? DEFAULT_MCP_SCOPE;
  try {
    resource = createProtectedResource({
      resource: url,
      authorizationServer: options.issuer,
      scopesSupported: [scope],
      requiredScopes: [scope],
      resourceName: 'cimd example MCP server',
    });
    guard = nodeHttpGuard(resource);
  } catch (e) {
    http.close();
    throw e;
  }
  return {
    url: resource.resource,
    resource,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
