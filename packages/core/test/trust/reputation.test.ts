import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assessTrust, earnedTier, thresholdsProblem, type TrustSignal } from '../../src/index.js';

const lookalike: TrustSignal = { kind: 'lookalike', lookalike: { kind: 'typo', brand: 'paypal.com' } };
const young: TrustSignal = { kind: 'young-domain', domain: 'new.example', ageDays: 3 };
const crowded: TrustSignal = { kind: 'crowded-domain', domain: 'spam.example', clientIds: 400 };
const service: TrustSignal = { kind: 'cimd-service', service: 'https://cimd.example' };

describe('the reputation ladder (R75, IETF 124 slides)', () => {
  test('R75: the earned tier climbs at 10, 100 and 1000 distinct approving users', () => {
    const at = (n: number) => earnedTier(n);
    assert.deepEqual([0, 1, 9, 10, 99, 100, 999, 1000, 50_000].map(at), [
      'first-seen',
      'first-seen',
      'first-seen',
      'established',
      'established',
      'named',
      'named',
      'recognized',
      'recognized',
    ]);
    assert.equal(earnedTier(3, { noWarning: 3, name: 5, logo: 8 }), 'established', 'thresholds are configurable');
  });

  test('R75: what each tier shows', () => {
    const view = (approvals: number) => {
      const a = assessTrust({ approvals });
      return [a.tier, a.firstSeen, a.showName, a.showLogo, a.showLinks, a.reviewed];
    };
    assert.deepEqual(view(0), ['first-seen', true, false, false, false, false]);
    assert.deepEqual(view(10), ['established', false, false, false, false, false]);
    assert.deepEqual(view(100), ['named', false, true, false, false, false]);
    assert.deepEqual(view(1000), ['recognized', false, true, true, false, false]);
  });

  test("R75: an administrator's decision replaces the earned tier", () => {
    assert.equal(assessTrust({ approvals: 5000, adminTrust: 'blocked' }).tier, 'blocked');
    const trusted = assessTrust({ approvals: 0, adminTrust: 'trusted' });
    assert.deepEqual(
      [trusted.tier, trusted.firstSeen, trusted.showName, trusted.showLogo, trusted.showLinks],
      ['trusted', false, true, true, false],
    );
    const reviewed = assessTrust({ approvals: 0, adminTrust: 'reviewed' });
    assert.deepEqual([reviewed.showLinks, reviewed.reviewed], [true, true]);
    assert.equal(assessTrust({ approvals: 5000, adminTrust: 'blocked' }).showName, false);
  });

  test('R75: signals only ever lower the tier: a lookalike or a young domain back to first-seen, a crowded domain to established', () => {
    for (const approvals of [0, 10, 100, 1000]) {
      const plain = assessTrust({ approvals });
      for (const signal of [lookalike, young, crowded, service]) {
        const a = assessTrust({ approvals, signals: [signal] });
        assert.ok(
          ['first-seen', 'established', 'named', 'recognized'].indexOf(a.tier) <=
            ['first-seen', 'established', 'named', 'recognized'].indexOf(plain.tier),
          `${signal.kind} at ${approvals} raised the tier`,
        );
      }
    }
    assert.deepEqual(
      [assessTrust({ approvals: 1000, signals: [lookalike] }).tier, assessTrust({ approvals: 1000, signals: [young] }).tier],
      ['first-seen', 'first-seen'],
    );
    const c = assessTrust({ approvals: 1000, signals: [crowded] });
    assert.deepEqual(
      [c.tier, c.earned, c.cappedBy, c.showName, c.showLogo],
      ['established', 'recognized', 'crowded-domain', false, false],
    );
    assert.equal(assessTrust({ approvals: 0, signals: [crowded] }).tier, 'first-seen', 'a cap never raises');
  });

  test('R75: signals are warnings for the user until an administrator decides', () => {
    assert.deepEqual(assessTrust({ approvals: 50, signals: [lookalike, young] }).warnings, [lookalike, young]);
    const decided = assessTrust({ approvals: 50, adminTrust: 'trusted', signals: [lookalike] });
    assert.deepEqual([decided.tier, decided.warnings, decided.signals], ['trusted', [], [lookalike]]);
  });

  test('R83: a client of a CIMD Service never gets the name or logo a self-hosted document earns', () => {
    const a = assessTrust({ approvals: 100_000, signals: [service] });
    assert.deepEqual([a.tier, a.showName, a.showLogo, a.warnings], ['established', false, false, []]);
    assert.equal(assessTrust({ approvals: 100_000, signals: [service], adminTrust: 'reviewed' }).tier, 'reviewed');
  });

  test('R75: thresholds must be whole, positive and growing', () => {
    assert.equal(thresholdsProblem({ noWarning: 10, name: 100, logo: 1000 }), undefined);
    assert.notEqual(thresholdsProblem({ noWarning: 100, name: 10, logo: 1000 }), undefined);
    assert.notEqual(thresholdsProblem({ noWarning: 0, name: 10, logo: 1000 }), undefined);
    assert.notEqual(thresholdsProblem({ noWarning: 1.5, name: 10, logo: 1000 }), undefined);
  });
});
