// IP addresses and CIDR ranges for the in_cidr operator, parsed with ipaddr.js
// (the parser Express and proxy-addr trust), held to the forms every engine
// reads alike: IPv4 only as four decimal parts (no 0x7f.1 or 010.0.0.1, which
// inet_aton reads differently), IPv6 without a zone (fe80::1%eth0). An
// IPv4-mapped IPv6 address (::ffff:10.0.0.1) is the IPv4 address it maps,
// because that is how a dual-stack server reports an IPv4 client.
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface CidrRange {
  readonly kind: 'ipv4' | 'ipv6';
  readonly network: Address;
  readonly bits: number;
}

/** Longest address text worth parsing (a full IPv6 with an embedded IPv4 is 45 characters). */
const MAX_ADDRESS_LENGTH = 64;
const FOUR_PART_DECIMAL = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** An address as a context may carry it; undefined when it is not one. */
export function parseAddress(text: string): Address | undefined {
  if (text.length === 0 || text.length > MAX_ADDRESS_LENGTH) return undefined;
  if (text.includes('.') && !text.includes(':')) return FOUR_PART_DECIMAL.test(text) ? ipaddr.IPv4.parse(text) : undefined;
  if (!text.includes(':') || text.includes('%') || !ipaddr.IPv6.isValid(text)) return undefined;
  const v6 = ipaddr.IPv6.parse(text);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

/** "10.0.0.0/8", "2001:db8::/32", or one address (a /32 or /128); undefined when it is neither. */
export function parseCidr(text: string): CidrRange | undefined {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  if (addressText.includes(':') && addressText.includes('.') && slash !== -1) return undefined;
  const network = parseAddress(addressText);
  if (network === undefined) return undefined;
  // A mapped IPv6 network with a prefix would change meaning when mapped: refuse it.
  if (network.kind() === 'ipv4' && addressText.includes(':') && slash !== -1) return undefined;
  const max = network.kind() === 'ipv4' ? 32 : 128;
  let bits = max;
  if (slash !== -1) {
    const prefix = text.slice(slash + 1);
    if (!/^(?:0|[1-9]\d{0,2})$/.test(prefix) || Number(prefix) > max) return undefined;
    bits = Number(prefix);
  }
  return Object.freeze({ kind: network.kind(), network, bits });
}

/** Whether the address lies in any of the ranges. */
export function inAnyRange(address: Address, ranges: readonly CidrRange[]): boolean {
  const kind = address.kind();
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i]!;
    if (range.kind === kind && (address as ipaddr.IPv4).match(range.network as ipaddr.IPv4, range.bits)) return true;
  }
  return false;
}
