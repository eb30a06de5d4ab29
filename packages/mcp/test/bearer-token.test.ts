import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isCimdError, type ReasonCode } from '@cimd/core';
import { bearerChallenge, extractBearerToken, MAX_TOKEN_LENGTH } from '../src/index.js';

function request(headers: HeadersInit = {}, query = ''): Request {
  return new Request(`https://mcp.example.com/mcp${query}`, { headers });
}

function refusedWith(req: Request, code: ReasonCode): void {
  assert.throws(
    () => extractBearerToken(req),
    (e) => isCimdError(e) && e.code === code,
  );
}

describe('RFC 6750 §2: where the access token may be', () => {
  test('the Authorization header with the Bearer scheme, case-insensitive, one or more spaces', () => {
    assert.equal(extractBearerToken(request({ authorization: 'Bearer abc.def-_~+/=' })), 'abc.def-_~+/=');
    assert.equal(extractBearerToken(request({ authorization: 'bearer abc' })), 'abc');
    assert.equal(extractBearerToken(request({ authorization: 'BEARER   abc' })), 'abc');
  });

  test('MCP: a token in the query string is refused (400 invalid_request), even beside a header', () => {
    refusedWith(request({}, '?access_token=abc'), 'bearer-token-in-query');
    refusedWith(request({ authorization: 'Bearer abc' }, '?x=1&access_token=abc'), 'bearer-token-in-query');
  });

  test('no header, an empty header or another scheme: no token (401 without an error code)', () => {
    refusedWith(request(), 'bearer-token-missing');
    refusedWith(request({ authorization: 'Basic dXNlcjpwYXNz' }), 'bearer-token-missing');
    refusedWith(request({ authorization: 'DPoP abc' }), 'bearer-token-missing');
    refusedWith(request({ authorization: 'Bearerabc' }), 'bearer-token-missing');
  });

  test('a credential sent without a scheme is never quoted in the error message (which goes to logs)', () => {
    const secret = 'eyJzZWNyZXQiOiJ2YWx1ZSJ9';
    assert.throws(
      () => extractBearerToken(request({ authorization: secret })),
      (e) => isCimdError(e) && e.code === 'bearer-token-missing' && !e.message.includes(secret.slice(0, 8)),
    );
    assert.throws(
      () => extractBearerToken(request({ authorization: 'Basic dXNlcjpwYXNz' })),
      (e) => isCimdError(e) && /the Basic scheme/.test(e.message) && !e.message.includes('dXNlcjpwYXNz'),
    );
  });

  test('RFC 6750 §3.1 invalid_request: an empty, repeated or malformed Bearer credential', () => {
    refusedWith(request({ authorization: 'Bearer' }), 'bearer-token-malformed');
    refusedWith(request({ authorization: 'Bearer ' }), 'bearer-token-malformed');
    refusedWith(request({ authorization: 'Bearer a b' }), 'bearer-token-malformed');
    refusedWith(request({ authorization: 'Bearer a"b' }), 'bearer-token-malformed');
    refusedWith(request({ authorization: 'Bearer a=b' }), 'bearer-token-malformed');
    const twice = new Headers();
    twice.append('authorization', 'Bearer abc');
    twice.append('authorization', 'Bearer def');
    refusedWith(request(twice), 'bearer-token-malformed');
  });

  test(`a token over ${MAX_TOKEN_LENGTH} characters is invalid_token before any parsing`, () => {
    assert.equal(
      extractBearerToken(request({ authorization: `Bearer ${'a'.repeat(MAX_TOKEN_LENGTH)}` })).length,
      MAX_TOKEN_LENGTH,
    );
    refusedWith(request({ authorization: `Bearer ${'a'.repeat(MAX_TOKEN_LENGTH + 1)}` }), 'access-token-invalid');
  });
});

describe('RFC 6750 §3, RFC 9728 §5.1: WWW-Authenticate challenges', () => {
  test('attributes in a stable order; an empty scope is left out', () => {
    assert.equal(
      bearerChallenge({
        error: 'invalid_token',
        errorDescription: 'expired',
        scope: ['a', 'b'],
        resourceMetadata: 'https://r/.wk',
      }),
      'Bearer error="invalid_token", error_description="expired", scope="a b", resource_metadata="https://r/.wk"',
    );
    assert.equal(bearerChallenge({ scope: [], resourceMetadata: 'https://r/.wk' }), 'Bearer resource_metadata="https://r/.wk"');
  });

  test('characters RFC 6750 does not allow in attribute values (quote, backslash, controls, non-ASCII) become spaces', () => {
    assert.equal(
      bearerChallenge({ errorDescription: 'a"b\\c\nd§e', resourceMetadata: 'https://r/' }),
      'Bearer error_description="a b c d e", resource_metadata="https://r/"',
    );
  });
});
