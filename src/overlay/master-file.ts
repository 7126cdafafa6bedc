/**
 * parseMasterFile(): an RFC 1035 section 5 master file read as BIND, NSD and Knot read it, into
 * an OverlayZone. `$ORIGIN`, `$TTL`, `@`, relative and absolute names, the owner kept from the
 * previous entry when a line starts with a blank, TTL and class in either order (both
 * optional), parentheses, comments, quoted and unquoted character-strings with escapes, BIND
 * TTL units (`1h30m`). `$INCLUDE` is refused: a file named by untrusted input is never read.
 *
 * Types: the ones the probe asks (A AAAA MX TXT SPF PTR CNAME NS SOA TLSA) are parsed; other
 * well-known types (SRV, CAA, DS...) are skipped with a warning, since no check asks them; a
 * word that is no type at all is an error. Every error names file:line.
 */

import { isIPv4, isIPv6 } from 'node:net';
import { DNS_MAX_TTL } from '../lab/zone.js';
import type { DnsRecord, RRType } from '../probe/types.js';
import { RR_TYPES } from '../probe/types.js';
import { encodeName, MAX_CHARACTER_STRING_BYTES, normalizeName } from '../probe/wire.js';
import { type Field, fieldText, tokenize, ZoneFileError } from './tokens.js';
import { type OverlayZone, OverlayZoneBuilder } from './zone.js';

/** TTL when neither the record, `$TTL`, an earlier record nor the caller gives one (Knot's default). */
export const FALLBACK_TTL = 3600;

/**
 * Types the probe never asks: skipped with a warning (RFC 3597 TYPEnnn too). Anything else
 * that is not a known type is an error, since it is more likely a typo than a record.
 */
const SKIPPED_TYPES = new Set(
  `AFSDB ALIAS ANAME APL CAA CDNSKEY CDS CERT CSYNC DHCID DLV DNAME DNSKEY DS EUI48 EUI64 HINFO HIP
   HTTPS IPSECKEY KEY KX LOC NAPTR NSEC NSEC3 NSEC3PARAM OPENPGPKEY RP RRSIG SMIMEA SRV SSHFP SVCB
   URI ZONEMD`.split(/\s+/),
);

const CLASSES_NOT_IN = new Set(['CH', 'CS', 'HS']);
const TTL_UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

export interface MasterFileOptions {
  /** Origin of relative names until a `$ORIGIN` (BIND: the zone's name); none by default. */
  origin?: string;
  /** TTL of records that give none, before any `$TTL`. */
  defaultTtl?: number;
  /** Name of the file in messages (default "overlay"). */
  file?: string;
}

/**
 * A TTL as BIND reads it: seconds, or units `1w2d3h4m5s` (case-insensitive), at most 2^31-1
 * (RFC 2181 8). Returns undefined when `text` is not a TTL.
 */
export function parseTtl(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) <= DNS_MAX_TTL ? Number(text) : undefined;
  if (!/^(?:\d+[smhdw])+$/i.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+)([smhdw])/gi)) {
    total += Number(m[1]) * (TTL_UNIT_SECONDS[(m[2] as string).toLowerCase()] as number);
  }
  return total <= DNS_MAX_TTL ? total : undefined;
}

/** Reads a master file; throws ZoneFileError (a UsageError) naming file:line. */
export function parseMasterFile(text: string, options: MasterFileOptions = {}): OverlayZone {
  const file = options.file ?? 'overlay';
  const builder = new OverlayZoneBuilder(file);
  const warnings: string[] = [];
  let origin: string | undefined;
  if (options.origin !== undefined) origin = absoluteName(options.origin, undefined, file, 0);
  let firstOrigin = origin;
  let defaultTtl: number | undefined;
  let lastTtl: number | undefined = options.defaultTtl;
  let owner: string | undefined;

  for (const entry of tokenize(text, file)) {
    const fail = (reason: string, at = entry.line): never => {
      throw new ZoneFileError(file, at, reason);
    };
    const fields = entry.fields;
    const head = fields[0] as Field;
    const headText = fieldText(head);
    if (!entry.inheritsOwner && !head.quoted && headText.startsWith('$')) {
      const directive = headText.toUpperCase();
      const arg = fields[1];
      if (directive === '$INCLUDE') fail('$INCLUDE is not read: put the records in this file');
      if (directive === '$GENERATE') fail('$GENERATE (a BIND extension) is not supported');
      if (directive !== '$ORIGIN' && directive !== '$TTL') fail(`unknown directive ${headText}`);
      if (arg === undefined || fields.length > 2) fail(`${directive} takes one value`);
      const value = fieldText(arg as Field);
      if (directive === '$ORIGIN') {
        origin = absoluteName(value, origin, file, entry.line, arg as Field);
        firstOrigin ??= origin;
      } else {
        defaultTtl =
          parseTtl(value) ?? fail(`$TTL ${value} is not a TTL (seconds or 1h30m, at most ${DNS_MAX_TTL})`);
      }
      continue;
    }

    let at = 0;
    if (entry.inheritsOwner) {
      if (owner === undefined) fail('a line starting with a blank has no previous owner to keep');
    } else {
      owner = absoluteName(headText, origin, file, entry.line, head);
      at = 1;
    }
    let ttl: number | undefined;
    let classSeen = false;
    let type: string | undefined;
    while (at < fields.length) {
      const f = fields[at] as Field;
      const word = fieldText(f);
      at++;
      if (f.quoted) fail(`expected a TTL, class or type, found a quoted string "${shown(word)}"`, f.line);
      const upper = word.toUpperCase();
      const asTtl = ttl === undefined && /^\d/.test(word) ? parseTtl(word) : undefined;
      if (asTtl !== undefined) ttl = asTtl;
      else if (/^\d/.test(word))
        fail(`${shown(word)} is not a TTL (seconds or 1h30m, at most ${DNS_MAX_TTL})`, f.line);
      else if (upper === 'IN' && !classSeen) classSeen = true;
      else if (CLASSES_NOT_IN.has(upper) && !classSeen)
        fail(`class ${upper} is not supported (only IN)`, f.line);
      else {
        type = upper;
        break;
      }
    }
    if (type === undefined) fail('no record type');
    const recordTtl = ttl ?? defaultTtl ?? lastTtl ?? FALLBACK_TTL;
    if (ttl !== undefined) lastTtl = ttl;
    const rdata = fields.slice(at);
    if (rdata[0] && !rdata[0].quoted && fieldText(rdata[0]) === '\\#') {
      fail(`generic RDATA (\\# of RFC 3597) is not supported: write the ${type} record in its usual form`);
    }
    const known = (RR_TYPES as readonly string[]).includes(type as string);
    if (!known) {
      if (SKIPPED_TYPES.has(type as string) || /^TYPE\d+$/.test(type as string)) {
        warnings.push(
          `${file}:${entry.line}: ${type} record at ${owner} skipped (no check asks for ${type})`,
        );
        continue;
      }
      fail(`unknown record type or field ${shown(type as string)}`);
    }
    const record = parseRdata(type as RRType, owner as string, recordTtl, rdata, {
      origin,
      file,
      line: entry.line,
    });
    const refused = builder.add(record);
    if (refused) fail(refused);
  }
  return builder.build(firstOrigin ?? '', warnings);
}

interface Where {
  origin: string | undefined;
  file: string;
  line: number;
}

function noOrigin(file: string, line: number, name: string): never {
  throw new ZoneFileError(
    file,
    line,
    `${name} is relative but no origin is known (add $ORIGIN, or write the name with a final dot)`,
  );
}

/** A name field made absolute and normalized (no trailing dot); '' is the root. */
function absoluteName(
  text: string,
  origin: string | undefined,
  file: string,
  line: number,
  field?: Field,
): string {
  if (field?.escaped)
    throw new ZoneFileError(file, line, `escaped characters in the name ${shown(text)} are not supported`);
  if (field?.quoted) throw new ZoneFileError(file, line, `a name is not quoted: ${shown(text)}`);
  let name: string;
  if (text === '.') name = '';
  else if (text === '@') name = origin ?? noOrigin(file, line, '@');
  else if (text.endsWith('.')) name = normalizeName(text);
  else if (origin === undefined) name = noOrigin(file, line, shown(text));
  else name = normalizeName(origin === '' ? text : `${text}.${origin}`);
  if (name !== '') {
    const wire = encodeName(name);
    if (typeof wire === 'string')
      throw new ZoneFileError(file, line, `the name ${shown(text)} is not valid: ${wire}`);
  }
  return name;
}

function shown(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 60 ? `${clean.slice(0, 57)}...` : clean;
}

function parseRdata(type: RRType, name: string, ttl: number, rdata: Field[], where: Where): DnsRecord {
  const fail = (reason: string, at = where.line): never => {
    throw new ZoneFileError(where.file, at, reason);
  };
  const want = (n: number, form: string): void => {
    if (rdata.length !== n)
      fail(`${type} wants ${form}, got ${rdata.length} field${rdata.length === 1 ? '' : 's'}`);
  };
  const target = (f: Field): string => absoluteName(fieldText(f), where.origin, where.file, f.line, f);
  const uint = (f: Field, what: string, max: number): number => {
    const text = fieldText(f);
    if (!/^\d+$/.test(text) || Number(text) > max)
      fail(`${what} must be an integer 0..${max}, got ${shown(text)}`, f.line);
    return Number(text);
  };
  const period = (f: Field, what: string): number =>
    parseTtl(fieldText(f)) ?? fail(`${what} must be seconds or 1h30m, got ${shown(fieldText(f))}`, f.line);
  switch (type) {
    case 'A':
    case 'AAAA': {
      want(1, 'one address');
      const text = fieldText(rdata[0] as Field);
      const ok = type === 'A' ? isIPv4(text) : isIPv6(text) && !text.includes('%');
      if (!ok)
        fail(`${type} record must be an ${type === 'A' ? 'IPv4' : 'IPv6'} address, got ${shown(text)}`);
      return { type, name, ttl, data: type === 'A' ? text : canonicalIpv6(text) };
    }
    case 'MX': {
      want(2, '"<preference> <exchange>"');
      const preference = uint(rdata[0] as Field, 'MX preference', 0xffff);
      return { type, name, ttl, data: { preference, exchange: target(rdata[1] as Field) } };
    }
    case 'TXT':
    case 'SPF': {
      if (rdata.length === 0) fail(`${type} record has no character-string`);
      const data = rdata.map((f) => {
        if (f.bytes.length > MAX_CHARACTER_STRING_BYTES)
          fail(
            `a character-string holds at most ${MAX_CHARACTER_STRING_BYTES} octets, this one ${f.bytes.length} (RFC 1035 3.3): split it into several quoted strings`,
            f.line,
          );
        return f.bytes.toString('utf8');
      });
      return { type, name, ttl, data };
    }
    case 'PTR':
    case 'CNAME':
    case 'NS':
      want(1, 'one host name');
      return { type, name, ttl, data: target(rdata[0] as Field) };
    case 'SOA': {
      want(7, '"mname rname serial refresh retry expire minimum"');
      const [mname, rname, serial, refresh, retry, expire, minimum] = rdata as [
        Field,
        Field,
        Field,
        Field,
        Field,
        Field,
        Field,
      ];
      return {
        type,
        name,
        ttl,
        data: {
          mname: target(mname),
          rname: target(rname),
          serial: uint(serial, 'SOA serial', 0xffffffff),
          refresh: period(refresh, 'SOA refresh'),
          retry: period(retry, 'SOA retry'),
          expire: period(expire, 'SOA expire'),
          minimum: period(minimum, 'SOA minimum'),
        },
      };
    }
    case 'TLSA': {
      if (rdata.length < 4) fail('TLSA wants "<usage> <selector> <matching-type> <hex>"');
      const hex = rdata.slice(3).map(fieldText).join('').toLowerCase();
      if (!/^(?:[0-9a-f]{2})+$/.test(hex)) fail('TLSA certificate association data must be hex octets');
      return {
        type,
        name,
        ttl,
        data: {
          usage: uint(rdata[0] as Field, 'TLSA usage', 255),
          selector: uint(rdata[1] as Field, 'TLSA selector', 255),
          matchingType: uint(rdata[2] as Field, 'TLSA matching type', 255),
          data: hex,
        },
      };
    }
  }
}

/** RFC 5952 text of an IPv6 address, as the stub client prints what it decodes. */
export function canonicalIpv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}
