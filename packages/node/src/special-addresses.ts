import ipaddr from 'ipaddr.js';

/**
 * The address tables behind R69: every address a fetch of an attacker-chosen URL may never reach.
 *
 * Written out by hand so that a reviewer can audit them line by line against the IANA IPv4 and
 * IPv6 Special-Purpose Address Registries (RFC 6890, RFC 8190), which are blocked in full,
 * whatever their "Globally Reachable" column says, plus multicast, limited broadcast and the
 * deprecated blocks older stacks still treat specially. ipaddr.js only parses and matches CIDRs
 * here; its own `range()` names are not relied on.
 *
 * The registries as of 2025-10 (IPv6 registry last updated 2025-10-09). When IANA adds a block,
 * add it here with its RFC and a vector in `test/special-addresses.test.ts`.
 */
export interface SpecialRange {
  /** The block in CIDR notation, as the registry writes it. */
  readonly cidr: string;
  /** The registry's name for the block. */
  readonly name: string;
  /** The RFC(s) that define the block. */
  readonly rfc: string;
  /** Where an IPv4 address is embedded in this IPv6 block, named in messages. */
  readonly embedsIpv4?: 'low-32' | '6to4' | 'teredo';
}

export const IPV4_SPECIAL_RANGES: readonly SpecialRange[] = [
  { cidr: '0.0.0.0/8', name: '"This network"', rfc: 'RFC 791 §3.2' },
  { cidr: '0.0.0.0/32', name: '"This host on this network"', rfc: 'RFC 1122 §3.2.1.3' },
  { cidr: '10.0.0.0/8', name: 'Private-Use', rfc: 'RFC 1918' },
  { cidr: '100.64.0.0/10', name: 'Shared Address Space', rfc: 'RFC 6598' },
  { cidr: '127.0.0.0/8', name: 'Loopback', rfc: 'RFC 1122 §3.2.1.3' },
  // Includes the cloud metadata endpoint 169.254.169.254.
  { cidr: '169.254.0.0/16', name: 'Link Local', rfc: 'RFC 3927' },
  { cidr: '172.16.0.0/12', name: 'Private-Use', rfc: 'RFC 1918' },
  { cidr: '192.0.0.0/24', name: 'IETF Protocol Assignments', rfc: 'RFC 6890 §2.1' },
  { cidr: '192.0.0.0/29', name: 'IPv4 Service Continuity Prefix', rfc: 'RFC 7335' },
  { cidr: '192.0.0.8/32', name: 'IPv4 dummy address', rfc: 'RFC 7600' },
  { cidr: '192.0.0.9/32', name: 'Port Control Protocol Anycast', rfc: 'RFC 7723' },
  { cidr: '192.0.0.10/32', name: 'Traversal Using Relays around NAT Anycast', rfc: 'RFC 8155' },
  { cidr: '192.0.0.170/32', name: 'NAT64/DNS64 Discovery', rfc: 'RFC 8880, RFC 7050 §2.2' },
  { cidr: '192.0.0.171/32', name: 'NAT64/DNS64 Discovery', rfc: 'RFC 8880, RFC 7050 §2.2' },
  { cidr: '192.0.2.0/24', name: 'Documentation (TEST-NET-1)', rfc: 'RFC 5737' },
  { cidr: '192.31.196.0/24', name: 'AS112-v4', rfc: 'RFC 7535' },
  { cidr: '192.52.193.0/24', name: 'AMT', rfc: 'RFC 7450' },
  { cidr: '192.88.99.0/24', name: 'Deprecated (6to4 Relay Anycast)', rfc: 'RFC 7526' },
  { cidr: '192.88.99.2/32', name: '6a44-relay anycast address', rfc: 'RFC 6751' },
  { cidr: '192.168.0.0/16', name: 'Private-Use', rfc: 'RFC 1918' },
  { cidr: '192.175.48.0/24', name: 'Direct Delegation AS112 Service', rfc: 'RFC 7534' },
  { cidr: '198.18.0.0/15', name: 'Benchmarking', rfc: 'RFC 2544' },
  { cidr: '198.51.100.0/24', name: 'Documentation (TEST-NET-2)', rfc: 'RFC 5737' },
  { cidr: '203.0.113.0/24', name: 'Documentation (TEST-NET-3)', rfc: 'RFC 5737' },
  // Not in the special-purpose registry: the multicast space has its own registry.
  { cidr: '224.0.0.0/4', name: 'Multicast', rfc: 'RFC 5771' },
  { cidr: '240.0.0.0/4', name: 'Reserved', rfc: 'RFC 1112 §4' },
  { cidr: '255.255.255.255/32', name: 'Limited Broadcast', rfc: 'RFC 8190, RFC 919 §7' },
];

export const IPV6_SPECIAL_RANGES: readonly SpecialRange[] = [
  { cidr: '::/128', name: 'Unspecified Address', rfc: 'RFC 4291' },
  { cidr: '::1/128', name: 'Loopback Address', rfc: 'RFC 4291' },
  // Deprecated, not in the registry; still routed to the embedded IPv4 address by some stacks.
  { cidr: '::/96', name: 'IPv4-Compatible IPv6 Address (deprecated)', rfc: 'RFC 4291 §2.5.5.1', embedsIpv4: 'low-32' },
  // Blocked whole, even when the embedded IPv4 address is public: nothing legitimate is published
  // in DNS this way, and unwrapping is where SSRF filters have gone wrong before.
  { cidr: '::ffff:0:0/96', name: 'IPv4-mapped Address', rfc: 'RFC 4291', embedsIpv4: 'low-32' },
  { cidr: '64:ff9b::/96', name: 'IPv4-IPv6 Translation', rfc: 'RFC 6052', embedsIpv4: 'low-32' },
  { cidr: '64:ff9b:1::/48', name: 'IPv4-IPv6 Translation (local use)', rfc: 'RFC 8215' },
  { cidr: '100::/64', name: 'Discard-Only Address Block', rfc: 'RFC 6666' },
  { cidr: '100:0:0:1::/64', name: 'Dummy IPv6 Prefix', rfc: 'RFC 9780' },
  { cidr: '2001::/23', name: 'IETF Protocol Assignments', rfc: 'RFC 2928' },
  { cidr: '2001::/32', name: 'TEREDO', rfc: 'RFC 4380, RFC 8190', embedsIpv4: 'teredo' },
  { cidr: '2001:1::1/128', name: 'Port Control Protocol Anycast', rfc: 'RFC 7723' },
  { cidr: '2001:1::2/128', name: 'Traversal Using Relays around NAT Anycast', rfc: 'RFC 8155' },
  { cidr: '2001:1::3/128', name: 'DNS-SD Service Registration Protocol Anycast', rfc: 'RFC 9665' },
  { cidr: '2001:2::/48', name: 'Benchmarking', rfc: 'RFC 5180' },
  { cidr: '2001:3::/32', name: 'AMT', rfc: 'RFC 7450' },
  { cidr: '2001:4:112::/48', name: 'AS112-v6', rfc: 'RFC 7535' },
  { cidr: '2001:10::/28', name: 'Deprecated (previously ORCHID)', rfc: 'RFC 4843' },
  { cidr: '2001:20::/28', name: 'ORCHIDv2', rfc: 'RFC 7343' },
  { cidr: '2001:30::/28', name: 'Drone Remote ID Protocol Entity Tags (DETs) Prefix', rfc: 'RFC 9374' },
  { cidr: '2001:db8::/32', name: 'Documentation', rfc: 'RFC 3849' },
  { cidr: '2002::/16', name: '6to4', rfc: 'RFC 3056', embedsIpv4: '6to4' },
  { cidr: '2620:4f:8000::/48', name: 'Direct Delegation AS112 Service', rfc: 'RFC 7534' },
  { cidr: '3fff::/20', name: 'Documentation', rfc: 'RFC 9637' },
  { cidr: '5f00::/16', name: 'Segment Routing (SRv6) SIDs', rfc: 'RFC 9602' },
  { cidr: 'fc00::/7', name: 'Unique-Local', rfc: 'RFC 4193, RFC 8190' },
  { cidr: 'fe80::/10', name: 'Link-Local Unicast', rfc: 'RFC 4291' },
  // Deprecated site-local, not in the registry.
  { cidr: 'fec0::/10', name: 'Site-Local (deprecated)', rfc: 'RFC 3879' },
  // Not in the special-purpose registry: the multicast space has its own registry.
  { cidr: 'ff00::/8', name: 'Multicast', rfc: 'RFC 4291 §2.7' },
  // Beyond the registries: IANA allocates global unicast only from 2000::/3 (IPv6 Address Space
  // registry). Everything outside it is reserved or special; these three blocks cover the rest,
  // and the more specific entries above name an address when they match.
  { cidr: '::/3', name: 'Outside Global Unicast 2000::/3', rfc: 'RFC 4291 §2.4' },
  { cidr: '4000::/2', name: 'Outside Global Unicast 2000::/3', rfc: 'RFC 4291 §2.4' },
  { cidr: '8000::/1', name: 'Outside Global Unicast 2000::/3', rfc: 'RFC 4291 §2.4' },
];

/** The loopback blocks, the only special-purpose ones development mode may open (R70). */
export const LOOPBACK_RANGES: readonly SpecialRange[] = [
  IPV4_SPECIAL_RANGES.find((r) => r.cidr === '127.0.0.0/8') as SpecialRange,
  IPV6_SPECIAL_RANGES.find((r) => r.cidr === '::1/128') as SpecialRange,
];

type Parsed = ipaddr.IPv4 | ipaddr.IPv6;

interface CompiledRange {
  readonly range: SpecialRange;
  readonly network: [Parsed, number];
}

const compile = (ranges: readonly SpecialRange[]): readonly CompiledRange[] =>
  ranges.map((range) => ({ range, network: ipaddr.parseCIDR(range.cidr) }));

const V4 = compile(IPV4_SPECIAL_RANGES);
const V6 = compile(IPV6_SPECIAL_RANGES);

/** An address that parsed, with the most specific special-purpose block containing it. */
export interface AddressClass {
  /** The address in canonical text form (RFC 5952 for IPv6). */
  readonly address: string;
  readonly family: 4 | 6;
  /** The most specific special-purpose block containing it; undefined for ordinary unicast. */
  readonly range: SpecialRange | undefined;
  /** For blocks that embed an IPv4 address: that address and its own block, if special. */
  readonly embedded?: { readonly address: string; readonly range: SpecialRange | undefined };
}

/**
 * Classify one IP address written in standard text form (dotted quad, or RFC 4291 IPv6 with an
 * optional zone). Returns undefined for anything else, including the shorthand IPv4 spellings
 * (`127.1`, `0x7f.1`) that DNS never returns: callers treat that as blocked.
 */
export function classifyAddress(text: string): AddressClass | undefined {
  const parsed = parseStrict(text);
  if (parsed === undefined) return undefined;
  const family = parsed.kind() === 'ipv4' ? 4 : 6;
  const range = mostSpecific(parsed, family === 4 ? V4 : V6);
  const address = parsed instanceof ipaddr.IPv6 ? parsed.toRFC5952String() : parsed.toString();
  const embeddedV4 = range?.embedsIpv4 === undefined ? undefined : extractIpv4(parsed as ipaddr.IPv6, range.embedsIpv4);
  if (embeddedV4 === undefined) return { address, family, range };
  return { address, family, range, embedded: { address: embeddedV4.toString(), range: mostSpecific(embeddedV4, V4) } };
}

/** "10.0.0.0/8 (Private-Use, RFC 1918)", for messages. */
export function describeRange(range: SpecialRange): string {
  return `${range.cidr} (${range.name}, ${range.rfc})`;
}

/** Whether a block is one of the loopback blocks development mode may open. */
export function isLoopbackRange(range: SpecialRange | undefined): boolean {
  return range !== undefined && LOOPBACK_RANGES.includes(range);
}

const DOTTED_QUAD = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function parseStrict(text: string): Parsed | undefined {
  if (DOTTED_QUAD.test(text)) return ipaddr.IPv4.parse(text);
  // ipaddr.js also accepts a few IPv4 forms inside IPv6 ("::ffff:1.2.3.4"), which are standard.
  if (!text.includes(':') || !ipaddr.IPv6.isValid(text)) return undefined;
  return ipaddr.IPv6.parse(text);
}

function mostSpecific(address: Parsed, table: readonly CompiledRange[]): SpecialRange | undefined {
  let best: CompiledRange | undefined;
  for (const entry of table) {
    if (address.kind() !== entry.network[0].kind()) continue;
    if (!address.match(entry.network)) continue;
    if (best === undefined || entry.network[1] > best.network[1]) best = entry;
  }
  return best?.range;
}

function extractIpv4(address: ipaddr.IPv6, where: 'low-32' | '6to4' | 'teredo'): ipaddr.IPv4 {
  const bytes = address.toByteArray();
  switch (where) {
    case 'low-32':
      return new ipaddr.IPv4(bytes.slice(12, 16));
    case '6to4':
      // 2002:AABB:CCDD::/48 carries AA.BB.CC.DD (RFC 3056 §2).
      return new ipaddr.IPv4(bytes.slice(2, 6));
    case 'teredo':
      // The client's public IPv4 address, bit-inverted in the low 32 bits (RFC 4380 §4).
      return new ipaddr.IPv4(bytes.slice(12, 16).map((b) => b ^ 0xff));
  }
}
