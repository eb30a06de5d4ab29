import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isJsonMediaType, isLogoMediaType, parseMediaType } from '@cimd/node';

describe('H5: Content-Type parsing (RFC 9110 §8.3.1)', () => {
  const parsed: readonly [string, string, Record<string, string>][] = [
    ['application/json', 'application/json', {}],
    ['Application/JSON', 'application/json', {}],
    ['application/json; charset=utf-8', 'application/json', { charset: 'utf-8' }],
    ['application/json ;CHARSET="utf-8"', 'application/json', { charset: 'utf-8' }],
    ['application/json;charset="a\\"b"', 'application/json', { charset: 'a"b' }],
    ['  application/jwk-set+json  ', 'application/jwk-set+json', {}],
    ['application/json;;', 'application/json', {}],
    ['image/png; q=0.5', 'image/png', { q: '0.5' }],
  ];
  for (const [value, essence, parameters] of parsed) {
    test(`H5: ${JSON.stringify(value)} parses as ${essence}`, () => {
      const media = parseMediaType(value);
      assert.equal(`${media?.type}/${media?.subtype}`, essence);
      assert.deepEqual(Object.fromEntries(media?.parameters ?? []), parameters);
    });
  }

  const invalid = [
    '',
    'application',
    'application/',
    '/json',
    'application/json, text/html',
    'application/json charset=utf-8',
    'application/json; charset',
    'application/json; charset=',
    'application/json; charset="utf-8',
    'application/json; a=1; A=2',
    'application /json',
    'application/json; charset=utf 8',
    'application/json\u0000',
    'text/html\r\n',
  ];
  for (const value of invalid) {
    test(`H5: ${JSON.stringify(value)} is not one valid media type`, () => {
      assert.equal(parseMediaType(value), undefined);
    });
  }

  test('H5, R18: JSON is application/json or application/<name>+json, nothing else', () => {
    const json = (v: string): boolean => {
      const media = parseMediaType(v);
      return media !== undefined && isJsonMediaType(media);
    };
    for (const v of ['application/json', 'application/jwk-set+json', 'application/cimd+json', 'application/vnd.x+json; v=1']) {
      assert.ok(json(v), v);
    }
    for (const v of [
      'application/+json',
      'text/json',
      'application/jsonx',
      'application/json+xml',
      'text/html; x=application/json',
    ]) {
      assert.ok(!json(v), v);
    }
  });

  test('R74: logos are raster images only', () => {
    const logo = (v: string): boolean => {
      const media = parseMediaType(v);
      return media !== undefined && isLogoMediaType(media);
    };
    for (const v of ['image/png', 'image/jpeg', 'image/gif', 'image/webp']) assert.ok(logo(v), v);
    for (const v of ['image/svg+xml', 'image/jpg', 'image/bmp', 'text/html', 'application/octet-stream']) assert.ok(!logo(v), v);
  });
});
