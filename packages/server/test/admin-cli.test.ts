import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestPki, jsonAnswer, startOriginServer, type OriginServer, type TestPki } from '../../node/test/kit/index.js';
import { loadConfig } from '../src/cli/load-config.js';
import { runServerCli } from '../src/cli/main.js';
import { buildFetcher } from '../src/fetch-setup.js';
import { createLogger } from '../src/observability/logger.js';
import { createMetrics } from '../src/observability/metrics.js';
import { createServer, openStores } from '../src/server.js';

/**
 * `cimd-server admin …` end to end: a SQLite store in a temporary folder, the real safe fetcher
 * (development options: the test CA, client.test on loopback) and the client's document on a
 * local HTTPS origin.
 */
describe('cimd-server admin (R61, R64, R75, H20)', () => {
  // The tests build on each other: register, rules, pin and change, block, then a server on the same store.
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

  test('H20: a server on the same store refuses an unknown client and the blocked one, with not one request at the origin', async () => {
    const cfg = await loadConfig(config, {}, {});
    const log = createLogger('silent');
    const metrics = createMetrics(false);
    const server = await createServer(cfg, { fetcher: buildFetcher(cfg, log, metrics), logger: log, metrics });
    try {
      const unknown = origin.url('client.test', '/unknown.json').href;
      origin.route('/unknown.json', jsonAnswer({ client_id: unknown, redirect_uris: ['https://client.test/cb'] }));
      const hits = origin.hits();
      for (const [id, reason] of [
        [unknown, 'trust-client-not-allowed'],
        [clientId, 'trust-client-blocked'],
      ] as const) {
        for (let i = 0; i < 3; i++) {
          const q = new URLSearchParams({ response_type: 'code', client_id: id, redirect_uri: 'https://client.test/cb' });
          const r = await server.fetch(new Request(`${cfg.server.issuer}/authorize?${q.toString()}`));
          assert.equal(r.status, 400);
          assert.match(await r.text(), new RegExp(`data-testid="reason">${reason}<`));
        }
        const t = await server.fetch(
          new Request(`${cfg.server.issuer}/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x'.repeat(43), client_id: id }).toString(),
          }),
        );
        assert.equal(t.status, 401);
      }
      assert.equal(origin.hits(), hits, 'the origin saw no request at all');
    } finally {
      await server.close();
    }
  });

  test('R75: unknown admin commands fail with a pointer to the help, which lists them', async () => {
    const r = await cli('admin', 'clients', 'frobnicate', clientId);
    assert.equal(r.status, 1);
    assert.match(r.err, /admin --help/);
    const help = await cli('admin', '--help');
    assert.match(help.out, /admin clients register <client_id>/);
  });

  test('users disable and enable: the account flag changes in the store; an unknown user is an error', async () => {
    const add = await cli('users', 'add', 'erin', '--generate-password');
    assert.equal(add.status, 0, add.err);
    const off = await cli('users', 'disable', 'Erin');
    assert.deepEqual([off.status, off.out], [0, 'disabled erin\n']);
    const cfg = await loadConfig(config, {}, {});
    const stores = await openStores(cfg, { now: () => Date.now() });
    try {
      assert.equal((await stores.users.findByUsername('erin'))?.disabled, true);
      assert.equal((await cli('users', 'enable', 'erin')).status, 0);
      assert.equal((await stores.users.findByUsername('erin'))?.disabled, false);
    } finally {
      await stores.close();
    }
    const missing = await cli('users', 'disable', 'nobody');
    assert.notEqual(missing.status, 0);
    assert.match(missing.err, /There is no user "nobody"/);
  });
});
