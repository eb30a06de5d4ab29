import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { evaluateDocument, isCimdError } from '@cimd/core';
import { createSafeFetcher } from '@cimd/node';
import { startCimdService, type CimdService } from '../src/demo/cimd-service.js';
import { ensureDevPki, type DevPki } from '../src/demo/dev-pki.js';

const HOST = 'cimd-service.localhost';

describe('the development CIMD Service (draft-03 Appendix A)', () => {
  let dir: string;
  let pki: DevPki;
  let service: CimdService;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cimd-service-'));
    pki = await ensureDevPki(join(dir, 'pki'), [HOST]);
    service = await startCimdService({
      hostname: HOST,
      listenHost: '127.0.0.1',
      port: 0,
      certPem: pki.certPem,
      keyPem: pki.keyPem,
    });
  });
  after(async () => {
    await service.close();
    await rm(dir, { recursive: true, force: true });
  });

  const fetcher = () =>
    createSafeFetcher({
      mode: 'development',
      bindAddress: '127.0.0.1',
      env: {},
      development: { resolve: { [HOST]: '127.0.0.1' }, extraCa: pki.caPem, allowLoopback: true },
    });

  test('R79, R80, R82: a provisioned client_id serves a valid document over https, fetched through the safe transport', async () => {
    const clientId = service.provision('/clients/app.json', {
      client_name: 'Dev App',
      redirect_uris: ['http://127.0.0.1/callback'],
    });
    assert.equal(clientId, `${service.origin}/clients/app.json`);
    const res = await fetcher().fetch({ url: new URL(clientId), purpose: 'client-metadata' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    const verdict = evaluateDocument(clientId, res.body);
    assert.equal(verdict.accepted, true, JSON.stringify(verdict.reasons));
  });

  test('R82: anything not provisioned is a 404, which the fetcher reports as gone', async () => {
    await assert.rejects(
      fetcher().fetch({ url: new URL(`${service.origin}/clients/nobody.json`), purpose: 'client-metadata' }),
      (e) => isCimdError(e) && e.code === 'fetch-gone' && /404/.test(e.message),
    );
  });

  test('the development certificate is reused while valid and names the service host', async () => {
    const again = await ensureDevPki(join(dir, 'pki'), [HOST]);
    assert.equal(again.certPem, pki.certPem);
    const other = await ensureDevPki(join(dir, 'pki'), [HOST, 'other.localhost']);
    assert.notEqual(other.certPem, pki.certPem, 'a certificate without the asked names is remade');
  });

  test('R70: without development mode the service is unreachable: loopback is a special-purpose address', async () => {
    const production = createSafeFetcher({ env: {}, lookup: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]) });
    await assert.rejects(
      production.fetch({ url: new URL(`${service.origin}/clients/app.json`), purpose: 'client-metadata' }),
      (e) => isCimdError(e) && e.code === 'fetch-blocked-address',
    );
  });
});
