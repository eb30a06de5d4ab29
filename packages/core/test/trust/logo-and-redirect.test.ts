import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { redirectStaysWithClient, sniffImage } from '../../src/index.js';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

const PNG = bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d], 'IHDR', [0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);

describe('logo content sniffing (R74)', () => {
  test('R74: PNG, JPEG, GIF and WebP are recognised by their first bytes', () => {
    assert.equal(sniffImage(PNG), 'image/png');
    assert.equal(sniffImage(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF')), 'image/jpeg');
    assert.equal(sniffImage(bytes('GIF89a', [1, 0, 1, 0])), 'image/gif');
    assert.equal(sniffImage(bytes('GIF87a', [1, 0, 1, 0])), 'image/gif');
    assert.equal(sniffImage(bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 ', [0, 0])), 'image/webp');
    assert.equal(sniffImage(bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8L', [0, 0])), 'image/webp');
  });

  test('R74: SVG, HTML (also behind a PNG name), JSON, truncated signatures and other RIFF files are not images', () => {
    for (const [name, body] of [
      ['svg', bytes('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
      ['svg with XML declaration', bytes('<?xml version="1.0"?><svg/>')],
      ['html', bytes('<!doctype html><html><script>alert(1)</script>')],
      ['json', bytes('{"logo":true}')],
      ['empty', bytes()],
      ['truncated png', PNG.slice(0, 8)],
      ['png signature without IHDR', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a], 'tEXtxxxxxxxx')],
      ['wav', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt ')],
      ['bom then svg', bytes([0xef, 0xbb, 0xbf], '<svg/>')],
    ] as const) {
      assert.equal(sniffImage(body), undefined, name);
    }
  });
});

describe('redirect URIs of first-seen clients (R62)', () => {
  const CLIENT = 'https://app.example/oauth/client.json';

  test('R62: the client host, a host below or above it, and loopback stay with the client', () => {
    for (const uri of [
      'https://app.example/cb',
      'https://auth.app.example/cb',
      'https://APP.example:8443/cb',
      'http://127.0.0.1:5000/cb',
      'http://[::1]/cb',
      'http://localhost:3000/cb',
      'example.app:/cb',
      'example.app.ios:/cb'.replace('.ios', ''),
    ]) {
      assert.equal(redirectStaysWithClient(CLIENT, uri), true, uri);
    }
    assert.equal(redirectStaysWithClient('https://login.app.example/c.json', 'https://app.example/cb'), true);
  });

  test('R62: another host, a look-alike host, an unrelated app scheme or an invalid URI do not', () => {
    for (const uri of [
      'https://evil.example/cb',
      'https://app.example.evil.test/cb',
      'https://notapp.example/cb',
      'com.evil.app:/cb',
      'myapp:/cb',
      'javascript:alert(1)',
      'not a uri',
    ]) {
      assert.equal(redirectStaysWithClient(CLIENT, uri), false, uri);
    }
  });
});
