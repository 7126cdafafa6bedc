/**
 * IP address parsing and CIDR matching for SPF (RFC 7208 5.6, 5.3, 5.4). Addresses are kept as
 * byte arrays so that matching is exact and free of string games.
 */

export const IPV4_MAX_PREFIX = 32; // RFC 7208 5.6 (ip4-cidr-length)
export const IPV6_MAX_PREFIX = 128; // RFC 7208 5.6 (ip6-cidr-length)

export type IpAddress = { family: 4; bytes: Uint8Array } | { family: 6; bytes: Uint8Array };

const QNUM = /^(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])$/;

/** Strict dotted-quad (RFC 7208 5.6 ip4-network: no leading zeros, exactly 4 parts). */
export function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] ?? '';
    if (!QNUM.test(p)) return undefined;
    out[i] = Number(p);
  }
  return out;
}

/** IPv6 text form per RFC 4291 2.2 (with optional embedded dotted quad); no zone ids. */
export function parseIPv6(text: string): Uint8Array | undefined {
  if (text.length === 0 || text.length > 45) return undefined;
  let head = text;
  let v4: Uint8Array | undefined;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.indexOf('.', lastColon) > lastColon) {
    v4 = parseIPv4(text.slice(lastColon + 1));
    if (!v4) return undefined;
    // Keep the colon(s) before the quad: "::1.2.3.4" -> "::", "1::2:1.2.3.4" -> "1::2:".
    head = text.slice(0, lastColon + 1);
    if (head.endsWith('::')) {
      // fine: compression right before the quad
    } else if (head.endsWith(':')) {
      head = head.slice(0, -1);
    }
  }
  const groupsWanted = v4 ? 6 : 8;
  const dbl = head.indexOf('::');
  if (dbl !== head.lastIndexOf('::') && dbl >= 0) return undefined;
  const parseGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const left = parseGroups(head.slice(0, dbl));
    const right = parseGroups(head.slice(dbl + 2));
    if (!left || !right) return undefined;
    const missing = groupsWanted - left.length - right.length;
    if (missing < 1) return undefined;
    groups = [...left, ...new Array<number>(missing).fill(0), ...right];
  } else {
    const g = parseGroups(head);
    if (!g || g.length !== groupsWanted) return undefined;
    groups = g;
  }
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  if (v4) out.set(v4, 12);
  return out;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/**
 * Parses a client address. IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes IPv4, as RFC 7208 5.6
 * says such a client is to be treated as IPv4.
 */
export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIPv4(text);
  if (v4) return { family: 4, bytes: v4 };
  const v6 = parseIPv6(text);
  if (!v6) return undefined;
  if (isV4Mapped(v6)) return { family: 4, bytes: v6.slice(12) };
  return { family: 6, bytes: v6 };
}

/** True when the first `prefix` bits of a and b are equal (same length arrays). */
export function cidrMatch(a: Uint8Array, b: Uint8Array, prefix: number): boolean {
  if (a.length !== b.length) return false;
  const bits = Math.max(0, Math.min(prefix, a.length * 8));
  const full = Math.floor(bits / 8);
  for (let i = 0; i < full; i++) if (a[i] !== b[i]) return false;
  const rest = bits % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((a[full] ?? 0) & mask) === ((b[full] ?? 0) & mask);
}

/** Dotted decimal for IPv4. */
export function formatIPv4(b: Uint8Array): string {
  return Array.from(b).join('.');
}

/** RFC 5952 canonical text (lower case, longest zero run compressed). */
export function formatIPv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((b[i * 2] ?? 0) << 8) | (b[i * 2 + 1] ?? 0));
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

export function formatIp(ip: IpAddress): string {
  return ip.family === 4 ? formatIPv4(ip.bytes) : formatIPv6(ip.bytes);
}

/** Dot-separated nibbles, most significant first (RFC 7208 7.3 for %{i} of IPv6). */
export function ipv6Nibbles(b: Uint8Array): string {
  const out: string[] = [];
  for (const byte of b) out.push((byte >> 4).toString(16), (byte & 0xf).toString(16));
  return out.join('.');
}

/** Reverse lookup name (in-addr.arpa / ip6.arpa) for a PTR query. */
export function reverseName(ip: IpAddress): string {
  if (ip.family === 4) return `${Array.from(ip.bytes).reverse().join('.')}.in-addr.arpa`;
  return `${ipv6Nibbles(ip.bytes).split('.').reverse().join('.')}.ip6.arpa`;
}
