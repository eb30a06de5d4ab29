// Validation throughput of a ~1 KB client metadata document on one core (issue: CIMD core).
// Target: at least 80,000 documents per second. The peer in the same run is JSON.parse alone,
// the floor any validator pays; the ratio shows what the rules cost on top of it.
//
//   node --conditions=source --import tsx bench/validate.bench.ts
import { loadavg } from 'node:os';
import { evaluateDocument } from '@cimd/core';
import { fmt, QUICK, throughput } from './lib.js';

const ID = 'https://assistant.example/oauth/connector-client-metadata';
const DOC = JSON.stringify({
  client_id: ID,
  client_name: 'Assistant Connector',
  client_uri: 'https://assistant.example',
  logo_uri: 'https://assistant.example/images/logo-256.png',
  tos_uri: 'https://assistant.example/legal/terms',
  policy_uri: 'https://assistant.example/legal/privacy',
  contacts: ['security@assistant.example'],
  redirect_uris: [
    'https://assistant.example/api/connectors/oauth/callback',
    'https://assistant.example/api/mcp/auth_callback',
    'http://127.0.0.1/callback',
    'http://localhost/callback',
  ],
  grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
  response_types: ['code'],
  token_endpoint_auth_methods_supported: ['private_key_jwt', 'none'],
  token_endpoint_auth_method: 'private_key_jwt',
  token_endpoint_auth_signing_alg: 'ES256',
  jwks_uri: 'https://assistant.example/oauth/jwks.json',
  scope: 'openid profile email offline_access mcp:tools mcp:resources',
  software_id: '0b8e3c1e-6d3e-4c55-9a7e-2f4a3d5c9b10',
  software_version: '2026.11.3',
  application_type: 'web',
});
const BYTES = new TextEncoder().encode(DOC);

const check = evaluateDocument(ID, BYTES);
if (!check.accepted) throw new Error(`bench document must be accepted: ${JSON.stringify(check.reasons)}`);

const window = QUICK ? { runs: 3, ms: 250, warmupMs: 200 } : {};
const parse = throughput(() => {
  JSON.parse(new TextDecoder().decode(BYTES));
}, window);
const validate = throughput(() => evaluateDocument(ID, BYTES), window);

console.log(
  `document: ${BYTES.byteLength} bytes, Node ${process.version}, load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(`decode + JSON.parse only       ${fmt(parse)}`);
console.log(`evaluateDocument (all rules)   ${fmt(validate)}`);
console.log(`ratio evaluateDocument / JSON.parse: ${(validate.median / parse.median).toFixed(3)}`);
console.log(`target ≥ 80,000/s: ${validate.median >= 80_000 ? 'met' : 'MISSED'}`);
