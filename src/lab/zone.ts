/**
 * Zone model of the loopback DNS lab, and its YAML form.
 *
 * A zone file is a YAML map of owner name -> entry:
 *
 * ```yaml
 * $latency: "20-50"          # optional: ms added per query (a number, or "min-max" drawn uniformly)
 * $ad: true                  # optional: set the AD flag (DNSSEC validated) on answers; default false
 * example.com:
 *   TTL: 600                 # optional, default 300, applies to every record of the entry
 *   A: 192.0.2.1             # a single scalar is a one-element list
 *   AAAA: ["2001:db8::1", "2001:db8::2"]
 *   MX: ["10 mx1.example.com", {preference: 20, exchange: mx2.example.com}]
 *   TXT:
 *     - "v=spf1 -all"                        # one record, one string (split every 255 bytes)
 *     - ["v=spf1 ip4:192.0.2.0/24", " -all"] # one record made of several character-strings
 *     - ""                                   # one record holding one empty string
 *   SOA: "ns1.example.com hostmaster.example.com 1 7200 3600 1209600 300"
 *   NS: ns1.example.com
 * null-mx.example.com: {MX: "0 ."}           # null MX (RFC 7505)
 * _25._tcp.mx1.example.com: {TLSA: "3 1 1 2bb1...e4"}
 * www.example.com: {CNAME: example.com}      # followed inside the lab, up to 8 hops
 * 1.2.0.192.in-addr.arpa: {PTR: mx1.example.com}
 * "*.wild.example.com": {TXT: "synthesized"} # wildcard (RFC 4592): names below that do not exist
 * slow.example.com: TIMEOUT                  # whole-name fault: TIMEOUT | SERVFAIL | NXDOMAIN | REFUSED
 * flaky.example.com: {A: 192.0.2.9, TXT: SERVFAIL}   # fault for one type only
 * empty.example.com: {TXT: []}               # the name exists, no TXT (NODATA)
 * signed.example: {AD: true}                 # AD for this name and every name below it...
 * insecure.signed.example: {AD: false}       # ...except below an entry that says otherwise
 * ```
 *
 * Names are case-insensitive, the trailing dot is optional, and a leftmost `*` label is a
 * wildcard. Types: A AAAA MX TXT SPF PTR CNAME NS SOA TLSA (keys case-insensitive). A type's
 * value is a list of records, a single record, or a fault marker; to publish the text
 * "TIMEOUT" write it as a list: `TXT: ["TIMEOUT"]`. Text is encoded as UTF-8.
 *
 * Answers: data of the asked type -> answer; a CNAME and no data of the asked type -> the
 * CNAME chain, followed through the lab (a target the lab does not know gives NXDOMAIN, as a
 * recursive resolver would report it); a name that exists (or has names below it) without
 * that type -> NODATA; anything else -> NXDOMAIN. Negative answers carry the SOA of the
 * nearest enclosing name that has one.
 *
 * AD flag: the lab plays a validating resolver without doing any DNSSEC. A name is "secure"
 * when the nearest entry at or above it with an `AD` key says true (else the zone's `$ad`,
 * else false). An answer (NOERROR or NXDOMAIN) carries AD when the asked name and every CNAME
 * target in it are secure (RFC 4035 3.2.3: all RRsets authentic); SERVFAIL/REFUSED never do.
 * AD is set whatever the query's AD/DO bits (a real resolver sets it only when the query has
 * one of them, RFC 6840 5.7-5.8).
 */

import { isIPv4, isIPv6 } from 'node:net';
import { parse as parseYaml } from 'yaml';
import type { MxData, SoaData } from '../probe/types.js';
import { MAX_CHARACTER_STRING_BYTES, MAX_LABEL_BYTES, MAX_NAME_WIRE_BYTES } from '../probe/wire.js';

export const DEFAULT_TTL = 300;
/** TTLs are unsigned 31-bit values. RFC 2181 8 */
export const DNS_MAX_TTL = 2_147_483_647;
/** RDATA length is a 16-bit field. RFC 1035 3.2.1 */
export const DNS_MAX_RDATA = 65_535;

export const ZONE_TYPES = ['A', 'AAAA', 'MX', 'TXT', 'SPF', 'PTR', 'CNAME', 'NS', 'SOA', 'TLSA'] as const;
export type ZoneType = (typeof ZONE_TYPES)[number];

export const FAULTS = ['TIMEOUT', 'SERVFAIL', 'NXDOMAIN', 'REFUSED'] as const;
/** TIMEOUT: no reply at all; the others: a reply with that RCODE. */
export type Fault = (typeof FAULTS)[number];

export interface ZoneTlsa {
  usage: number;
  selector: number;
  matchingType: number;
  /** Certificate association data, lower-case hex. */
  data: string;
}

/** One record's data. TXT/SPF data is the list of character-strings, as bytes (0 or more). */
export type ZoneRecord =
  | { type: 'A' | 'AAAA'; data: string }
  | { type: 'MX'; data: MxData }
  | { type: 'TXT' | 'SPF'; data: Buffer[] }
  | { type: 'PTR' | 'CNAME' | 'NS'; data: string }
  | { type: 'SOA'; data: SoaData }
  | { type: 'TLSA'; data: ZoneTlsa };

/** Records of one type at a name, or a fault for that type. An empty list is NODATA. */
export type ZoneRrset = ZoneRecord[] | Fault;

export interface ZoneNode {
  /** Normalized owner: lower-case ASCII, no trailing dot ('' is the root). */
  name: string;
  ttl: number;
  /** Whole-name fault: every question for this name gets it. */
  fault?: Fault;
  /** AD flag for this name and the names below it (see adFor). */
  ad?: boolean;
  rrsets: Map<ZoneType, ZoneRrset>;
}

/** Latency added per query, in ms: fixed, or [min, max] drawn uniformly. */
export type LatencySpec = number | [number, number];

export interface Zone {
  nodes: Map<string, ZoneNode>;
  latencyMs?: LatencySpec;
  /** Default AD flag for names no `AD` entry covers (`$ad`). */
  ad?: boolean;
}

/** Zone error naming the owner and the value at fault. */
export class ZoneError extends Error {
  override name = 'ZoneError';
}

/** Lower-cases ASCII letters only (DNS case-insensitivity, RFC 4343) and drops one trailing dot. */
export function normalizeName(name: string): string {
  const trimmed = name === '.' ? '' : name.endsWith('.') ? name.slice(0, -1) : name;
  return trimmed.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** Why a (normalized) name cannot be encoded on the wire, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  if (name === '') return undefined;
  let wire = 1;
  for (const label of name.split('.')) {
    const len = Buffer.byteLength(label);
    if (len === 0) return 'has an empty label';
    if (len > MAX_LABEL_BYTES) return `has a label of ${len} octets (max ${MAX_LABEL_BYTES}, RFC 1035 2.3.4)`;
    wire += len + 1;
  }
  if (wire > MAX_NAME_WIRE_BYTES)
    return `is ${wire} octets long (max ${MAX_NAME_WIRE_BYTES}, RFC 1035 2.3.4)`;
  return undefined;
}

function isFault(v: unknown): v is Fault {
  return typeof v === 'string' && (FAULTS as readonly string[]).includes(v);
}

function show(v: unknown): string {
  if (Buffer.isBuffer(v)) return `<${v.length} bytes>`;
  try {
    const s = JSON.stringify(v);
    if (s === undefined) return String(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(v);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function parseTarget(owner: string, type: string, v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '') {
    throw new ZoneError(`${owner}: ${type} target must be a host name, got ${show(v)}`);
  }
  const name = normalizeName(v.trim());
  const problem = nameProblem(name);
  if (problem) throw new ZoneError(`${owner}: ${type} target ${show(v)} ${problem}`);
  return name;
}

function parseU(owner: string, what: string, v: unknown, max: number): number {
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > max) {
    throw new ZoneError(`${owner}: ${what} must be an integer 0..${max}, got ${show(v)}`);
  }
  return n;
}

function splitCharacterStrings(bytes: Buffer): Buffer[] {
  if (bytes.length <= MAX_CHARACTER_STRING_BYTES) return [bytes];
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += MAX_CHARACTER_STRING_BYTES) {
    out.push(bytes.subarray(i, i + MAX_CHARACTER_STRING_BYTES));
  }
  return out;
}

function textBytes(owner: string, type: string, v: unknown): Buffer {
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v);
  if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') return Buffer.from(String(v));
  throw new ZoneError(`${owner}: ${type} record must be a string or a list of strings, got ${show(v)}`);
}

function parseRecord(owner: string, type: ZoneType, v: unknown): ZoneRecord {
  switch (type) {
    case 'A':
      if (typeof v !== 'string' || !isIPv4(v.trim())) {
        throw new ZoneError(`${owner}: A record must be an IPv4 address, got ${show(v)}`);
      }
      return { type, data: v.trim() };
    case 'AAAA':
      if (typeof v !== 'string' || !isIPv6(v.trim())) {
        throw new ZoneError(`${owner}: AAAA record must be an IPv6 address, got ${show(v)}`);
      }
      return { type, data: v.trim() };
    case 'MX': {
      let pref: unknown;
      let exchange: unknown;
      if (typeof v === 'string') {
        const parts = v.trim().split(/\s+/);
        if (parts.length !== 2) {
          throw new ZoneError(`${owner}: MX record must be "<preference> <exchange>", got ${show(v)}`);
        }
        [pref, exchange] = parts;
      } else if (Array.isArray(v) && v.length === 2) {
        [pref, exchange] = v;
      } else if (isPlainObject(v)) {
        pref = v['preference'];
        exchange = v['exchange'];
      } else {
        throw new ZoneError(`${owner}: MX record must be "<preference> <exchange>", got ${show(v)}`);
      }
      const preference = parseU(owner, 'MX preference', pref, 0xffff);
      // '.' (or '') is the root: the null MX target of RFC 7505.
      const ex = exchange === '.' || exchange === '' ? '' : parseTarget(owner, 'MX', exchange);
      return { type, data: { preference, exchange: ex } };
    }
    case 'TXT':
    case 'SPF': {
      if (Array.isArray(v)) {
        const strings = v.flatMap((s) => splitCharacterStrings(textBytes(owner, type, s)));
        return { type, data: strings };
      }
      return { type, data: splitCharacterStrings(textBytes(owner, type, v)) };
    }
    case 'PTR':
    case 'CNAME':
    case 'NS':
      return { type, data: parseTarget(owner, type, v) };
    case 'SOA': {
      const parts = typeof v === 'string' ? v.trim().split(/\s+/) : [];
      if (parts.length !== 7) {
        throw new ZoneError(
          `${owner}: SOA record must be "mname rname serial refresh retry expire minimum", got ${show(v)}`,
        );
      }
      const [mname, rname, ...nums] = parts as [string, string, ...string[]];
      const [serial, refresh, retry, expire, minimum] = nums.map((n, i) =>
        parseU(owner, `SOA field ${i + 3}`, n, 0xffffffff),
      ) as [number, number, number, number, number];
      return {
        type,
        data: {
          mname: parseTarget(owner, 'SOA mname', mname),
          rname: parseTarget(owner, 'SOA rname', rname),
          serial,
          refresh,
          retry,
          expire,
          minimum,
        },
      };
    }
    case 'TLSA': {
      const parts = typeof v === 'string' ? v.trim().split(/\s+/) : [];
      const hex = parts.slice(3).join('').toLowerCase();
      if (parts.length < 4 || !/^(?:[0-9a-f]{2})+$/.test(hex)) {
        throw new ZoneError(
          `${owner}: TLSA record must be "<usage> <selector> <matching-type> <hex>", got ${show(v)}`,
        );
      }
      return {
        type,
        data: {
          usage: parseU(owner, 'TLSA usage', parts[0], 255),
          selector: parseU(owner, 'TLSA selector', parts[1], 255),
          matchingType: parseU(owner, 'TLSA matching type', parts[2], 255),
          data: hex,
        },
      };
    }
  }
}

function rdataLength(r: ZoneRecord): number {
  if (r.type === 'TXT' || r.type === 'SPF') return r.data.reduce((n, s) => n + 1 + s.length, 0);
  if (r.type === 'TLSA') return 3 + r.data.data.length / 2;
  return 0; // other types are far below the limit by construction
}

function parseRrset(owner: string, type: ZoneType, v: unknown): ZoneRrset {
  if (isFault(v)) return v;
  const items = Array.isArray(v) ? v : [v];
  const records = items.map((item) => parseRecord(owner, type, item));
  for (const r of records) {
    if (rdataLength(r) > DNS_MAX_RDATA) {
      throw new ZoneError(`${owner}: ${type} record is longer than ${DNS_MAX_RDATA} octets (RFC 1035 3.2.1)`);
    }
  }
  if (type === 'CNAME' && records.length > 1) {
    throw new ZoneError(`${owner}: a name has at most one CNAME (RFC 1034 3.6.2), got ${records.length}`);
  }
  return records;
}

function parseBool(owner: string, what: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ZoneError(`${owner}: ${what} must be true or false, got ${show(v)}`);
  return v;
}

function parseLatency(v: unknown): LatencySpec {
  const bad = () => new ZoneError(`$latency must be a number of ms or "min-max", got ${show(v)}`);
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) throw bad();
    return v;
  }
  if (typeof v === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?)\s*)?$/.exec(v);
    if (!m) throw bad();
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw bad();
    return m[2] === undefined ? lo : [lo, hi];
  }
  if (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number' && n >= 0)) {
    const [lo, hi] = v as [number, number];
    if (hi < lo) throw bad();
    return [lo, hi];
  }
  throw bad();
}

function parseEntry(owner: string, name: string, v: unknown): ZoneNode {
  const node: ZoneNode = { name, ttl: DEFAULT_TTL, rrsets: new Map() };
  if (v === null || v === undefined) return node; // the name exists with no records
  if (isFault(v)) {
    node.fault = v;
    return node;
  }
  if (!isPlainObject(v)) {
    throw new ZoneError(
      `${owner}: entry must be a map of TYPE -> records or one of ${FAULTS.join(', ')}, got ${show(v)}`,
    );
  }
  for (const [key, value] of Object.entries(v)) {
    const upper = key.toUpperCase();
    if (upper === 'TTL') {
      node.ttl = parseU(owner, 'TTL', value, DNS_MAX_TTL);
      continue;
    }
    if (upper === 'AD') {
      node.ad = parseBool(owner, 'AD', value);
      continue;
    }
    if (!(ZONE_TYPES as readonly string[]).includes(upper)) {
      throw new ZoneError(
        `${owner}: unknown record type ${show(key)} (known: ${ZONE_TYPES.join(' ')}, TTL, AD)`,
      );
    }
    const type = upper as ZoneType;
    if (node.rrsets.has(type)) throw new ZoneError(`${owner}: type ${type} given twice`);
    node.rrsets.set(type, parseRrset(owner, type, value));
  }
  return node;
}

/**
 * Builds a zone from its plain-object form (what the YAML parses to). TXT/SPF strings may
 * also be Buffers, for byte-exact data. Throws ZoneError naming the owner and the bad value.
 */
export function zoneFromObject(obj: unknown): Zone {
  if (!isPlainObject(obj)) {
    throw new ZoneError(`zone must be a map of owner name -> entry, got ${show(obj)}`);
  }
  const zone: Zone = { nodes: new Map() };
  for (const [owner, entry] of Object.entries(obj)) {
    if (owner.startsWith('$')) {
      if (owner === '$latency') zone.latencyMs = parseLatency(entry);
      else if (owner === '$ad') zone.ad = parseBool(owner, '$ad', entry);
      else throw new ZoneError(`unknown directive ${show(owner)} (known: $latency, $ad)`);
      continue;
    }
    const name = normalizeName(owner.trim());
    const problem = nameProblem(name);
    if (problem) throw new ZoneError(`owner ${show(owner)} ${problem}`);
    if (zone.nodes.has(name))
      throw new ZoneError(`owner ${show(owner)} is listed twice (names are case-insensitive)`);
    zone.nodes.set(name, parseEntry(owner, name, entry));
  }
  return zone;
}

/** Parses a zone written in YAML (see the format at the top of this file). */
export function parseZoneYaml(text: string): Zone {
  let obj: unknown;
  try {
    obj = parseYaml(text);
  } catch (err) {
    throw new ZoneError(`zone YAML does not parse: ${(err as Error).message}`);
  }
  return zoneFromObject(obj ?? {});
}

/** Whether the lab reports `name` (normalized) as DNSSEC-validated: see the AD note at the top. */
export function adFor(zone: Zone, name: string): boolean {
  // One step per label: at most 128 in a 255-octet name.
  for (let n: string | undefined = name; n !== undefined; ) {
    const ad = zone.nodes.get(n)?.ad;
    if (ad !== undefined) return ad;
    const dot = n.indexOf('.');
    n = n === '' ? undefined : dot < 0 ? '' : n.slice(dot + 1);
  }
  return zone.ad ?? false;
}

export function isZone(v: unknown): v is Zone {
  return isPlainObject(v) && v['nodes'] instanceof Map;
}

/** A zone given in any of its forms: YAML text, plain object (what the YAML parses to) or Zone. */
export function zoneFrom(zone: string | Zone | Record<string, unknown>): Zone {
  return typeof zone === 'string' ? parseZoneYaml(zone) : isZone(zone) ? zone : zoneFromObject(zone);
}
