#!/usr/bin/env node
// Runs every test of the repository with node's own test runner (the README's test command).
//
//   npm test                 all suites
//   npm test -- <filter>     only test files whose path contains <filter>
//
// Suites that need PostgreSQL or Redis run when the service answers. Locally, a suite whose
// service is down is skipped with a clear line saying which and why; with CIMD_REQUIRE_SERVICES=1
// (set by .ci/run) a missing service fails the run instead.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeServices } from './services.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

/** Every *.test.ts below the given folders, sorted for a stable order. */
function collect(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = [...collect(join(root, 'packages')), ...collect(join(root, 'test'))]
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const services = await probeServices();
const required = process.env.CIMD_REQUIRE_SERVICES === '1';
const runnable = [];
for (const file of files) {
  const needs = services.needs(file);
  const missing = needs.filter((s) => !services.up[s]);
  if (missing.length === 0) {
    runnable.push(file);
    continue;
  }
  const why = missing.map((s) => `${s} (${services.detail[s]})`).join(', ');
  if (required) {
    console.error(`FAIL: ${file} needs ${why}; CIMD_REQUIRE_SERVICES=1 forbids skipping it`);
    process.exit(1);
  }
  console.log(`SKIPPED SUITE: ${file} needs ${why}`);
}

if (runnable.length === 0) {
  console.error('No test files matched.');
  process.exit(1);
}

const args = ['--conditions=source', '--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=180000', ...runnable];
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...services.env } });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
