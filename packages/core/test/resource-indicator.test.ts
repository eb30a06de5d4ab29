import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalResourceUri } from '@cimd/core';

describe('canonical resource URIs (RFC 8707, MCP canonical server URI)', () => {
  const cases: Array<[string, string]> = [
    ['https://mcp.example.com/mcp', 'https://mcp.example.com/mcp'],
    ['HTTPS://MCP.Example.COM/mcp', 'https://mcp.example.com/mcp'],
    ['https://MCP.example.com:8443/Tools/MCP?Q=A', 'https://mcp.example.com:8443/Tools/MCP?Q=A'],
    ['http://[::1]:3000/mcp', 'http://[::1]:3000/mcp'],
    ['https://User@API.example/x', 'https://User@api.example/x'],
    ['https://api.example', 'https://api.example'],
    ['https://api.example/', 'https://api.example/'],
    ['https://API.example/x#Frag', 'https://api.example/x#Frag'],
  ];
  for (const [input, canonical] of cases) {
    test(`MCP: scheme and host lower-cased, the rest as written: ${input}`, () => {
      assert.equal(canonicalResourceUri(input), canonical);
      assert.equal(canonicalResourceUri(canonical), canonical, 'idempotent');
    });
  }

  test('a string without scheme or authority is returned unchanged', () => {
    for (const s of ['/mcp', 'urn:example:Resource', 'mcp.example.com/mcp', '']) assert.equal(canonicalResourceUri(s), s);
  });
});
