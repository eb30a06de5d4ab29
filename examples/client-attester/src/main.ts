/**
 * Start the reference Client Attester Backend:
 *
 *   npm run attester -- --client-id https://app.example/oauth/client.json [--port 8787] [--issuer URL]
 *
 * It listens on 127.0.0.1 over plain HTTP, with a signing key made at start (so its /jwks changes
 * at every start) and the DEVELOPMENT platform verifier only. Put it behind TLS and give it a
 * persistent key and a real platform verifier before anything else (see README.md).
 */
import { generateKeyPair } from 'jose';
import { parseArgs } from 'node:util';
import { createClientAttester } from './attester.js';
import { startAttesterServer } from './http-server.js';
import { createDevelopmentVerifier } from './platform-verifier.js';

const { values } = parseArgs({
  options: {
    'client-id': { type: 'string', multiple: true },
    port: { type: 'string', default: '8787' },
    issuer: { type: 'string' },
  },
});
const clientIds = values['client-id'] ?? [];
if (clientIds.length === 0) {
  console.error('usage: npm run attester -- --client-id <https URL of the app document> [--port 8787] [--issuer URL]');
  process.exit(2);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error('--port must be 1..65535 (the attester names its own URL in key-proof audiences)');
  process.exit(2);
}
const issuer = values.issuer ?? `http://127.0.0.1:${port}`;
const { privateKey, publicKey } = await generateKeyPair('ES256');
const attester = createClientAttester({
  signingKey: { privateKey, publicKey, kid: `attester-${Date.now().toString(36)}` },
  issuer,
  clientIds,
  verifiers: [createDevelopmentVerifier()],
});
const server = await startAttesterServer({ attester, port, log: (line) => console.error(line) });
console.log(`Client Attester (DEVELOPMENT verifier only) on http://127.0.0.1:${server.port}`);
console.log(`  jwks_uri for the app document: ${issuer}/jwks  (behind TLS: a document's jwks_uri must be https)`);
console.log(`  attests for: ${clientIds.join(', ')}`);
const stop = (): void => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
