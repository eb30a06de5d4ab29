import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assessTrust } from '@cimd/core';
import type { Client } from '../src/clients/client.js';
import { consentView } from '../src/ui/consent-view.js';
import { consentPage } from '../src/ui/pages.js';

function client(extra: Partial<Client> = {}): Client {
  const clientId = extra.clientId ?? 'https://app.example/oauth/client.json';
  return {
    clientId,
    kind: 'cimd',
    metadata: { client_id: clientId, client_name: 'Example App' },
    redirectUris: ['https://app.example/callback'],
    redirectKinds: ['https'],
    grantTypes: ['authorization_code'],
    authMethods: ['none'],
    applicationType: 'web',
    warnings: [],
    ...extra,
  };
}

/** An established client (10 approvals, R75): no first-seen warning, no name yet. */
const base = { scopes: [], resources: [], username: 'alice', trust: { assessment: assessTrust({ approvals: 10 }) } };
/** A client enough users approved for its name to be shown (R75). */
const named = { trust: { assessment: assessTrust({ approvals: 100 }) } };

describe('what the consent page shows (R66, R67, M-AS6)', () => {
  test('R67: the client_id host is the headline; the name carries a byline naming who asserted it', () => {
    const v = consentView({ ...base, ...named, client: client(), redirectUri: 'https://app.example/callback' });
    assert.equal(v.clientHost, 'app.example');
    assert.deepEqual(v.name, { text: 'Example App', byline: 'name set by the app at app.example' });
    assert.equal(v.redirectHost, 'app.example');
    assert.deepEqual(v.notices, []);
  });

  test('M-AS6, R62: a redirect host other than the client host is named in a warning', () => {
    const v = consentView({
      ...base,
      client: client({ redirectUris: ['https://elsewhere.example/cb'] }),
      redirectUri: 'https://elsewhere.example/cb',
    });
    assert.equal(v.redirectHost, 'elsewhere.example');
    assert.ok(v.notices.some((n) => n.level === 'warning' && n.text.includes('elsewhere.example')));
  });

  test('M-AS6: a sub-domain redirect of the client host is not warned about', () => {
    const v = consentView({
      ...base,
      client: client({ redirectUris: ['https://auth.app.example/cb'] }),
      redirectUri: 'https://auth.app.example/cb',
    });
    assert.deepEqual(v.notices, []);
  });

  test('M-AS6: every redirect URI on loopback gives the localhost warning', () => {
    const v = consentView({
      ...base,
      client: client({ redirectUris: ['http://127.0.0.1/cb', 'http://localhost/cb'], redirectKinds: ['loopback', 'localhost'] }),
      redirectUri: 'http://127.0.0.1:5000/cb',
    });
    assert.equal(v.redirectHost, '127.0.0.1');
    assert.ok(v.notices.some((n) => n.level === 'warning' && /localhost address/.test(n.text)));
  });

  test('a private-use scheme redirect names the scheme and warns about apps on the device', () => {
    const v = consentView({
      ...base,
      client: client({ redirectUris: ['com.example.app:/cb'], redirectKinds: ['private-use'] }),
      redirectUri: 'com.example.app:/cb',
    });
    assert.equal(v.redirectKind, 'private-use');
    assert.equal(v.redirectHost, 'com.example.app');
    assert.ok(v.notices.some((n) => /com\.example\.app/.test(n.text)));
  });

  test('R76, R83: a client provisioned by a CIMD Service is marked as in development', () => {
    const v = consentView({
      ...base,
      client: client(),
      redirectUri: 'https://app.example/callback',
      provisionedBy: 'https://cimd-service.localhost:8443',
    });
    assert.ok(v.notices.some((n) => n.level === 'info' && /in development/.test(n.text)));
  });

  test('a static client shows its configured name, registered with this server', () => {
    const v = consentView({
      ...base,
      client: client({ kind: 'static', clientId: 'docs-app', metadata: { client_id: 'docs-app', client_name: 'Docs' } }),
      redirectUri: 'https://app.example/callback',
    });
    assert.equal(v.clientHost, 'Docs');
    assert.equal(v.name?.byline, 'registered with this server');
  });

  test('every attacker-chosen value is escaped in the page', () => {
    const evil = '<script>alert(1)</script>';
    const v = consentView({
      ...base,
      ...named,
      client: client({ metadata: { client_id: 'https://app.example/oauth/client.json', client_name: evil } }),
      redirectUri: 'https://app.example/callback',
      username: `"${evil}`,
    });
    const page = consentPage({ interactionId: '"><x', csrf: "'", view: v });
    assert.ok(!page.includes('<script>'));
    assert.match(page, /calls itself “&lt;script&gt;alert\(1\)&lt;\/script&gt;”/);
    assert.ok(!page.includes('value=""><x"'));
  });
});
