import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodePunycode, editDistance, findLookalike, hostToUnicode, registrableDomain, skeleton } from '../../src/index.js';

const BRANDS = ['paypal.com', 'example.com', 'github.com', 'claude.ai', 'microsoft.com'];
/** The host as WHATWG URL parsing writes it (IDNs become xn-- labels). */
const host = (name: string): string => new URL(`https://${name}/c.json`).hostname;

describe('lookalike detection (R75, slides: does the domain "look" similar to popular domains?)', () => {
  test('R75: a Cyrillic letter inside a known brand is an IDN homograph', () => {
    const cyrillicA = host('p\u0430ypal.com'); // Cyrillic а
    assert.match(cyrillicA, /^xn--/);
    assert.deepEqual(findLookalike(cyrillicA, BRANDS), { kind: 'homograph', brand: 'paypal.com' });
    assert.deepEqual(findLookalike(host('\u0440\u0430ypal.com'), BRANDS), { kind: 'homograph', brand: 'paypal.com' }); // р, а
    assert.deepEqual(findLookalike(host('micr\u03bfsoft.com'), BRANDS), { kind: 'homograph', brand: 'microsoft.com' }); // Greek ο
    // A letter outside the confusables table still counts as one edit.
    assert.deepEqual(findLookalike(host('githu\u0184.com'), ['github.com']), { kind: 'typo', brand: 'github.com' });
  });

  test('R75: small edits are typos: paypa1, paypall, transposed letters, rn for m, the brand name under another suffix', () => {
    for (const h of ['paypa1.com', 'paypall.com', 'paypla.com', 'paypal.co', 'paypal.com.au', 'githuh.com', 'rnicrosoft.com']) {
      assert.equal(findLookalike(h, BRANDS)?.kind, 'typo', h);
    }
    assert.deepEqual(findLookalike('paypa1.com', BRANDS), { kind: 'typo', brand: 'paypal.com' });
  });

  test('R75: a brand inside a subdomain (or inside the registered name) is flagged', () => {
    for (const h of [
      'login-example.com.evil.test',
      'example.com.evil.test',
      'paypal.com.secure-login.test',
      'www.example-com.evil.test',
    ]) {
      assert.equal(findLookalike(h, BRANDS)?.kind, 'brand-in-subdomain', h);
    }
    assert.deepEqual(findLookalike(host('p\u0430ypal.com.evil.test'), BRANDS), {
      kind: 'brand-in-subdomain',
      brand: 'paypal.com',
    });
  });

  test('R75: the brands themselves, their subdomains and unrelated hosts are not lookalikes', () => {
    for (const h of [
      'paypal.com',
      'www.paypal.com',
      'api.github.com',
      'claude.ai',
      'app.example',
      'evil.test',
      'mail.foo.com',
      'gitlab.com',
      'cloud.example',
      'login.evil.test',
      'paypal-fan-club.evil.test'.replace('paypal', 'pay-pal'),
      'example-app.org'.replace('example', 'sample'),
      '127.0.0.1',
    ]) {
      assert.equal(findLookalike(h, BRANDS), undefined, h);
    }
    assert.equal(findLookalike('paypa1.com', []), undefined, 'no brands, no lookalikes');
  });

  test('R75: short brand names are compared exactly, never by edit distance (too many innocent neighbours)', () => {
    assert.equal(findLookalike('ibn.com', ['ibm.com']), undefined);
    assert.equal(findLookalike('ibm.co', ['ibm.com'])?.kind, 'typo');
  });
});

describe('the pieces of lookalike detection', () => {
  test('R75: Punycode decodes RFC 3492 samples and refuses garbage', () => {
    assert.equal(decodePunycode('pypal-4ve'), 'p\u0430ypal');
    assert.equal(decodePunycode('mnchen-3ya'), 'münchen');
    assert.equal(decodePunycode('ihqwcrb4cv8a8dqg056pqjye'), '他们为什么不说中文');
    assert.equal(decodePunycode('-> $1.00 <--'), '-> $1.00 <-', 'RFC 3492 §7.1 sample S: ASCII only');
    assert.equal(decodePunycode('abc-!!'), undefined);
    assert.equal(decodePunycode('99999999999'), undefined);
    assert.equal(hostToUnicode('www.xn--mnchen-3ya.de.'), 'www.münchen.de');
  });

  test('R75: skeletons fold confusable letters, accents, full-width forms and typo tricks', () => {
    assert.equal(skeleton('p\u0430yp\u0430l'), 'paypal');
    assert.equal(skeleton('ｐａｙｐａｌ'), 'paypal');
    assert.equal(skeleton('pàypal'), 'paypal');
    assert.equal(skeleton('paypa1'), 'paypal');
    assert.equal(skeleton('rnicrosoft'), 'microsoft');
  });

  test('R75: edit distance counts insertions, deletions, substitutions and adjacent transpositions', () => {
    assert.equal(editDistance('paypal', 'paypal'), 0);
    assert.equal(editDistance('paypal', 'paypall'), 1);
    assert.equal(editDistance('paypal', 'paypla'), 1);
    assert.equal(editDistance('paypal', 'pyapal'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
  });

  test('R75: the registrable domain: the last two labels, three under co.uk-like suffixes', () => {
    assert.equal(registrableDomain('a.b.app.example'), 'app.example');
    assert.equal(registrableDomain('login.example.co.uk'), 'example.co.uk');
    assert.equal(registrableDomain('example.com.au'), 'example.com.au');
    assert.equal(registrableDomain('Example.COM.'), 'example.com');
    assert.equal(registrableDomain('localhost'), 'localhost');
    assert.equal(registrableDomain('127.0.0.1'), '127.0.0.1');
    assert.equal(registrableDomain('[::1]'), '::1');
  });
});
