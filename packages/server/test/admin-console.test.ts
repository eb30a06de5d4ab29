import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from './support/browser.js';
import { formFields } from './support/browser.js';
import { ISSUER, PASSWORD, createHarness, document, type Harness } from './support/harness.js';
import { approveSynthetically, reasonOf, tokensFor } from './support/trust.js';

/** Sign in at the console's own login form; returns the console page. */
async function signIn(b: Browser, username: string): Promise<Response> {
  const form = await b.get('/admin/login');
  assert.equal(form.status, 200);
  const r = await b.post('/admin/login', { ...formFields(await form.text()), username, password: PASSWORD });
  assert.equal(r.status, 303, `login of ${username}`);
  assert.equal(r.headers.get('location'), '/admin');
  return b.follow(r);
}

function csrfOf(page: string): string {
  const m = /name="csrf" value="([^"]+)"/.exec(page);
  assert.ok(m !== null, 'the console page carries its CSRF token');
  return m[1] as string;
}

describe('the admin console (R61, R64, R75, H20)', () => {
  let h: Harness;
  let admin: Browser;
  let csrf: string;
  before(async () => {
    h = await createHarness({ trust: { admins: ['root'] } });
    await h.addUser('root');
    await h.addUser('alice');
    admin = h.browser();
    const home = await signIn(admin, 'root');
    assert.equal(home.status, 200);
    csrf = csrfOf(await home.text());
  });
  after(() => h.close());

  const act = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    admin.post('/admin/action', { csrf, ...fields }, headers);

  test('R75: the console needs a signed-in administrator: anonymous users go to its login, other users are refused', async () => {
    const anonymous = await h.browser().get('/admin');
    assert.deepEqual([anonymous.status, anonymous.headers.get('location')], [302, '/admin/login']);
    const user = h.browser();
    const page = await signIn(user, 'alice');
    assert.equal(page.status, 403);
    assert.equal(reasonOf(await page.text()), 'admin-forbidden');
    const post = await user.post('/admin/action', {
      csrf: 'x',
      action: 'trust',
      client_id: 'https://a.example/c.json',
      trust: 'blocked',
    });
    assert.equal(post.status, 403);
    assert.equal((await h.stores.trust.audit.list({ limit: 100 })).length, 0, 'nothing was decided');
  });

  test('R75: the console login form is CSRF-protected and throttled like every login', async () => {
    const b = h.browser();
    const form = formFields(await (await b.get('/admin/login')).text());
    const r = await b.post('/admin/login', { interaction: form['interaction'] ?? '', username: 'root', password: PASSWORD });
    assert.equal(reasonOf(await r.text()), 'csrf-invalid');
    const wrong = await b.post('/admin/login', { ...form, username: 'root', password: 'not the password' });
    assert.equal(wrong.status, 401);
  });

  test('R61, R75: every change needs the console CSRF token and, when the browser names an origin, this one', async () => {
    const id = h.newClient();
    const withoutToken = await admin.post('/admin/action', { action: 'register', client_id: id });
    assert.equal(reasonOf(await withoutToken.text()), 'csrf-invalid');
    const otherToken = await admin.post('/admin/action', { csrf: `${csrf}x`, action: 'register', client_id: id });
    assert.equal(reasonOf(await otherToken.text()), 'csrf-invalid');
    const crossSite = await act({ action: 'register', client_id: id }, { origin: 'https://evil.example' });
    assert.equal(reasonOf(await crossSite.text()), 'csrf-invalid');
    assert.equal(h.fetcher.count(id), 0);
    const ok = await act({ action: 'register', client_id: id, trust: 'trusted' }, { origin: ISSUER });
    assert.equal(ok.status, 303);
    assert.equal(h.fetcher.count(id), 1, 'R61: fetched and validated when registered');
    // Our pages send no referrer, so a browser posts them with "Origin: null": the token decides.
    assert.equal((await act({ action: 'refresh', client_id: id }, { origin: 'null' })).status, 303);
  });

  test('R75: the client page shows tier, users, first approver, signals, history; decisions are audited as the administrator', async () => {
    const id = 'https://console.app.example/client.json';
    h.serve(id, document(id, { client_name: '<img src=x onerror=alert(1)>' }));
    await tokensFor(h.browser(), id, 'alice');
    h.clock.advance(1000);
    await approveSynthetically(h, id, 9);
    const url = `/admin/client?client_id=${encodeURIComponent(id)}`;
    let page = await (await admin.get(url)).text();
    assert.match(page, /data-testid="client-tier">established/);
    assert.match(page, /data-testid="client-approvals">10</);
    assert.match(page, /alice at /, 'the first approver');
    assert.match(page, /first-seen/, 'the history');
    assert.ok(!page.includes('<img src=x'), 'attacker-chosen values are escaped');

    const blocked = await act({ action: 'trust', trust: 'blocked', client_id: id, return: 'client' });
    assert.equal(blocked.status, 303);
    page = await (await admin.follow(blocked)).text();
    assert.match(page, /data-testid="admin-notice"[^>]*>Decision: blocked/);
    assert.match(page, /data-testid="client-tier">blocked/);
    const decisions = await h.stores.trust.audit.list({ clientId: id, limit: 10 });
    assert.deepEqual(
      decisions.filter((e) => e.actor === 'admin:root').map((e) => e.action),
      ['grants-revoked', 'client-trust'],
    );
    const refused = await h.browser().get(`/authorize?client_id=${encodeURIComponent(id)}&response_type=code`);
    assert.equal(reasonOf(await refused.text()), 'trust-client-blocked');
  });

  test('H20: rules are added and removed in the console; R64: a pinned change is approved there', async () => {
    const added = await act({ action: 'add-rule', effect: 'deny', kind: 'domain', value: '*.spam.example', resource: '' });
    assert.equal(added.status, 303);
    let home = await (await admin.get('/admin')).text();
    assert.match(home, /<td>deny<\/td>\s*<td>domain<\/td>\s*<td><code>\*\.spam\.example<\/code><\/td>/);
    const ruleId = /name="rule" value="([^"]+)"/.exec(home)?.[1] ?? '';
    const bad = await act({ action: 'add-rule', effect: 'deny', kind: 'domain', value: 'HTTPS://x' });
    assert.equal(reasonOf(await bad.text()), 'admin-invalid');
    assert.equal((await act({ action: 'remove-rule', rule: ruleId })).status, 303);
    home = await (await admin.get('/admin')).text();
    assert.doesNotMatch(/<table data-testid="rules">[\s\S]*?<\/table>/.exec(home)?.[0] ?? '', /spam\.example/);

    const id = h.newClient();
    await act({ action: 'register', client_id: id });
    await act({ action: 'pin', client_id: id });
    h.serve(id, document(id, { client_name: 'New Name' }));
    await act({ action: 'refresh', client_id: id });
    home = await (await admin.get('/admin')).text();
    const version = /name="version" value="([^"]+)"/.exec(home)?.[1];
    assert.ok(version !== undefined, 'the change waits in the queue on the home page');
    const approved = await act({ action: 'approve-change', version });
    assert.match(decodeURIComponent(approved.headers.get('location') ?? ''), /approved/);
    const details = await (await admin.get(`/admin/client?client_id=${encodeURIComponent(id)}`)).text();
    assert.match(details, /New Name/);
    const audit = await (await admin.get('/admin/audit')).text();
    for (const action of ['rule-added', 'rule-removed', 'client-pinned', 'change-queued', 'change-approved'])
      assert.ok(audit.includes(action), action);
  });
});
