import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { webCryptoDigest } from '@cimd/core';
import { documentDigest } from '@cimd/node';

test('R64: the node:crypto document digest equals the Web Crypto default, byte for byte', async () => {
  for (const size of [0, 1, 55, 56, 63, 64, 65, 1000, 5120]) {
    const bytes = new Uint8Array(randomBytes(size));
    assert.equal(documentDigest(bytes), await webCryptoDigest(bytes), `size ${size}`);
  }
  assert.equal(documentDigest(new TextEncoder().encode('abc')), 'sha256:ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
});
