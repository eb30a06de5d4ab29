import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyRedirectUri, matchRedirectUri } from '@cimd/core';

describe('redirect URI classification (RFC 6749 §3.1.2, RFC 8252)', () => {
  const kinds: Array<[string, string]> = [
    ['https://app.example/cb', 'https'],
    ['http://127.0.0.1/cb', 'loopback'],
    ['http://127.0.0.1:33418/', 'loopback'],
    ['http://127.1.2.3:8080/cb', 'loopback'],
    ['http://[::1]:8080/cb', 'loopback'],
    ['http://[0:0:0:0:0:0:0:1]/cb', 'loopback'],
    ['http://localhost/callback', 'localhost'],
    ['http://LOCALHOST:3000/callback', 'localhost'],
    ['com.example.app:/oauth2redirect', 'private-use'],
    ['myapp://callback', 'private-use'],
  ];
  for (const [uri, kind] of kinds) {
    test(`R26: ${uri} is a usable ${kind} redirect`, () => {
      const c = classifyRedirectUri(uri);
      assert.equal(c.ok && c.kind, kind);
    });
  }

  const refused: Array<[string, string]> = [
    ['javascript:alert(1)', 'redirect-uri-scheme-forbidden'],
    ['JavaScript:alert(1)', 'redirect-uri-scheme-forbidden'],
    ['data:text/html,<x>', 'redirect-uri-invalid'],
    ['data:text/html,x', 'redirect-uri-scheme-forbidden'],
    ['file:///etc/passwd', 'redirect-uri-scheme-forbidden'],
    ['http://app.example/cb', 'redirect-uri-http-not-loopback'],
    ['http://10.0.0.1/cb', 'redirect-uri-http-not-loopback'],
    ['http://localhost.evil.example/cb', 'redirect-uri-http-not-loopback'],
    ['https://app.example/cb#x', 'redirect-uri-invalid'],
    ['https://app.example/cb#', 'redirect-uri-invalid'],
    ['/cb', 'redirect-uri-invalid'],
    ['https:///cb', 'redirect-uri-invalid'],
    ['https://user@app.example/cb', 'redirect-uri-invalid'],
    ['https://app.example/c b', 'redirect-uri-invalid'],
    ['https://app.example/%zz', 'redirect-uri-invalid'],
    ['http://localhost:*/callback', 'redirect-uri-invalid'],
    ['', 'redirect-uri-invalid'],
  ];
  for (const [uri, code] of refused) {
    test(`R25, R72: ${JSON.stringify(uri)} is refused as ${code}`, () => {
      const c = classifyRedirectUri(uri);
      assert.equal(c.ok ? 'ok' : c.reason.code, code);
    });
  }

  test('RFC 8252 §7.1: a private-use scheme that is not reverse-DNS is usable with a warning', () => {
    const c = classifyRedirectUri('myapp://callback');
    assert.equal(c.ok && c.warning?.code, 'redirect-uri-private-scheme-not-reverse-dns');
  });
});

describe('redirect URI matching (R26, requirements §4.7)', () => {
  const registered = [
    'https://app.example/cb',
    'http://127.0.0.1/callback',
    'http://[::1]:3000/callback',
    'http://localhost/callback',
    'com.example.app:/oauth2redirect',
    'http://127.0.0.1:8080/q?x=1',
  ];
  const cases: Array<[string, string | undefined, string]> = [
    ['https://app.example/cb', 'https://app.example/cb', 'exact match'],
    ['https://app.example/cb/', undefined, 'trailing slash differs'],
    ['https://APP.example/cb', undefined, 'host case differs'],
    ['https://app.example:443/cb', undefined, 'explicit default port differs'],
    ['https://app.example:8443/cb', undefined, 'https is never port-relaxed'],
    ['https://app.example/cb?x=1', undefined, 'query differs'],
    ['http://127.0.0.1:51234/callback', 'http://127.0.0.1/callback', 'loopback IPv4: any port (RFC 8252 §7.3)'],
    ['http://127.0.0.1/callback', 'http://127.0.0.1/callback', 'loopback IPv4: no port, exact'],
    ['http://[::1]:49152/callback', 'http://[::1]:3000/callback', 'loopback IPv6: any port'],
    ['http://[::1]/callback', 'http://[::1]:3000/callback', 'loopback IPv6: port omitted'],
    ['http://localhost:43210/callback', 'http://localhost/callback', 'localhost: any port (default on)'],
    ['http://127.0.0.1:51234/callback/', undefined, 'loopback: path must match exactly'],
    ['http://127.0.0.1:51234/Callback', undefined, 'loopback: path case differs'],
    ['http://127.0.0.1:8081/q?x=1', 'http://127.0.0.1:8080/q?x=1', 'loopback: query kept, port varies'],
    ['http://127.0.0.1:8081/q?x=2', undefined, 'loopback: query differs'],
    ['http://127.0.0.2:51234/callback', undefined, 'another loopback address is a different host'],
    ['http://localhost:51234/callback?', undefined, 'an empty query is not absent'],
    ['http://[::1]:51234/callback#x', undefined, 'a fragment never matches'],
    ['http://127.0.0.1:51234/callback#', undefined, 'an empty fragment never matches'],
    ['http://user@127.0.0.1:51234/callback', undefined, 'userinfo never matches'],
    ['https://127.0.0.1:51234/callback', undefined, 'https on loopback is not relaxed'],
    ['http://127.0.0.1:0/callback', undefined, 'port 0 is not a port'],
    ['http://127.0.0.1:65536/callback', undefined, 'port out of range'],
    ['http://127.0.0.1:/callback', undefined, 'empty port'],
    ['http://127.0.0.1:08080/callback', undefined, 'leading zero port'],
    ['http://LOCALHOST:1234/callback', undefined, 'localhost spelled differently'],
    ['com.example.app:/oauth2redirect', 'com.example.app:/oauth2redirect', 'private-use scheme: exact'],
    ['com.example.app://oauth2redirect', undefined, 'private-use scheme: slashes differ'],
  ];
  for (const [request, expected, why] of cases) {
    test(`R26: ${request} → ${expected ?? 'no match'} (${why})`, () => {
      assert.equal(matchRedirectUri(request, registered), expected);
    });
  }

  test('R26: localhost, 127.0.0.1 and [::1] never stand in for each other', () => {
    assert.equal(matchRedirectUri('http://127.0.0.1:5000/callback', ['http://localhost/callback']), undefined);
    assert.equal(matchRedirectUri('http://localhost:5000/callback', ['http://127.0.0.1/callback']), undefined);
    assert.equal(matchRedirectUri('http://[::1]:5000/callback', ['http://127.0.0.1/callback']), undefined);
  });

  test('R26: the localhost port variance can be turned off; IP loopback variance stays', () => {
    const off = { localhostPortVariance: false };
    assert.equal(matchRedirectUri('http://localhost:5000/callback', ['http://localhost/callback'], off), undefined);
    assert.equal(matchRedirectUri('http://localhost/callback', ['http://localhost/callback'], off), 'http://localhost/callback');
    assert.equal(
      matchRedirectUri('http://127.0.0.1:5000/callback', ['http://127.0.0.1/callback'], off),
      'http://127.0.0.1/callback',
    );
  });

  test('R26: a non-loopback http registration is never port-relaxed', () => {
    assert.equal(matchRedirectUri('http://app.example:8080/cb', ['http://app.example/cb']), undefined);
  });
});
