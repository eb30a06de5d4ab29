import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseStrictJson, type ReasonCode } from '@cimd/core';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function reasonOf(body: Uint8Array | string, limits = {}): ReasonCode | 'ok' {
  const r = parseStrictJson(body, limits);
  return r.ok ? 'ok' : r.reason.code;
}

describe('strict JSON (R14, H6)', () => {
  test('R14: parses a JSON object from bytes and from a string', () => {
    const r = parseStrictJson(utf8('{"a":[1,true,null,"x"],"b":{"c":-1.5e3}}'));
    assert.deepEqual(r, { ok: true, value: { a: [1, true, null, 'x'], b: { c: -1500 } } });
    assert.equal(reasonOf('{"a":1}'), 'ok');
  });

  test('R14: rejects text that is not JSON, naming the parser error', () => {
    for (const body of ['', '{', '{"a":1,}', "{'a':1}", '{"a":1} x', 'NaN', '{"a":01}']) {
      const r = parseStrictJson(body);
      assert.equal(r.ok, false, body);
      if (!r.ok) {
        assert.equal(r.reason.code, 'document-not-json', body);
        assert.match(r.reason.message, /not valid JSON/);
      }
    }
  });

  test('R14: rejects bytes that are not UTF-8 (Latin-1, overlong, truncated sequences)', () => {
    assert.equal(reasonOf(Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d])), 'document-not-utf8');
    assert.equal(reasonOf(Uint8Array.from([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d])), 'document-not-utf8');
    assert.equal(reasonOf(Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe2, 0x82, 0x22, 0x7d])), 'document-not-utf8');
    assert.equal(reasonOf(utf8('{"name":"Café ☕ 🚀"}')), 'ok');
  });

  test('R14: a string with a lone surrogate cannot be UTF-8 and is rejected', () => {
    assert.equal(reasonOf('{"a":"\ud800"}'), 'document-not-utf8');
  });

  test('R14: a UTF-8 byte-order mark is tolerated (RFC 8259 §8.1 lets parsers ignore it)', () => {
    const r = parseStrictJson(Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8('{"a":1}')]));
    assert.deepEqual(r, { ok: true, value: { a: 1 } });
  });

  test('R14: duplicate member names are rejected, also when spelled with escapes, at any depth', () => {
    const cases: Array<[string, string]> = [
      ['{"client_id":"a","client_id":"b"}', 'client_id'],
      ['{"client_id":"a","client\\u005fid":"b"}', 'client_id'],
      ['{"jwks":{"keys":[{"kty":"EC","kty":"RSA"}]}}', 'jwks.keys[0].kty'],
      ['{"a":{"b":1,"c":{"d":1,"d":2}}}', 'a.c.d'],
    ];
    for (const [body, property] of cases) {
      const r = parseStrictJson(body);
      assert.equal(r.ok, false, body);
      if (!r.ok) {
        assert.equal(r.reason.code, 'document-duplicate-member');
        assert.equal(r.reason.property, property);
      }
    }
  });

  test('R14: the same member name in sibling objects is not a duplicate', () => {
    assert.equal(reasonOf('{"a":{"x":1},"b":{"x":1},"c":[{"x":1},{"x":2}]}'), 'ok');
  });

  test('R14: strings containing braces, quotes and escaped quotes do not confuse the structure scan', () => {
    const body = '{"a":"{\\"a\\":1}","b":"]}[{,\\\\","c":"\\\\","a2":"\\"a\\""}';
    assert.equal(reasonOf(body), 'ok');
    assert.equal(reasonOf('{"a":"\\\\","a":1}'), 'document-duplicate-member');
  });

  test('H6: nesting deeper than the limit is rejected; the limit itself is accepted', () => {
    const nest = (d: number): string => '{"a":'.repeat(d - 1) + '{}' + '}'.repeat(d - 1);
    assert.equal(reasonOf(nest(16)), 'ok');
    assert.equal(reasonOf(nest(17)), 'document-too-deep');
    assert.equal(reasonOf('[[[[1]]]]', { maxDepth: 3 }), 'document-too-deep');
    assert.equal(reasonOf('[[[1]]]', { maxDepth: 3 }), 'ok');
  });

  test('H6: more members and elements than the limit are rejected; exactly the limit is accepted', () => {
    const arr = (n: number): string => `{"a":[${Array.from({ length: n }, () => '0').join(',')}]}`;
    assert.equal(reasonOf(arr(9), { maxMembers: 10 }), 'ok'); // 1 member + 9 elements
    assert.equal(reasonOf(arr(10), { maxMembers: 10 }), 'document-too-many-members');
    const obj = `{${Array.from({ length: 11 }, (_, i) => `"k${i}":1`).join(',')}}`;
    assert.equal(reasonOf(obj, { maxMembers: 10 }), 'document-too-many-members');
  });

  test('R73: a body larger than the byte limit is rejected before parsing, counted in UTF-8 bytes', () => {
    const body = `{"a":"${'x'.repeat(5110)}"}`; // 5118 bytes
    assert.equal(reasonOf(body), 'ok');
    assert.equal(reasonOf(`{"a":"${'é'.repeat(2560)}"}`), 'document-too-large'); // 5128 bytes
    assert.equal(reasonOf(utf8(`{"a":"${'x'.repeat(5200)}"}`)), 'document-too-large');
    assert.equal(reasonOf(utf8(`{"a":"${'x'.repeat(5200)}"}`), { maxBytes: 10_000 }), 'ok');
  });
});
