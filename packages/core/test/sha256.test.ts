import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { sha256 } from '@cimd/core';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const reference = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('sha256 (the document digest behind ResolvedClient.digest, R64)', () => {
  test('FIPS 180-4 example vectors: empty, "abc", the two-block message, a million "a"', () => {
    assert.equal(hex(sha256(new Uint8Array(0))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(hex(sha256(ascii('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(
      hex(sha256(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    assert.equal(
      hex(sha256(new Uint8Array(1_000_000).fill(0x61))),
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  test("equals Node's SHA-256 for every length from 0 to 300 bytes (all padding cases around 55, 56, 64, 119, 120, 128)", () => {
    const data = randomBytes(300);
    for (let n = 0; n <= 300; n++) {
      const slice = new Uint8Array(data.subarray(0, n));
      assert.equal(hex(sha256(slice)), reference(slice), `length ${n}`);
    }
  });

  test("equals Node's SHA-256 on arbitrary inputs up to 20 KB, including views into larger buffers", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20_000 }), fc.nat(16), (bytes, skip) => {
        const view = bytes.subarray(Math.min(skip, bytes.length));
        assert.equal(hex(sha256(view)), reference(view));
      }),
      { numRuns: 300 },
    );
  });

  test('does not modify its input', () => {
    const input = randomBytes(100);
    const copy = Buffer.from(input);
    sha256(input);
    assert.deepEqual(input, copy);
  });
});
