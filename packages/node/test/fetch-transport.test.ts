import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Fetcher, FetchPurpose, ReasonCode } from '@cimd/core';
import { createSafeFetcher, type SafeFetcherOptions } from '@cimd/node';
import {
  createTestPki,
  createTestResolver,
  fetchRequest,
  jsonAnswer,
  loopbackFetcherOptions,
  rawResponse,
  startOriginServer,
  startRawTlsServer,
  watchConnectionAttempts,
  type OriginServer,
  type RawTlsServer,
  type TestPki,
  type TestResolver,
  rejectsWithCode,
} from './kit/index.js';

let pki: TestPki;
let otherPki: TestPki;
let origin: OriginServer;
let raw: RawTlsServer;
let dns: TestResolver;
let fetcher: Fetcher;

before(async () => {
  [pki, otherPki] = await Promise.all([createTestPki(), createTestPki()]);
  origin = await startOriginServer({ certificate: pki.leaf });
  raw = await startRawTlsServer({ certificate: pki.leaf });
  dns = createTestResolver({ 'client.test': '127.0.0.1', 'other.test': '127.0.0.1' });
  fetcher = make();
});
after(async () => {
  await Promise.all([origin.close(), raw.close()]);
  await Promise.all([pki.dispose(), otherPki.dispose()]);
});

function make(extra: SafeFetcherOptions = {}): Fetcher {
  return createSafeFetcher(loopbackFetcherOptions(pki, dns, extra));
}

async function expectCode(
  f: Fetcher,
  url: URL | string,
  code: ReasonCode,
  purpose: FetchPurpose = 'client-metadata',
): Promise<string> {
  return (await rejectsWithCode(f.fetch(fetchRequest(new URL(url), purpose)), code)).message;
}

describe('R72: the scheme allow-list', () => {
  test('R72: only https is fetched; http, ftp, file, data, javascript and gopher are fetch-scheme, before any DNS or connection', async () => {
    const watch = watchConnectionAttempts();
    try {
      for (const url of [
        'http://client.test/cimd.json',
        'ftp://client.test/cimd.json',
        'file:///etc/passwd',
        'data:application/json,{}',
        'javascript:alert(1)',
        'gopher://client.test/',
        'ws://client.test/',
      ]) {
        await expectCode(fetcher, url, 'fetch-scheme');
      }
    } finally {
      watch.stop();
    }
    assert.deepEqual(watch.attempts, []);
    assert.equal(dns.calls('client.test'), 0);
  });

  test('H3: a URL with a user name or password is refused; credentials are never sent', async () => {
    await expectCode(
      fetcher,
      origin.url('client.test', '/x').href.replace('https://', 'https://user:secret@'),
      'fetch-url-userinfo',
    );
    await expectCode(fetcher, origin.url('client.test', '/x').href.replace('https://', 'https://user@'), 'fetch-url-userinfo');
  });

  test('R72, R70: http is fetched only for hosts a development configuration lists', async () => {
    const server = createHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"plain":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const dev = make({ development: { allowHttpHosts: ['plain.client.test'] } });
      dns.set('plain.client.test', '127.0.0.1');
      const result = await dev.fetch(fetchRequest(new URL(`http://plain.client.test:${port}/cimd.json`)));
      assert.equal(new TextDecoder().decode(result.body), '{"plain":true}');
      await expectCode(dev, `http://client.test:${port}/cimd.json`, 'fetch-scheme');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('H14: full TLS verification', () => {
  test('H14: a certificate from a CA the fetcher does not trust is fetch-tls', async () => {
    const stranger = await startOriginServer({ certificate: otherPki.leaf });
    try {
      stranger.route('/x', jsonAnswer({}));
      assert.match(
        await expectCode(fetcher, stranger.url('client.test', '/x'), 'fetch-tls'),
        /UNABLE_TO_VERIFY_LEAF_SIGNATURE|self.signed|unable to verify/i,
      );
      assert.equal(stranger.hits(), 0, 'no request was sent over the unverified connection');
    } finally {
      await stranger.close();
    }
  });

  test('H14: a certificate for another name is fetch-tls (the name checked is the URL host, not the address)', async () => {
    const narrow = await startOriginServer({ certificate: await pki.issue({ dns: ['other.test'] }) });
    try {
      narrow.route('/x', jsonAnswer({}));
      assert.match(await expectCode(fetcher, narrow.url('client.test', '/x'), 'fetch-tls'), /ERR_TLS_CERT_ALTNAME_INVALID/);
      assert.equal(narrow.hits(), 0);
      // The same server and address under the certificate's own name works.
      assert.equal((await fetcher.fetch(fetchRequest(narrow.url('other.test', '/x')))).status, 200);
    } finally {
      await narrow.close();
    }
  });

  test('H14: without the extra CA, the default trust store applies and the test CA is refused', async () => {
    const noCa = createSafeFetcher({
      mode: 'development',
      bindAddress: '127.0.0.1',
      env: {},
      lookup: dns.lookup,
      development: { allowLoopback: true },
    });
    origin.route('/x', jsonAnswer({}));
    await expectCode(noCa, origin.url('client.test', '/x'), 'fetch-tls');
  });
});

describe('R35: connection and protocol failures map to stable codes', () => {
  test('R35: a closed port is fetch-connect', async () => {
    const probe = createTcpServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r)); // now nothing listens there
    assert.match(await expectCode(fetcher, `https://client.test:${port}/x`, 'fetch-connect'), /ECONNREFUSED/);
  });

  test('R35: a connection reset before the response is fetch-network', async () => {
    raw.behave('/reset', (s) => void s.destroy());
    await expectCode(fetcher, raw.url('client.test', '/reset'), 'fetch-network');
  });

  test('R35: a malformed response is fetch-network', async () => {
    raw.behave('/garbage', (s) => void s.end('HTTP/1.1 200 OK\r\ncontent type: application/json\r\n\r\n{}'));
    raw.behave('/not-http', (s) => void s.end('SSH-2.0-OpenSSH_9.6\r\n'));
    await expectCode(fetcher, raw.url('client.test', '/garbage'), 'fetch-network');
    await expectCode(fetcher, raw.url('client.test', '/not-http'), 'fetch-network');
  });

  test('R35: a body cut off mid-chunk is fetch-network', async () => {
    raw.behave('/cut', (s) => {
      s.end(
        Buffer.concat([
          rawResponse(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }),
          Buffer.from('10\r\n{"a"'),
        ]),
      );
    });
    await expectCode(fetcher, raw.url('client.test', '/cut'), 'fetch-network');
  });
});

describe('H5: media types over the wire', () => {
  const serve = (path: string, contentType: string | readonly string[] | undefined, body: string | Uint8Array = '{}'): void => {
    origin.route(path, { status: 200, headers: contentType === undefined ? {} : { 'content-type': contentType }, body });
  };

  test('H5: application/json with parameters, and application/*+json, are accepted for documents and jwks', async () => {
    serve('/json-charset', 'application/json; charset=utf-8');
    serve('/json-upper', 'Application/JSON ; Charset="UTF-8"');
    serve('/jwk-set', 'application/jwk-set+json');
    serve('/cimd', 'application/cimd+json');
    serve('/json-semicolon', 'application/json;'); // an empty parameter is allowed by the grammar
    await fetcher.fetch(fetchRequest(origin.url('client.test', '/json-charset')));
    await fetcher.fetch(fetchRequest(origin.url('client.test', '/json-upper')));
    await fetcher.fetch(fetchRequest(origin.url('client.test', '/jwk-set'), 'jwks'));
    await fetcher.fetch(fetchRequest(origin.url('client.test', '/cimd')));
    await fetcher.fetch(fetchRequest(origin.url('client.test', '/json-semicolon')));
  });

  test('H5: wrong media types are fetch-content-type, with no substring tricks', async () => {
    const wrong = [
      'text/plain',
      'text/json',
      'application/jsonp',
      'application/json-seq',
      'application/+json',
      'application/javascript',
      'text/html; x="application/json"',
      'application/x-www-form-urlencoded; a=application/json',
      'application/json, text/html',
      'image/png',
      '',
    ];
    for (const [i, type] of wrong.entries()) {
      serve(`/wrong${i}`, type);
      const message = await expectCode(fetcher, origin.url('client.test', `/wrong${i}`), 'fetch-content-type');
      assert.ok(message.includes('expected application/json'), message);
    }
  });

  test('H5: a missing Content-Type is refused by default and accepted for documents when configured', async () => {
    serve('/none', undefined);
    await expectCode(fetcher, origin.url('client.test', '/none'), 'fetch-content-type');
    const lenient = make({ acceptMissingContentType: true });
    assert.equal((await lenient.fetch(fetchRequest(origin.url('client.test', '/none')))).status, 200);
    await expectCode(lenient, origin.url('client.test', '/none'), 'fetch-content-type', 'logo');
  });

  test('H5: two Content-Type fields are refused, even if one of them is JSON', async () => {
    raw.behave('/two-types', (s) => {
      s.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-type: text/html\r\ncontent-length: 2\r\n\r\n{}');
    });
    await expectCode(fetcher, raw.url('client.test', '/two-types'), 'fetch-content-type');
  });

  test('H5, R74: logos are PNG, JPEG, GIF or WebP; SVG and JSON are refused', async () => {
    for (const type of ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'IMAGE/PNG; q=1']) {
      serve('/logo', type, new Uint8Array([1, 2, 3]));
      assert.equal((await fetcher.fetch(fetchRequest(origin.url('client.test', '/logo'), 'logo'))).body.length, 3);
    }
    for (const type of ['image/svg+xml', 'application/json', 'text/html', 'image/x-icon', 'image/png, image/svg+xml']) {
      serve('/logo', type, '<svg onload="alert(1)"/>');
      assert.match(
        await expectCode(fetcher, origin.url('client.test', '/logo'), 'fetch-content-type', 'logo'),
        /PNG, JPEG, GIF or WebP/,
      );
    }
  });
});
