import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkClientIdUrl, sameClientId, type ClientIdUrlPolicy, type ReasonCode } from '@cimd/core';

interface Vector {
  readonly req: string;
  readonly url: string;
  /** The reason codes expected (empty: accepted). */
  readonly reasons: readonly ReasonCode[];
  readonly warnings?: readonly ReasonCode[];
  readonly policy?: Partial<ClientIdUrlPolicy>;
}

// Every vector names the requirement it pins (docs/conformance.md).
const VECTORS: readonly Vector[] = [
  // R1: https only; the scheme is compared as written.
  { req: 'R1', url: 'https://c.example/cimd.json', reasons: [] },
  { req: 'R1', url: 'http://c.example/cimd.json', reasons: ['client-id-not-https'] },
  { req: 'R1', url: 'HTTPS://c.example/cimd.json', reasons: ['client-id-not-https'] },
  { req: 'R1', url: 'Https://c.example/cimd.json', reasons: ['client-id-not-https'] },
  { req: 'R1', url: 'urn:ietf:params:oauth:client', reasons: ['client-id-not-https', 'client-id-host-missing'] },
  { req: 'R1', url: 'c.example/cimd.json', reasons: ['client-id-not-https', 'client-id-host-missing'] },
  { req: 'R1', url: 'ftp://c.example/cimd.json', reasons: ['client-id-not-https'] },
  // R2: no userinfo, in any form.
  { req: 'R2', url: 'https://u@c.example/x', reasons: ['client-id-userinfo'] },
  { req: 'R2', url: 'https://u:p@c.example/x', reasons: ['client-id-userinfo'] },
  { req: 'R2', url: 'https://:@c.example/x', reasons: ['client-id-userinfo'] },
  { req: 'R2', url: 'https://@c.example/x', reasons: ['client-id-userinfo'] },
  // R3: a port is allowed, written as a plain number.
  { req: 'R3', url: 'https://c.example:8443/x.json', reasons: [] },
  { req: 'R3', url: 'https://c.example:443/x.json', reasons: [] },
  { req: 'R3', url: 'https://c.example:/x.json', reasons: ['client-id-port-invalid'] },
  { req: 'R3', url: 'https://c.example:0/x.json', reasons: ['client-id-port-invalid'] },
  { req: 'R3', url: 'https://c.example:65536/x.json', reasons: ['client-id-port-invalid'] },
  { req: 'R3', url: 'https://c.example:08443/x.json', reasons: ['client-id-port-invalid'] },
  { req: 'R3', url: 'https://c.example:https/x.json', reasons: ['client-id-port-invalid'] },
  // R4: a path is required.
  { req: 'R4', url: 'https://c.example', reasons: ['client-id-path-missing'] },
  { req: 'R4', url: 'https://c.example?x=1', reasons: ['client-id-path-missing'], warnings: ['client-id-query'] },
  { req: 'R4', url: 'https://c.example:8443', reasons: ['client-id-path-missing'] },
  // R5, H1: no dot segments, also percent-encoded, in any position.
  { req: 'R5', url: 'https://c.example/./x', reasons: ['client-id-dot-segment'] },
  { req: 'R5', url: 'https://c.example/a/../x', reasons: ['client-id-dot-segment'] },
  { req: 'R5', url: 'https://c.example/a/.', reasons: ['client-id-dot-segment'] },
  { req: 'R5', url: 'https://c.example/a/..', reasons: ['client-id-dot-segment'] },
  { req: 'R5', url: 'https://c.example/%2e/x', reasons: ['client-id-dot-segment'] },
  { req: 'R5', url: 'https://c.example/%2E%2e/x', reasons: ['client-id-dot-segment'] },
  { req: 'R5', url: 'https://c.example/a/.%2E', reasons: ['client-id-dot-segment'] },
  { req: 'R5', url: 'https://c.example/a/..?q', reasons: ['client-id-dot-segment'], warnings: ['client-id-query'] },
  { req: 'R5', url: 'https://c.example/a.json', reasons: [] },
  { req: 'R5', url: 'https://c.example/.well-known/client', reasons: [] },
  { req: 'R5', url: 'https://c.example/a/.../x', reasons: [] },
  // R6: a query SHOULD NOT appear: warned by default, rejectable.
  { req: 'R6', url: 'https://c.example/x.json?v=1', reasons: [], warnings: ['client-id-query'] },
  { req: 'R6', url: 'https://c.example/x.json?', reasons: [], warnings: ['client-id-query'] },
  { req: 'R6', url: 'https://c.example/x.json?v=1', reasons: ['client-id-query'], policy: { query: 'reject' } },
  // R7: no fragment, not even an empty one.
  { req: 'R7', url: 'https://c.example/x#', reasons: ['client-id-fragment'] },
  { req: 'R7', url: 'https://c.example/x#frag', reasons: ['client-id-fragment'] },
  { req: 'R7', url: 'https://c.example/x?#', reasons: ['client-id-fragment'], warnings: ['client-id-query'] },
  // R8: identifiers are compared as written; spelling variants are distinct but valid.
  { req: 'R8', url: 'https://c.example/client/', reasons: [] },
  { req: 'R8', url: 'https://C.example/client', reasons: [], warnings: ['client-id-host-not-canonical'] },
  { req: 'R8', url: 'https://c.example/%7Euser/client', reasons: [] },
  // R9: long identifiers are warned about.
  { req: 'R9', url: `https://c.example/${'a'.repeat(300)}`, reasons: [], warnings: ['client-id-long'] },
  // R11: the root path is NOT RECOMMENDED: warned by default, rejectable.
  { req: 'R11', url: 'https://c.example/', reasons: [], warnings: ['client-id-root-path'] },
  { req: 'R11', url: 'https://c.example/', reasons: ['client-id-root-path'], policy: { rootPath: 'reject' } },
  // R13: an identifier must name something.
  { req: 'R13', url: '', reasons: ['client-id-empty'] },
  // H1: control characters, whitespace, backslashes, non-URI characters, non-ASCII.
  { req: 'H1', url: 'https://c.example/x\u0000', reasons: ['client-id-invalid-character'] },
  { req: 'H1', url: 'https://c.example/x\t', reasons: ['client-id-invalid-character'] },
  { req: 'H1', url: ' https://c.example/x', reasons: ['client-id-invalid-character'] },
  { req: 'H1', url: 'https://c.example/x ', reasons: ['client-id-invalid-character'] },
  { req: 'H1', url: 'https://c.example/a b', reasons: ['client-id-invalid-character'] },
  { req: 'H1', url: 'https://c.example\\x/y', reasons: ['client-id-invalid-character'] },
  { req: 'H1', url: 'https:\\\\c.example/x', reasons: ['client-id-invalid-character'] },
  { req: 'H1', url: 'https://c.example/x\r\nHost: evil', reasons: ['client-id-invalid-character'] },
  { req: 'H1', url: 'https://c.example/<x>', reasons: ['client-id-invalid-character'] },
  { req: 'H1', url: 'https://c.example/x"', reasons: ['client-id-invalid-character'] },
  { req: 'H1', url: 'https://bücher.example/x', reasons: ['client-id-invalid-character'] },
  { req: 'H1', url: 'https://xn--bcher-kva.example/x', reasons: [] },
  { req: 'H1', url: 'https://c.example/\u00e9', reasons: ['client-id-invalid-character'] },
  { req: 'H1', url: 'https://c.example/%C3%A9', reasons: [] },
  { req: 'H1', url: 'https://c.example/%zz', reasons: ['client-id-percent-encoding'] },
  { req: 'H1', url: 'https://c.example/%4', reasons: ['client-id-percent-encoding'] },
  { req: 'H1', url: `https://c.example/${'a'.repeat(2100)}`, reasons: ['client-id-too-long'] },
  // H1: the host must be a plain DNS name.
  { req: 'H1', url: 'https:///x', reasons: ['client-id-host-missing'] },
  { req: 'H1', url: 'https:/c.example/x', reasons: ['client-id-host-missing'] },
  { req: 'H1', url: 'https://c..example/x', reasons: ['client-id-host-invalid'] },
  { req: 'H1', url: 'https://c.example./x', reasons: ['client-id-host-invalid'] },
  { req: 'H1', url: 'https://.c.example/x', reasons: ['client-id-host-invalid'] },
  { req: 'H1', url: 'https://-c.example/x', reasons: ['client-id-host-invalid'] },
  { req: 'H1', url: 'https://c_1.example/x', reasons: ['client-id-host-invalid'] },
  { req: 'H1', url: 'https://c%2eexample/x', reasons: ['client-id-host-invalid'] },
  // Regression: the fast path for plain https URLs let labels over 63 characters through.
  { req: 'H1', url: `https://${'a'.repeat(64)}.example/x`, reasons: ['client-id-host-invalid'] },
  { req: 'H1', url: `https://c.${'a'.repeat(64)}/x`, reasons: ['client-id-host-invalid'] },
  { req: 'H1', url: `https://${'a'.repeat(63)}.example/x`, reasons: [] },
  // H1 (policy): IP-literal hosts, including spellings WHATWG rewrites to loopback (§1.11).
  { req: 'H1', url: 'https://127.0.0.1/x', reasons: ['client-id-host-ip-literal'] },
  { req: 'H1', url: 'https://[::1]/x', reasons: ['client-id-host-ip-literal'] },
  { req: 'H1', url: 'https://[::ffff:7f00:1]:8443/x', reasons: ['client-id-host-ip-literal'] },
  { req: 'H1', url: 'https://2130706433/x', reasons: ['client-id-host-ip-literal'] },
  { req: 'H1', url: 'https://0x7f.1/x', reasons: ['client-id-host-ip-literal'] },
  { req: 'H1', url: 'https://0177.0.0.1/x', reasons: ['client-id-host-ip-literal'] },
  { req: 'H1', url: 'https://127.1/x', reasons: ['client-id-host-ip-literal'] },
  { req: 'H1', url: 'https://93.184.215.14/x', reasons: [], policy: { ipLiteralHost: 'allow' } },
  { req: 'H1', url: 'https://1.2.3.999/x', reasons: ['client-id-unparseable'] },
  // H17: identifiers this server reserves (its issuer, known resources) are refused.
  {
    req: 'H17',
    url: 'https://as.example/',
    reasons: ['client-id-reserved'],
    warnings: ['client-id-root-path'],
    policy: { reserved: ['https://as.example'] },
  },
  {
    req: 'H17',
    url: 'https://mcp.example/mcp',
    reasons: ['client-id-reserved'],
    policy: { reserved: ['https://MCP.example/mcp/'] },
  },
  { req: 'H17', url: 'https://mcp.example/mcp/client', reasons: [], policy: { reserved: ['https://mcp.example/mcp'] } },
  {
    req: 'H17',
    url: 'https://mcp.example/mcp',
    reasons: ['client-id-reserved'],
    policy: { reserved: ['not a url', 'https://other.example', 'https://mcp.example/mcp'] },
  },
];

describe('Client Identifier URL vectors (draft-03 §3)', () => {
  for (const v of VECTORS) {
    const label = JSON.stringify(v.url.length > 80 ? `${v.url.slice(0, 60)}…` : v.url);
    const verdict = v.reasons.length === 0 ? 'accepts' : `rejects (${v.reasons.join(', ')})`;
    test(`${v.req}: ${verdict} ${label}${v.policy ? ` with ${JSON.stringify(v.policy)}` : ''}`, () => {
      const r = checkClientIdUrl(v.url, v.policy);
      assert.deepEqual(
        r.reasons.map((f) => f.code),
        v.reasons,
      );
      assert.deepEqual(
        r.warnings.map((f) => f.code),
        v.warnings ?? [],
      );
      assert.equal(r.accepted, v.reasons.length === 0);
      assert.equal(r.clientId, v.url, 'the identifier is kept exactly as written');
      assert.equal(r.url !== undefined, r.accepted, 'a URL to fetch exists exactly when accepted');
    });
  }
});

describe('Client Identifier URL findings', () => {
  test('R8: comparison is by simple string equality, with no normalisation', () => {
    const base = 'https://c.example/client';
    for (const variant of [
      'https://c.example:443/client',
      'https://C.example/client',
      'https://c.example/client/',
      'https://c.example/%63lient',
    ]) {
      assert.equal(sameClientId(base, variant), false, variant);
    }
    assert.equal(sameClientId(base, 'https://c.example/client'), true);
  });

  test('H1: the URL to fetch is the WHATWG parse of the raw string, which is checked first', () => {
    const r = checkClientIdUrl('https://c.example:443/Client.json');
    assert.equal(r.url?.href, 'https://c.example/Client.json');
    assert.equal(r.clientId, 'https://c.example:443/Client.json');
  });

  test('every finding names the property and the requirement, and its message quotes the value', () => {
    const r = checkClientIdUrl('http://u@c.example/a/../x#f');
    assert.deepEqual(
      r.reasons.map((f) => [f.code, f.requirement, f.property]),
      [
        ['client-id-not-https', 'R1', 'client_id'],
        ['client-id-fragment', 'R7', 'client_id'],
        ['client-id-userinfo', 'R2', 'client_id'],
        ['client-id-dot-segment', 'R5', 'client_id'],
      ],
    );
    assert.match(r.reasons[0]?.message ?? '', /"http" scheme/);
    assert.match(r.reasons[1]?.message ?? '', /#f/);
  });

  test('H1: an invisible character is described by its code point, not printed raw', () => {
    const r = checkClientIdUrl('https://c.example/x\u0007');
    assert.match(r.reasons[0]?.message ?? '', /U\+0007 \(control character\) at position 19/);
  });
});
