/**
 * Small IP address helpers shared by the checks that look at sending addresses: validation,
 * canonical text (so that two spellings of one IPv6 address compare equal) and reverse names
 * for PTR queries.
 */
import { isIP } from 'node:net';

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
  if (text.length > 45 || text.includes('%')) return undefined;
  const family = isIP(text);
  if (family === 4) {
    const bytes = Uint8Array.from(text.split('.').map(Number));
    return { family: 4, address: formatIPv4(bytes), bytes };
  }
  if (family !== 6) return undefined;
  const bytes = ipv6Bytes(text);
  if (!bytes) return undefined;
  if (isV4Mapped(bytes)) {
    const v4 = bytes.slice(12);
    return { family: 4, address: formatIPv4(v4), bytes: v4 };
  }
  return { family: 6, address: formatIPv6(bytes), bytes };
}

/** Canonical text of an address, or undefined when it is not one. */
export function normalizeIp(text: string): string | undefined {
  return parseIp(text)?.address;
}

/** Reverse lookup name for a PTR query: 4.3.2.1.in-addr.arpa (RFC 1035 3.5), nibbles.ip6.arpa (RFC 3596 2.5). */
export function reverseName(ip: ParsedIp): string {
  if (ip.family === 4) return `${Array.from(ip.bytes).reverse().join('.')}.in-addr.arpa`;
  const nibbles: string[] = [];
  for (const byte of ip.bytes) nibbles.push((byte >> 4).toString(16), (byte & 0xf).toString(16));
  return `${nibbles.reverse().join('.')}.ip6.arpa`;
}

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

export function formatIPv4(bytes: Uint8Array): string {
  return Array.from(bytes).join('.');
}

/** RFC 5952 4: lower case, no leading zeros, the longest run (2 groups or more) of zero groups as "::". */
export function formatIPv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((bytes[i * 2] ?? 0) << 8) | (bytes[i * 2 + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Bytes of an IPv6 text already validated by isIP. */
function ipv6Bytes(text: string): Uint8Array | undefined {
  let head = text;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) > lastColon) {
    // Embedded dotted quad: the last 32 bits.
    const quad = text
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    tail.push(((quad[0] ?? 0) << 8) | (quad[1] ?? 0), ((quad[2] ?? 0) << 8) | (quad[3] ?? 0));
    head = text.slice(0, lastColon + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const wanted = 8 - tail.length;
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const dbl = head.indexOf('::');
  let groups: number[];
  if (dbl >= 0) {
    const left = parse(head.slice(0, dbl));
    const right = parse(head.slice(dbl + 2));
    const missing = wanted - left.length - right.length;
    if (missing < 1) return undefined;
    groups = [...left, ...new Array<number>(missing).fill(0), ...right];
  } else {
    groups = parse(head);
  }
  groups.push(...tail);
  if (groups.length !== 8 || groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff))
    return undefined;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}
