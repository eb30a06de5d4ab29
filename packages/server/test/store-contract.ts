import { afterEach, beforeEach, describe } from 'node:test';
import type { Stores } from '../src/store/stores.js';
import { codeContract, refreshTokenContract } from './store-contract/codes-and-refresh.js';
import { ContractClock, T0, type ContractContext } from './store-contract/context.js';
import { documentContract, sweepAndCloseContract } from './store-contract/documents-sweep-close.js';
import { counterContract, interactionAndSessionContract, replayContract } from './store-contract/ephemeral.js';
import { keyContract, registeredClientContract, userContract } from './store-contract/accounts.js';
import { consentContract, grantContract } from './store-contract/grants-and-consents.js';
import { clientVersionContract, trustedClientContract, trustRecordsContract } from './store-contract/trust.js';

export { ContractClock, T0 } from './store-contract/context.js';

/**
 * Makes fresh, empty stores for one test. The clock is the time the stores must use where they
 * need "now" for themselves (the document cache); a factory that takes no argument works too.
 */
export type StoresFactory = (options: { readonly clock: ContractClock }) => Promise<Stores>;

/**
 * The one contract suite every `Stores` implementation passes (memory, SQLite, later PostgreSQL):
 * each statement of the interfaces' JSDoc, as tests. Every test gets fresh stores from `factory`
 * and closes them afterwards.
 */
export function storeContract(name: string, factory: StoresFactory): void {
  describe(`${name} stores: contract`, () => {
    let context: ContractContext | undefined;
    const current = (): ContractContext => {
      if (context === undefined) throw new Error('The store contract context is set up before each test');
      return context;
    };
    beforeEach(async () => {
      const clock = new ContractClock(T0);
      context = { stores: await factory({ clock }), clock };
    });
    afterEach(async () => {
      await context?.stores.close();
      context = undefined;
    });

    codeContract(current);
    refreshTokenContract(current);
    grantContract(current);
    consentContract(current);
    userContract(current);
    keyContract(current);
    registeredClientContract(current);
    replayContract(current);
    interactionAndSessionContract(current);
    counterContract(current);
    documentContract(current);
    sweepAndCloseContract(current);
    trustedClientContract(current);
    clientVersionContract(current);
    trustRecordsContract(current);
  });
}
