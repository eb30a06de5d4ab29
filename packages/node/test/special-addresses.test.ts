import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addressRefusal, classifyAddress, IPV4_SPECIAL_RANGES, IPV6_SPECIAL_RANGES, PRODUCTION_ADDRESS_POLICY } from '@cimd/node';
import { SPECIAL_SAMPLES } from './kit/index.js';

/** Ordinary public addresses that must stay fetchable. */
const PUBLIC = ['1.1.1.1', '8.8.8.8', '93.184.215.14', '100.128.0.1', '172.32.0.1', '192.0.3.1', '198.20.0.1', '223.255.255.254'];
const PUBLIC_V6 = ['2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '2001:200::1', '2003::1', '3ffe::1'];

describe('R69: the special-purpose address tables', () => {
  for (const { address, cidr } of SPECIAL_SAMPLES) {
    test(`R69: ${address} is refused as ${cidr}`, () => {
      const found = classifyAddress(address);
      assert.equal(found?.range?.cidr, cidr);
      const why = addressRefusal(address, PRODUCTION_ADDRESS_POLICY) ?? '';
      assert.ok(why.includes(cidr), why);
      assert.ok(why.includes(found.range.rfc), why);
    });
  }

  test('R69: ordinary public IPv4 and IPv6 addresses are not special', () => {
    for (const address of [...PUBLIC, ...PUBLIC_V6]) {
      assert.equal(classifyAddress(address)?.range, undefined, address);
      assert.equal(addressRefusal(address, PRODUCTION_ADDRESS_POLICY), undefined, address);
    }
  });

  test('R69: every table entry parses, names an RFC, and has a sample above', () => {
    const sampled = new Set(SPECIAL_SAMPLES.map((s) => s.cidr));
    for (const range of [...IPV4_SPECIAL_RANGES, ...IPV6_SPECIAL_RANGES]) {
      assert.match(range.rfc, /^RFC \d+/, range.cidr);
      assert.ok(range.name.length > 0);
      assert.ok(sampled.has(range.cidr), `no sample for ${range.cidr}`);
    }
  });

  test('R69: embedded IPv4 addresses are named in the refusal (mapped, NAT64, 6to4, Teredo, compatible)', () => {
    assert.match(
      addressRefusal('::ffff:169.254.169.254', PRODUCTION_ADDRESS_POLICY) ?? '',
      /embeds the IPv4 address 169\.254\.169\.254 from 169\.254\.0\.0\/16/,
    );
    assert.match(
      addressRefusal('64:ff9b::a00:5', PRODUCTION_ADDRESS_POLICY) ?? '',
      /embeds the IPv4 address 10\.0\.0\.5 from 10\.0\.0\.0\/8/,
    );
    assert.match(
      addressRefusal('2002:7f00:1::', PRODUCTION_ADDRESS_POLICY) ?? '',
      /embeds the IPv4 address 127\.0\.0\.1 from 127\.0\.0\.0\/8/,
    );
    // Teredo carries the client's address bit-inverted: 0x3fff:fdd2 → 192.0.2.45 (RFC 4380 §4).
    assert.match(
      addressRefusal('2001:0:4136:e378:8000:63bf:3fff:fdd2', PRODUCTION_ADDRESS_POLICY) ?? '',
      /embeds the IPv4 address 192\.0\.2\.45/,
    );
    assert.match(addressRefusal('::a9fe:a9fe', PRODUCTION_ADDRESS_POLICY) ?? '', /embeds the IPv4 address 169\.254\.169\.254/);
    // A public embedded address does not make a mapped address acceptable.
    assert.match(
      addressRefusal('::ffff:8.8.8.8', PRODUCTION_ADDRESS_POLICY) ?? '',
      /::ffff:0:0\/96.*embeds the IPv4 address 8\.8\.8\.8$/,
    );
  });

  test('R69: text that is not a plain IP address is refused, including shorthand IPv4 spellings', () => {
    for (const text of [
      '127.1',
      '0x7f.1',
      '0177.0.0.1',
      '2130706433',
      'localhost',
      '',
      '1.2.3.4.5',
      '256.1.1.1',
      '01.2.3.4',
      '::g',
    ]) {
      assert.equal(classifyAddress(text), undefined, text);
      assert.match(addressRefusal(text, PRODUCTION_ADDRESS_POLICY) ?? '', /not an IP address/, text);
    }
  });

  test('R70: allowLoopback opens 127.0.0.0/8 and ::1 only', () => {
    const dev = { allowLoopback: true };
    for (const address of ['127.0.0.1', '127.8.9.10', '::1']) assert.equal(addressRefusal(address, dev), undefined, address);
    for (const { address } of SPECIAL_SAMPLES) {
      const range = classifyAddress(address)?.range?.cidr;
      if (range === '127.0.0.0/8' || range === '::1/128') continue;
      assert.notEqual(addressRefusal(address, dev), undefined, `${address} must stay refused`);
    }
    // Loopback wrapped in another block stays refused.
    for (const address of ['::ffff:127.0.0.1', '::7f00:1', '64:ff9b::7f00:1', '2002:7f00:1::1', '0.0.0.0', '::']) {
      assert.notEqual(addressRefusal(address, dev), undefined, address);
    }
  });
});
