#!/usr/bin/env node
// Keeps the Proof column of docs/conformance.md in step with the tests.
//
//   node scripts/conformance.mjs           rewrite the lists of test files, keep every note
//   node scripts/conformance.mjs --check   exit 1 (and say which rows) when the lists are stale
//
// For each row marked done, partial or deviation, the proof becomes every tracked test file that
// names the requirement's ID (the same rule test/docs/conformance.test.ts applies), sorted, followed
// by the row's own note. Statuses and notes are written by people; only the file lists are derived.
// Run `npx prettier --write docs/conformance.md` afterwards to realign the table.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const docPath = `${root}docs/conformance.md`;
const check = process.argv.includes('--check');

const testFiles = execFileSync('git', ['ls-files', '--', 'packages', 'test'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f.endsWith('.test.ts'))
  .sort();
const texts = new Map(testFiles.map((f) => [f, readFileSync(`${root}${f}`, 'utf8')]));

function citing(id) {
  const re = new RegExp(`(?<![\\w-])${id.replace('-', '\\-')}(?![\\w-])`);
  return testFiles.filter((f) => re.test(texts.get(f)));
}

const CITED = /^(?:`(?:packages|test)\/[^`]+\.test\.ts`(?:, )?)+\.?\s*/;
const stale = [];
const lines = readFileSync(docPath, 'utf8').split('\n');
const out = lines.map((line) => {
  if (!line.startsWith('|')) return line;
  const cells = line.split('|').slice(1, -1);
  const [idCell, , statusCell, proofCell] = cells.map((c) => c.trim());
  if (idCell === undefined || !/^(?:R|H|J|M-[A-Z]+)\d+$/.test(idCell)) return line;
  if (!['done', 'partial', 'deviation'].includes(statusCell)) return line;
  const note = (proofCell ?? '').replace(CITED, '').trim();
  const files = citing(idCell);
  const list = files.map((f) => `\`${f}\``).join(', ');
  const proof = note === '' ? list : `${list}. ${note}`;
  if (proof !== proofCell) stale.push(idCell);
  cells[3] = ` ${proof} `;
  return `|${cells.join('|')}|`;
});

if (check) {
  if (stale.length > 0) {
    console.error(`docs/conformance.md is stale for: ${stale.join(', ')}; run node scripts/conformance.mjs`);
    process.exit(1);
  }
  console.log('docs/conformance.md: every proof list is current');
} else {
  writeFileSync(docPath, out.join('\n'));
  console.log(`docs/conformance.md: ${stale.length} row(s) updated${stale.length ? `: ${stale.join(', ')}` : ''}`);
}
