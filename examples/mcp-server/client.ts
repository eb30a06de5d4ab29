/**
 * An MCP client with a CIMD client_id, built with the official TypeScript SDK: it connects to the
 * example MCP server, follows the 401 to the authorization server, prints the authorization URL
 * for you to open, takes the code on a loopback callback, and calls the `whoami` tool.
 *
 *   npm run mcp-client                                  # server http://127.0.0.1:3000/mcp
 *   npm run mcp-client -- --server http://127.0.0.1:3001/mcp
 *
 * Its client_id is the https URL of its metadata document, which this process serves itself. For
 * local development it borrows the host name and certificate of the development CIMD Service that
 * `npm start` creates (`cimd-service.localhost`, `.data/dev-pki/`): the development server resolves
 * that name to 127.0.0.1 and trusts that certificate, and nothing else does. A real client
 * publishes its document on its own https site.
 */
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryOAuthClientProvider } from '@modelcontextprotocol/sdk/examples/client/simpleOAuthClientProvider.js';

const HELP = `Usage: npm run mcp-client -- [options]

Connects to an MCP server protected by cimd, as a client whose client_id is a metadata document URL.

Options:
  --server <url>          the MCP endpoint (env MCP_SERVER_URL; default http://127.0.0.1:3000/mcp)
  --pki-dir <dir>         the development certificate made by "npm start" (default .data/dev-pki)
  --host-name <name>      host name of the client_id, in that certificate (default cimd-service.localhost)
  --document-port <n>     port of the https server for the metadata document (default 0: any free port)
  --timeout-s <n>         how long to wait for you in the browser (default 600)
  -h, --help              this help
`;

/** The SDK's in-memory provider; the subclass only narrows clientMetadataUrl to string (strict optional types). */
class CimdClientProvider extends InMemoryOAuthClientProvider {
  declare readonly clientMetadataUrl: string;
}

const DOCUMENT_PATH = '/mcp-example-client.json';

function fail(message: string): never {
  process.stderr.write(`mcp-client: ${message}\n`);
  process.exit(1);
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

const { values } = parseArgs({
  options: {
    server: { type: 'string' },
    'pki-dir': { type: 'string' },
    'host-name': { type: 'string' },
    'document-port': { type: 'string' },
    'timeout-s': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});
if (values.help === true) {
  process.stdout.write(HELP);
  process.exit(0);
}
const serverUrl = new URL(values.server ?? process.env['MCP_SERVER_URL'] ?? 'http://127.0.0.1:3000/mcp');
const pkiDir = values['pki-dir'] ?? join('.data', 'dev-pki');
const hostName = values['host-name'] ?? 'cimd-service.localhost';
const timeoutMs = Number(values['timeout-s'] ?? 600) * 1000;

let cert: string;
let key: string;
try {
  [cert, key] = await Promise.all([
    readFile(join(pkiDir, 'cimd-service.crt'), 'utf8'),
    readFile(join(pkiDir, 'cimd-service.key'), 'utf8'),
  ]);
} catch {
  fail(`no development certificate in ${pkiDir}: start the authorization server with "npm start" first`);
}

// The loopback redirect target (RFC 8252 §7.3): the document registers it without a port.
let onCallback: (url: URL) => void = () => undefined;
const callbacks = createHttpServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname !== '/callback') return void res.writeHead(404).end();
  res
    .writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
    .end('Done: you can close this window and go back to the terminal.\n');
  onCallback(url);
});
const redirectUrl = `http://127.0.0.1:${await listen(callbacks, 0)}/callback`;

// The metadata document, served over https with the development certificate.
let clientId = '';
const documents = createHttpsServer({ cert, key }, (req, res) => {
  if (req.url !== DOCUMENT_PATH) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
  res.end(
    JSON.stringify({
      client_id: clientId,
      client_name: 'cimd example MCP client',
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }),
  );
});
clientId = `https://${hostName}:${await listen(documents, Number(values['document-port'] ?? 0))}${DOCUMENT_PATH}`;
process.stdout.write(`Client metadata document: ${clientId} (served by this process)\n`);

let authorizationUrl: URL | undefined;
const provider = new CimdClientProvider(
  redirectUrl,
  {
    client_name: 'cimd example MCP client',
    redirect_uris: [redirectUrl],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  },
  (url) => {
    authorizationUrl = url;
  },
  clientId,
);

async function connect(): Promise<Client> {
  const client = new Client({ name: 'cimd-example-client', version: '0.1.0' });
  await client.connect(new StreamableHTTPClientTransport(serverUrl, { authProvider: provider }));
  return client;
}

let client: Client;
try {
  client = await connect();
} catch (e) {
  if (!(e instanceof UnauthorizedError) || authorizationUrl === undefined) {
    fail(`cannot connect to ${serverUrl.href}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const callback = new Promise<URL>((resolve, reject) => {
    onCallback = resolve;
    setTimeout(() => reject(new Error('nobody came back from the browser in time')), timeoutMs).unref();
  });
  process.stdout.write(`Open this URL in your browser to sign in and allow access:\n  ${authorizationUrl.href}\n`);
  const url = await callback.catch((err: unknown) => fail(String(err)));
  // RFC 9207: the response must come from the authorization server the SDK sent us to.
  const expected = provider.clientInformation()?.issuer;
  if (url.searchParams.get('iss') !== expected)
    fail(`the response names the issuer ${url.searchParams.get('iss')}, not ${expected}`);
  const error = url.searchParams.get('error');
  if (error !== null) fail(`the authorization server answered ${error}: ${url.searchParams.get('error_description') ?? ''}`);
  const code = url.searchParams.get('code') ?? fail('the callback carries no code');
  const transport = new StreamableHTTPClientTransport(serverUrl, { authProvider: provider });
  await transport.finishAuth(code);
  client = await connect();
}

process.stdout.write('Authorized. Calling the tool whoami...\n');
const result = await client.callTool({ name: 'whoami', arguments: {} });
const text = (result.content as Array<{ type: string; text?: string }>).find((c) => c.type === 'text')?.text ?? '';
process.stdout.write(`whoami: ${text}\n`);
await client.close();
documents.closeAllConnections();
documents.close();
callbacks.closeAllConnections();
callbacks.close();
