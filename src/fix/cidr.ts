/**
 * Address sets as sorted, disjoint intervals of one family, and back to a minimal CIDR list:
 * what SPF flattening needs to compute an include's exact pass set (RFC 7208 5.2: an include
 * matches only where the included record gives "pass", so earlier non-pass terms shadow later
 * ranges) and to merge adjacent ranges into fewer terms.
 */
import {
  formatIPv4,
  formatIPv6,
  IPV4_MAX_PREFIX,
  IPV6_MAX_PREFIX,
  parseIPv4,
  parseIPv6,
} from '../ip-bytes.js';

export type Family = 4 | 6;

/** A closed interval [start, end] of addresses of one family. */
export interface Interval {
  start: bigint;
  end: bigint;
}

/** A set of addresses per family, each a sorted list of disjoint, non-adjacent intervals. */
export interface AddressSet {
  v4: Interval[];
  v6: Interval[];
}

const bitsOf = (family: Family): number => (family === 4 ? IPV4_MAX_PREFIX : IPV6_MAX_PREFIX);

function toBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function fromBigInt(n: bigint, family: Family): Uint8Array {
  const len = family === 4 ? 4 : 16;
  const out = new Uint8Array(len);
  let v = n;
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export const emptySet = (): AddressSet => ({ v4: [], v6: [] });

/** The interval a CIDR covers; undefined for an address that does not parse. */
export function cidrInterval(ip: string, prefix: number, family: Family): Interval | undefined {
  const bytes = family === 4 ? parseIPv4(ip) : parseIPv6(ip);
  if (!bytes) return undefined;
  const host = BigInt(bitsOf(family) - prefix);
  const start = (toBigInt(bytes) >> host) << host;
  return { start, end: start + (1n << host) - 1n };
}

function normalize(list: Interval[]): Interval[] {
  const sorted = [...list].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: Interval[] = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last && iv.start <= last.end + 1n) {
      if (iv.end > last.end) last.end = iv.end;
    } else {
      out.push({ ...iv });
    }
  }
  return out;
}

function subtractList(from: Interval[], minus: Interval[]): Interval[] {
  let out = from.map((i) => ({ ...i }));
  for (const m of minus) {
    const next: Interval[] = [];
    for (const iv of out) {
      if (m.end < iv.start || m.start > iv.end) {
        next.push(iv);
        continue;
      }
      if (m.start > iv.start) next.push({ start: iv.start, end: m.start - 1n });
      if (m.end < iv.end) next.push({ start: m.end + 1n, end: iv.end });
    }
    out = next;
  }
  return out;
}

export function union(a: AddressSet, b: AddressSet): AddressSet {
  return { v4: normalize([...a.v4, ...b.v4]), v6: normalize([...a.v6, ...b.v6]) };
}

export function subtract(a: AddressSet, b: AddressSet): AddressSet {
  return { v4: subtractList(a.v4, b.v4), v6: subtractList(a.v6, b.v6) };
}

export function isEmpty(s: AddressSet): boolean {
  return s.v4.length === 0 && s.v6.length === 0;
}

export function singleRange(ip: string, prefix: number, family: Family): AddressSet {
  const iv = cidrInterval(ip, prefix, family);
  const out = emptySet();
  if (iv) (family === 4 ? out.v4 : out.v6).push(iv);
  return out;
}

/** The largest aligned blocks covering an interval exactly, as "addr/prefix". */
function intervalCidrs(iv: Interval, family: Family): string[] {
  const bits = bitsOf(family);
  const out: string[] = [];
  let start = iv.start;
  while (start <= iv.end) {
    // The block size is bounded by the alignment of start and by what is left.
    let size = 0;
    while (size < bits) {
      const next = size + 1;
      const block = 1n << BigInt(next);
      if (start % block !== 0n || start + block - 1n > iv.end) break;
      size = next;
    }
    const bytes = fromBigInt(start, family);
    out.push(`${family === 4 ? formatIPv4(bytes) : formatIPv6(bytes)}/${bits - size}`);
    start += 1n << BigInt(size);
  }
  return out;
}

/** SPF terms for a set: "ip4:a.b.c.d" for a single address, "ip4:a.b.c.d/n" otherwise. */
export function setToTerms(s: AddressSet): string[] {
  const term = (family: Family) => (cidr: string) => {
    const full = `/${bitsOf(family)}`;
    return `ip${family}:${cidr.endsWith(full) ? cidr.slice(0, -full.length) : cidr}`;
  };
  return [
    ...s.v4.flatMap((iv) => intervalCidrs(iv, 4).map(term(4))),
    ...s.v6.flatMap((iv) => intervalCidrs(iv, 6).map(term(6))),
  ];
}
