/**
 * Whether an MX host's address can be reached from the Internet. A sender on the Internet cannot
 * deliver to loopback, private, link-local, shared or reserved space: its own MTA would connect
 * to itself or to a host of its own network. The ranges are those of the IANA IPv4 and IPv6
 * Special-Purpose Address Registries (RFC 6890) that are not globally reachable.
 */
import { cidrMatch, parseIp } from '../ip-bytes.js';

export type AddressSpace = 'public' | 'loopback' | 'private' | 'link-local' | 'reserved';

interface Range {
  net: Uint8Array;
  prefix: number;
  space: Exclude<AddressSpace, 'public'>;
  rfc: string;
}

function range(text: string, space: Range['space'], rfc: string): Range {
  const [addr = '', prefix = '0'] = text.split('/');
  const ip = parseIp(addr);
  if (!ip) throw new Error(`bad range ${text}`);
  return { net: ip.bytes, prefix: Number(prefix), space, rfc };
}

/** Not globally reachable special-purpose ranges (RFC 6890 2.2.2 and 2.2.3, with later additions). */
export const NON_PUBLIC_RANGES: readonly Range[] = [
  range('0.0.0.0/8', 'reserved', 'RFC 791 3.2 ("this network")'),
  range('10.0.0.0/8', 'private', 'RFC 1918'),
  range('100.64.0.0/10', 'private', 'RFC 6598 (shared address space)'),
  range('127.0.0.0/8', 'loopback', 'RFC 1122 3.2.1.3'),
  range('169.254.0.0/16', 'link-local', 'RFC 3927'),
  range('172.16.0.0/12', 'private', 'RFC 1918'),
  range('192.0.0.0/24', 'reserved', 'RFC 6890 (IETF protocol assignments)'),
  range('192.0.2.0/24', 'reserved', 'RFC 5737 (documentation)'),
  range('192.168.0.0/16', 'private', 'RFC 1918'),
  range('198.18.0.0/15', 'reserved', 'RFC 2544 (benchmarking)'),
  range('198.51.100.0/24', 'reserved', 'RFC 5737 (documentation)'),
  range('203.0.113.0/24', 'reserved', 'RFC 5737 (documentation)'),
  range('224.0.0.0/4', 'reserved', 'RFC 5771 (multicast)'),
  range('240.0.0.0/4', 'reserved', 'RFC 1112 4 (reserved), with 255.255.255.255 (RFC 919)'),
  range('::/128', 'reserved', 'RFC 4291 2.5.2 (unspecified)'),
  range('::1/128', 'loopback', 'RFC 4291 2.5.3'),
  range('64:ff9b:1::/48', 'private', 'RFC 8215 (local-use NAT64)'),
  range('100::/64', 'reserved', 'RFC 6666 (discard-only)'),
  range('2001:db8::/32', 'reserved', 'RFC 3849 (documentation)'),
  range('3fff::/20', 'reserved', 'RFC 9637 (documentation)'),
  range('fc00::/7', 'private', 'RFC 4193 (unique local)'),
  range('fe80::/10', 'link-local', 'RFC 4291 2.5.6'),
  range('ff00::/8', 'reserved', 'RFC 4291 2.7 (multicast)'),
];

/** The space an address is in ('reserved' for text that is no address). */
export function addressSpaceOf(address: string): AddressSpace {
  const ip = parseIp(address);
  if (!ip) return 'reserved';
  for (const r of NON_PUBLIC_RANGES) if (cidrMatch(ip.bytes, r.net, r.prefix)) return r.space;
  return 'public';
}
