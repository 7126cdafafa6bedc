/**
 * Small IP address helpers shared by the checks that look at sending addresses: validation,
 * canonical text (so that two spellings of one IPv6 address compare equal) and reverse names
 * for PTR queries.
 */
import { isIP } from 'node:net';
import { formatIp, parseIp as parseIpBytes } from './ip-bytes.js';

export interface ParsedIp {
  family: 4 | 6;
  /** Canonical text: dotted quad, or RFC 5952 form for IPv6 (lower case, longest zero run compressed). */
  address: string;
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array;
}

/**
 * Parses an IP address. IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes IPv4: such a client talks
 * IPv4 on the wire and is looked up in in-addr.arpa. Zone ids ("fe80::1%eth0") and
 * brackets are refused: they are not addresses a receiver sees.
 */
export function parseIp(text: string): ParsedIp | undefined {
  if (text.length > 45 || text.includes('%') || isIP(text) === 0) return undefined;
  const ip = parseIpBytes(text);
  return ip ? { family: ip.family, address: formatIp(ip), bytes: ip.bytes } : undefined;
}

/** Canonical text of an address, or undefined when it is not one. */
export function normalizeIp(text: string): string | undefined {
  return parseIp(text)?.address;
}

/** Reverse lookup name for a PTR query: 4.3.2.1.in-addr.arpa (RFC 1035 3.5), nibbles.ip6.arpa (RFC 3596 2.5). */
export { reverseName } from './ip-bytes.js';

/**
 * True when a host name field holds an address instead of a name: "192.0.2.1", "2001:db8::1",
 * or the SMTP address-literal forms "[192.0.2.1]" / "[IPv6:2001:db8::1]" (RFC 5321 4.1.3).
 */
export function isAddressLiteral(text: string): boolean {
  let t = text.trim();
  if (t.endsWith('.')) t = t.slice(0, -1);
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1).replace(/^ipv6:/i, '');
  return isIP(t) !== 0;
}

export { formatIPv4, formatIPv6 } from './ip-bytes.js';
