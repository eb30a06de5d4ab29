import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeFreshness, DEFAULT_FRESHNESS_BOUNDS, type FreshnessBasis, type FreshnessBounds } from '@cimd/core';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const S = 1000;
const MIN = DEFAULT_FRESHNESS_BOUNDS.minMs;
const MAX = DEFAULT_FRESHNESS_BOUNDS.maxMs;

/** An IMF-fixdate `offsetMs` from NOW. */
function at(offsetMs: number): string {
  return new Date(NOW + offsetMs).toUTCString();
}

interface Vector {
  readonly req: string;
  readonly name: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly lifetimeMs: number;
  readonly basis: FreshnessBasis;
  readonly clamped?: 'min' | 'max';
  readonly bounds?: Partial<FreshnessBounds>;
}

// Every vector names the requirement it pins. Defaults: minimum 5 min, maximum 24 h.
const VECTORS: readonly Vector[] = [
  // R37: max-age is honoured; directive names are case-insensitive; other directives are ignored.
  { req: 'R37', name: 'max-age', headers: { 'cache-control': 'max-age=600' }, lifetimeMs: 600 * S, basis: 'max-age' },
  { req: 'R37', name: 'upper-case name', headers: { 'cache-control': 'MAX-AGE=600' }, lifetimeMs: 600 * S, basis: 'max-age' },
  {
    req: 'R37',
    name: 'with public',
    headers: { 'cache-control': 'public, max-age=3600' },
    lifetimeMs: 3600 * S,
    basis: 'max-age',
  },
  {
    req: 'R37',
    name: 'empty list elements',
    headers: { 'cache-control': ', ,max-age=600 ,' },
    lifetimeMs: 600 * S,
    basis: 'max-age',
  },
  { req: 'R37', name: 'quoted argument', headers: { 'cache-control': 'max-age="600"' }, lifetimeMs: 600 * S, basis: 'max-age' },
  {
    req: 'R37',
    name: 'repeated with one value',
    headers: { 'cache-control': 'max-age=600, max-age=600' },
    lifetimeMs: 600 * S,
    basis: 'max-age',
  },
  {
    req: 'R37',
    name: 'must-revalidate and stale-while-revalidate are ignored',
    headers: { 'cache-control': 'max-age=600, must-revalidate, stale-while-revalidate=60' },
    lifetimeMs: 600 * S,
    basis: 'max-age',
  },
  // R37: shared-cache semantics, s-maxage wins over max-age in either order.
  {
    req: 'R37',
    name: 's-maxage after max-age',
    headers: { 'cache-control': 'max-age=60, s-maxage=900' },
    lifetimeMs: 900 * S,
    basis: 's-maxage',
  },
  {
    req: 'R37',
    name: 's-maxage before max-age',
    headers: { 'cache-control': 's-maxage=900, max-age=7200' },
    lifetimeMs: 900 * S,
    basis: 's-maxage',
  },
  // R37, R38: no-store, no-cache, private (unqualified) and max-age=0 give the minimum, not zero.
  { req: 'R38', name: 'no-store', headers: { 'cache-control': 'no-store' }, lifetimeMs: MIN, basis: 'no-store', clamped: 'min' },
  {
    req: 'R38',
    name: 'no-store beats max-age',
    headers: { 'cache-control': 'no-store, max-age=3600' },
    lifetimeMs: MIN,
    basis: 'no-store',
    clamped: 'min',
  },
  {
    req: 'R38',
    name: 'the VS Code header',
    headers: { 'cache-control': 'no-store,no-cache,max-age=0' },
    lifetimeMs: MIN,
    basis: 'no-store',
    clamped: 'min',
  },
  { req: 'R38', name: 'no-cache', headers: { 'cache-control': 'no-cache' }, lifetimeMs: MIN, basis: 'no-cache', clamped: 'min' },
  {
    req: 'R37',
    name: 'qualified no-cache concerns one field only',
    headers: { 'cache-control': 'no-cache="set-cookie", max-age=3600' },
    lifetimeMs: 3600 * S,
    basis: 'max-age',
  },
  { req: 'R38', name: 'private', headers: { 'cache-control': 'private' }, lifetimeMs: MIN, basis: 'private', clamped: 'min' },
  {
    req: 'R38',
    name: 'private beats max-age in a shared cache',
    headers: { 'cache-control': 'private, max-age=3600' },
    lifetimeMs: MIN,
    basis: 'private',
    clamped: 'min',
  },
  {
    req: 'R37',
    name: 'qualified private concerns one field only',
    headers: { 'cache-control': 'private="set-cookie", max-age=3600' },
    lifetimeMs: 3600 * S,
    basis: 'max-age',
  },
  { req: 'R38', name: 'max-age=0', headers: { 'cache-control': 'max-age=0' }, lifetimeMs: MIN, basis: 'max-age', clamped: 'min' },
  // R38: clamped to the bounds.
  {
    req: 'R38',
    name: 'below the minimum',
    headers: { 'cache-control': 'max-age=60' },
    lifetimeMs: MIN,
    basis: 'max-age',
    clamped: 'min',
  },
  {
    req: 'R38',
    name: 'a year is clamped to the maximum',
    headers: { 'cache-control': 'max-age=31536000' },
    lifetimeMs: MAX,
    basis: 'max-age',
    clamped: 'max',
  },
  {
    req: 'R38',
    name: 'a huge delta-seconds is read as 2^31 s and clamped',
    headers: { 'cache-control': 'max-age=99999999999999999999999' },
    lifetimeMs: MAX,
    basis: 'max-age',
    clamped: 'max',
  },
  {
    req: 'R38',
    name: 'configured bounds: inside',
    headers: { 'cache-control': 'max-age=120' },
    lifetimeMs: 120 * S,
    basis: 'max-age',
    bounds: { minMs: 60 * S, maxMs: 3600 * S },
  },
  {
    req: 'R38',
    name: 'configured bounds: above',
    headers: { 'cache-control': 'max-age=7200' },
    lifetimeMs: 3600 * S,
    basis: 'max-age',
    clamped: 'max',
    bounds: { minMs: 60 * S, maxMs: 3600 * S },
  },
  // R37: bogus values make the response stale (the minimum).
  {
    req: 'R37',
    name: 'non-numeric',
    headers: { 'cache-control': 'max-age=abc' },
    lifetimeMs: MIN,
    basis: 'invalid',
    clamped: 'min',
  },
  { req: 'R37', name: 'negative', headers: { 'cache-control': 'max-age=-1' }, lifetimeMs: MIN, basis: 'invalid', clamped: 'min' },
  {
    req: 'R37',
    name: 'fractional',
    headers: { 'cache-control': 'max-age=1.5' },
    lifetimeMs: MIN,
    basis: 'invalid',
    clamped: 'min',
  },
  {
    req: 'R37',
    name: 'empty argument',
    headers: { 'cache-control': 'max-age=' },
    lifetimeMs: MIN,
    basis: 'invalid',
    clamped: 'min',
  },
  {
    req: 'R37',
    name: 'conflicting repeats',
    headers: { 'cache-control': 'max-age=600, max-age=60000' },
    lifetimeMs: MIN,
    basis: 'invalid',
    clamped: 'min',
  },
  {
    req: 'R37',
    name: 'malformed list',
    headers: { 'cache-control': 'max-age=600;foo' },
    lifetimeMs: MIN,
    basis: 'invalid',
    clamped: 'min',
  },
  {
    req: 'R37',
    name: 'invalid s-maxage is not rescued by max-age',
    headers: { 'cache-control': 's-maxage=soon, max-age=600' },
    lifetimeMs: MIN,
    basis: 'invalid',
    clamped: 'min',
  },
  // R37: Expires, relative to Date (skew-free), else to the time of receipt.
  {
    req: 'R37',
    name: 'Expires - Date',
    headers: { date: at(0), expires: at(3600 * S) },
    lifetimeMs: 3600 * S,
    basis: 'expires',
  },
  {
    req: 'R37',
    name: 'a host clock two hours slow does not matter',
    headers: { date: at(-7200 * S), expires: at(-3600 * S) },
    lifetimeMs: 3600 * S,
    basis: 'expires',
  },
  {
    req: 'R37',
    name: 'Expires without Date is relative to receipt',
    headers: { expires: at(7200 * S) },
    lifetimeMs: 7200 * S,
    basis: 'expires',
  },
  {
    req: 'R37',
    name: 'an invalid Date falls back to receipt',
    headers: { date: 'yesterday', expires: at(7200 * S) },
    lifetimeMs: 7200 * S,
    basis: 'expires',
  },
  {
    req: 'R37',
    name: 'Expires in the RFC 850 format',
    headers: { expires: 'Saturday, 28-Nov-26 14:00:00 GMT' },
    lifetimeMs: 7200 * S,
    basis: 'expires',
  },
  {
    req: 'R37',
    name: 'Expires in the asctime format',
    headers: { expires: 'Sat Nov 28 14:00:00 2026' },
    lifetimeMs: 7200 * S,
    basis: 'expires',
  },
  {
    req: 'R37',
    name: 'Expires in the past',
    headers: { date: at(0), expires: at(-60 * S) },
    lifetimeMs: MIN,
    basis: 'expires',
    clamped: 'min',
  },
  { req: 'R37', name: 'Expires: 0', headers: { expires: '0' }, lifetimeMs: MIN, basis: 'invalid', clamped: 'min' },
  {
    req: 'R37',
    name: 'Expires not an HTTP-date',
    headers: { expires: '2026-11-28T14:00:00Z' },
    lifetimeMs: MIN,
    basis: 'invalid',
    clamped: 'min',
  },
  {
    req: 'R37',
    name: 'max-age beats Expires',
    headers: { 'cache-control': 'max-age=600', expires: at(7200 * S) },
    lifetimeMs: 600 * S,
    basis: 'max-age',
  },
  // R37: Age is subtracted; an invalid Age makes the response stale.
  {
    req: 'R37',
    name: 'Age is subtracted',
    headers: { 'cache-control': 'max-age=3600', age: '600' },
    lifetimeMs: 3000 * S,
    basis: 'max-age',
  },
  {
    req: 'R37',
    name: 'Age is subtracted from Expires too',
    headers: { date: at(0), expires: at(3600 * S), age: '1200' },
    lifetimeMs: 2400 * S,
    basis: 'expires',
  },
  {
    req: 'R37',
    name: 'Age beyond max-age',
    headers: { 'cache-control': 'max-age=3600', age: '4000' },
    lifetimeMs: MIN,
    basis: 'max-age',
    clamped: 'min',
  },
  {
    req: 'R37',
    name: 'invalid Age',
    headers: { 'cache-control': 'max-age=3600', age: 'old' },
    lifetimeMs: MIN,
    basis: 'invalid',
    clamped: 'min',
  },
  // R38: no explicit freshness (and no heuristics from Last-Modified) gives the minimum.
  { req: 'R38', name: 'no headers', headers: {}, lifetimeMs: MIN, basis: 'none', clamped: 'min' },
  {
    req: 'R38',
    name: 'Last-Modified alone',
    headers: { 'last-modified': at(-365 * 86400 * S) },
    lifetimeMs: MIN,
    basis: 'none',
    clamped: 'min',
  },
];

describe('computeFreshness (R37, R38)', () => {
  for (const v of VECTORS) {
    test(`${v.req}: ${v.name}: ${JSON.stringify(v.headers)} → ${v.lifetimeMs / S} s (${v.basis})`, () => {
      const f = computeFreshness(v.headers, NOW, v.bounds);
      assert.equal(f.lifetimeMs, v.lifetimeMs);
      assert.equal(f.basis, v.basis);
      assert.equal(f.clamped, v.clamped);
    });
  }

  test('R38: requestedMs keeps what the headers asked for before clamping', () => {
    assert.equal(computeFreshness({ 'cache-control': 'max-age=31536000' }, NOW).requestedMs, 31536000 * S);
    assert.equal(computeFreshness({ 'cache-control': 'no-store' }, NOW).requestedMs, 0);
  });
});
