import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createAdminService } from '../src/trust/admin-service.js';
import { createHarness, document, type Harness } from './support/harness.js';
import { consentPage, HTML_AS_PNG, PNG_1X1, SVG_WITH_SCRIPT } from './support/trust.js';

const digestOf = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('base64url');

describe('logos: fetched, checked by content, served from this origin (R74, R78)', () => {
  let h: Harness;
  let n = 0;
  before(async () => {
    h = await createHarness({ trust: { maxLogoBytes: 4096 } });
    await h.addUser('alice');
  });
  after(() => h.close());

  /** A trusted client (its tier shows logos) whose logo_uri serves `body` with the claimed type. */
  async function clientWithLogo(body: Uint8Array, claimed: string): Promise<{ id: string; logo: string }> {
    const host = `logo${++n}.app.example`;
    const id = `https://${host}/client.json`;
    const logo = `https://${host}/logo.png`;
    h.serve(id, document(id, { logo_uri: logo }));
    h.fetcher.serve(logo, { body, headers: { 'content-type': claimed, 'cache-control': 'max-age=600' } });
    await createAdminService(h.server.context).register(id, 'admin:root', 'trusted');
    return { id, logo };
  }

  async function refused(body: Uint8Array, claimed: string, reason: string): Promise<void> {
    const { id, logo } = await clientWithLogo(body, claimed);
    const page = await consentPage(h.browser(), id, 'alice');
    assert.equal(h.fetcher.count(logo), 1, 'the server fetched it');
    assert.doesNotMatch(page, /<img/, 'no logo shown');
    assert.equal(await h.stores.trust.logos.forClient(id), undefined, 'nothing kept');
    const [event] = await h.stores.trust.audit.list({ clientId: id, action: 'logo-refused', limit: 1 });
    assert.equal(event?.detail['reason'], reason);
    const served = await h.browser().get(`/logos/${digestOf(body)}`);
    assert.equal(served.status, 404, 'and nothing is served under its digest');
    await consentPage(h.browser(), id, 'alice');
    assert.equal(h.fetcher.count(logo), 1, 'a refused logo is not fetched again on every page');
  }

  test('R74: an SVG is refused even when its server calls it image/png', () =>
    refused(SVG_WITH_SCRIPT, 'image/png', 'logo-not-image'));

  test('R74: an HTML page named .png and served as image/png is refused', () =>
    refused(HTML_AS_PNG, 'image/png', 'logo-not-image'));

  test('R74: a logo over the size limit is refused', () =>
    refused(Buffer.concat([PNG_1X1, Buffer.alloc(5000)]), 'image/png', 'logo-too-large'));

  test('R74: a real PNG is served from this origin, with the sniffed type and strict headers, never hot-linked', async () => {
    const { id, logo } = await clientWithLogo(PNG_1X1, 'image/jpeg');
    const page = await consentPage(h.browser(), id, 'alice');
    const src = `/logos/${digestOf(PNG_1X1)}`;
    assert.ok(page.includes(`<img class="logo" src="${src}"`), 'the page points at this server');
    assert.ok(!page.includes(logo));
    const r = await h.browser().get(src);
    assert.equal(r.status, 200);
    assert.deepEqual(Buffer.from(await r.arrayBuffer()), PNG_1X1);
    assert.equal(r.headers.get('content-type'), 'image/png', 'sniffed, not the image/jpeg its server claimed');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.match(r.headers.get('content-security-policy') ?? '', /^default-src 'none'/);
    assert.equal(r.headers.get('cross-origin-resource-policy'), 'same-origin');
    assert.match(r.headers.get('cache-control') ?? '', /immutable/);
    const [event] = await h.stores.trust.audit.list({ clientId: id, action: 'logo-accepted', limit: 1 });
    assert.deepEqual(event?.detail, { logo_uri: logo, digest: digestOf(PNG_1X1), mediaType: 'image/png', bytes: PNG_1X1.length });
  });

  test('R74: only a digest names a logo; anything else is 404', async () => {
    for (const path of ['/logos/x', `/logos/${'A'.repeat(43)}`, '/logos/..%2Fadmin', `/logos/${digestOf(PNG_1X1)}.svg`]) {
      assert.equal((await h.browser().get(path)).status, 404, path);
    }
  });

  test('R74: a logo that cannot be fetched is not shown, and not asked for again until the shortest cache lifetime passed', async () => {
    const { id, logo } = await clientWithLogo(PNG_1X1, 'image/png');
    h.fetcher.serve(logo, { fail: 'fetch-timeout' });
    assert.doesNotMatch(await consentPage(h.browser(), id, 'alice'), /<img/);
    await consentPage(h.browser(), id, 'alice');
    assert.equal(h.fetcher.count(logo), 1);
    h.fetcher.serve(logo, { body: PNG_1X1, headers: { 'content-type': 'image/png' } });
    h.clock.advance(h.config.fetch.minCacheS * 1000);
    assert.match(await consentPage(h.browser(), id, 'alice'), /<img class="logo"/);
    assert.equal(h.fetcher.count(logo), 2);
  });

  test('R74: with trust.logos off no logo is ever fetched', async () => {
    const off = await createHarness({ trust: { logos: false } });
    try {
      await off.addUser('alice');
      const id = 'https://nologo.app.example/client.json';
      off.serve(id, document(id, { logo_uri: 'https://nologo.app.example/logo.png' }));
      await createAdminService(off.server.context).register(id, 'admin:root', 'reviewed');
      assert.doesNotMatch(await consentPage(off.browser(), id, 'alice'), /<img/);
      assert.equal(off.fetcher.count('https://nologo.app.example/logo.png'), 0);
    } finally {
      await off.close();
    }
  });
});
