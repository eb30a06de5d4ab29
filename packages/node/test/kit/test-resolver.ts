import type { LookupAddress, LookupFunction } from '@cimd/node';

/**
 * What a host name resolves to: one address, a list of addresses (one answer set), or a list of
 * answer sets given out in turn on successive lookups (the last one repeats). The last form is
 * DNS rebinding: `[['127.0.0.1'], ['10.0.0.5']]`.
 */
export type TestAnswers = string | readonly string[] | readonly (readonly string[])[];

export interface TestResolver {
  /** The function to inject as the fetcher's `lookup`. */
  readonly lookup: LookupFunction;
  /** How many times `hostname` was looked up. */
  calls(hostname: string): number;
  /** Set or replace what a name resolves to (restarting its sequence). */
  set(hostname: string, answers: TestAnswers): void;
}

/**
 * An in-memory DNS for the fetcher's injectable `lookup`. Unknown names fail like the system
 * resolver does (`ENOTFOUND`). Names are matched lower-case.
 */
export function createTestResolver(table: Readonly<Record<string, TestAnswers>> = {}): TestResolver {
  const sequences = new Map<string, readonly (readonly string[])[]>();
  const counts = new Map<string, number>();
  const set = (hostname: string, answers: TestAnswers): void => {
    sequences.set(hostname.toLowerCase(), toSequence(answers));
    counts.set(hostname.toLowerCase(), 0);
  };
  for (const [hostname, answers] of Object.entries(table)) set(hostname, answers);

  const lookup: LookupFunction = (hostname) => {
    const key = hostname.toLowerCase();
    const n = counts.get(key) ?? 0;
    counts.set(key, n + 1);
    const sequence = sequences.get(key);
    const answer = sequence?.[Math.min(n, sequence.length - 1)];
    if (answer === undefined) {
      return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }));
    }
    return Promise.resolve(answer.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return { lookup, calls: (hostname) => counts.get(hostname.toLowerCase()) ?? 0, set };
}

function toSequence(answers: TestAnswers): readonly (readonly string[])[] {
  if (typeof answers === 'string') return [[answers]];
  if (answers.length > 0 && Array.isArray(answers[0])) return answers as readonly (readonly string[])[];
  return [answers as readonly string[]];
}
