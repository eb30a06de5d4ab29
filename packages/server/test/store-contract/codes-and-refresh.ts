import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MINUTE, T0, concurrently, rejectsWithReason, type CurrentContext } from './context.js';
import { codeRecord, refreshRecord } from './fixtures.js';

/** CodeStore: single use, reuse detection until expiry, atomic consumption. */
export function codeContract(current: CurrentContext): void {
  describe('codes', () => {
    test('OAuth 2.1 §4.1.3: a code is consumed once, then reused until it expires, then unknown', async () => {
      const { stores } = current();
      const record = codeRecord();
      await stores.codes.save(record);
      assert.deepEqual(await stores.codes.consume(record.codeHash, T0 + 1), { status: 'consumed', record });
      assert.deepEqual(await stores.codes.consume(record.codeHash, T0 + 2), { status: 'reused', record });
      assert.deepEqual(await stores.codes.consume(record.codeHash, record.expiresAt - 1), { status: 'reused', record });
      assert.deepEqual(await stores.codes.consume(record.codeHash, record.expiresAt), { status: 'unknown' });
    });

    test('a code never saved is unknown', async () => {
      const { stores } = current();
      await stores.codes.save(codeRecord());
      assert.deepEqual(await stores.codes.consume('another-hash', T0), { status: 'unknown' });
    });

    test('a code first presented at its expiry is unknown, never consumed', async () => {
      const { stores } = current();
      const record = codeRecord();
      await stores.codes.save(record);
      assert.deepEqual(await stores.codes.consume(record.codeHash, record.expiresAt + MINUTE), { status: 'unknown' });
    });

    test('OAuth 2.1 §4.1.3: of 50 concurrent consumptions of one code exactly one is consumed, the others reused', async () => {
      const { stores } = current();
      const record = codeRecord();
      await stores.codes.save(record);
      const results = await concurrently(50, (i) => stores.codes.consume(record.codeHash, T0 + i));
      assert.equal(results.filter((r) => r.status === 'consumed').length, 1);
      assert.equal(results.filter((r) => r.status === 'reused').length, 49);
    });

    test('codes are independent: consuming one leaves another unused', async () => {
      const { stores } = current();
      await stores.codes.save(codeRecord({ codeHash: 'a' }));
      await stores.codes.save(codeRecord({ codeHash: 'b' }));
      assert.equal((await stores.codes.consume('a', T0)).status, 'consumed');
      assert.equal((await stores.codes.consume('b', T0)).status, 'consumed');
    });

    test('saving a code whose hash is taken rejects (store-conflict) and cannot reset a used code', async () => {
      const { stores } = current();
      const record = codeRecord();
      await stores.codes.save(record);
      assert.equal((await stores.codes.consume(record.codeHash, T0)).status, 'consumed');
      await rejectsWithReason(stores.codes.save(codeRecord({ userId: 'attacker' })), 'store-conflict');
      assert.deepEqual(await stores.codes.consume(record.codeHash, T0 + 1), { status: 'reused', record });
    });

    test('the store keeps what was saved, not the caller object changed afterwards', async () => {
      const { stores } = current();
      const scope = ['openid'];
      await stores.codes.save(codeRecord({ scope }));
      scope.push('admin');
      const result = await stores.codes.consume('code-hash-1', T0);
      assert.equal(result.status, 'consumed');
      if (result.status === 'consumed') assert.deepEqual(result.record.scope, ['openid']);
    });
  });
}

/** RefreshTokenStore: rotation, reuse detection, atomic rotation, expiry. */
export function refreshTokenContract(current: CurrentContext): void {
  describe('refresh tokens', () => {
    test('a saved token is found as saved until it expires, then never', async () => {
      const { stores } = current();
      const record = refreshRecord();
      const used = refreshRecord({ tokenHash: 'used-one', usedAt: T0 + 5 });
      await stores.refreshTokens.save(record);
      await stores.refreshTokens.save(used);
      assert.deepEqual(await stores.refreshTokens.find(record.tokenHash, T0), record);
      assert.deepEqual(await stores.refreshTokens.find(used.tokenHash, T0), used);
      assert.deepEqual(await stores.refreshTokens.find(record.tokenHash, record.expiresAt - 1), record);
      assert.equal(await stores.refreshTokens.find(record.tokenHash, record.expiresAt), undefined);
      assert.equal(await stores.refreshTokens.find('never-saved', T0), undefined);
    });

    test('RFC 9700 §4.14.2: rotation marks the token used and saves its successor; a second use is reuse', async () => {
      const { stores } = current();
      const first = refreshRecord();
      const second = refreshRecord({ tokenHash: 'refresh-hash-2', issuedAt: T0 + MINUTE, expiresAt: T0 + 31 * MINUTE });
      const third = refreshRecord({ tokenHash: 'refresh-hash-3' });
      await stores.refreshTokens.save(first);
      const rotated = await stores.refreshTokens.rotate(first.tokenHash, second, T0 + MINUTE);
      assert.deepEqual(rotated, { status: 'rotated', previous: { ...first, usedAt: T0 + MINUTE } });
      assert.deepEqual(await stores.refreshTokens.find(second.tokenHash, T0 + MINUTE), second);
      assert.deepEqual(await stores.refreshTokens.find(first.tokenHash, T0 + MINUTE), { ...first, usedAt: T0 + MINUTE });

      const reused = await stores.refreshTokens.rotate(first.tokenHash, third, T0 + 2 * MINUTE);
      assert.deepEqual(reused, { status: 'reused', previous: { ...first, usedAt: T0 + MINUTE } });
      assert.equal(
        await stores.refreshTokens.find(third.tokenHash, T0 + 2 * MINUTE),
        undefined,
        'the successor of a reuse is not saved',
      );
      // The successor rotates on its own.
      assert.equal((await stores.refreshTokens.rotate(second.tokenHash, third, T0 + 3 * MINUTE)).status, 'rotated');
    });

    test('rotating an unknown or expired token is unknown and saves nothing', async () => {
      const { stores } = current();
      const record = refreshRecord();
      await stores.refreshTokens.save(record);
      const next = refreshRecord({ tokenHash: 'next' });
      assert.deepEqual(await stores.refreshTokens.rotate('never-saved', next, T0), { status: 'unknown' });
      assert.deepEqual(await stores.refreshTokens.rotate(record.tokenHash, next, record.expiresAt), { status: 'unknown' });
      assert.equal(await stores.refreshTokens.find(next.tokenHash, T0), undefined);
    });

    test('a token saved as already used is reused on rotation', async () => {
      const { stores } = current();
      const used = refreshRecord({ usedAt: T0 + 1 });
      await stores.refreshTokens.save(used);
      assert.deepEqual(await stores.refreshTokens.rotate(used.tokenHash, refreshRecord({ tokenHash: 'next' }), T0 + 2), {
        status: 'reused',
        previous: used,
      });
    });

    test('RFC 9700 §4.14.2: of 50 concurrent rotations of one token exactly one rotates and only its successor is saved', async () => {
      const { stores } = current();
      await stores.refreshTokens.save(refreshRecord());
      const successor = (i: number) => refreshRecord({ tokenHash: `successor-${i}`, issuedAt: T0 + MINUTE });
      const results = await concurrently(50, (i) => stores.refreshTokens.rotate('refresh-hash-1', successor(i), T0 + MINUTE));
      const winners = results.flatMap((r, i) => (r.status === 'rotated' ? [i] : []));
      assert.equal(winners.length, 1);
      assert.equal(results.filter((r) => r.status === 'reused').length, 49);
      const saved = [];
      for (let i = 0; i < 50; i++) {
        if ((await stores.refreshTokens.find(`successor-${i}`, T0 + MINUTE)) !== undefined) saved.push(i);
      }
      assert.deepEqual(saved, winners);
    });

    test('a rotation whose successor hash is taken rejects (store-conflict) and leaves the token unused', async () => {
      const { stores } = current();
      await stores.refreshTokens.save(refreshRecord());
      await stores.refreshTokens.save(refreshRecord({ tokenHash: 'taken' }));
      await rejectsWithReason(
        stores.refreshTokens.rotate('refresh-hash-1', refreshRecord({ tokenHash: 'taken' }), T0),
        'store-conflict',
      );
      assert.equal((await stores.refreshTokens.find('refresh-hash-1', T0))?.usedAt, undefined);
      assert.equal(
        (await stores.refreshTokens.rotate('refresh-hash-1', refreshRecord({ tokenHash: 'free' }), T0)).status,
        'rotated',
      );
    });

    test('saving a token whose hash is taken rejects (store-conflict) and cannot reset a used token', async () => {
      const { stores } = current();
      await stores.refreshTokens.save(refreshRecord());
      await stores.refreshTokens.rotate('refresh-hash-1', refreshRecord({ tokenHash: 'next' }), T0);
      await rejectsWithReason(stores.refreshTokens.save(refreshRecord()), 'store-conflict');
      assert.equal((await stores.refreshTokens.find('refresh-hash-1', T0))?.usedAt, T0);
    });
  });
}
