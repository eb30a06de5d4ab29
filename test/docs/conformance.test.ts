import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STATUSES = new Set(['done', 'partial', 'not yet', 'not applicable', 'deviation']);

/** Every requirement of shared/spec/requirements.md, by number. */
const IDS: readonly string[] = [
  ...Array.from({ length: 83 }, (_, i) => `R${i + 1}`),
  ...Array.from({ length: 22 }, (_, i) => `H${i + 1}`),
  'M-G1',
  'M-G2',
  ...Array.from({ length: 6 }, (_, i) => `M-C${i + 1}`),
  ...Array.from({ length: 7 }, (_, i) => `M-AS${i + 1}`),
  ...Array.from({ length: 12 }, (_, i) => `J${i + 1}`),
];

interface Row {
  readonly id: string;
  readonly status: string;
  readonly proof: string;
}

function rows(): Row[] {
  const text = readFileSync(`${ROOT}docs/conformance.md`, 'utf8');
  const out: Row[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) continue;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    const [id, , status, proof] = cells;
    if (id === undefined || !/^(?:R|H|J|M-[A-Z]+)\d+$/.test(id)) continue;
    out.push({ id, status: status ?? '', proof: proof ?? '' });
  }
  return out;
}

function mentions(file: string, id: string): boolean {
  return new RegExp(`(?<![\\w-])${id.replace('-', '\\-')}(?![\\w-])`).test(readFileSync(`${ROOT}${file}`, 'utf8'));
}

describe('docs/conformance.md', () => {
  const table = rows();

  test('has exactly one row for every requirement, in order', () => {
    assert.deepEqual(
      table.map((r) => r.id),
      IDS,
    );
  });

  test('every status is one of the five defined ones', () => {
    for (const r of table) assert.ok(STATUSES.has(r.status), `${r.id}: "${r.status}"`);
  });

  test('every cited test file exists and names the requirement', () => {
    for (const r of table) {
      for (const [, file] of r.proof.matchAll(/`((?:packages|test)\/[^`]+\.test\.ts)`/g)) {
        assert.ok(existsSync(`${ROOT}${file}`), `${r.id}: ${file} does not exist`);
        assert.ok(mentions(file as string, r.id), `${r.id}: ${file} does not name ${r.id}`);
      }
    }
  });

  test('rows marked done, partial or deviation cite at least one test; others explain themselves', () => {
    for (const r of table) {
      const cites = /`(?:packages|test)\/[^`]+\.test\.ts`/.test(r.proof);
      if (r.status === 'done' || r.status === 'partial' || r.status === 'deviation')
        assert.ok(cites, `${r.id} (${r.status}) cites no test`);
      else assert.ok(r.proof.trim().length > 0, `${r.id} (${r.status}) needs a note`);
    }
  });

  test('every test file that names a requirement is cited in its row (scripts/conformance.mjs --check)', () => {
    const output = execFileSync(process.execPath, [`${ROOT}scripts/conformance.mjs`, '--check'], { encoding: 'utf8' });
    assert.match(output, /every proof list is current/);
  });
});
