import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createStaticRegistrationSource } from '../src/trust/registration-data.js';
import { authorizeParams, createHarness, document, PASSWORD, type Harness } from './support/harness.js';
import { approveSynthetically, consentPage, refresh, tierOf, tokensFor } from './support/trust.js';

const DAY = 86_400_000;

/** Serve a client whose only redirect URI is on its own host (a first-seen client may use no other). */
function ownHostClient(h: Harness, host: string, extra: Record<string, unknown> = {}): { id: string; redirect: string } {
  const id = `https://${host}/client.json`;
  const redirect = `https://${host}/cb`;
  h.serve(id, document(id, { redirect_uris: [redirect], ...extra }));
  return { id, redirect };
}

describe('domain health (R75, slides "domain health")', () => {
  test('R75: a lookalike of a well-known domain stays first-seen with a danger warning, however many users approved it', async () => {
    const h = await createHarness({ trust: { wellKnownDomains: ['paypal.com', 'example.com'] } });
    try {
      await h.addUser('alice');
      const hosts = [new URL('https://p\u0430ypal.com/').hostname, 'paypa1.com', 'login-example.com.evil.test'];
      for (const host of hosts) {
        const { id, redirect } = ownHostClient(h, host, { client_name: 'PayPal' });
        await approveSynthetically(h, id, 2000);
        const page = await consentPage(h.browser(), id, 'alice', { redirect_uri: redirect });
        assert.equal(tierOf(page), 'first-seen', host);
        assert.doesNotMatch(page, /calls itself/, `${host}: its name is not shown`);
        const brand = host.includes('example') ? 'example\\.com' : 'paypal\\.com';
        assert.match(
          page,
          new RegExp(`data-testid="notice-danger"[^>]*>[^<]* looks like ${brand}, but it is not ${brand}`),
          host,
        );
      }
      const { id, redirect } = ownHostClient(h, 'www.paypal.com');
      await approveSynthetically(h, id, 2000);
      assert.equal(
        tierOf(await consentPage(h.browser(), id, 'alice', { redirect_uri: redirect })),
        'recognized',
        'the brand itself',
      );
    } finally {
      await h.close();
    }
  });

  test('R75: a domain hosting many client_ids is crowded: its clients get no name or logo and a warning', async () => {
    const h = await createHarness({ trust: { crowdedDomainClients: 3 } });
    try {
      await h.addUser('alice');
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const id = `https://spam.example/c${i}.json`;
        h.serve(id, document(id, { redirect_uris: ['https://spam.example/cb'] }));
        await h.server.context.clients.find(id, 'authorize');
        ids.push(id);
      }
      await approveSynthetically(h, ids[0] ?? '', 500);
      const page = await consentPage(h.browser(), ids[0] ?? '', 'alice', { redirect_uri: 'https://spam.example/cb' });
      assert.equal(tierOf(page), 'established', 'capped below named');
      assert.doesNotMatch(page, /calls itself/);
      assert.match(page, /spam\.example hosts many different apps \(3\)/);
    } finally {
      await h.close();
    }
  });

  test('R75: a young domain (registration data) is first-seen with a warning until it ages (injected clock); lookups are cached', async () => {
    const h0 = Date.UTC(2026, 10, 28, 12, 0, 0);
    const source = createStaticRegistrationSource({ 'young.example': { registrant: 'Someone', registeredAt: h0 - 3 * DAY } });
    const h = await createHarness({}, { registrationData: source });
    try {
      await h.addUser('alice');
      const { id, redirect } = ownHostClient(h, 'young.example', { client_name: 'Young App' });
      await approveSynthetically(h, id, 200);
      let page = await consentPage(h.browser(), id, 'alice', { redirect_uri: redirect });
      assert.equal(tierOf(page), 'first-seen');
      assert.match(page, /The site young\.example was registered 3 days ago/);
      await consentPage(h.browser(), id, 'alice', { redirect_uri: redirect });
      assert.equal(source.lookups, 1, 'looked up once per trust.registrationRecheckS');
      h.clock.advance(30 * DAY);
      page = await consentPage(h.browser(), id, 'alice', { redirect_uri: redirect });
      assert.equal(tierOf(page), 'named', 'a month later the domain is no longer young');
      assert.match(page, /calls itself “Young App”/);
      assert.equal(source.lookups, 2);
    } finally {
      await h.close();
    }
  });

  test('R75: a change of the registrant asks every user for consent again (and revokes grants when so configured)', async () => {
    for (const policy of ['re-consent', 'revoke'] as const) {
      const source = createStaticRegistrationSource({ 'owned.example': { registrant: 'Original Owner Ltd', registeredAt: 0 } });
      const h = await createHarness(
        { trust: { onRegistrationChange: policy, registrationRecheckS: 3600 } },
        { registrationData: source },
      );
      try {
        await h.addUser('alice');
        const { id, redirect } = ownHostClient(h, 'owned.example');
        const tokens = await tokensFor(h.browser(), id, 'alice', redirect);
        const again = async (): Promise<number> =>
          (
            await h
              .browser()
              .authorize(authorizeParams({ client_id: id, redirect_uri: redirect }), { username: 'alice', password: PASSWORD })
          ).pages.length;
        assert.equal(await again(), 0, 'remembered');
        source.set('owned.example', { registrant: 'New Owner LLC', registeredAt: 0 });
        h.clock.advance(h.config.trust.registrationRecheckS * 1000);
        assert.equal(await again(), 1, `${policy}: the user is asked again`);
        const [event] = await h.stores.trust.audit.list({ action: 'registration-changed', limit: 1 });
        assert.deepEqual(event?.detail['after'], { registrant: 'New Owner LLC', registeredAt: 0 });
        assert.equal((await refresh(h.browser(), id, tokens.refresh_token)).status, policy === 'revoke' ? 400 : 200, policy);
      } finally {
        await h.close();
      }
    }
  });

  test('regression, R75: a domain that lapses (the source knows nothing) and comes back with a new registrant still counts as changed', async () => {
    const source = createStaticRegistrationSource({ 'lapsed.example': { registrant: 'Original Owner Ltd', registeredAt: 0 } });
    const h = await createHarness(
      { trust: { onRegistrationChange: 'revoke', registrationRecheckS: 3600 } },
      { registrationData: source },
    );
    try {
      await h.addUser('alice');
      const { id, redirect } = ownHostClient(h, 'lapsed.example');
      const tokens = await tokensFor(h.browser(), id, 'alice', redirect);
      const authorizeAgain = () =>
        h
          .browser()
          .authorize(authorizeParams({ client_id: id, redirect_uri: redirect }), { username: 'alice', password: PASSWORD });
      source.delete('lapsed.example'); // lapsed: the registry knows nothing
      h.clock.advance(h.config.trust.registrationRecheckS * 1000);
      assert.equal((await authorizeAgain()).pages.length, 0, 'no news is not a change: still remembered');
      assert.equal((await h.stores.trust.domains.get('lapsed.example'))?.registrant, 'Original Owner Ltd', 'kept');
      source.set('lapsed.example', { registrant: 'Attacker LLC', registeredAt: 1 });
      h.clock.advance(h.config.trust.registrationRecheckS * 1000);
      assert.equal((await authorizeAgain()).pages.length, 1, 'asked again');
      const [event] = await h.stores.trust.audit.list({ action: 'registration-changed', limit: 1 });
      assert.deepEqual(event?.detail['before'], { registrant: 'Original Owner Ltd', registeredAt: 0 });
      assert.equal((await refresh(h.browser(), id, tokens.refresh_token)).status, 400, 'revoked');
    } finally {
      await h.close();
    }
  });
});
