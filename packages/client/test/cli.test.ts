import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { IMPLEMENTED_DRAFT } from '@cimd/core';
import { runCli, type CliVerdict } from '@cimd/client';

const FIXTURES = fileURLToPath(new URL('../../core/test/fixtures/documents/', import.meta.url));
const BIN = fileURLToPath(new URL('../src/bin/cimd.ts', import.meta.url));

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(argv: string[], stdin?: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    readInput: async (path) => (path === '-' ? new TextEncoder().encode(stdin ?? '') : new Uint8Array(await readFile(path))),
  });
  return { status, stdout, stderr };
}

function json(run: Run): CliVerdict {
  return JSON.parse(run.stdout) as CliVerdict;
}

describe('cimd validate', () => {
  test('exit 0 and the documented JSON shape for an accepted document', async () => {
    const run = await cli([
      'validate',
      '--json',
      '--client-id',
      'https://editor.example/oauth/client-metadata.json',
      `${FIXTURES}editor-device-code-native.json`,
    ]);
    assert.equal(run.status, 0);
    const v = json(run);
    assert.equal(v.accepted, true);
    assert.equal(v.client_id, 'https://editor.example/oauth/client-metadata.json');
    assert.deepEqual(v.reasons, []);
    assert.deepEqual(v.negotiated?.grant_types, ['authorization_code', 'refresh_token']);
    assert.deepEqual(v.negotiated?.ignored.grant_types, ['urn:ietf:params:oauth:grant-type:device_code']);
    assert.equal(v.negotiated?.token_endpoint_auth_method, 'none');
    assert.deepEqual(v.negotiated?.response_types, ['code']);
    for (const w of v.warnings)
      assert.deepEqual(Object.keys(w).sort(), ['code', 'message', 'property', 'requirement'].filter((k) => k in w).sort());
  });

  test('exit 1 with reasons naming code, property and requirement for a rejected document; no negotiated member', async () => {
    const run = await cli([
      'validate',
      '--json',
      '--client-id',
      'https://legacy.example/client.json',
      `${FIXTURES}with-secret.json`,
    ]);
    assert.equal(run.status, 1);
    const v = json(run);
    assert.equal(v.accepted, false);
    assert.equal(Object.hasOwn(v, 'negotiated'), false);
    assert.deepEqual(v.reasons[0], {
      code: 'client-secret-present',
      message: 'client_secret must not appear in a client metadata document',
      property: 'client_secret',
      requirement: 'R21',
    });
  });

  test('R16: the same document is rejected when served at another URL', async () => {
    const run = await cli([
      'validate',
      '--json',
      '--client-id',
      'https://evil.example/client.json',
      `${FIXTURES}copied-document.json`,
    ]);
    assert.equal(run.status, 1);
    assert.equal(json(run).reasons[0]?.code, 'client-id-mismatch');
  });

  test('reads the document from standard input with "-"', async () => {
    const id = 'https://app.example/c.json';
    const run = await cli(
      ['validate', '--json', '--client-id', id, '-'],
      JSON.stringify({ client_id: id, redirect_uris: ['https://app.example/cb'] }),
    );
    assert.equal(run.status, 0);
  });

  test('server flags change the negotiation: an AS without private_key_jwt', async () => {
    const args = [
      'validate',
      '--json',
      '--client-id',
      'https://chat.example/oauth/client.json',
      `${FIXTURES}chat-private-key-jwt.json`,
    ];
    assert.equal(json(await cli(args)).negotiated?.token_endpoint_auth_method, 'private_key_jwt');
    const run = await cli([...args, '--auth-methods', 'none']);
    assert.equal(json(run).negotiated?.token_endpoint_auth_method, 'none');
    const strict = await cli([...args, '--auth-methods', 'none', '--without-rp-metadata-choices']);
    assert.equal(strict.status, 1);
    assert.equal(json(strict).reasons[0]?.code, 'auth-method-unsupported');
  });

  test('--profile mcp-2025-11-25 requires client_name', async () => {
    const id = 'https://app.example/c.json';
    const body = JSON.stringify({ client_id: id, redirect_uris: ['https://app.example/cb'] });
    assert.equal((await cli(['validate', '--client-id', id, '-'], body)).status, 0);
    const run = await cli(['validate', '--json', '--profile', 'mcp-2025-11-25', '--client-id', id, '-'], body);
    assert.equal(run.status, 1);
    assert.equal(json(run).reasons[0]?.code, 'client-name-missing');
  });

  test('--max-bytes lowers the document limit', async () => {
    const id = 'https://app.example/c.json';
    const body = JSON.stringify({ client_id: id, redirect_uris: ['https://app.example/cb'] });
    const run = await cli(['validate', '--json', '--max-bytes', '20', '--client-id', id, '-'], body);
    assert.equal(json(run).reasons[0]?.code, 'document-too-large');
  });

  test('the readable report names the draft, the profile, the verdict and each finding', async () => {
    const run = await cli(['validate', '--client-id', 'https://legacy.example/client.json', `${FIXTURES}with-secret.json`]);
    assert.equal(run.status, 1);
    assert.match(run.stdout, new RegExp(`cimd validate \\(${IMPLEMENTED_DRAFT}, profile draft-03\\)`));
    assert.match(run.stdout, /verdict {4}REJECTED/);
    assert.match(run.stdout, /✗ client-secret-present \(R21\) client_secret: client_secret must not appear/);
  });

  test('the readable report writes control and bidi characters from the document as escapes, never raw', async () => {
    const id = 'https://app.example/c.json';
    const body = JSON.stringify({
      client_id: `${id}\u001b]0;pwned\u0007`,
      redirect_uris: ['https://app.example/cb', 'http://evil.example/\u009b2J'],
      grant_types: ['authorization_code', 'x\u202egnp.exe'],
    });
    const run = await cli(['validate', '--client-id', id, '-'], body);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /client-id-mismatch/);
    assert.ok(run.stdout.includes('\\u{1b}]0;pwned\\u{7}'), run.stdout);
    // eslint-disable-next-line no-control-regex -- the report must hold none of these
    assert.doesNotMatch(run.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    const accepted = await cli(
      ['validate', '--client-id', id, '-'],
      JSON.stringify({
        client_id: id,
        redirect_uris: ['https://app.example/cb'],
        grant_types: ['authorization_code', 'x\u202ey'],
      }),
    );
    assert.equal(accepted.status, 0);
    assert.ok(accepted.stdout.includes('x\\u{202e}y'), accepted.stdout);
  });

  test('usage errors exit 2 with a message: missing flag, missing file, unreadable file, unknown option, bad value', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['validate', 'x.json'], /--client-id <url> is required/],
      [['validate', '--client-id', 'https://a.example/c'], /exactly one document file/],
      [['validate', '--client-id', 'https://a.example/c', '/nonexistent/doc.json'], /cannot read "\/nonexistent\/doc.json"/],
      [['validate', '--client-id', 'https://a.example/c', '--nope', 'x'], /Unknown option '--nope'/],
      [
        ['validate', '--client-id', 'https://a.example/c', '--profile', 'draft-99', 'x'],
        /--profile must be one of draft-03, mcp-2025-11-25/,
      ],
      [['validate', '--client-id', 'https://a.example/c', '--max-bytes=-3', 'x'], /--max-bytes must be a positive whole number/],
      [['frobnicate'], /unknown command "frobnicate"/],
    ];
    for (const [argv, message] of cases) {
      const run = await cli(argv);
      assert.equal(run.status, 2, argv.join(' '));
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    }
  });
});

describe('cimd check-url', () => {
  test('R5, R7: exit 1 with both reasons for a URL with a dot segment and a fragment', async () => {
    const run = await cli(['check-url', '--json', 'https://c.example/a/../x#']);
    assert.equal(run.status, 1);
    assert.deepEqual(
      json(run).reasons.map((r) => r.code),
      ['client-id-fragment', 'client-id-dot-segment'],
    );
  });

  test('R6: exit 0 with a warning for a query, exit 1 with --query reject', async () => {
    const ok = await cli(['check-url', '--json', 'https://c.example/x?v=1']);
    assert.equal(ok.status, 0);
    assert.equal(json(ok).warnings[0]?.code, 'client-id-query');
    const strict = await cli(['check-url', '--json', '--query', 'reject', 'https://c.example/x?v=1']);
    assert.equal(strict.status, 1);
  });

  test('usage: exactly one URL', async () => {
    assert.equal((await cli(['check-url'])).status, 2);
    assert.equal((await cli(['check-url', 'a', 'b'])).status, 2);
  });
});

describe('the cimd executable', () => {
  const run = (args: string[], input?: string) =>
    spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', BIN, ...args], { input, encoding: 'utf8' });

  test('--version names the implemented draft', () => {
    const r = run(['--version']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, new RegExp(`^cimd \\d+\\.\\d+\\.\\d+ \\(${IMPLEMENTED_DRAFT}\\)`));
  });

  test('validates a document from a pipe and sets the exit status', () => {
    const id = 'https://app.example/c.json';
    const ok = run(
      ['validate', '--json', '--client-id', id, '-'],
      JSON.stringify({ client_id: id, redirect_uris: ['https://app.example/cb'] }),
    );
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as CliVerdict).accepted, true);
    const bad = run(['validate', '--json', '--client-id', id, '-'], '[]');
    assert.equal(bad.status, 1);
    assert.equal((JSON.parse(bad.stdout) as CliVerdict).reasons[0]?.code, 'document-not-object');
  });

  test('R14: invalid UTF-8 from a pipe is reported as such', () => {
    const id = 'https://app.example/c.json';
    const r = spawnSync(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', BIN, 'validate', '--json', '--client-id', id, '-'],
      {
        input: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
      },
    );
    assert.equal(r.status, 1);
    assert.equal((JSON.parse(r.stdout.toString()) as CliVerdict).reasons[0]?.code, 'document-not-utf8');
  });

  test('no command prints help and exits 2', () => {
    const r = run([]);
    assert.equal(r.status, 2);
    assert.match(r.stdout, /Usage: cimd <command>/);
  });
});
