import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { documentFor, ID, setup } from './support/resolver-setup.js';

const MAX_AGE_600 = { 'cache-control': 'max-age=600' };

describe('verdicts on cached texts (the resolver remembers what it accepted, by the text itself)', () => {
  test('R36, R37: every hit on the same cached text gives the client as first validated, without a fetch', async () => {
    const { fetcher, resolver } = setup();
    fetcher.serve(ID, { body: documentFor(ID, { client_name: 'Remembered' }), headers: MAX_AGE_600 });
    const first = await resolver.resolve(ID, { use: 'authorize' });
    const hits = [];
    for (let i = 0; i < 3; i++) hits.push(await resolver.resolve(ID, { use: 'authorize' }));
    assert.equal(fetcher.count(), 1);
    for (const hit of hits) {
      assert.equal(hit.source, 'cache-hit');
      assert.deepEqual(hit.metadata, first.metadata);
      assert.deepEqual(hit.negotiated, first.negotiated);
      assert.deepEqual(hit.warnings, first.warnings);
    }
  });

  test("R16, R36: a cached text changed behind the resolver's back (a shared store) is judged anew, even with the old digest", async () => {
    const { fetcher, resolver, store } = setup();
    fetcher.serve(ID, { body: documentFor(ID), headers: MAX_AGE_600 });
    await resolver.resolve(ID, { use: 'authorize' });
    await resolver.resolve(ID, { use: 'authorize' }); // a hit: its verdict is now remembered
    const entry = await store.get(ID);
    assert.ok(entry !== undefined);
    // Another client's document under this client_id, with the digest of the accepted one.
    await store.set(ID, { ...entry, body: documentFor('https://attacker.example/client.json') });
    const r = await resolver.resolve(ID, { use: 'authorize' });
    assert.equal(r.source, 'fetched', 'the tampered entry was dropped and the document fetched again');
    assert.equal(r.metadata.client_id, ID);
    assert.equal(fetcher.count(), 2);
  });

  test('R36: a changed valid text in the cache gives the changed client, not the remembered one', async () => {
    const { fetcher, resolver, store } = setup();
    fetcher.serve(ID, { body: documentFor(ID, { client_name: 'Before' }), headers: MAX_AGE_600 });
    await resolver.resolve(ID, { use: 'authorize' });
    const entry = await store.get(ID);
    assert.ok(entry !== undefined);
    await store.set(ID, { ...entry, body: documentFor(ID, { client_name: 'After' }) });
    const r = await resolver.resolve(ID, { use: 'authorize' });
    assert.equal(r.source, 'cache-hit');
    assert.equal(r.metadata.client_name, 'After');
    await store.set(ID, entry);
    assert.equal((await resolver.resolve(ID, { use: 'authorize' })).metadata.client_name, 'Before', 'and back again');
    assert.equal(fetcher.count(), 1);
  });
});
