/**
 * The example MCP server, from the command line:
 *
 *   npm run mcp-server                       # http://127.0.0.1:3000/mcp, AS http://127.0.0.1:8080
 *   npm run mcp-server -- --port 3001 --issuer https://as.example.com
 *
 * Flags win over the environment (MCP_AUTHORIZATION_SERVER, MCP_HOST, MCP_PORT, MCP_RESOURCE, MCP_SCOPE).
 */
import { parseArgs } from 'node:util';
import { isCimdError } from '@cimd/core';
import { DEFAULT_MCP_SCOPE, startMcpServer } from './mcp-server.js';

const HELP = `Usage: npm run mcp-server -- [options]

An MCP server (Streamable HTTP, one tool: whoami) protected by a cimd authorization server.

Options:
  --issuer <url>     the authorization server's issuer (env MCP_AUTHORIZATION_SERVER; default http://127.0.0.1:8080)
  --host <address>   listen address (env MCP_HOST; default 127.0.0.1)
  --port <n>         listen port (env MCP_PORT; default 3000; 0 picks a free one)
  --resource <url>   the public URL of the MCP endpoint, when a proxy terminates TLS (env MCP_RESOURCE;
                     default http://<host>:<port>/mcp)
  --scope <scope>    the scope every request needs (env MCP_SCOPE; default ${DEFAULT_MCP_SCOPE})
  -h, --help         this help
`;

const { values } = parseArgs({
  options: {
    issuer: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    resource: { type: 'string' },
    scope: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});
if (values.help === true) {
  process.stdout.write(HELP);
  process.exit(0);
}
const env = process.env;
const port = Number(values.port ?? env['MCP_PORT'] ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`mcp-server: --port must be 0..65535, not "${values.port ?? env['MCP_PORT']}"\n`);
  process.exit(2);
}
const issuer = values.issuer ?? env['MCP_AUTHORIZATION_SERVER'] ?? 'http://127.0.0.1:8080';
const resource = values.resource ?? env['MCP_RESOURCE'];
const scope = values.scope ?? env['MCP_SCOPE'] ?? DEFAULT_MCP_SCOPE;

try {
  const running = await startMcpServer({
    issuer,
    host: values.host ?? env['MCP_HOST'] ?? '127.0.0.1',
    port,
    scope,
    ...(resource === undefined ? {} : { resource }),
  });
  process.stdout.write(
    [
      `MCP server (Streamable HTTP) at ${running.url}`,
      `  authorization server  ${issuer}`,
      `  required scope        ${scope}`,
      `  resource metadata     ${running.resource.metadataLocations.pathInserted}`,
      `The authorization server must list ${running.url} in policy.resources and know the scope ${scope}.`,
      '',
    ].join('\n'),
  );
  const stop = (): void => {
    void running.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (e) {
  process.stderr.write(`mcp-server: ${isCimdError(e) || e instanceof Error ? e.message : String(e)}\n`);
  process.exit(isCimdError(e) && e.code === 'config-invalid' ? 2 : 1);
}
