import { CimdError } from '@cimd/core';
import { classifyAddress, describeRange, isLoopbackRange } from './special-addresses.js';

/** Which special-purpose addresses may be connected to. In production: none. */
export interface AddressPolicy {
  /** Development only (R70): permit 127.0.0.0/8 and ::1, and no other special-purpose block. */
  readonly allowLoopback: boolean;
}

export const PRODUCTION_ADDRESS_POLICY: AddressPolicy = { allowLoopback: false };

/**
 * Why `address` may not be connected to under `policy`, as a phrase for messages; undefined when
 * it may. Anything that is not a plain IP address is refused.
 */
export function addressRefusal(address: string, policy: AddressPolicy): string | undefined {
  const found = classifyAddress(address);
  if (found === undefined) return `${JSON.stringify(address)}, which is not an IP address`;
  const { range, embedded } = found;
  if (range === undefined) return undefined;
  if (policy.allowLoopback && isLoopbackRange(range)) return undefined;
  const spelled = found.address === address ? address : `${address} (${found.address})`;
  let why = `${spelled}, which is in the special-purpose block ${describeRange(range)}`;
  if (embedded !== undefined) {
    why += ` and embeds the IPv4 address ${embedded.address}`;
    if (embedded.range !== undefined) why += ` from ${describeRange(embedded.range)}`;
  }
  return why;
}

/**
 * Step 2, second half (R69, H2): refuse the fetch if ANY answer is a special-purpose address. One
 * bad answer among good ones refuses the whole host: a client would otherwise pick the answer.
 */
export function assertAllowedAddresses(hostname: string, addresses: readonly string[], policy: AddressPolicy): void {
  for (const address of addresses) {
    const why = addressRefusal(address, policy);
    if (why === undefined) continue;
    const others = addresses.length > 1 ? ` (one of ${addresses.length} answers: ${addresses.join(', ')})` : '';
    throw new CimdError('fetch-blocked-address', `The host ${hostname} resolves to ${why}${others}; it is never fetched`);
  }
}
