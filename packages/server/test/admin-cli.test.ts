import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestPki, jsonAnswer, startOriginServer, type OriginServer, type TestPki } from '../../node/test/kit/index.js';
import { runServerCli } from '../src/cli/main.js';

/**
 * `cimd-server admin …` end to end: a SQLite store in a temporary folder, the real safe fetcher
 * (development options: the test CA, client.test on loopback) and the client's document on a
 * local HTTPS origin.
 */
describe('cimd-server admin (R61, R64, R75, H20)', () => {
  let dir: string;
  let pki: TestPki;
  let origin: OriginServer;
  let config: string;
  let clientId: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cimd-admin-cli-'));
    pki = await createTestPki();
    origin = await startOriginServer({ certificate: pki.leaf });
    clientId = origin.url('client.test', '/cimd.json').href;
    origin.route(
      '/cimd.json',
      jsonAnswer({ client_id: clientId, client_name: 'CLI App', redirect_uris: ['https://client.test/cb'] }),
    );
    config = join(dir, 'cimd.json');
    await writeFile(
      config,
      JSON.stringify({
        server: { mode: 'development', host: '127.0.0.1' },
        stores: { url: `sqlite:${join(dir, 'cimd.db')}` },
        fetch: { resolve: { 'client.test': '127.0.0.1' }, extraCaFile: pki.ca.certPath, allowLoopback: true },
        trust: { admission: 'allow-list' },
      }),
    );
  });
  after(async () => {
    await origin?.close();
    await pki?.dispose();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  async function cli(...args: string[]): Promise<{ status: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const status = (await runServerCli([...args, '--config', config], {
      env: {},
      stdout: (s) => out.push(s),
      stderr: (s) => err.push(s),
      readStdin: () => Promise.resolve(''),
    })) as number;
    return { status, out: out.join(''), err: err.join('') };
  }

  const json = async (...args: string[]): Promise<unknown> => {
    const r = await cli(...args, '--json');
    assert.equal(r.status, 0, r.err);
    return JSON.parse(r.out) as unknown;
  };

  test('R61: register fetches and validates the document now; list and show report what the server knows', async () => {
    const r = await cli('admin', 'clients', 'register', clientId, '--as', 'ops');
    assert.equal(r.status, 0, r.err);
    assert.match(r.out, new RegExp(`^registered ${clientId.replace(/[.*?/]/g, '\\$&')}: trusted, document sha256:`));
    assert.equal(origin.hits('/cimd.json'), 1);
    const list = await cli('admin', 'clients');
    assert.deepEqual(list.out.trim().split('\t').slice(0, 3), [clientId, 'trusted', '0']);
    const shown = (await json('admin', 'clients', 'show', clientId)) as {
      registered: boolean;
      versions: { status: string }[];
      metadata: { client_name: string };
    };
    assert.deepEqual([shown.registered, shown.versions[0]?.status, shown.metadata.client_name], [true, 'first-seen', 'CLI App']);
  });

  test('R61: a URL whose document cannot be fetched is refused and not recorded', async () => {
    const r = await cli('admin', 'clients', 'register', origin.url('client.test', '/missing.json').href);
    assert.equal(r.status, 1);
    assert.match(r.err, /404/);
    assert.equal(((await json('admin', 'clients')) as unknown[]).length, 1);
  });

  test('H20: rules are added, listed and removed', async () => {
    const added = await cli('admin', 'rules', 'add', 'deny', 'domain', '*.evil.example', '--resource', 'https://API.example/mcp');
    assert.equal(added.status, 0, added.err);
    const id = /^added rule (\S+)$/.exec(added.out.trim())?.[1] ?? '';
    const rules = (await json('admin', 'rules')) as { source: string; rule: { id: string; resource: string } }[];
    assert.deepEqual(
      rules.map((r) => [r.source, r.rule.id, r.rule.resource]),
      [['console', id, 'https://api.example/mcp']],
    );
    const bad = await cli('admin', 'rules', 'add', 'deny', 'regex', '.*');
    assert.equal(bad.status, 1);
    assert.match(bad.err, /kind must be/);
    assert.equal((await cli('admin', 'rules', 'remove', id)).status, 0);
    assert.deepEqual(await json('admin', 'rules'), []);
  });

  test('R64: a pinned client refreshed with a changed document waits for approval; approve makes it take effect', async () => {
    assert.equal((await cli('admin', 'clients', 'pin', clientId)).status, 0);
    origin.route(
      '/cimd.json',
      jsonAnswer({
        client_id: clientId,
        client_name: 'CLI App',
        redirect_uris: ['https://client.test/cb', 'https://client.test/cb2'],
      }),
    );
    const refreshed = await cli('admin', 'clients', 'refresh', clientId);
    const version = /waiting for approval as (\S+)/.exec(refreshed.out)?.[1];
    assert.ok(version !== undefined, refreshed.out + refreshed.err);
    const pending = (await json('admin', 'changes')) as { id: string; classes: string[] }[];
    assert.deepEqual(
      pending.map((p) => [p.id, p.classes]),
      [[version, ['redirect']]],
    );
    assert.match((await cli('admin', 'changes', 'approve', version)).out, /approved/);
    const shown = (await json('admin', 'clients', 'show', clientId)) as { metadata: { redirect_uris: string[] } };
    assert.deepEqual(shown.metadata.redirect_uris, ['https://client.test/cb', 'https://client.test/cb2']);
  });

  test('R75: block, then the audit trail names every decision and who made it', async () => {
    assert.match((await cli('admin', 'clients', 'block', clientId, '--as', 'ops')).out, /blocked/);
    const events = (await json('admin', 'audit', '--client', clientId)) as { actor: string; action: string }[];
    const seen = events.map((e) => `${e.actor} ${e.action}`);
    for (const expected of [
      'cli:ops client-registered',
      'cli:cli client-pinned',
      'system change-queued',
      'cli:cli change-approved',
      'cli:ops client-trust',
      'cli:ops grants-revoked',
    ]) {
      assert.ok(seen.includes(expected), `${expected} in ${seen.join(', ')}`);
    }
    assert.equal(((await json('admin', 'audit', '--action', 'client-trust', '--limit', '1')) as unknown[]).length, 1);
  });

  test('unknown admin commands fail with a pointer to the help, which lists them', async () => {
    const r = await cli('admin', 'clients', 'frobnicate', clientId);
    assert.equal(r.status, 1);
    assert.match(r.err, /admin --help/);
    const help = await cli('admin', '--help');
    assert.match(help.out, /admin clients register <client_id>/);
  });
});
