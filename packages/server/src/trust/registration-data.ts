import type { DomainRecord } from '../store/trust.js';

/** What a registry says about a domain (RDAP, RFC 9083: the registrant entity and the registration event). */
export interface RegistrationData {
  readonly registrant?: string;
  /** The registration date, ms since the epoch. */
  readonly registeredAt?: number;
}

/**
 * Where registration data comes from: pluggable (an RDAP client, a commercial feed, a table).
 * `lookup` resolves with undefined when the source knows nothing about the domain, and rejects
 * when it could not answer (the server then keeps what it knew).
 */
export interface RegistrationDataSource {
  lookup(domain: string): Promise<RegistrationData | undefined>;
}

/** A source answering from a table held in memory: for tests, air-gapped sites, or an imported feed. */
export interface StaticRegistrationSource extends RegistrationDataSource {
  set(domain: string, data: RegistrationData): void;
  delete(domain: string): void;
  /** How many lookups were made (tests check that data is cached, not looked up on every request). */
  readonly lookups: number;
}

export function createStaticRegistrationSource(
  entries: Readonly<Record<string, RegistrationData>> = {},
): StaticRegistrationSource {
  const table = new Map(Object.entries(entries));
  let lookups = 0;
  return {
    lookup(domain) {
      lookups += 1;
      return Promise.resolve(table.get(domain));
    },
    set(domain, data) {
      table.set(domain, data);
    },
    delete(domain) {
      table.delete(domain);
    },
    get lookups() {
      return lookups;
    },
  };
}

/** The registration data as fingerprint text ('' when unknown): a change of it changes the fingerprint. */
export function registrationText(record: DomainRecord | undefined): string {
  if (record === undefined || (record.registrant === undefined && record.registeredAt === undefined)) return '';
  return JSON.stringify([record.registrant ?? null, record.registeredAt ?? null]);
}

/** Whether two lookups say different things (both known). */
export function registrationChanged(before: DomainRecord | undefined, after: RegistrationData): boolean {
  if (before === undefined || registrationText(before) === '') return false;
  return before.registrant !== after.registrant || before.registeredAt !== after.registeredAt;
}
