import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHttpDate } from '@cimd/core';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const EXPECTED = Date.UTC(1994, 10, 6, 8, 49, 37);

test('R37: the three HTTP-date formats of RFC 9110 §5.6.7 are read', () => {
  assert.equal(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT', NOW), EXPECTED);
  assert.equal(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', NOW), EXPECTED);
  assert.equal(parseHttpDate('Sun Nov  6 08:49:37 1994', NOW), EXPECTED);
  assert.equal(parseHttpDate('  Sun, 06 Nov 1994 08:49:37 GMT  ', NOW), EXPECTED);
});

test('R37: a two-digit year is read as at most 50 years ahead, else in the past century', () => {
  assert.equal(parseHttpDate('Thursday, 01-Jan-70 00:00:00 GMT', NOW), Date.UTC(2070, 0, 1));
  assert.equal(parseHttpDate('Thursday, 01-Jan-80 00:00:00 GMT', NOW), Date.UTC(1980, 0, 1));
});

test('R37: anything else is not a date, however Date.parse would read it', () => {
  for (const bad of [
    '0',
    '1',
    '-1',
    '',
    '2026-11-28T14:00:00Z',
    'Sun, 06 Nov 1994 08:49:37 gmt',
    'Sun, 06 Nov 1994 08:49:37 UTC',
    'Sun, 6 Nov 1994 08:49:37 GMT',
    'Sun, 31 Feb 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 25:00:00 GMT',
    'Sun, 06 Nov 1994 08:60:00 GMT',
    'Sun, 00 Nov 1994 08:49:37 GMT',
    'Sun, 06 Foo 1994 08:49:37 GMT',
    'Xyz, 06 Nov 1994 08:49:37 GMT',
  ]) {
    assert.equal(parseHttpDate(bad, NOW), undefined, bad);
  }
});
