/**
 * Heap per cached client in the resolver's in-memory cache (target: ≤ 2 KB per client at 100,000
 * clients, docs: stack.md §4, scenario 5).
 *
 *   node --expose-gc --conditions=source --import tsx bench/resolver-memory.bench.ts [clients] [runs]
 *
 * Resolves `clients` distinct client_ids (default 100,000) whose documents are about 1 KB each,
 * through the real resolver with a fetcher that builds each document on the fly, then reports the
 * heap growth after a full GC divided by the number of clients. Repeated `runs` times (default
 * 3), each with a fresh resolver; prints the median with min and max, and the cache's own byte
 * estimate per entry for comparison. In-process only: no network.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createClientResolver, createMemoryDocumentCache, type FetchedResource, type Fetcher } from '@cimd/core';
import { QUICK } from './lib.js';
import { sampleDocument } from './sample-document.js';

const clients = Number(process.argv[2] ?? (QUICK ? 20_000 : 100_000));
const runs = Number(process.argv[3] ?? (QUICK ? 1 : 3));
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

let servedBytes = 0;
let served = 0;

const fetcher: Fetcher = {
  fetch({ url }): Promise<FetchedResource> {
    const i = /\/c\/(\d+)\.json$/.exec(url.pathname)?.[1] ?? '0';
    const body = sampleDocument(url, i);
    servedBytes += body.byteLength;
    served += 1;
    return Promise.resolve({
      status: 200,
      headers: {
        'content-type': 'application/json',
        'cache-control': 'max-age=3600',
        etag: `"${i}-5f2b8c1d"`,
        'last-modified': 'Sun, 06 Nov 2026 08:49:37 GMT',
      },
      body,
      address: '192.0.2.1',
      ms: 1,
    });
  },
};

function heap(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

async function once(): Promise<{ perClient: number; estimate: number }> {
  const store = createMemoryDocumentCache({ maxEntries: clients, maxBytes: clients * 8192 });
  const resolver = createClientResolver({ fetcher, cache: { store } });
  const before = heap();
  // The client_id strings are made here, as requests would bring them: the cache keeps them as keys.
  const batch = 1000;
  for (let i = 0; i < clients; i += batch) {
    const ids = Array.from(
      { length: Math.min(batch, clients - i) },
      (_, k) => `https://c${(i + k) % 1000}.example.com/c/${i + k}.json`,
    );
    await Promise.all(ids.map((id) => resolver.resolve(id, { use: 'authorize' })));
  }
  const after = heap();
  if (store.size !== clients) throw new Error(`expected ${clients} cached entries, found ${store.size}`);
  const result = { perClient: (after - before) / clients, estimate: store.bytes / clients };
  return result;
}

const results: Awaited<ReturnType<typeof once>>[] = [];
for (let r = 0; r < runs; r++) results.push(await once());
const per = results.map((r) => r.perClient).sort((a, b) => a - b);
const median = per[Math.floor(per.length / 2)] ?? 0;
const fmt = (n: number): string => `${Math.round(n)} B`;
console.log(`node ${process.version}, ${clients} clients, ${runs} runs`);
console.log(`document size: ${fmt(servedBytes / served)} on average`);
console.log(
  `heap per cached client: median ${fmt(median)} (min ${fmt(per[0] ?? 0)}, max ${fmt(per[per.length - 1] ?? 0)}); target <= 2048 B`,
);
console.log(`cache byte estimate per entry: ${fmt(results[0]?.estimate ?? 0)}`);
console.log(`heap per cached client, per run: ${results.map((r) => Math.round(r.perClient)).join(' ')} B`);
// Within one `npm run bench`, the side-by-side benchmark reports this figure as its scenario (7)
// instead of measuring it a second time.
if (process.env['BENCH_RUN_ID'] !== undefined) {
  const folder = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(folder, { recursive: true });
  const perRun = results.map((r) => Math.round(r.perClient));
  writeFileSync(`${folder}resolver-memory.json`, JSON.stringify({ runId: process.env['BENCH_RUN_ID'], clients, perRun }));
}
