import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formFields } from './support/browser.js';
import {
  authorizeParams,
  CLIENT_ID,
  createHarness,
  document,
  ISSUER,
  PASSWORD,
  REDIRECT_URI,
  type Harness,
} from './support/harness.js';

async function errorPageOf(response: Response): Promise<string> {
  assert.equal(response.status, 400);
  assert.equal(response.headers.get('location'), null, 'an unverified client is never redirected to (H15)');
  const page = await response.text();
  assert.match(page, /This request cannot continue/);
  return page;
}

function reasonOf(page: string): string | undefined {
  return /data-testid="reason">([^<]+)</.exec(page)?.[1];
}

describe('authorization endpoint: the client and its redirect URI are verified first (H15)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ policy: { authenticateBeforeFetch: false } });
    await h.addUser('alice');
  });
  after(() => h.close());

  test('R35, R68, H15, M-AS7: a fetch failure shows an error page with the reason and never redirects', async () => {
    h.fetcher.serve(CLIENT_ID, { fail: 'fetch-timeout' });
    const page = await errorPageOf(await h.browser().get(`/authorize?${authorizeParams().toString()}`));
    assert.equal(reasonOf(page), 'fetch-timeout');
  });

  test('H15: an invalid document (client_id mismatch) shows an error page', async () => {
    h.serve(CLIENT_ID, document('https://other.example/client.json'));
    const page = await errorPageOf(await h.browser().get(`/authorize?${authorizeParams().toString()}`));
    assert.equal(reasonOf(page), 'client-id-mismatch');
  });

  test('R26, H15, M-AS4: an unregistered redirect_uri shows an error page and is never redirected to', async () => {
    h.serve(CLIENT_ID, document());
    const params = authorizeParams({ redirect_uri: 'https://evil.example/callback' });
    const page = await errorPageOf(await h.browser().get(`/authorize?${params.toString()}`));
    assert.equal(reasonOf(page), 'redirect-uri-not-registered');
    assert.ok(!page.includes('https://evil.example/callback?'), 'no link to the unverified URI');
  });

  test('R1, H1: a client_id that breaks the URL rules shows an error page, with no fetch', async () => {
    const before = h.fetcher.count();
    for (const id of ['http://app.example/c.json', 'https://app.example/a/../c.json', 'https://app.example/c.json#x']) {
      const page = await errorPageOf(await h.browser().get(`/authorize?${authorizeParams({ client_id: id }).toString()}`));
      assert.match(reasonOf(page) ?? '', /^client-id-/);
    }
    assert.equal(h.fetcher.count(), before);
  });

  test('a missing client_id and a repeated parameter show an error page', async () => {
    assert.equal(
      reasonOf(await errorPageOf(await h.browser().get('/authorize?response_type=code'))),
      'request-parameter-missing',
    );
    const repeated = `${authorizeParams().toString()}&scope=write`;
    assert.equal(reasonOf(await errorPageOf(await h.browser().get(`/authorize?${repeated}`))), 'request-parameter-repeated');
  });

  test('a redirect_uri may be omitted only when exactly one is registered', async () => {
    const id = h.newClient({ redirect_uris: [REDIRECT_URI, 'https://app.example/other'] });
    const page = await errorPageOf(
      await h.browser().get(`/authorize?${authorizeParams({ client_id: id, redirect_uri: undefined }).toString()}`),
    );
    assert.equal(reasonOf(page), 'redirect-uri-missing');
  });

  test('the error page has the strict page headers', async () => {
    const id = 'https://redirecting.example/client.json';
    h.fetcher.serve(id, { fail: 'fetch-redirect' });
    const r = await h.browser().get(`/authorize?${authorizeParams({ client_id: id }).toString()}`);
    assert.equal(r.status, 400);
    assert.match(r.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
    assert.equal(r.headers.get('cache-control'), 'no-store');
  });
});

describe('authorization endpoint: errors after verification go to the client with iss (RFC 9207)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ policy: { authenticateBeforeFetch: false } });
    await h.addUser('alice');
    h.serve(CLIENT_ID, document());
  });
  after(() => h.close());

  const cases: Array<[string, Record<string, string | undefined>, string]> = [
    ['PKCE: a missing code_challenge is refused', { code_challenge: undefined }, 'invalid_request'],
    ['PKCE: the plain method is refused', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['PKCE: an absent method means plain and is refused', { code_challenge_method: undefined }, 'invalid_request'],
    ['PKCE: a malformed challenge is refused', { code_challenge: 'short' }, 'invalid_request'],
    ['response_type=token is unsupported (OAuth 2.1)', { response_type: 'token' }, 'unsupported_response_type'],
    ['a missing response_type is refused', { response_type: undefined }, 'invalid_request'],
    ['an unknown scope is refused', { scope: 'read admin' }, 'invalid_scope'],
    ['RFC 8707: a resource with a fragment is refused', { resource: 'https://api.example/mcp#x' }, 'invalid_target'],
    ['RFC 8707: a resource this server does not serve is refused', { resource: 'https://elsewhere.example/' }, 'invalid_target'],
    ['a form_post response mode is refused', { response_mode: 'form_post' }, 'invalid_request'],
    ['request objects are refused', { request: 'eyJ.x.y' }, 'invalid_request'],
    ['an unknown prompt value is refused', { prompt: 'bogus' }, 'invalid_request'],
    ['prompt=none with another value is refused', { prompt: 'none consent' }, 'invalid_request'],
  ];
  for (const [name, overrides, error] of cases) {
    test(`H18: ${name}, redirected with error, state and iss`, async () => {
      const r = await h.browser().get(`/authorize?${authorizeParams(overrides).toString()}`);
      assert.equal(r.status, 302);
      const location = new URL(r.headers.get('location') ?? '');
      assert.equal(`${location.origin}${location.pathname}`, REDIRECT_URI);
      assert.equal(location.searchParams.get('error'), error);
      assert.equal(location.searchParams.get('state'), 'st-123');
      assert.equal(location.searchParams.get('iss'), ISSUER);
      assert.equal(location.searchParams.get('code'), null);
    });
  }

  test('H11: a client whose document lacks the authorization_code grant gets unauthorized_client', async () => {
    const id = 'https://cc.example/client.json';
    h.serve(id, document(id, { grant_types: ['client_credentials', 'authorization_code'], response_types: ['token'] }));
    const r = await h.browser().get(`/authorize?${authorizeParams({ client_id: id, redirect_uri: REDIRECT_URI }).toString()}`);
    assert.equal(r.status, 400, 'the document cannot be used for the code flow: no usable grant, error page');
  });

  test('H18: a successful response carries code, state and iss', async () => {
    const b = h.browser();
    const { location } = await b.authorize(authorizeParams(), { username: 'alice', password: PASSWORD });
    assert.equal(`${location.origin}${location.pathname}`, REDIRECT_URI);
    assert.ok((location.searchParams.get('code') ?? '').length >= 43);
    assert.equal(location.searchParams.get('state'), 'st-123');
    assert.equal(location.searchParams.get('iss'), ISSUER);
  });

  test('H18: a denial redirects access_denied with iss', async () => {
    const id = h.newClient();
    const { location } = await h
      .browser()
      .authorize(authorizeParams({ client_id: id }), { username: 'alice', password: PASSWORD, decision: 'deny' });
    assert.equal(location.searchParams.get('error'), 'access_denied');
    assert.equal(location.searchParams.get('iss'), ISSUER);
  });

  test('regression: a denial ends the interaction: the same consent form cannot approve afterwards', async () => {
    const id = h.newClient();
    const b = h.browser();
    const { pages } = await b.authorize(authorizeParams({ client_id: id }), {
      username: 'alice',
      password: PASSWORD,
      decision: 'deny',
    });
    const consent = pages.at(-1) ?? '';
    const again = await b.decide(consent, 'approve');
    assert.equal(again.headers.get('location'), null, 'no code after the denial');
    assert.equal(reasonOf(await errorPageOf(again)), 'interaction-expired');
  });
});

describe('authenticate before fetch (IETF 124 slides: SSRF mitigation)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
    await h.addUser('alice');
    h.serve(CLIENT_ID, document());
  });
  after(() => h.close());

  test('M-AS1, R75: an unauthenticated request for an unknown client causes no fetch: login comes first, then exactly one fetch', async () => {
    const b = h.browser();
    const r = await b.get(`/authorize?${authorizeParams().toString()}`);
    assert.equal(r.status, 302);
    assert.match(r.headers.get('location') ?? '', /^\/login\?interaction=/);
    assert.equal(h.fetcher.count(CLIENT_ID), 0);
    const login = await b.follow(r);
    assert.equal(login.status, 200);
    assert.equal(h.fetcher.count(CLIENT_ID), 0, 'showing the login page fetches nothing');
    const after = await b.login(login, 'alice', PASSWORD);
    assert.equal(after.status, 303);
    const consent = await b.follow(after);
    assert.equal(consent.status, 200);
    assert.equal(h.fetcher.count(CLIENT_ID), 1, 'the document is fetched once the user is known');
  });

  test('prompt=none without a session and an uncached client: error page, and still no fetch', async () => {
    const id = 'https://never-seen.example/client.json';
    h.serve(id, document(id));
    const page = await errorPageOf(
      await h.browser().get(`/authorize?${authorizeParams({ client_id: id, prompt: 'none' }).toString()}`),
    );
    assert.equal(reasonOf(page), 'login-required');
    assert.equal(h.fetcher.count(id), 0);
  });

  test('prompt=none without a session and a cached client: login_required to the verified redirect URI', async () => {
    const before = h.fetcher.count(CLIENT_ID);
    const r = await h.browser().get(`/authorize?${authorizeParams({ prompt: 'none' }).toString()}`);
    assert.equal(r.status, 302);
    const location = new URL(r.headers.get('location') ?? '');
    assert.equal(location.searchParams.get('error'), 'login_required');
    assert.equal(location.searchParams.get('iss'), ISSUER);
    assert.equal(h.fetcher.count(CLIENT_ID), before);
  });
});

describe('consent (R63, R64, R67, M-AS6, H19)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ policy: { authenticateBeforeFetch: false } });
    await h.addUser('alice');
  });
  after(() => h.close());

  test('R67, M-AS6, R75: the page shows the client host prominently, the redirect host, the scopes in plain words, the resource; a first-seen client gets no name and a warning', async () => {
    h.serve(CLIENT_ID, document());
    const b = h.browser();
    const { pages } = await b.authorize(authorizeParams({ scope: 'read write', resource: 'https://API.example/mcp' }), {
      username: 'alice',
      password: PASSWORD,
    });
    const page = pages[0] ?? '';
    assert.match(page, /data-testid="client-host">app\.example</);
    assert.match(page, /data-testid="redirect-host">you go to <strong>app\.example<\/strong>/);
    assert.match(page, /Read your data/);
    assert.match(page, /Change your data/);
    assert.match(page, /<code>https:\/\/api\.example\/mcp<\/code>/, 'the resource is shown in its canonical form');
    // R75: a client no one approved yet is first-seen: its self-asserted name is not shown, a warning is.
    assert.doesNotMatch(page, /Example App/);
    assert.match(page, /data-testid="notice-danger"[^>]*>This server has not seen this app before/);
  });

  test('R78: the consent page loads nothing from third parties: a self-only CSP, no external references', async () => {
    const id = h.newClient({ logo_uri: 'https://tracker.example/logo.png', client_uri: 'https://app.example/' });
    const b = h.browser();
    const first = await b.get(`/authorize?${authorizeParams({ client_id: id }).toString()}`);
    const consent = await b.follow(await b.login(await b.follow(first), 'alice', PASSWORD));
    const csp = consent.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /style-src 'self'/);
    assert.match(csp, /img-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    const page = await consent.text();
    assert.ok(!/(src|href)="https?:/.test(page), 'every resource is relative to this server');
    assert.ok(!page.includes('tracker.example'), 'the logo is not hot-linked');
  });

  test('CSP form-action covers where the form chain ends: the verified redirect origin on consent, the requested one on login', async () => {
    const id = h.newClient({ redirect_uris: ['http://127.0.0.1/callback'] });
    const b = h.browser();
    const first = await b.get(
      `/authorize?${authorizeParams({ client_id: id, redirect_uri: 'http://127.0.0.1:49152/callback' }).toString()}`,
    );
    const login = await b.follow(first);
    assert.match(login.headers.get('content-security-policy') ?? '', /form-action 'self' http:\/\/127\.0\.0\.1:49152(;|$)/);
    const consent = await b.follow(await b.login(login, 'alice', PASSWORD));
    assert.match(consent.headers.get('content-security-policy') ?? '', /form-action 'self' http:\/\/127\.0\.0\.1:49152(;|$)/);
    // RFC 8252 §7.1: a private-use scheme named after the client's own host (a first-seen client may use no other, R62).
    const single = 'https://mobile.app.example/client.json';
    h.serve(single, document(single, { redirect_uris: ['example.app.mobile:/cb'] }));
    const b2 = h.browser();
    const login2 = await b2.follow(
      await b2.get(`/authorize?${authorizeParams({ client_id: single, redirect_uri: undefined }).toString()}`),
    );
    assert.doesNotMatch(
      login2.headers.get('content-security-policy') ?? '',
      /form-action/,
      'the end is unknown before the document is fetched',
    );
    const consent2 = await b2.follow(await b2.login(login2, 'alice', PASSWORD));
    assert.match(consent2.headers.get('content-security-policy') ?? '', /form-action 'self' example\.app\.mobile:(;|$)/);
  });

  test('M-AS6: a client whose every redirect URI is loopback gets a warning', async () => {
    const id = 'https://cli.example/client.json';
    h.serve(id, document(id, { redirect_uris: ['http://127.0.0.1/callback', 'http://localhost/callback'] }));
    const { pages, location } = await h
      .browser()
      .authorize(authorizeParams({ client_id: id, redirect_uri: 'http://127.0.0.1:49152/callback' }), {
        username: 'alice',
        password: PASSWORD,
      });
    assert.match(pages[0] ?? '', /data-testid="notice-warning"[^>]*>This app receives the approval on this device/);
    assert.equal(location.origin, 'http://127.0.0.1:49152', 'RFC 8252 §7.3: the code goes to the requested port');
  });

  test('a client with an https redirect and a remembered consent is approved without a page', async () => {
    const id = h.newClient();
    const b = h.browser();
    const first = await b.authorize(authorizeParams({ client_id: id }), { username: 'alice', password: PASSWORD });
    assert.equal(first.pages.length, 1);
    const second = await b.authorize(authorizeParams({ client_id: id }));
    assert.equal(second.pages.length, 0, 'no page the second time');
    assert.ok(second.location.searchParams.has('code'));
  });

  test('prompt=consent shows the page even with a remembered consent; prompt=none then succeeds silently', async () => {
    const id = h.newClient();
    const b = h.browser();
    await b.authorize(authorizeParams({ client_id: id }), { username: 'alice', password: PASSWORD });
    assert.equal((await b.authorize(authorizeParams({ client_id: id, prompt: 'consent' }))).pages.length, 1);
    const silent = await b.get(`/authorize?${authorizeParams({ client_id: id, prompt: 'none' }).toString()}`);
    assert.ok(new URL(silent.headers.get('location') ?? '').searchParams.has('code'));
  });

  test('prompt=none with a session but no consent: consent_required', async () => {
    const id = 'https://fresh.app.example/client.json';
    h.serve(id, document(id));
    const b = h.browser();
    await b.authorize(authorizeParams(), { username: 'alice', password: PASSWORD });
    const r = await b.get(`/authorize?${authorizeParams({ client_id: id, prompt: 'none' }).toString()}`);
    assert.equal(new URL(r.headers.get('location') ?? '').searchParams.get('error'), 'consent_required');
  });

  test('prompt=login asks for a login again even with a session', async () => {
    h.serve(CLIENT_ID, document());
    const b = h.browser();
    await b.authorize(authorizeParams(), { username: 'alice', password: PASSWORD });
    const r = await b.get(`/authorize?${authorizeParams({ prompt: 'login' }).toString()}`);
    assert.match(r.headers.get('location') ?? '', /^\/login\?/);
  });

  test('H19: a public loopback client is never approved silently, even with a remembered consent', async () => {
    const id = 'https://famous-cli.example/client.json';
    h.serve(id, document(id, { redirect_uris: ['http://127.0.0.1/callback'] }));
    const b = h.browser();
    const params = authorizeParams({ client_id: id, redirect_uri: 'http://127.0.0.1:5000/callback' });
    assert.equal((await b.authorize(params, { username: 'alice', password: PASSWORD })).pages.length, 1);
    assert.equal((await b.authorize(params)).pages.length, 1, 'the page is shown again');
    const none = await b.get(
      `/authorize?${authorizeParams({ client_id: id, redirect_uri: 'http://127.0.0.1:5000/callback', prompt: 'none' }).toString()}`,
    );
    assert.equal(new URL(none.headers.get('location') ?? '').searchParams.get('error'), 'consent_required');
  });

  test('R63: a consent for one URL is not reused for another URL on the same host', async () => {
    const v1 = 'https://app.example/v1.json';
    const v2 = 'https://app.example/v2.json';
    h.serve(v1, document(v1));
    h.serve(v2, document(v2));
    const b = h.browser();
    await b.authorize(authorizeParams({ client_id: v1 }), { username: 'alice', password: PASSWORD });
    assert.equal((await b.authorize(authorizeParams({ client_id: v1 }))).pages.length, 0);
    assert.equal((await b.authorize(authorizeParams({ client_id: v2 }))).pages.length, 1);
  });

  test('R64: when the document changes its redirect URIs, the remembered consent no longer applies', async () => {
    const id = 'https://changing.app.example/client.json';
    h.serve(id, document(id));
    const b = h.browser();
    await b.authorize(authorizeParams({ client_id: id }), { username: 'alice', password: PASSWORD });
    assert.equal((await b.authorize(authorizeParams({ client_id: id }))).pages.length, 0);
    await h.server.context.resolver.invalidate(id);
    h.serve(id, document(id, { redirect_uris: [REDIRECT_URI, 'https://changing.app.example/new'] }));
    assert.equal((await b.authorize(authorizeParams({ client_id: id }))).pages.length, 1);
  });

  test('R64: a cosmetic change (the name) keeps the remembered consent', async () => {
    const id = 'https://renamed.app.example/client.json';
    h.serve(id, document(id));
    const b = h.browser();
    await b.authorize(authorizeParams({ client_id: id }), { username: 'alice', password: PASSWORD });
    await h.server.context.resolver.invalidate(id);
    h.serve(id, document(id, { client_name: 'Renamed App' }));
    assert.equal((await b.authorize(authorizeParams({ client_id: id }))).pages.length, 0);
  });

  test('a scope beyond the remembered consent asks again', async () => {
    const id = h.newClient();
    const b = h.browser();
    await b.authorize(authorizeParams({ client_id: id, scope: 'read' }), { username: 'alice', password: PASSWORD });
    assert.equal((await b.authorize(authorizeParams({ client_id: id, scope: 'read' }))).pages.length, 0);
    assert.equal((await b.authorize(authorizeParams({ client_id: id, scope: 'read write' }))).pages.length, 1);
  });
});

describe('interaction integrity: CSRF and browser binding', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ policy: { authenticateBeforeFetch: false } });
    await h.addUser('alice');
    h.serve(CLIENT_ID, document());
  });
  after(() => h.close());

  async function consentPageFor(b: ReturnType<Harness['browser']>): Promise<string> {
    const r = await b.get(`/authorize?${authorizeParams().toString()}`);
    const login = await b.follow(r);
    const consent = await b.follow(await b.login(login, 'alice', PASSWORD));
    return consent.text();
  }

  test('a consent POST without the CSRF token is refused and issues no code', async () => {
    const b = h.browser();
    const page = await consentPageFor(b);
    const { csrf: _drop, ...fields } = formFields(page);
    const r = await b.post('/consent', { ...fields, decision: 'approve' });
    assert.equal(reasonOf(await errorPageOf(r)), 'csrf-invalid');
  });

  test('a consent POST with a wrong CSRF token is refused', async () => {
    const b = h.browser();
    const fields = formFields(await consentPageFor(b));
    const r = await b.post('/consent', { ...fields, csrf: 'x'.repeat(43), decision: 'approve' });
    assert.equal(reasonOf(await errorPageOf(r)), 'csrf-invalid');
  });

  test('a consent POST from another browser (an attacker replaying the form) is refused', async () => {
    const victim = h.browser();
    const fields = formFields(await consentPageFor(victim));
    const attacker = h.browser();
    await attacker.authorize(authorizeParams(), { username: 'alice', password: PASSWORD }); // a session, but not this interaction
    const r = await attacker.post('/consent', { ...fields, decision: 'approve' });
    assert.equal(reasonOf(await errorPageOf(r)), 'interaction-expired');
  });

  test('a login POST without the CSRF token is refused', async () => {
    const b = h.browser();
    const login = await b.follow(await b.get(`/authorize?${authorizeParams().toString()}`));
    const { csrf: _drop, ...fields } = formFields(await login.text());
    const r = await b.post('/login', { ...fields, username: 'alice', password: PASSWORD });
    assert.equal(reasonOf(await errorPageOf(r)), 'csrf-invalid');
  });

  test('an expired interaction is refused', async () => {
    const b = h.browser();
    const login = await b.follow(await b.get(`/authorize?${authorizeParams().toString()}`));
    h.clock.advance(h.config.limits.interactionTtlS * 1000 + 1);
    const r = await b.login(login, 'alice', PASSWORD);
    assert.equal(reasonOf(await errorPageOf(r)), 'interaction-expired');
  });
});

describe('login', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ policy: { authenticateBeforeFetch: false }, limits: { loginFailuresPerAccount: 3 } });
    await h.addUser('bob');
    h.serve(CLIENT_ID, document());
  });
  after(() => h.close());

  test('a wrong password re-shows the form with an error (401) and no session', async () => {
    const b = h.browser();
    const login = await b.follow(await b.get(`/authorize?${authorizeParams().toString()}`));
    const r = await b.login(login, 'bob', 'wrong password');
    assert.equal(r.status, 401);
    assert.match(await r.text(), /The user name or password is wrong/);
    assert.equal(b.cookies.has('cimd_session'), false);
  });

  test('failed attempts per account are throttled: after the limit even the right password is refused (429)', async () => {
    const b = h.browser();
    const login = await b.follow(await b.get(`/authorize?${authorizeParams().toString()}`));
    const page = await login.text();
    for (let i = 0; i < 3; i++) {
      const r = await b.post('/login', { ...formFields(page), username: 'bob', password: `nope-${i}` });
      assert.ok(r.status === 401 || r.status === 429);
    }
    const r = await b.post('/login', { ...formFields(page), username: 'bob', password: PASSWORD });
    assert.equal(r.status, 429);
    h.clock.advance(h.config.limits.loginWindowS * 1000 + 1);
    const again = await b.follow(await b.get(`/authorize?${authorizeParams().toString()}`));
    const later = await b.login(again, 'bob', PASSWORD);
    assert.equal(later.status, 303, 'the window passes');
  });

  test('regression: concurrent guesses for one account get no more password checks than the limit allows', async () => {
    await h.addUser('carol');
    const b = h.browser();
    const login = await b.follow(await b.get(`/authorize?${authorizeParams().toString()}`));
    const fields = formFields(await login.text());
    // Sent at once: each attempt must claim its place in the count before its (slow) password check.
    const statuses = (
      await Promise.all(
        Array.from({ length: 12 }, (_, i) => b.post('/login', { ...fields, username: 'carol', password: `guess-${i}` })),
      )
    ).map((r) => r.status);
    const limit = h.config.limits.loginFailuresPerAccount;
    assert.equal(statuses.filter((s) => s === 401).length, limit, `only ${limit} guesses reach the password check`);
    assert.equal(statuses.filter((s) => s === 429).length, 12 - limit);
    const r = await b.post('/login', { ...fields, username: 'carol', password: PASSWORD });
    assert.equal(r.status, 429, 'the right password is refused too within the window');
  });
});

describe('login throttle per client address', () => {
  test('regression: concurrent guesses across many accounts from one address get no more password checks than the address limit', async () => {
    const h = await createHarness({
      policy: { authenticateBeforeFetch: false },
      limits: { loginFailuresPerAddress: 3, loginFailuresPerAccount: 100 },
    });
    try {
      const names = Array.from({ length: 11 }, (_, i) => `spray${i}`);
      for (const name of names) await h.addUser(name);
      h.serve(CLIENT_ID, document());
      const b = h.browser();
      const login = await b.follow(await b.get(`/authorize?${authorizeParams().toString()}`));
      const fields = formFields(await login.text());
      const statuses = (
        await Promise.all(names.map((name) => b.post('/login', { ...fields, username: name, password: 'wrong' })))
      ).map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 401).length, 3, 'three password checks');
      assert.equal(statuses.filter((s) => s === 429).length, 8);
      const right = await b.post('/login', { ...fields, username: 'spray0', password: PASSWORD });
      assert.equal(right.status, 429, 'the address is throttled for every account');
    } finally {
      await h.close();
    }
  });

  test('successful logins from one address do not use up its allowance of failures', async () => {
    const h = await createHarness({ policy: { authenticateBeforeFetch: false }, limits: { loginFailuresPerAddress: 2 } });
    try {
      await h.addUser('dave');
      h.serve(CLIENT_ID, document());
      for (let i = 0; i < 5; i++) {
        const b = h.browser();
        const r = await b.login(await b.follow(await b.get(`/authorize?${authorizeParams().toString()}`)), 'dave', PASSWORD);
        assert.equal(r.status, 303, `login ${i}`);
      }
      const b = h.browser();
      const page = await b.follow(await b.get(`/authorize?${authorizeParams().toString()}`));
      assert.equal((await b.login(page, 'dave', 'wrong')).status, 401, 'failures still count');
    } finally {
      await h.close();
    }
  });
});

describe('pre-registered clients (R59, R60)', () => {
  test('R31, R60: a pre-registered https-looking client_id is never fetched', async () => {
    const id = 'https://vanity.example/app';
    const h = await createHarness({
      policy: { authenticateBeforeFetch: false },
      clients: { static: [{ client_id: id, client_name: 'Vanity', redirect_uris: [REDIRECT_URI] }], resourceServers: [] },
    });
    await h.addUser('alice');
    const { location } = await h
      .browser()
      .authorize(authorizeParams({ client_id: id }), { username: 'alice', password: PASSWORD });
    assert.ok(location.searchParams.has('code'));
    assert.equal(h.fetcher.count(), 0);
    await h.close();
  });
});
