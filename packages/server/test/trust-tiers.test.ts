import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { consentView, type ConsentView } from '../src/ui/consent-view.js';
import { createAdminService } from '../src/trust/admin-service.js';
import { createHarness, document, REDIRECT_URI, type Harness } from './support/harness.js';
import { approveSynthetically, consentPage, PNG_1X1, tierOf } from './support/trust.js';

/** What consentView returns for the client as the server sees it now (live assessment, logo on this server). */
async function viewOf(h: Harness, clientId: string): Promise<ConsentView> {
  const ctx = h.server.context;
  const client = await ctx.clients.find(clientId, 'authorize');
  const { assessment } = await ctx.trust.assessor.assess(client);
  const logoPath = await ctx.trust.logos.pathFor(client, assessment);
  const service = ctx.trust.assessor.serviceOf(clientId);
  return consentView({
    ...(service === undefined ? {} : { provisionedBy: service }),
    client,
    redirectUri: REDIRECT_URI,
    scopes: [],
    resources: [],
    username: 'alice',
    trust: { assessment, ...(logoPath === undefined ? {} : { logoPath }) },
  });
}

describe('the reputation ladder on the consent page (R75, R74, R78, R83)', () => {
  let h: Harness;
  const id = 'https://tiers.app.example/oauth/client.json';
  const logo = 'https://tiers.app.example/logo.png';
  before(async () => {
    h = await createHarness();
    for (const name of ['alice', 'bob', 'carol']) await h.addUser(name);
    h.serve(
      id,
      document(id, {
        client_name: 'Tier App',
        logo_uri: logo,
        client_uri: 'https://tiers.app.example/',
        policy_uri: 'https://tiers.app.example/privacy',
        tos_uri: 'https://tiers.app.example/terms',
      }),
    );
    // The server the logo is on claims a GIF; the bytes are a PNG, and that is what is served (R74).
    h.fetcher.serve(logo, { body: PNG_1X1, headers: { 'content-type': 'image/gif', 'cache-control': 'max-age=3600' } });
  });
  after(() => h.close());

  test('R75: 0, 9, 10, 100 and 1000 distinct approving users move the client up the ladder, and consentView follows', async () => {
    const b = h.browser();
    // Nobody approved it yet: first-seen, the domain only, a prominent warning.
    let page = await consentPage(b, id, 'alice');
    assert.equal(tierOf(page), 'first-seen');
    assert.match(page, /data-testid="notice-danger"[^>]*>This server has not seen this app before/);
    assert.doesNotMatch(page, /Tier App|client-logo|client-links/);
    let view = await viewOf(h, id);
    assert.deepEqual(
      [view.tier, view.name, view.logo, view.links, view.reviewed],
      ['first-seen', undefined, undefined, undefined, false],
    );
    assert.equal(view.notices[0]?.level, 'danger');

    // alice approves: the first approval associates the client with her (slides: "associate client with the user").
    await b.decide(page, 'approve');
    const first = await h.stores.trust.approvals.first(id);
    assert.equal(first?.userId, (await h.stores.users.findByUsername('alice'))?.id);
    assert.equal((await h.stores.trust.audit.list({ clientId: id, action: 'first-approval', limit: 5 })).length, 1);

    await approveSynthetically(h, id, 8); // 9 users
    assert.equal((await viewOf(h, id)).tier, 'first-seen', '9 users are not enough');

    // bob is the tenth: the warning goes, and the server records the tier reached.
    const bob = h.browser();
    await bob.decide(await consentPage(bob, id, 'bob'), 'approve');
    view = await viewOf(h, id);
    assert.deepEqual([view.tier, view.name, view.notices], ['established', undefined, []]);
    const reached = await h.stores.trust.audit.list({ clientId: id, action: 'tier-reached', limit: 5 });
    assert.deepEqual(
      reached.map((e) => e.detail),
      [{ tier: 'established', approvals: 10 }],
    );
    page = await consentPage(h.browser(), id, 'carol');
    assert.equal(tierOf(page), 'established');
    assert.doesNotMatch(page, /notice-danger|Tier App/);

    await approveSynthetically(h, id, 90, 100); // 100 users: the self-asserted name, with its byline
    view = await viewOf(h, id);
    assert.deepEqual([view.tier, view.name], ['named', { text: 'Tier App', byline: 'name set by the app at tiers.app.example' }]);
    assert.equal(view.logo, undefined);
    assert.equal(h.fetcher.count(logo), 0, 'R74, PageSpace#2619: no logo is fetched below the logo tier');

    await approveSynthetically(h, id, 900, 1000); // 1000 users: the logo, from this server
    view = await viewOf(h, id);
    assert.equal(view.tier, 'recognized');
    assert.match(view.logo?.src ?? '', /^\/logos\/[A-Za-z0-9_-]{43}$/);
    assert.equal(view.links, undefined, 'R78: no links before an administrator reviewed the client');
    assert.equal(h.fetcher.count(logo), 1);
    page = await consentPage(h.browser(), id, 'carol');
    assert.match(page, /calls itself “Tier App” <span class="byline">\(name set by the app at tiers\.app\.example\)<\/span>/);
    assert.ok(page.includes(`src="${view.logo?.src ?? ''}"`), 'the page shows the logo from this server');
    assert.ok(!page.includes(logo), 'R74: never hot-linked');
    assert.equal(h.fetcher.count(logo), 1, 'the logo is kept, not fetched per page');
    const served = await b.get(view.logo?.src ?? '');
    assert.equal(served.headers.get('content-type'), 'image/png', 'the type its bytes are, not the one claimed');
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), PNG_1X1);

    // An administrator's review: links to the client's pages (R78) and the mark.
    await createAdminService(h.server.context).setTrust(id, 'reviewed', 'admin:root');
    view = await viewOf(h, id);
    assert.deepEqual(
      [view.tier, view.reviewed, view.links],
      [
        'reviewed',
        true,
        [
          { label: 'Website', href: 'https://tiers.app.example/' },
          { label: 'Privacy policy', href: 'https://tiers.app.example/privacy' },
          { label: 'Terms of service', href: 'https://tiers.app.example/terms' },
        ],
      ],
    );
    page = await consentPage(h.browser(), id, 'carol');
    assert.match(page, /data-testid="reviewed-mark"/);
    const anchors = [...page.matchAll(/<a href="([^"]+)" rel="([^"]+)"[^>]*data-testid="client-link"/g)];
    assert.deepEqual(
      anchors.map((m) => [m[1], m[2]]),
      [
        ['https://tiers.app.example/', 'noreferrer noopener'],
        ['https://tiers.app.example/privacy', 'noreferrer noopener'],
        ['https://tiers.app.example/terms', 'noreferrer noopener'],
      ],
    );
    assert.ok(
      ![...page.matchAll(/src="([^"]+)"/g)].some((m) => /^https?:/.test(m[1] ?? '')),
      'R78: nothing is loaded from elsewhere',
    );
  });

  test('R74: the logo is kept for its cache lifetime (injected clock), then fetched again', async () => {
    const before = h.fetcher.count(logo);
    await viewOf(h, id);
    assert.equal(h.fetcher.count(logo), before);
    h.clock.advance(3601_000);
    await viewOf(h, id);
    assert.equal(h.fetcher.count(logo), before + 1);
  });

  test('R75: thresholds are configuration', async () => {
    const small = await createHarness({ trust: { usersForNoWarning: 2, usersForName: 3, usersForLogo: 4 } });
    try {
      const c = small.newClient();
      await approveSynthetically(small, c, 1);
      assert.equal((await viewOf(small, c)).tier, 'first-seen');
      await approveSynthetically(small, c, 1, 1);
      assert.equal((await viewOf(small, c)).tier, 'established');
      await approveSynthetically(small, c, 1, 2);
      assert.equal((await viewOf(small, c)).name?.text, 'Example App');
    } finally {
      await small.close();
    }
  });

  test('R83, R76: a client of a CIMD Service never earns a name or a logo, however many users approve it', async () => {
    const service = 'https://service.app.example';
    const s = await createHarness({ policy: { cimdServices: [service] } });
    try {
      const c = `${service}/clients/dev-app.json`;
      s.serve(c, document(c, { logo_uri: `${service}/logo.png` }));
      await approveSynthetically(s, c, 2000);
      const view = await viewOf(s, c);
      assert.deepEqual([view.tier, view.name, view.logo], ['established', undefined, undefined]);
      assert.ok(view.notices.some((n) => n.level === 'info' && /in development/.test(n.text)));
      assert.equal(s.fetcher.count(`${service}/logo.png`), 0);
    } finally {
      await s.close();
    }
  });
});
