import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  KNOWN_MEMBERS,
  checkClientIdUrl,
  classifyRedirectUri,
  evaluateDocument,
  isPlainHttpsUrl,
  isReasonCode,
  matchRedirectUri,
  parseStrictJson,
  type Finding,
  type Verdict,
} from '@cimd/core';

const RUNS = { numRuns: 2000 };
const ID = 'https://app.example/client.json';

function wellFormed(findings: readonly Finding[]): void {
  for (const f of findings) {
    assert.ok(isReasonCode(f.code), f.code);
    assert.equal(typeof f.message, 'string');
    assert.ok(f.message.length > 0);
  }
}

function checkVerdict(v: Verdict, clientId: string): void {
  wellFormed(v.reasons);
  wellFormed(v.warnings);
  assert.equal(v.accepted, v.reasons.length === 0);
  assert.equal(v.client_id, clientId);
  if (v.accepted) {
    assert.equal(v.metadata?.client_id, clientId, 'an accepted document always names the URL exactly');
    assert.ok(v.negotiated !== undefined);
  } else {
    assert.equal(v.metadata, undefined);
    assert.equal(v.negotiated, undefined);
  }
}

/** Strings biased towards URL syntax, so that the interesting branches are reached. */
const urlish = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc
    .tuple(
      fc.constantFrom('https://', 'http://', 'HTTPS://', 'https:', 'https:///', ''),
      fc.constantFrom('', 'u@', 'u:p@'),
      fc.oneof(
        fc.domain(),
        fc.ipV4(),
        fc.ipV6().map((a) => `[${a}]`),
        fc.constantFrom('C.example', 'c..example', '2130706433'),
      ),
      fc.constantFrom('', ':443', ':0', ':', ':99999'),
      fc
        .array(fc.constantFrom('a', '.', '..', '%2e', '%2E%2e', 'x.json', '', '%zz', 'é'), { maxLength: 4 })
        .map((s) => (s.length ? `/${s.join('/')}` : '')),
      fc.constantFrom('', '?', '?a=1', '#', '#f', '?a#b'),
    )
    .map((parts) => parts.join('')),
);

describe('properties of the validators (fast-check)', () => {
  test('H1: checkClientIdUrl returns a well-formed verdict for any string and never throws', () => {
    fc.assert(
      fc.property(urlish, (raw) => {
        const r = checkClientIdUrl(raw);
        wellFormed(r.reasons);
        wellFormed(r.warnings);
        assert.equal(r.accepted, r.reasons.length === 0);
        assert.equal(r.clientId, raw);
        if (r.accepted) {
          assert.ok(raw.startsWith('https://'), 'R1');
          assert.ok(!raw.includes('#'), 'R7');
          assert.ok(!/[\s\\\p{Cc}]/u.test(raw), 'H1');
          assert.ok(r.url instanceof URL);
          assert.equal(r.url.protocol, 'https:');
          assert.equal(r.url.username + r.url.password, '', 'R2');
        }
      }),
      RUNS,
    );
  });

  test('R14: parseStrictJson round-trips every JSON value JSON.stringify can produce', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const text = JSON.stringify(value);
        const r = parseStrictJson(text, { maxBytes: 1 << 20, maxDepth: 64, maxMembers: 1 << 20 });
        assert.deepEqual(r, { ok: true, value: JSON.parse(text) as unknown });
      }),
      RUNS,
    );
  });

  test('R14: a repeated member name is always found, at any depth and whatever the values', () => {
    const object = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { minKeys: 1, maxKeys: 6 });
    fc.assert(
      fc.property(object, fc.nat(), fc.constantFrom('top', 'in-object', 'in-array'), (o, pick, where) => {
        const keys = Object.keys(o);
        const key = keys[pick % keys.length] as string;
        const repeated = `{${JSON.stringify(key)}:${JSON.stringify(o[key] ?? null)},${JSON.stringify(o).slice(1)}`;
        const text =
          where === 'top' ? repeated : where === 'in-object' ? `{"outer":${repeated},"z":1}` : `[1,${repeated},{"a":2}]`;
        const r = parseStrictJson(text, { maxBytes: 1 << 20, maxDepth: 64, maxMembers: 1 << 20 });
        assert.equal(r.ok ? 'ok' : r.reason.code, 'document-duplicate-member', text);
      }),
      RUNS,
    );
  });

  test('R14: parseStrictJson returns a verdict for any bytes and never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ unit: 'binary' })), (body) => {
        const r = parseStrictJson(body);
        if (!r.ok) wellFormed([r.reason]);
      }),
      RUNS,
    );
  });

  test('evaluateDocument returns a well-formed verdict for any JSON value and never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        checkVerdict(evaluateDocument(ID, JSON.stringify(value)), ID);
      }),
      RUNS,
    );
  });

  test('evaluateDocument on documents made of known members with arbitrary values never throws', () => {
    const memberValue = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.array(
        fc.oneof(
          fc.webUrl(),
          fc.string(),
          fc.constantFrom('none', 'private_key_jwt', 'client_secret_basic', 'authorization_code', 'code'),
        ),
      ),
      fc.webUrl(),
      fc.constantFrom('none', 'private_key_jwt', 'native', 'web'),
    );
    const members = fc.dictionary(
      fc.constantFrom(...Object.keys(KNOWN_MEMBERS), 'client_name#fr', 'logo_uri#de', '@context'),
      memberValue,
    );
    fc.assert(
      fc.property(members, fc.boolean(), (extra, withId) => {
        const document = withId ? { ...extra, client_id: ID } : extra;
        checkVerdict(evaluateDocument(ID, JSON.stringify(document)), ID);
      }),
      RUNS,
    );
  });

  test('R26: matchRedirectUri only ever returns a registered value, and always finds an exact one', () => {
    fc.assert(
      fc.property(fc.array(urlish, { maxLength: 5 }), urlish, (registered, requested) => {
        const m = matchRedirectUri(requested, registered);
        if (m !== undefined) assert.ok(registered.includes(m));
        if (registered.includes(requested)) assert.equal(m, requested);
        if (m !== undefined && m !== requested) {
          assert.ok(requested.startsWith('http://'), 'only loopback http is relaxed');
        }
      }),
      RUNS,
    );
  });

  test('the fast https path never accepts what the WHATWG parser refuses or reads differently', () => {
    const hosts = fc.oneof(
      fc.domain(),
      fc.constantFrom(
        'a.123',
        'a.0x1f',
        '1.2.3.4',
        'xn--zz.example',
        'XN--bcher-kva.example',
        'a..b',
        'a-.b',
        '-a.b',
        'a_b.c',
        'A.EXAMPLE',
      ),
    );
    const candidates = fc.oneof(
      urlish,
      fc
        .tuple(
          hosts,
          fc.constantFrom('', ':1', ':443', ':65535', ':65536', ':0', ':x'),
          fc.constantFrom('/', '/a?b', '/%41', '/%4', '?q', ''),
        )
        .map(([h, p, rest]) => `https://${h}${p}${rest}`),
    );
    fc.assert(
      fc.property(candidates, (raw) => {
        if (!isPlainHttpsUrl(raw)) return;
        assert.ok(URL.canParse(raw), raw);
        const u = new URL(raw);
        assert.equal(u.protocol, 'https:');
        assert.equal(u.username + u.password, '');
        assert.equal(u.hash, '');
        assert.ok(!u.hostname.startsWith('['), raw);
        assert.ok(!/^[\d.]+$/.test(u.hostname), `${raw} must not be read as an IPv4 address`);
      }),
      RUNS,
    );
  });

  test('R26: a loopback redirect is classified loopback exactly when WHATWG reads it as http on loopback', () => {
    const octet = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('00', '01', '0x7f', ''));
    const candidate = fc
      .tuple(
        fc.constantFrom('http://', 'HTTP://', 'https://'),
        fc.oneof(
          fc.tuple(octet, octet, octet).map(([a, b, c]) => `127.${a}.${b}.${c}`),
          fc.constantFrom('[::1]', '[0::1]', '127.1', 'localhost'),
        ),
        fc.oneof(
          fc.constant(''),
          fc.integer({ min: 0, max: 70_000 }).map((p) => `:${p}`),
          fc.constant(':'),
        ),
        fc.constantFrom('', '/', '/callback', '/cb?x=1', '/a#f', '/%41', '/%4', '/ a'),
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(candidate, (raw) => {
        const c = classifyRedirectUri(raw);
        const parsed = URL.canParse(raw) ? new URL(raw) : undefined;
        const whatwgLoopback =
          parsed !== undefined &&
          parsed.protocol === 'http:' &&
          /^(127\.\d+\.\d+\.\d+|\[::1\])$/.test(parsed.hostname) &&
          !raw.includes('#') &&
          /^[\x21-\x7e]*$/.test(raw) &&
          !/%(?![0-9A-Fa-f]{2})/.test(raw) &&
          /^http:\/\//i.test(raw);
        assert.equal(c.ok && c.kind === 'loopback', whatwgLoopback, raw);
      }),
      RUNS,
    );
  });

  test('R25: classifyRedirectUri never throws and never accepts a fragment or a forbidden scheme', () => {
    fc.assert(
      fc.property(urlish, (raw) => {
        const c = classifyRedirectUri(raw);
        if (c.ok) {
          assert.ok(!raw.includes('#'));
          assert.ok(!/^(javascript|data|file|vbscript):/i.test(raw));
        } else wellFormed([c.reason]);
      }),
      RUNS,
    );
  });
});
