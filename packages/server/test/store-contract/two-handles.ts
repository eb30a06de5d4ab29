import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Clock } from '@cimd/core';
import type { Stores } from '../../src/store/stores.js';
import { T0 } from './context.js';
import { cachedDocument, codeRecord, refreshRecord, userRecord } from './fixtures.js';

/** Two store sets on one database (two connections, pools or instances), fresh for one test. */
export type OpenPair = (clock?: Clock) => Promise<readonly [Stores, Stores]>;

/**
 * For implementations that several processes share (SQLite files, PostgreSQL): what one handle
 * writes, the other sees, and the atomic operations stay atomic across handles. `handles` names
 * them in the test titles ("connections", "pools").
 */
export function twoHandlesContract(handles: string, openPair: OpenPair): void {
  test(`each of two ${handles} sees the other's writes; a code consumed through one is reused through the other`, async () => {
    const [a, b] = await openPair({ now: () => T0 });
    try {
      await a.users.create(userRecord());
      assert.deepEqual(await b.users.findById('u_7f3a9c'), userRecord());
      await b.documents.set('https://app.example/cimd.json', cachedDocument());
      assert.deepEqual(await a.documents.get('https://app.example/cimd.json'), cachedDocument());

      await a.codes.save(codeRecord());
      assert.equal((await b.codes.consume('code-hash-1', T0)).status, 'consumed');
      assert.equal((await a.codes.consume('code-hash-1', T0 + 1)).status, 'reused');

      await b.refreshTokens.save(refreshRecord());
      assert.equal((await a.refreshTokens.rotate('refresh-hash-1', refreshRecord({ tokenHash: 'next' }), T0)).status, 'rotated');
      assert.equal((await b.refreshTokens.rotate('refresh-hash-1', refreshRecord({ tokenHash: 'other' }), T0)).status, 'reused');
      assert.equal(await b.refreshTokens.find('other', T0), undefined);
      assert.equal(await a.replay.remember('client-assertion', 'jti', T0 + 1000, T0), true);
      assert.equal(await b.replay.remember('client-assertion', 'jti', T0 + 1000, T0), false);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test(`OAuth 2.1 §4.1.3: 50 concurrent consumptions of one code, alternating between two ${handles}, yield exactly one consumed`, async () => {
    const [a, b] = await openPair();
    try {
      for (let round = 0; round < 3; round++) {
        await a.codes.save(codeRecord({ codeHash: `race-${round}` }));
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).codes.consume(`race-${round}`, T0 + i)),
        );
        assert.equal(results.filter((r) => r.status === 'consumed').length, 1, `round ${round}`);
        assert.equal(results.filter((r) => r.status === 'reused').length, 49, `round ${round}`);
      }
    } finally {
      await a.close();
      await b.close();
    }
  });
}
