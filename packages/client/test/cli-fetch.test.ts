/**
 * `cimd fetch`: the authorization server's discovery from the command line, against the node
 * test kit's HTTPS origin on loopback. The first group runs the real executable as a subprocess
 * (asynchronously: the origin lives in this process); the second calls `runCli` in-process for
 * the report and the option checks.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli, type CliVerdict } from '@cimd/client';
import { createTestPki, jsonAnswer, startOriginServer, type OriginServer, type TestPki } from '../../node/test/kit/index.js';

const BIN = fileURLToPath(new URL('../src/bin/cimd.ts', import.meta.url));

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the executable with `args` and `env` added to a clean environment; killed after 30 s. */
function cimd(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<Run> {
  // A developer's NODE_ENV, and node:test's context, must not leak into the child.
  const { NODE_ENV: _env, NODE_TEST_CONTEXT: _context, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', BIN, ...args], {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Run the CLI in-process. */
async function cli(argv: readonly string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    readInput: async (path) => new Uint8Array(await readFile(path)),
  });
  return { status, stdout, stderr };
}

function verdict(run: Run): CliVerdict {
  assert.equal(run.stderr, '', run.stderr);
  return JSON.parse(run.stdout) as CliVerdict;
}

let pki: TestPki;
let origin: OriginServer;
/** A second origin, only ever a redirect target: it must never be contacted. */
let target: OriginServer;

before(async () => {
  pki = await createTestPki();
  origin = await startOriginServer({ certificate: pki.leaf });
  target = await startOriginServer({ certificate: pki.leaf });
});
after(async () => {
  await origin.close();
  await target.close();
  await pki.dispose();
});

function idAt(path: string): string {
  return origin.url('client.test', path).href;
}

function documentFor(clientId: string, more: Record<string, unknown> = {}): Record<string, unknown> {
  return { client_id: clientId, client_name: 'CLI App', redirect_uris: ['https://client.test/callback'], ...more };
}

/** The development flags that reach the kit's origin: its name on loopback, its CA, loopback allowed. */
function loopback(): string[] {
  return ['--resolve', 'client.test:127.0.0.1', '--ca', pki.ca.certPath, '--allow-loopback'];
}

describe('cimd fetch, the executable', () => {
  test('R29, R37: exit 0; JSON in the validate shape plus fetch {status 200, address 127.0.0.1, bytes, ms, cache_ttl_s = max-age}', async () => {
    const path = '/cli-ok.json';
    const id = idAt(path);
    const body = JSON.stringify(documentFor(id));
    origin.route(path, { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'max-age=900' }, body });

    const run = await cimd(['fetch', '--json', ...loopback(), id]);

    assert.equal(run.status, 0, run.stderr);
    const v = verdict(run);
    assert.equal(v.accepted, true);
    assert.equal(v.client_id, id);
    assert.deepEqual(v.reasons, []);
    assert.equal(v.negotiated?.token_endpoint_auth_method, 'none');
    assert.deepEqual(v.negotiated?.grant_types, ['authorization_code']);
    assert.deepEqual(Object.keys(v.fetch ?? {}).sort(), ['address', 'bytes', 'cache_ttl_s', 'ms', 'status']);
    assert.equal(v.fetch?.status, 200);
    assert.equal(v.fetch?.address, '127.0.0.1');
    assert.equal(v.fetch?.bytes, Buffer.byteLength(body));
    assert.ok(typeof v.fetch?.ms === 'number' && v.fetch.ms >= 0);
    assert.equal(v.fetch?.cache_ttl_s, 900, 'the served max-age, inside the 5 min .. 24 h bounds');
    assert.equal(origin.hits(path), 1);
  });

  test('R38: cache_ttl_s is the served lifetime clamped to the bounds: a year becomes 86400 s, no-store 300 s', async () => {
    const year = idAt('/cli-year.json');
    origin.route('/cli-year.json', jsonAnswer(documentFor(year), { 'cache-control': 'max-age=31536000' }));
    const noStore = idAt('/cli-no-store.json');
    origin.route('/cli-no-store.json', jsonAnswer(documentFor(noStore), { 'cache-control': 'no-store' }));

    const [a, b] = await Promise.all([
      cimd(['fetch', '--json', ...loopback(), year]),
      cimd(['fetch', '--json', ...loopback(), noStore]),
    ]);
    assert.equal(verdict(a).fetch?.cache_ttl_s, 86_400);
    assert.equal(verdict(b).fetch?.cache_ttl_s, 300);
  });

  test('R33: a redirect exits 1 with fetch-redirect and the 302 in fetch; the target is never contacted', async () => {
    const path = '/cli-moved.json';
    const targetUrl = target.url('client.test', '/cimd.json');
    target.route('/cimd.json', jsonAnswer(documentFor(targetUrl.href)));
    origin.route(path, { status: 302, headers: { location: targetUrl.href } });

    const run = await cimd(['fetch', '--json', ...loopback(), idAt(path)]);

    assert.equal(run.status, 1);
    const v = verdict(run);
    assert.equal(v.accepted, false);
    assert.equal(v.reasons[0]?.code, 'fetch-redirect');
    assert.equal(v.reasons[0]?.requirement, 'R33');
    assert.equal(Object.hasOwn(v, 'negotiated'), false);
    assert.equal(v.fetch?.status, 302);
    assert.equal(v.fetch?.address, '127.0.0.1');
    assert.equal(v.fetch?.cache_ttl_s, 0, 'an error is never cached (R39)');
    assert.equal(target.connections.count, 0);
  });

  test('R69, R70: without --allow-loopback a name resolving to 127.0.0.1 exits 1 with fetch-blocked-address; nothing connects', async () => {
    const path = '/cli-blocked.json';
    const id = idAt(path);
    origin.route(path, jsonAnswer(documentFor(id)));
    const before = origin.connections.count;

    const run = await cimd(['fetch', '--json', '--resolve', 'client.test:127.0.0.1', '--ca', pki.ca.certPath, id]);

    assert.equal(run.status, 1);
    const v = verdict(run);
    assert.equal(v.accepted, false);
    assert.deepEqual(
      v.reasons.map((r) => r.code),
      ['fetch-blocked-address'],
    );
    assert.match(v.reasons[0]?.message ?? '', /127\.0\.0\.0\/8/);
    assert.equal(Object.hasOwn(v, 'fetch'), false, 'no response was received');
    assert.equal(origin.connections.count, before, 'no connection reached the origin');
  });

  test('usage: a --resolve without an address exits 2 with a message and no verdict', async () => {
    const run = await cimd(['fetch', '--json', '--resolve', 'client.test', idAt('/x.json')]);
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /--resolve needs host:address/);
  });

  test('R70: the development flags are refused under NODE_ENV=production (exit 2); nothing is fetched', async () => {
    const path = '/cli-prod.json';
    origin.route(path, jsonAnswer(documentFor(idAt(path))));
    const run = await cimd(['fetch', '--json', ...loopback(), idAt(path)], { NODE_ENV: 'production' });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /NODE_ENV is "production"/);
    assert.equal(origin.hits(path), 0);
  });
});

describe('cimd fetch, in-process', () => {
  test('the human report names the verdict, the fetch and the cache lifetime', async () => {
    const path = '/cli-human.json';
    const id = idAt(path);
    origin.route(path, jsonAnswer(documentFor(id), { 'cache-control': 'max-age=600' }));

    const run = await cli(['fetch', ...loopback(), id]);

    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^cimd fetch \(draft-ietf-oauth-client-id-metadata-document-03, profile draft-03\)\n/);
    assert.match(run.stdout, /verdict {4}ACCEPTED/);
    assert.match(run.stdout, /fetch {6}HTTP 200 from 127\.0\.0\.1, \d+ bytes in [\d.]+ ms, cache for 600 s/);
    assert.match(run.stdout, /token_endpoint_auth_method +none/);
  });

  test('R16, R40: a document for another client_id exits 1 with the reasons and warnings validate gives for the same bytes', async () => {
    // The query draws a warning (R6), the foreign client_id rejects (R16).
    const path = '/cli-impostor.json?v=1';
    const id = idAt(path);
    const doc = documentFor(idAt('/someone-else.json'));
    origin.route(path, jsonAnswer(doc, { 'cache-control': 'max-age=600' }));
    const file = `${pki.dir}/impostor.json`;
    await writeFile(file, JSON.stringify(doc));

    const fetched = await cli(['fetch', '--json', ...loopback(), id]);
    const validated = await cli(['validate', '--json', '--client-id', id, file]);

    assert.equal(fetched.status, 1);
    const { fetch, ...v } = verdict(fetched);
    assert.equal(v.reasons[0]?.code, 'client-id-mismatch');
    assert.equal(v.warnings[0]?.code, 'client-id-query');
    assert.deepEqual(v, verdict(validated), 'the same verdict as cimd validate');
    assert.equal(fetch?.status, 200);
    assert.equal(fetch?.cache_ttl_s, 0, 'an invalid document is never cached (R40)');
  });

  test('H4: --timeout-ms bounds the whole fetch: an origin that never answers fails with fetch-timeout', async () => {
    const path = '/cli-silent.json';
    origin.route(path, () => undefined); // never answers; the server closes the socket at the end
    const run = await cli(['fetch', '--json', '--timeout-ms', '300', ...loopback(), idAt(path)]);
    assert.equal(run.status, 1);
    assert.equal(verdict(run).reasons[0]?.code, 'fetch-timeout');
  });

  test('R73: --max-bytes caps the fetch: a larger document fails with fetch-too-large', async () => {
    const path = '/cli-big.json';
    const id = idAt(path);
    origin.route(path, jsonAnswer(documentFor(id, { client_uri: `https://client.test/${'a'.repeat(600)}` })));
    const run = await cli(['fetch', '--json', '--max-bytes', '512', ...loopback(), id]);
    assert.equal(run.status, 1);
    assert.equal(verdict(run).reasons[0]?.code, 'fetch-too-large');
  });

  test('R1: a client_id that breaks the URL rules is rejected before any fetch, with the URL rule as reason', async () => {
    const before = origin.hits();
    const run = await cli(['fetch', '--json', ...loopback(), 'http://client.test/x.json']);
    assert.equal(run.status, 1);
    const v = verdict(run);
    assert.equal(v.reasons[0]?.code, 'client-id-not-https');
    assert.equal(Object.hasOwn(v, 'fetch'), false);
    assert.equal(origin.hits(), before);
  });

  test('usage errors exit 2: no URL, two URLs, a bad --timeout-ms or --max-bytes, an unreadable --ca, an unknown flag', async () => {
    const cases: [string[], RegExp][] = [
      [['fetch'], /exactly one client_id URL/],
      [['fetch', 'https://a.example/x', 'https://b.example/y'], /exactly one client_id URL/],
      [['fetch', '--timeout-ms', '0', 'https://a.example/x'], /--timeout-ms must be a positive whole number/],
      // Regression: a --max-bytes beyond a safe integer was an internal error (exit 70) from the fetcher.
      [['fetch', '--max-bytes', '1e20', 'https://a.example/x'], /--max-bytes must be a positive whole number/],
      [['fetch', '--ca', '/nonexistent/ca.pem', 'https://a.example/x'], /cannot read the CA certificate/],
      [['fetch', '--resolve', 'a.example:not-an-ip', 'https://a.example/x'], /--resolve needs host:address/],
      [['fetch', '--follow-redirects', 'https://a.example/x'], /Unknown option/],
    ];
    for (const [argv, message] of cases) {
      const run = await cli(argv);
      assert.equal(run.status, 2, argv.join(' '));
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    }
  });
});
