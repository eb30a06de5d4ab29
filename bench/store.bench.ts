/**
 * Storage speed of the two embedded implementations side by side, in one run (issue: server
 * storage). Anchor: stack.md §3.5 measured 8.3k SQLite code redemptions/s (DELETE … RETURNING plus
 * an INSERT in one transaction).
 *
 *   node --conditions=source --import tsx bench/store.bench.ts [runs]
 *
 * Two operations, each timed on memory and on SQLite (WAL, synchronous=NORMAL, a file in a fresh
 * temporary folder):
 * - code: save an authorization code, then consume it (what /authorize and /token do per flow);
 * - rotation: rotate a refresh token into its successor (a chain, as a client refreshing does).
 * Each run lasts about a second and never more than 200,000 operations; `runs` runs (default 5)
 * give the median with min and max. The ratio SQLite / memory says what durability costs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStores, openSqliteStores, type Stores } from '../packages/server/src/store/index.js';
import { fmt, QUICK, summarize, type Summary } from './lib.js';

const runs = Number(process.argv[2] ?? (QUICK ? 3 : 5));
const RUN_MS = QUICK ? 250 : 1000;
const MAX_OPS = 200_000;
const T0 = Date.UTC(2026, 10, 28, 12);
const LIFETIME = 3_600_000;

let serial = 0;
const unique = (prefix: string): string => `${prefix}-${++serial}`;

/** Operations per second of `op` over about RUN_MS (bounded by MAX_OPS), `runs` times after a warm-up. */
async function throughputOf(op: () => Promise<void>): Promise<Summary> {
  const timed = async (budget: number): Promise<number> => {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < budget && n < MAX_OPS) {
      for (let i = 0; i < 50; i++) await op();
      n += 50;
      now = performance.now();
    }
    return (n * 1000) / (now - start);
  };
  await timed(RUN_MS / 2);
  const results: number[] = [];
  for (let r = 0; r < runs; r++) results.push(await timed(RUN_MS));
  return summarize(results);
}

function codeSaveAndConsume(stores: Stores): () => Promise<void> {
  return async () => {
    const codeHash = unique('code');
    await stores.codes.save({
      codeHash,
      grantId: 'grant-1',
      clientId: 'https://app.example/cimd.json',
      userId: 'user-1',
      redirectUri: 'http://127.0.0.1:49152/callback',
      scope: ['openid', 'mcp:tools'],
      resources: ['https://mcp.example/mcp'],
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      authTime: T0,
      issuedAt: T0,
      expiresAt: T0 + LIFETIME,
    });
    const result = await stores.codes.consume(codeHash, T0 + 1);
    if (result.status !== 'consumed') throw new Error(`expected consumed, got ${result.status}`);
  };
}

async function refreshRotation(stores: Stores): Promise<() => Promise<void>> {
  const token = (tokenHash: string) => ({
    tokenHash,
    grantId: 'grant-1',
    clientId: 'https://app.example/cimd.json',
    userId: 'user-1',
    scope: ['openid', 'offline_access'],
    resources: ['https://mcp.example/mcp'],
    issuedAt: T0,
    expiresAt: T0 + LIFETIME,
  });
  let current = unique('token');
  await stores.refreshTokens.save(token(current));
  return async () => {
    const next = unique('token');
    const result = await stores.refreshTokens.rotate(current, token(next), T0 + 1);
    if (result.status !== 'rotated') throw new Error(`expected rotated, got ${result.status}`);
    current = next;
  };
}

const folder = mkdtempSync(join(tmpdir(), 'cimd-store-bench-'));
try {
  const memory = createMemoryStores();
  const sqlite = await openSqliteStores({ path: join(folder, 'cimd.sqlite') });
  const rows: [string, Summary, Summary][] = [];
  rows.push([
    'code save + consume',
    await throughputOf(codeSaveAndConsume(memory)),
    await throughputOf(codeSaveAndConsume(sqlite)),
  ]);
  rows.push([
    'refresh rotation',
    await throughputOf(await refreshRotation(memory)),
    await throughputOf(await refreshRotation(sqlite)),
  ]);
  await memory.close();
  await sqlite.close();

  console.log(
    `Node ${process.version}, ${runs} runs of ~${RUN_MS} ms (at most ${MAX_OPS.toLocaleString('en-US')} operations each)`,
  );
  for (const [name, mem, sql] of rows) {
    console.log(`${name.padEnd(22)} memory ${fmt(mem)}`);
    console.log(`${''.padEnd(22)} SQLite ${fmt(sql)}`);
    console.log(`${''.padEnd(22)} ratio SQLite / memory: ${(sql.median / mem.median).toFixed(3)}`);
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
