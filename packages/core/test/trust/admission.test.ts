import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { admissionRuleProblem, decideAdmission, ruleMatches, type AdmissionPolicy, type AdmissionRule } from '../../src/index.js';

const CLIENT = 'https://app.example/oauth/client.json';

function ask(policy: AdmissionPolicy, clientId = CLIENT, extra: { registered?: boolean; resources?: string[] } = {}) {
  return decideAdmission(policy, {
    clientId,
    url: new URL(clientId),
    registered: extra.registered ?? false,
    ...(extra.resources === undefined ? {} : { resources: extra.resources }),
  });
}

const allow = (kind: AdmissionRule['kind'], value: string, resource?: string): AdmissionRule => ({
  effect: 'allow',
  kind,
  value,
  ...(resource === undefined ? {} : { resource }),
});
const deny = (kind: AdmissionRule['kind'], value: string, resource?: string): AdmissionRule => ({
  ...allow(kind, value, resource),
  effect: 'deny',
});

describe('admission rules (H20, R75)', () => {
  const matches = (rule: AdmissionRule, clientId: string): boolean => ruleMatches(rule, clientId, new URL(clientId));

  test('H20: an exact rule matches the client_id as written and nothing else (R8)', () => {
    const r = allow('exact', CLIENT);
    assert.equal(matches(r, CLIENT), true);
    assert.equal(matches(r, 'https://app.example/oauth/client.json2'), false);
    assert.equal(matches(r, 'https://app.example/oauth/Client.json'), false);
  });

  test('H20: an origin rule matches every client_id of that scheme, host and port', () => {
    const r = allow('origin', 'https://app.example');
    assert.equal(matches(r, CLIENT), true);
    assert.equal(matches(r, 'https://app.example:8443/c.json'), false);
    assert.equal(matches(r, 'https://evil-app.example/c.json'), false);
    assert.equal(matches(r, 'https://app.example.evil.test/c.json'), false);
  });

  test('H20: a path-prefix rule respects segment boundaries', () => {
    const r = allow('path-prefix', 'https://app.example/oauth');
    assert.equal(matches(r, CLIENT), true);
    assert.equal(matches(r, 'https://app.example/oauth'), true);
    assert.equal(matches(r, 'https://app.example/oauth-evil/c.json'), false);
    assert.equal(matches(r, 'https://app.example/other/c.json'), false);
    assert.equal(matches(allow('path-prefix', 'https://app.example/oauth/'), CLIENT), true);
    assert.equal(matches(r, 'https://evil.example/oauth/c.json'), false);
  });

  test('regression, H20: exact and path-prefix rules name every percent-encoded spelling of their path (RFC 3986 §6.2.2)', () => {
    const tenant = deny('path-prefix', 'https://shared.example/users/mallory/');
    assert.equal(matches(tenant, 'https://shared.example/users/mallory/client.json'), true);
    assert.equal(matches(tenant, 'https://shared.example/users/m%61llory/client.json'), true);
    assert.equal(matches(tenant, 'https://shared.example/users/%6D%61llory/client.json'), true);
    assert.equal(matches(tenant, 'https://shared.example/users%2Fmallory/client.json'), true, 'as nginx reads %2F');
    assert.equal(matches(tenant, 'https://shared.example/users/mallory2/client.json'), false);
    assert.equal(matches(tenant, 'https://shared.example/users/Mallory/client.json'), false, 'case is significant');
    const one = deny('exact', 'https://app.example/oauth/client.json');
    assert.equal(matches(one, 'https://app.example/oauth/%63lient.json'), true);
    assert.equal(matches(one, 'https://app.example/oauth/client.json?x=1'), false);
    const encodedRule = deny('path-prefix', 'https://shared.example/users/m%61llory/');
    assert.equal(matches(encodedRule, 'https://shared.example/users/mallory/client.json'), true);
    // An escape of a reserved character stays an escape: %3F is not a query.
    assert.equal(matches(deny('path-prefix', 'https://shared.example/a%3Fb/'), 'https://shared.example/a%3fb/c.json'), true);
  });

  test('H20, R75: a domain rule names one host; "*." names every host below it, not the host itself', () => {
    assert.equal(matches(allow('domain', 'app.example'), CLIENT), true);
    assert.equal(matches(allow('domain', 'app.example'), 'https://x.app.example/c.json'), false);
    const wild = allow('domain', '*.example');
    assert.equal(matches(wild, CLIENT), true);
    assert.equal(matches(wild, 'https://a.b.example/c.json'), true);
    assert.equal(matches(wild, 'https://example/c.json'), false);
    assert.equal(matches(wild, 'https://badexample/c.json'), false);
    assert.equal(matches(allow('domain', 'app.example'), 'https://app.example:8443/c.json'), true, 'any port');
  });

  test('H20: rules are checked before use: every malformed value is named', () => {
    assert.equal(admissionRuleProblem(allow('exact', CLIENT)), undefined);
    assert.equal(admissionRuleProblem(allow('origin', 'https://app.example')), undefined);
    assert.equal(admissionRuleProblem(allow('path-prefix', 'https://app.example/clients/')), undefined);
    assert.equal(admissionRuleProblem(allow('domain', '*.app.example')), undefined);
    assert.equal(admissionRuleProblem(allow('domain', 'xn--pypal-4ve.com')), undefined);
    for (const bad of [
      allow('exact', 'http://app.example/c.json'),
      allow('exact', 'https://app.example/c.json?x=1'),
      allow('origin', 'https://app.example/path'),
      allow('origin', 'https://user@app.example'),
      allow('path-prefix', 'https://app.example/'),
      allow('domain', 'App.Example'),
      allow('domain', 'app.*.example'),
      allow('domain', 'https://app.example'),
      allow('domain', ''),
      { effect: 'maybe', kind: 'domain', value: 'a.example' } as unknown as AdmissionRule,
      { effect: 'allow', kind: 'regex', value: '.*' } as unknown as AdmissionRule,
      allow('domain', 'a.example', 'not a uri'),
    ]) {
      assert.notEqual(admissionRuleProblem(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('admission decisions (H20, R61, R75)', () => {
  test('H20: open mode admits any client_id; a deny rule refuses it', () => {
    assert.deepEqual(ask({ mode: 'open', rules: [] }), { allowed: true });
    const rule = deny('domain', '*.example');
    assert.deepEqual(ask({ mode: 'open', rules: [rule] }), { allowed: false, reason: 'denied', rule });
  });

  test('H20, R61: allow-list mode admits only listed or pre-registered client_ids', () => {
    const policy: AdmissionPolicy = { mode: 'allow-list', rules: [allow('origin', 'https://app.example')] };
    assert.equal(ask(policy).allowed, true);
    assert.deepEqual(ask(policy, 'https://unknown.example/c.json'), { allowed: false, reason: 'not-listed' });
    assert.equal(ask(policy, 'https://unknown.example/c.json', { registered: true }).allowed, true, 'R61: pre-registered');
    assert.deepEqual(ask({ mode: 'allow-list', rules: [] }), { allowed: false, reason: 'not-listed' });
  });

  test('H20: a deny rule wins over an allow rule and over pre-registration', () => {
    const policy: AdmissionPolicy = {
      mode: 'allow-list',
      rules: [allow('origin', 'https://app.example'), deny('exact', CLIENT)],
    };
    assert.equal(ask(policy, CLIENT, { registered: true }).allowed, false);
    assert.equal(ask(policy, 'https://app.example/other.json').allowed, true);
  });

  test('RFC 8707: a resource with allow rules of its own admits only the clients they match, in either mode', () => {
    const mcp = 'https://api.example/mcp';
    const rules = [allow('exact', 'https://partner.example/c.json', mcp)];
    for (const mode of ['open', 'allow-list'] as const) {
      const policy: AdmissionPolicy = { mode, rules: [...rules, allow('domain', 'app.example')] };
      assert.deepEqual(ask(policy, CLIENT, { resources: [mcp] }), {
        allowed: false,
        reason: 'resource-not-listed',
        resource: mcp,
      });
      assert.equal(ask(policy, 'https://partner.example/c.json', { resources: [mcp] }).allowed, true);
      assert.equal(ask(policy, CLIENT, { resources: ['https://api.example/other'] }).allowed, true);
    }
  });

  test('RFC 8707: a resource deny rule refuses the client for that resource only', () => {
    const mcp = 'https://api.example/mcp';
    const rule = deny('domain', 'app.example', mcp);
    const policy: AdmissionPolicy = { mode: 'open', rules: [rule] };
    assert.deepEqual(ask(policy, CLIENT, { resources: [mcp] }), {
      allowed: false,
      reason: 'resource-denied',
      rule,
      resource: mcp,
    });
    assert.equal(ask(policy, CLIENT, { resources: ['https://api.example/other'] }).allowed, true);
    assert.equal(ask(policy, CLIENT, { resources: [] }).allowed, true);
    assert.equal(ask(policy).allowed, true, 'without resources only rules without one apply');
  });

  test('H20: before the resources are known, a client allowed for some resource could be admitted; with them, not for another', () => {
    const mcp = 'https://api.example/mcp';
    const policy: AdmissionPolicy = { mode: 'allow-list', rules: [allow('exact', CLIENT, mcp)] };
    assert.equal(ask(policy).allowed, true);
    assert.equal(ask(policy, CLIENT, { resources: [mcp] }).allowed, true);
    assert.deepEqual(ask(policy, CLIENT, { resources: ['https://api.example/other'] }), { allowed: false, reason: 'not-listed' });
    assert.deepEqual(ask(policy, CLIENT, { resources: [] }), { allowed: false, reason: 'not-listed' });
  });

  test('RFC 8707: resource rules compare canonical resources (scheme and host case-insensitive)', () => {
    const policy: AdmissionPolicy = { mode: 'open', rules: [deny('exact', CLIENT, 'HTTPS://API.example/mcp')] };
    assert.equal(ask(policy, CLIENT, { resources: ['https://api.example/mcp'] }).allowed, false);
  });
});
