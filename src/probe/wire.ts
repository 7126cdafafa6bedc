/**
 * DNS wire format for the stub resolver: building one query and reading the parts of a
 * response we use (header, question, answer section, typed RDATA).
 *
 * Why not dns-packet's codec here: its name encoder strips dots next to newlines (a
 * multi-line regex), its decoders do not bound RDATA by RDLENGTH, and it has no decoder for
 * SPF (type 99). Hostile names and answers are normal input for us, so this small codec
 * checks every length itself. dns-packet remains the codec of the test servers.
 */

import type { DnsRecord, RRType } from './types.js';

export const DNS_HEADER_BYTES = 12; // RFC 1035 4.1.1
export const MAX_LABEL_BYTES = 63; // RFC 1035 2.3.4
/** Presentation length without the trailing dot; 255 octets on the wire. RFC 1035 2.3.4 */
export const MAX_NAME_BYTES = 253;
export const MAX_NAME_WIRE_BYTES = 255; // RFC 1035 2.3.4
/** A character-string (one piece of a TXT record) holds at most 255 octets. RFC 1035 3.3 */
export const MAX_CHARACTER_STRING_BYTES = 255;
/** Our advertised EDNS0 UDP payload size: RFC 6891 6.2.5, DNS Flag Day 2020 value. */
export const EDNS_UDP_PAYLOAD = 1232;
export const CLASS_IN = 1; // RFC 1035 3.2.4
const TYPE_OPT = 41; // RFC 6891 6.1.2

/** Numeric RR types. SPF is 99 (RFC 7208 3.1, RFC 4408 3.1.1), TLSA is 52 (RFC 6698 7.1). */
export const RR_TYPE_CODES: Readonly<Record<RRType, number>> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  TLSA: 52,
  SPF: 99,
};
const TYPE_CNAME = RR_TYPE_CODES.CNAME;

export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
} as const; // RFC 1035 4.1.1

const FLAG_QR = 0x8000; // RFC 1035 4.1.1
const FLAG_TC = 0x0200;
const FLAG_RD = 0x0100;
const FLAG_AD = 0x0020; // RFC 4035 3.2.3

/** ASCII-only lower-casing: DNS names compare case-insensitively on ASCII only (RFC 4343). */
export function lowerAscii(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** Cache/result form of a name: one trailing dot stripped, ASCII lower-cased. */
export function normalizeName(name: string): string {
  return lowerAscii(name.endsWith('.') ? name.slice(0, -1) : name);
}

/**
 * Wire form of a normalized name (labels split on '.', any other bytes kept as UTF-8), or
 * a reason why it cannot be asked.
 */
export function encodeName(name: string): Buffer | string {
  if (name === '') return 'empty name';
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) return `name longer than ${MAX_NAME_BYTES} bytes`;
  const labels = name.split('.');
  const parts: Buffer[] = [];
  for (const label of labels) {
    const bytes = Buffer.from(label, 'utf8');
    if (bytes.length === 0) return 'empty label';
    if (bytes.length > MAX_LABEL_BYTES) return `label longer than ${MAX_LABEL_BYTES} bytes`;
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0]));
  const wire = Buffer.concat(parts);
  if (wire.length > MAX_NAME_WIRE_BYTES) return `name longer than ${MAX_NAME_WIRE_BYTES} wire bytes`;
  return wire;
}

/** One recursive query with an EDNS0 OPT record (RFC 6891 6.1). */
export function encodeQuery(id: number, qname: Buffer, qtype: number): Buffer {
  const header = Buffer.alloc(DNS_HEADER_BYTES);
  header.writeUInt16BE(id, 0);
  // AD in the query asks a validating resolver to report whether it validated the answer,
  // without asking for DNSSEC records (RFC 6840 5.7); DANE needs that bit back.
  header.writeUInt16BE(FLAG_RD | FLAG_AD, 2);
  header.writeUInt16BE(1, 4); // QDCOUNT
  header.writeUInt16BE(1, 10); // ARCOUNT: the OPT record
  const question = Buffer.alloc(4);
  question.writeUInt16BE(qtype, 0);
  question.writeUInt16BE(CLASS_IN, 2);
  const opt = Buffer.alloc(11);
  opt[0] = 0; // root owner
  opt.writeUInt16BE(TYPE_OPT, 1);
  opt.writeUInt16BE(EDNS_UDP_PAYLOAD, 3); // CLASS = requestor's UDP payload size
  // TTL (extended rcode, version 0, flags) and RDLENGTH stay 0.
  return Buffer.concat([header, qname, question, opt]);
}

/** A name read from a message, following compression pointers (RFC 1035 4.1.4). */
export function readName(buf: Buffer, offset: number): { name: string; next: number } | null {
  const labels: string[] = [];
  let pos = offset;
  let next = -1;
  let wireLen = 1;
  for (;;) {
    const len = buf[pos];
    if (len === undefined) return null;
    if (len === 0) {
      if (next < 0) next = pos + 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      const low = buf[pos + 1];
      if (low === undefined) return null;
      const target = ((len & 0x3f) << 8) | low;
      if (next < 0) next = pos + 2;
      // Only strictly backward jumps: every jump moves earlier, so no pointer loop.
      if (target >= pos) return null;
      pos = target;
      continue;
    }
    if (kind !== 0) return null; // extended label types (RFC 6891 5) are not used
    if (pos + 1 + len > buf.length) return null;
    wireLen += len + 1;
    if (wireLen > MAX_NAME_WIRE_BYTES) return null;
    labels.push(buf.toString('utf8', pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  return { name: labels.join('.'), next };
}

export interface RawRecord {
  /** Owner, lower-cased, no trailing dot. */
  name: string;
  type: number;
  klass: number;
  ttl: number;
  rdataOffset: number;
  rdlength: number;
}

export interface ParsedResponse {
  rcode: number;
  truncated: boolean;
  ad: boolean;
  answers: RawRecord[];
}

/**
 * Reads a response to the query `query`. Returns 'ignore' when the packet is not an answer
 * to that query (wrong id, not a response, other question): the caller keeps waiting, so a
 * spoofed or stray packet is never accepted. Returns a string when it is an answer to our
 * query but cannot be decoded.
 */
export function parseResponse(buf: Buffer, query: Buffer): ParsedResponse | 'ignore' | string {
  if (buf.length < DNS_HEADER_BYTES) return 'ignore';
  if (buf.readUInt16BE(0) !== query.readUInt16BE(0)) return 'ignore';
  const flags = buf.readUInt16BE(2);
  if ((flags & FLAG_QR) === 0) return 'ignore';
  if (buf.readUInt16BE(4) !== 1) return 'ignore';
  // Question: our qname (ASCII case-insensitive, RFC 4343), then type and class exactly.
  let qnameEnd = DNS_HEADER_BYTES;
  while (qnameEnd < query.length && query[qnameEnd] !== 0) qnameEnd += query[qnameEnd]! + 1; // our own well-formed name
  qnameEnd += 1;
  const qEnd = qnameEnd + 4;
  if (buf.length < qEnd) return 'ignore';
  for (let i = DNS_HEADER_BYTES; i < qnameEnd; i++) {
    if (foldAscii(buf[i]!) !== foldAscii(query[i]!)) return 'ignore';
  }
  for (let i = qnameEnd; i < qEnd; i++) if (buf[i] !== query[i]) return 'ignore';

  const ancount = buf.readUInt16BE(6);
  const answers: RawRecord[] = [];
  let pos = qEnd;
  for (let i = 0; i < ancount; i++) {
    const owner = readName(buf, pos);
    if (!owner) return `answer ${i}: bad owner name`;
    pos = owner.next;
    if (pos + 10 > buf.length) return `answer ${i}: truncated record header`;
    const rdlength = buf.readUInt16BE(pos + 8);
    const rdataOffset = pos + 10;
    if (rdataOffset + rdlength > buf.length) return `answer ${i}: RDATA past end of message`;
    answers.push({
      name: lowerAscii(owner.name),
      type: buf.readUInt16BE(pos),
      klass: buf.readUInt16BE(pos + 2),
      ttl: readTtl(buf.readUInt32BE(pos + 4)),
      rdataOffset,
      rdlength,
    });
    pos = rdataOffset + rdlength;
  }
  return {
    rcode: flags & 0x000f,
    truncated: (flags & FLAG_TC) !== 0,
    ad: (flags & FLAG_AD) !== 0,
    answers,
  };
}

function foldAscii(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b + 0x20 : b;
}

/** A TTL with the top bit set is treated as 0 (RFC 2181 8). */
function readTtl(ttl: number): number {
  return ttl > 0x7fffffff ? 0 : ttl;
}

/** Target of a CNAME record, or null when its RDATA is not exactly one name. */
export function readCnameTarget(buf: Buffer, rr: RawRecord): string | null {
  if (rr.type !== TYPE_CNAME) return null;
  return readRdataName(buf, rr);
}

function readRdataName(buf: Buffer, rr: RawRecord): string | null {
  const end = rr.rdataOffset + rr.rdlength;
  const n = readName(buf, rr.rdataOffset);
  if (!n || n.next !== end) return null;
  return lowerAscii(n.name);
}

/** <character-string>s filling the RDATA (RFC 1035 3.3.14); zero strings allowed. */
function readCharacterStrings(buf: Buffer, rr: RawRecord): string[] | null {
  const end = rr.rdataOffset + rr.rdlength;
  // Two passes so the array is allocated at its exact length: pushing onto [] reserves room
  // for 17 elements, and a fleet run's cache holds tens of thousands of these.
  let count = 0;
  for (let pos = rr.rdataOffset; pos < end; pos += 1 + buf[pos]!) {
    if (pos + 1 + buf[pos]! > end) return null;
    count++;
  }
  const out = new Array<string>(count);
  for (let i = 0, pos = rr.rdataOffset; i < count; i++, pos += 1 + buf[pos]!) {
    out[i] = buf.toString('utf8', pos + 1, pos + 1 + buf[pos]!);
  }
  return out;
}

/** Decodes the RDATA of `rr` as a record of type `type`; a string says why it cannot. */
export function decodeRecord(buf: Buffer, rr: RawRecord, type: RRType): DnsRecord | string {
  const { name, ttl, rdataOffset: off, rdlength: len } = rr;
  const bad = `bad ${type} RDATA at ${name}`;
  switch (type) {
    case 'A':
      if (len !== 4) return bad;
      return { type, name, ttl, data: [...buf.subarray(off, off + 4)].join('.') };
    case 'AAAA': {
      if (len !== 16) return bad;
      const groups: string[] = [];
      for (let i = 0; i < 16; i += 2) groups.push(buf.readUInt16BE(off + i).toString(16));
      return { type, name, ttl, data: compressIpv6(groups) };
    }
    case 'TXT':
    case 'SPF': {
      const data = readCharacterStrings(buf, rr);
      return data ? { type, name, ttl, data } : bad;
    }
    case 'MX': {
      if (len < 3) return bad;
      const exchange = readName(buf, off + 2);
      if (!exchange || exchange.next !== off + len) return bad;
      return {
        type,
        name,
        ttl,
        data: { preference: buf.readUInt16BE(off), exchange: lowerAscii(exchange.name) },
      };
    }
    case 'PTR':
    case 'CNAME':
    case 'NS': {
      const target = readRdataName(buf, rr);
      return target === null ? bad : { type, name, ttl, data: target };
    }
    case 'SOA': {
      const mname = readName(buf, off);
      if (!mname) return bad;
      const rname = readName(buf, mname.next);
      if (!rname || rname.next + 20 !== off + len) return bad;
      const p = rname.next;
      return {
        type,
        name,
        ttl,
        data: {
          mname: lowerAscii(mname.name),
          rname: lowerAscii(rname.name),
          serial: buf.readUInt32BE(p),
          refresh: buf.readUInt32BE(p + 4),
          retry: buf.readUInt32BE(p + 8),
          expire: buf.readUInt32BE(p + 12),
          minimum: buf.readUInt32BE(p + 16),
        },
      };
    }
    case 'TLSA': // RFC 6698 2.1
      if (len < 3) return bad;
      return {
        type,
        name,
        ttl,
        data: {
          usage: buf[off]!,
          selector: buf[off + 1]!,
          matchingType: buf[off + 2]!,
          data: buf.toString('hex', off + 3, off + len),
        },
      };
  }
}

/** RFC 5952 4.2: the longest run (>= 2) of zero groups becomes '::'. */
function compressIpv6(groups: string[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLen).join(':')}`;
}
