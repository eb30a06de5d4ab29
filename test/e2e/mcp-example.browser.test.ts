/**
 * docs/mcp.md, followed as written: three commands in three processes (`npm start` with the
 * example's configuration, `npm run mcp-server`, `npm run mcp-client`) and a person in Debian's
 * Chromium who signs in as the demo user and allows access. The only differences from the page
 * are free ports instead of 8080/3000/8443 and a temporary data folder, so the configuration file
 * is copied with the MCP server's real URL in `policy.resources`.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium } from './support/chromium.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BOUND = { timeout: 150_000 };
const WAIT_MS = 60_000;
const STEP_MS = 15_000;

interface Running {
  readonly child: ChildProcess;
  output: string;
}

const started: Running[] = [];
let dir: string;
let browser: Browser;

/** The environment of a user's shell: nothing from the test runner or cimd overrides. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('CIMD_') && !k.startsWith('MCP_') && !k.startsWith('NODE_TEST')) env[k] = v;
  }
  return env;
}

/** `npm run <script> -- <args>` in its own process group (so that stopping it stops node too). */
function npm(script: string, args: readonly string[]): Running {
  const child = spawn('npm', ['run', '-s', script, '--', ...args], { cwd: ROOT, env: cleanEnv(), detached: true });
  const running: Running = { child, output: '' };
  child.stdout?.on('data', (b: Buffer) => (running.output += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (running.output += b.toString()));
  started.push(running);
  return running;
}

/** Wait until the process output matches (or it exits, or the bound passes). */
async function waitFor(running: Running, pattern: RegExp): Promise<RegExpExecArray> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const m = pattern.exec(running.output);
    if (m !== null) return m;
    if (running.child.exitCode !== null) assert.fail(`exited with ${running.child.exitCode}:\n${running.output}`);
    if (Date.now() > deadline) assert.fail(`no ${String(pattern)} within ${WAIT_MS} ms:\n${running.output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cimd-e2e-mcp-docs-'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const { child } of started) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(-child.pid, 'SIGTERM');
      await once(child, 'exit');
    }
  }
  await rm(dir, { recursive: true, force: true });
});

test(
  'docs/mcp.md: npm start with the example configuration, npm run mcp-server, npm run mcp-client, Allow in the browser → whoami',
  BOUND,
  async () => {
    // 2. The MCP server (it reads the authorization server's keys on first use, so it may start first).
    const asPort = await freePort();
    const issuer = `http://127.0.0.1:${asPort}`;
    const server = npm('mcp-server', ['--port', '0', '--issuer', issuer]);
    const mcpUrl = (await waitFor(server, /^MCP server \(Streamable HTTP\) at (http:\/\/\S+)$/m))[1] ?? '';

    // 1. The authorization server with the example's configuration, naming this MCP server's URL.
    const example = JSON.parse(await readFile(join(ROOT, 'examples/mcp-server/cimd-server.json'), 'utf8')) as {
      policy: { resources: string[] };
    };
    assert.deepEqual(example.policy.resources, ['http://127.0.0.1:3000/mcp'], "the page's default MCP server URL");
    example.policy.resources = [mcpUrl];
    const config = join(dir, 'cimd-server.json');
    await writeFile(config, JSON.stringify(example));
    const as = npm('start', [
      '--config',
      config,
      '--port',
      String(asPort),
      '--service-port',
      '0',
      '--store',
      `sqlite:${join(dir, 'cimd.db')}`,
    ]);
    await waitFor(as, new RegExp(`^ {2}issuer {3}${issuer}$`, 'm'));
    const password = (await waitFor(as, /with the password (\S+)/))[1] ?? '';

    // 3. The client: it prints the authorization URL for the person at the browser.
    const client = npm('mcp-client', ['--server', mcpUrl, '--pki-dir', join(dir, 'dev-pki')]);
    const clientId = (await waitFor(client, /^Client metadata document: (https:\/\/cimd-service\.localhost:\d+\/\S+)/m))[1] ?? '';
    const authorizationUrl = new URL((await waitFor(client, /^ {2}(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)$/m))[1] ?? '');
    assert.equal(authorizationUrl.origin, issuer);
    assert.equal(authorizationUrl.searchParams.get('client_id'), clientId);
    assert.equal(authorizationUrl.searchParams.get('resource'), mcpUrl);

    const context = await browser.newContext();
    context.setDefaultTimeout(STEP_MS);
    try {
      const page = await context.newPage();
      await page.goto(authorizationUrl.href);
      await page.fill('#username', 'demo');
      await page.fill('#password', password);
      await page.click('button[type=submit]');
      await page.locator('button[value="approve"]').click();
      await page.waitForURL((u) => u.pathname === '/callback');
    } finally {
      await context.close();
    }

    const whoami = JSON.parse((await waitFor(client, /^whoami: (\{.*\})$/m))[1] ?? '{}') as Record<string, unknown>;
    assert.equal(whoami['client_id'], clientId);
    assert.deepEqual(whoami['scopes'], ['mcp:tools']);
    assert.equal(whoami['resource'], mcpUrl);
    assert.match(String(whoami['subject']), /^u_/, 'the demo user, by its opaque subject');
    const [code] = (await once(client.child, 'exit')) as [number | null];
    assert.equal(code, 0, client.output);
  },
);
