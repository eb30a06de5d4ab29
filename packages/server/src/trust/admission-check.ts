import { CimdError, decideAdmission, type AdmissionDecision, type AdmissionRule } from '@cimd/core';
import type { TrustStores } from '../store/trust.js';
import type { TrustGroup } from './trust-config.js';

/**
 * The admission policy as the server applies it (H20): the configuration's rules and the rules
 * managed in the admin console, the administrators' blocks, and pre-registration (R61). Never
 * fetches anything: it decides on the client_id alone.
 */
export interface AdmissionCheck {
  /** Throws a `trust-client-*` or `trust-resource-not-allowed` CimdError when the client is refused. */
  check(clientId: string, url: URL, resources?: readonly string[]): Promise<void>;
  /**
   * The resource rules alone, for a token request's audience (RFC 8707): the client itself was
   * admitted when it was resolved. Costs one read of the rules when no rule names a resource.
   */
  checkResources(clientId: string, url: URL, resources: readonly string[]): Promise<void>;
  /** The resolver's hook: the same check without resources, as a decision. */
  hook(clientId: string, url: URL): Promise<AdmissionDecision>;
  /** Every rule in force: the configuration's first, then the stored ones. */
  rules(): Promise<AdmissionRule[]>;
}

export function createAdmissionCheck(trust: TrustGroup, stores: Pick<TrustStores, 'rules' | 'clients'>): AdmissionCheck {
  async function rules(): Promise<AdmissionRule[]> {
    return [...trust.rules, ...(await stores.rules.list())];
  }

  async function check(clientId: string, url: URL, resources?: readonly string[]): Promise<void> {
    const [record, all] = await Promise.all([stores.clients.get(clientId), rules()]);
    if (record?.trust === 'blocked') throw new CimdError('trust-client-blocked', `An administrator blocked ${clientId}`);
    const verdict = decideAdmission(
      { mode: trust.admission, rules: all },
      { clientId, url, registered: record?.registered === true, ...(resources === undefined ? {} : { resources }) },
    );
    if (verdict.allowed) return;
    const rule = verdict.rule === undefined ? '' : ` (rule ${verdict.rule.effect} ${verdict.rule.kind} ${verdict.rule.value})`;
    switch (verdict.reason) {
      case 'denied':
        throw new CimdError('trust-client-denied', `A deny rule refuses ${clientId}${rule}`);
      case 'not-listed':
        throw new CimdError('trust-client-not-allowed', `${clientId} is neither allow-listed nor pre-registered`);
      case 'resource-denied':
      case 'resource-not-listed':
        throw new CimdError(
          'trust-resource-not-allowed',
          `The admission policy does not admit ${clientId} for the resource ${verdict.resource ?? ''}${rule}`,
          { property: 'resource' },
        );
    }
  }

  return {
    check,
    async checkResources(clientId, url, resources) {
      if (resources.length === 0 || !(await rules()).some((r) => r.resource !== undefined)) return;
      await check(clientId, url, resources);
    },
    async hook(clientId, url) {
      await check(clientId, url);
      return 'allow';
    },
    rules,
  };
}
