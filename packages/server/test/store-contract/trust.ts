import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  MAX_VERSIONS_PER_CLIENT,
  type ClientVersionRecord,
  type LogoRecord,
  type StoredAdmissionRule,
  type TrustedClientRecord,
} from '../../src/store/trust.js';
import { MINUTE, T0, concurrently, rejectsWithReason, type CurrentContext } from './context.js';
import { CLIENT, OTHER_CLIENT } from './fixtures.js';

export function trustedClientRecord(overrides: Partial<TrustedClientRecord> = {}): TrustedClientRecord {
  return {
    clientId: CLIENT,
    domain: 'app.example',
    firstSeenAt: T0,
    digest: 'sha256:first',
    snapshot: '{"metadata":{"client_id":"x"}}',
    pinned: false,
    registered: false,
    updatedAt: T0,
    ...overrides,
  };
}

function versionRecord(overrides: Partial<ClientVersionRecord> = {}): ClientVersionRecord {
  return {
    id: 'v-1',
    clientId: CLIENT,
    digest: 'sha256:first',
    snapshot: '{}',
    classes: [],
    status: 'first-seen',
    seenAt: T0,
    ...overrides,
  };
}

/** TrustedClientStore and ApprovalStore: the client registry and the approvals that make reputation. */
export function trustedClientContract(current: CurrentContext): void {
  describe('trust: client registry', () => {
    test('R75: create stores a record once; a second create keeps the first and returns it', async () => {
      const { stores } = current();
      const first = trustedClientRecord({ lastFetchAt: T0, trust: 'reviewed', pinned: true, registered: true });
      assert.deepEqual(await stores.trust.clients.create(first), { record: first, created: true });
      const again = await stores.trust.clients.create(trustedClientRecord({ digest: 'sha256:other', firstSeenAt: T0 + MINUTE }));
      assert.deepEqual(again, { record: first, created: false });
      assert.deepEqual(await stores.trust.clients.get(CLIENT), first);
      assert.equal(await stores.trust.clients.get(OTHER_CLIENT), undefined);
      assert.equal(await stores.trust.clients.get(CLIENT.toUpperCase()), undefined, 'R8: compared as written');
    });

    test('R75: of concurrent creates of one client exactly one creates it', async () => {
      const { stores } = current();
      const results = await concurrently(6, (i) => stores.trust.clients.create(trustedClientRecord({ digest: `sha256:v${i}` })));
      assert.equal(results.filter((r) => r.created).length, 1);
      const winner = results.find((r) => r.created)?.record;
      for (const r of results) assert.deepEqual(r.record, winner);
    });

    test('R64: replaceDocument is a compare-and-set on the digest: of concurrent callers expecting one digest exactly one wins', async () => {
      const { stores } = current();
      await stores.trust.clients.create(trustedClientRecord());
      const results = await concurrently(6, (i) =>
        stores.trust.clients.replaceDocument(
          CLIENT,
          'sha256:first',
          { digest: `sha256:next-${i}`, snapshot: `{"n":${i}}` },
          T0 + i,
        ),
      );
      assert.equal(results.filter(Boolean).length, 1);
      const winner = results.indexOf(true);
      const stored = await stores.trust.clients.get(CLIENT);
      assert.equal(stored?.digest, `sha256:next-${winner}`);
      assert.equal(stored?.snapshot, `{"n":${winner}}`);
      assert.equal(stored?.updatedAt, T0 + winner);
      assert.equal(
        await stores.trust.clients.replaceDocument(OTHER_CLIENT, 'sha256:first', { digest: 'x', snapshot: '{}' }, T0),
        false,
      );
    });

    test('R75: touchFetch only moves the last fetch time forward', async () => {
      const { stores } = current();
      await stores.trust.clients.create(trustedClientRecord());
      await stores.trust.clients.touchFetch(CLIENT, T0 + 2 * MINUTE);
      await stores.trust.clients.touchFetch(CLIENT, T0 + MINUTE);
      assert.equal((await stores.trust.clients.get(CLIENT))?.lastFetchAt, T0 + 2 * MINUTE);
      await stores.trust.clients.touchFetch(OTHER_CLIENT, T0);
      assert.equal(await stores.trust.clients.get(OTHER_CLIENT), undefined);
    });

    test('R75: the setters change one field, stamp the update, and return false for an unknown client', async () => {
      const { stores } = current();
      await stores.trust.clients.create(trustedClientRecord());
      assert.equal(await stores.trust.clients.setTrust(CLIENT, 'blocked', T0 + 1), true);
      assert.equal(await stores.trust.clients.setPinned(CLIENT, true, T0 + 2), true);
      assert.equal(await stores.trust.clients.setRegistered(CLIENT, true, T0 + 3), true);
      assert.deepEqual(await stores.trust.clients.get(CLIENT), {
        ...trustedClientRecord(),
        trust: 'blocked',
        pinned: true,
        registered: true,
        updatedAt: T0 + 3,
      });
      assert.equal(await stores.trust.clients.setTrust(CLIENT, undefined, T0 + 4), true);
      assert.equal((await stores.trust.clients.get(CLIENT))?.trust, undefined, 'clearing the decision removes it');
      assert.equal(await stores.trust.clients.setTrust(OTHER_CLIENT, 'trusted', T0), false);
      assert.equal(await stores.trust.clients.setPinned(OTHER_CLIENT, true, T0), false);
      assert.equal(await stores.trust.clients.setRegistered(OTHER_CLIENT, true, T0), false);
    });

    test('R75: list orders by first sighting then client_id (byte order), pages, and filters pre-registered clients', async () => {
      const { stores } = current();
      await stores.trust.clients.create(trustedClientRecord({ clientId: 'https://b.example/c.json', firstSeenAt: T0 }));
      await stores.trust.clients.create(
        trustedClientRecord({ clientId: 'https://B.example/c.json', firstSeenAt: T0, registered: true }),
      );
      await stores.trust.clients.create(trustedClientRecord({ clientId: 'https://a.example/c.json', firstSeenAt: T0 + MINUTE }));
      const all = await stores.trust.clients.list({ limit: 10 });
      assert.deepEqual(
        all.map((r) => r.clientId),
        ['https://B.example/c.json', 'https://b.example/c.json', 'https://a.example/c.json'],
      );
      assert.deepEqual(
        (await stores.trust.clients.list({ limit: 1, offset: 1 })).map((r) => r.clientId),
        ['https://b.example/c.json'],
      );
      assert.deepEqual(
        (await stores.trust.clients.list({ limit: 10, registered: true })).map((r) => r.clientId),
        ['https://B.example/c.json'],
      );
      assert.equal((await stores.trust.clients.list({ limit: 10, registered: false })).length, 2);
    });

    test('R75: countByDomain counts the client_ids recorded for a registrable domain', async () => {
      const { stores } = current();
      for (let i = 0; i < 3; i++) {
        await stores.trust.clients.create(
          trustedClientRecord({ clientId: `https://c${i}.spam.example/x.json`, domain: 'spam.example' }),
        );
      }
      await stores.trust.clients.create(trustedClientRecord());
      assert.equal(await stores.trust.clients.countByDomain('spam.example'), 3);
      assert.equal(await stores.trust.clients.countByDomain('app.example'), 1);
      assert.equal(await stores.trust.clients.countByDomain('none.example'), 0);
    });
  });

  describe('trust: approvals', () => {
    test('R75: approvals count distinct users; a repeated approval is not added', async () => {
      const { stores } = current();
      const approve = (userId: string, at = T0) =>
        stores.trust.approvals.record({ clientId: CLIENT, userId, domain: 'app.example', approvedAt: at });
      assert.deepEqual(await approve('user-1'), { added: true, approvals: 1 });
      assert.deepEqual(await approve('user-2', T0 + 1), { added: true, approvals: 2 });
      assert.deepEqual(await approve('user-1', T0 + 2), { added: false, approvals: 2 });
      assert.equal(await stores.trust.approvals.count(CLIENT), 2);
      assert.equal(await stores.trust.approvals.count(OTHER_CLIENT), 0);
      assert.deepEqual(await stores.trust.approvals.first(CLIENT), {
        clientId: CLIENT,
        userId: 'user-1',
        domain: 'app.example',
        approvedAt: T0,
      });
      assert.equal(await stores.trust.approvals.first(OTHER_CLIENT), undefined);
    });

    test('R75: of concurrent approvals by one user exactly one is added', async () => {
      const { stores } = current();
      const results = await concurrently(8, () =>
        stores.trust.approvals.record({ clientId: CLIENT, userId: 'user-1', domain: 'app.example', approvedAt: T0 }),
      );
      assert.equal(results.filter((r) => r.added).length, 1);
      assert.equal(await stores.trust.approvals.count(CLIENT), 1);
    });

    test('R75: usersByDomain counts distinct users across the client_ids of a domain', async () => {
      const { stores } = current();
      const approve = (clientId: string, userId: string, domain = 'app.example') =>
        stores.trust.approvals.record({ clientId, userId, domain, approvedAt: T0 });
      await approve(CLIENT, 'user-1');
      await approve('https://app.example/other.json', 'user-1');
      await approve('https://app.example/other.json', 'user-2');
      await approve(OTHER_CLIENT, 'user-3', 'other.example');
      assert.equal(await stores.trust.approvals.usersByDomain('app.example'), 2);
      assert.equal(await stores.trust.approvals.usersByDomain('other.example'), 1);
      assert.equal(await stores.trust.approvals.usersByDomain('none.example'), 0);
    });
  });
}

/** ClientVersionStore: document history and the approval queue of pinned clients. */
export function clientVersionContract(current: CurrentContext): void {
  describe('trust: document versions', () => {
    test('R64: versions read back as added, newest first; latest finds the newest with a digest', async () => {
      const { stores } = current();
      const a = versionRecord();
      const b = versionRecord({
        id: 'v-2',
        digest: 'sha256:second',
        classes: ['redirect', 'keys'],
        status: 'accepted',
        seenAt: T0 + 1,
      });
      const c = versionRecord({ id: 'v-3', status: 'accepted', classes: ['redirect'], seenAt: T0 + 2 });
      for (const v of [a, b, c]) await stores.trust.versions.add(v);
      assert.deepEqual(await stores.trust.versions.get('v-2'), b);
      assert.deepEqual(await stores.trust.versions.list({ clientId: CLIENT, limit: 10 }), [c, b, a]);
      assert.deepEqual(await stores.trust.versions.latest(CLIENT, 'sha256:first'), c);
      assert.equal(await stores.trust.versions.latest(OTHER_CLIENT, 'sha256:first'), undefined);
      assert.deepEqual(await stores.trust.versions.list({ status: 'accepted', limit: 1 }), [c]);
      await rejectsWithReason(stores.trust.versions.add(versionRecord()), 'store-conflict');
    });

    test('R64: a pending version is decided once; a decided or unknown one is not', async () => {
      const { stores } = current();
      await stores.trust.versions.add(versionRecord({ id: 'p-1', status: 'pending' }));
      assert.equal(await stores.trust.versions.decide('p-1', 'approved', 'admin:alice', T0 + MINUTE), true);
      assert.equal(await stores.trust.versions.decide('p-1', 'rejected', 'admin:bob', T0 + 2 * MINUTE), false);
      assert.deepEqual(await stores.trust.versions.get('p-1'), {
        ...versionRecord({ id: 'p-1' }),
        status: 'approved',
        decidedBy: 'admin:alice',
        decidedAt: T0 + MINUTE,
      });
      assert.equal(await stores.trust.versions.decide('p-unknown', 'approved', 'admin:alice', T0), false);
    });

    test(`R64: the history keeps the newest ${MAX_VERSIONS_PER_CLIENT} settled versions per client and every pending one`, async () => {
      const { stores } = current();
      await stores.trust.versions.add(versionRecord({ id: 'pending-old', status: 'pending', seenAt: T0 - MINUTE }));
      for (let i = 0; i < MAX_VERSIONS_PER_CLIENT + 5; i++) {
        await stores.trust.versions.add(
          versionRecord({ id: `v-${String(i).padStart(3, '0')}`, status: 'accepted', seenAt: T0 + i }),
        );
      }
      await stores.trust.versions.add(versionRecord({ id: 'other', clientId: OTHER_CLIENT, seenAt: T0 - 2 * MINUTE }));
      const kept = await stores.trust.versions.list({ clientId: CLIENT, limit: 1000 });
      assert.equal(kept.length, MAX_VERSIONS_PER_CLIENT + 1);
      assert.equal(kept.at(-1)?.id, 'pending-old', 'a pending version waits for its decision');
      assert.equal(kept[0]?.id, `v-${String(MAX_VERSIONS_PER_CLIENT + 4).padStart(3, '0')}`);
      assert.equal(await stores.trust.versions.get('v-004'), undefined, 'the oldest settled ones went');
      assert.ok((await stores.trust.versions.get('v-005')) !== undefined);
      assert.ok((await stores.trust.versions.get('other')) !== undefined, "another client's history is its own");
    });
  });
}

function rule(overrides: Partial<StoredAdmissionRule> = {}): StoredAdmissionRule {
  return {
    id: 'r-1',
    effect: 'deny',
    kind: 'domain',
    value: '*.evil.example',
    createdAt: T0,
    createdBy: 'admin:alice',
    ...overrides,
  };
}

function logo(overrides: Partial<LogoRecord> = {}): LogoRecord {
  return {
    clientId: CLIENT,
    digest: 'digest-1',
    mediaType: 'image/png',
    bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255, 1]),
    sourceUri: 'https://app.example/logo.png',
    fetchedAt: T0,
    freshUntil: T0 + MINUTE,
    ...overrides,
  };
}

/** DomainStore, AuditStore, AdmissionRuleStore, LogoStore. */
export function trustRecordsContract(current: CurrentContext): void {
  describe('trust: domains, audit, rules, logos', () => {
    test('R75: domain registration data is stored and replaced', async () => {
      const { stores } = current();
      const first = { domain: 'app.example', registrant: 'Example Ltd', registeredAt: T0 - 1000 * MINUTE, checkedAt: T0 };
      await stores.trust.domains.put(first);
      assert.deepEqual(await stores.trust.domains.get('app.example'), first);
      await stores.trust.domains.put({ domain: 'app.example', checkedAt: T0 + MINUTE });
      assert.deepEqual(await stores.trust.domains.get('app.example'), { domain: 'app.example', checkedAt: T0 + MINUTE });
      assert.equal(await stores.trust.domains.get('other.example'), undefined);
    });

    test('R75: audit events are appended and listed newest first, filtered by client and action', async () => {
      const { stores } = current();
      const events = [
        { id: 'e-1', at: T0, actor: 'system', action: 'client-first-seen', clientId: CLIENT, detail: { tier: 'first-seen' } },
        { id: 'e-2', at: T0 + 1, actor: 'admin:alice', action: 'client-trust', clientId: CLIENT, detail: { trust: 'trusted' } },
        { id: 'e-3', at: T0 + 1, actor: 'admin:alice', action: 'rule-added', detail: { rule: { kind: 'domain' } } },
        { id: 'e-4', at: T0 + 2, actor: 'system', action: 'client-first-seen', clientId: OTHER_CLIENT, detail: {} },
      ];
      for (const e of events) await stores.trust.audit.append(e);
      assert.deepEqual(
        (await stores.trust.audit.list({ limit: 10 })).map((e) => e.id),
        ['e-4', 'e-3', 'e-2', 'e-1'],
      );
      assert.deepEqual(await stores.trust.audit.list({ clientId: CLIENT, limit: 10 }), [events[1], events[0]]);
      assert.deepEqual(
        (await stores.trust.audit.list({ action: 'client-first-seen', limit: 1 })).map((e) => e.id),
        ['e-4'],
      );
      await rejectsWithReason(stores.trust.audit.append(events[0] as (typeof events)[0]), 'store-conflict');
    });

    test('H20: admission rules are listed in creation order and removed by id', async () => {
      const { stores } = current();
      const a = rule();
      const b = rule({
        id: 'r-0',
        effect: 'allow',
        kind: 'exact',
        value: CLIENT,
        resource: 'https://api.example/mcp',
        createdAt: T0 + 1,
      });
      await stores.trust.rules.add(b);
      await stores.trust.rules.add(a);
      assert.deepEqual(await stores.trust.rules.list(), [a, b]);
      await rejectsWithReason(stores.trust.rules.add(rule()), 'store-conflict');
      assert.equal(await stores.trust.rules.remove('r-1'), true);
      assert.equal(await stores.trust.rules.remove('r-1'), false);
      assert.deepEqual(await stores.trust.rules.list(), [b]);
    });

    test('R74: a logo is kept per client, found by its digest, replaced by a new one and deleted', async () => {
      const { stores } = current();
      await stores.trust.logos.put(logo());
      assert.deepEqual(await stores.trust.logos.forClient(CLIENT), logo());
      assert.deepEqual(await stores.trust.logos.byDigest('digest-1'), logo());
      const next = logo({
        digest: 'digest-2',
        mediaType: 'image/gif',
        bytes: new Uint8Array([0x47, 0x49, 0x46]),
        fetchedAt: T0 + 1,
      });
      await stores.trust.logos.put(next);
      assert.deepEqual(await stores.trust.logos.forClient(CLIENT), next);
      assert.equal(await stores.trust.logos.byDigest('digest-1'), undefined, 'the old logo is gone');
      const copy = await stores.trust.logos.byDigest('digest-2');
      copy?.bytes.fill(0);
      assert.deepEqual((await stores.trust.logos.forClient(CLIENT))?.bytes, next.bytes, 'a caller cannot change stored bytes');
      await stores.trust.logos.delete(CLIENT);
      assert.equal(await stores.trust.logos.forClient(CLIENT), undefined);
    });
  });
}
