import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MAX_LINE_CHARS,
  MAX_OVERLAY_RECORDS,
  type OverlayZone,
  parseMasterFile,
  parseOverlay,
  parseTtl,
  readOverlayFile,
  rrsetKey,
  ZoneFileError,
} from '../../src/overlay/index.js';
import type { RRType } from '../../src/probe/types.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'overlay');
const fixture = (name: string): OverlayZone => readOverlayFile(join(FIXTURES, name));

function data(zone: OverlayZone, name: string, type: RRType): unknown[] {
  return (zone.rrsets.get(rrsetKey(name, type)) ?? []).map((r) => r.data);
}
function ttls(zone: OverlayZone, name: string, type: RRType): number[] {
  return (zone.rrsets.get(rrsetKey(name, type)) ?? []).map((r) => r.ttl);
}

describe('master files in the layouts teams keep', () => {
  it('BIND: $ORIGIN, $TTL with units, parenthesised SOA with comments, inherited owners, multi-line DKIM', () => {
    const z = fixture('bind-example.com.zone');
    expect(z.origin).toBe('example.com');
    expect(data(z, 'example.com', 'SOA')).toEqual([
      {
        mname: 'ns1.example.com',
        rname: 'hostmaster.example.com',
        serial: 2024060101,
        refresh: 10800,
        retry: 3600,
        expire: 604800,
        minimum: 300,
      },
    ]);
    expect(ttls(z, 'example.com', 'SOA')).toEqual([5400]); // $TTL 1h30m
    expect(data(z, 'example.com', 'NS')).toEqual(['ns1.example.com', 'ns2.example.net']);
    expect(data(z, 'example.com', 'MX')).toEqual([
      { preference: 10, exchange: 'mx1.example.com' },
      { preference: 20, exchange: 'mx2.example.com' },
    ]);
    expect(data(z, 'example.com', 'TXT')).toEqual([
      ['v=spf1 ip4:192.0.2.0/24 include:_spf.mailer.example -all'],
    ]);
    expect(ttls(z, 'mx1.example.com', 'A')).toEqual([300]);
    expect(data(z, 'mx1.example.com', 'AAAA')).toEqual(['2001:db8::10']); // as the stub client prints it
    expect(ttls(z, 'mx1.example.com', 'AAAA')).toEqual([300]); // class before TTL
    const dkim = data(z, 's1._domainkey.example.com', 'TXT')[0] as string[];
    expect(dkim).toHaveLength(3);
    expect(dkim.join('')).toMatch(/^v=DKIM1; h=sha256; k=rsa; p=MIIB.*IDAQAB$/);
    expect(data(z, 'www.example.com', 'CNAME')).toEqual(['example.com']);
    expect(data(z, '_25._tcp.mx1.example.com', 'TLSA')).toEqual([
      {
        usage: 3,
        selector: 1,
        matchingType: 1,
        data: '0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6',
      },
    ]);
    expect(data(z, '1.2.0.192.in-addr.arpa', 'PTR')).toEqual(['mx1.example.com']);
    // Types no check asks are skipped with a warning naming file:line.
    expect(z.warnings).toEqual([
      expect.stringMatching(/bind-example\.com\.zone:28: SRV record at _sip\._tcp\.example\.com skipped/),
      expect.stringMatching(/bind-example\.com\.zone:29: CAA record at example\.com skipped/),
    ]);
  });

  it('NSD: absolute names, TTL before class, multi-string TXT, null MX, wildcard owner', () => {
    const z = fixture('nsd-example.org.zone');
    expect(z.origin).toBe('example.org');
    expect(data(z, 'example.org', 'MX')).toEqual([{ preference: 0, exchange: '' }]);
    expect(data(z, '_dmarc.example.org', 'TXT')).toEqual([['v=DMARC1;', ' p=reject;', ' sp=reject']]);
    expect(data(z, '*.example.org', 'TXT')).toEqual([['v=spf1 -all']]);
    expect(ttls(z, 'ns.example.org', 'A')).toEqual([3600]);
  });

  it('Knot: no class, unquoted TXT words, escapes \\" \\\\ and \\DDD (RFC 1035 5.1)', () => {
    const z = fixture('knot-example.net.zone');
    expect(ttls(z, 'example.net', 'SOA')).toEqual([86400]);
    expect(data(z, 'example.net', 'SOA')[0]).toMatchObject({ mname: 'dns1.example.net', refresh: 21600 });
    // Unquoted words are one character-string each.
    expect(data(z, 'example.net', 'TXT')).toEqual([['v=spf1', 'mx', '-all']]);
    expect(data(z, 'mail.example.net', 'TXT')).toEqual([['with "quotes" and a back\\slash and ABC']]);
  });

  it('DNSControl: no $ORIGIN, the origin comes from the file name example.com.zone', () => {
    const z = fixture('example.com.zone');
    expect(z.origin).toBe('example.com');
    expect(data(z, '_dmarc.example.com', 'TXT')).toEqual([
      ['v=DMARC1; p=reject; rua=mailto:dmarc@example.com'],
    ]);
    expect(data(z, 'example.com', 'NS')).toEqual(['ns1.example.com']);
    expect(ttls(z, 'mx1.example.com', 'A')).toEqual([300]);
  });

  it('OctoDNS: $ORIGIN, explicit TTLs, escaped semicolons', () => {
    const z = fixture('octodns-example.com.zone');
    expect(data(z, '_dmarc.example.com', 'TXT')).toEqual([['v=DMARC1; p=none']]);
    expect(data(z, 'example.com', 'TXT')).toEqual([['v=spf1 include:_spf.example.net ~all']]);
  });

  it('a YAML zone (.yaml) in the lab format; an empty list declares the RRset empty', () => {
    const z = parseOverlay(
      'example.com:\n  TXT: "v=spf1 -all"\n  TTL: 60\n_dmarc.example.com:\n  TXT: []\n',
      'proposed.yaml',
    );
    expect(data(z, 'example.com', 'TXT')).toEqual([['v=spf1 -all']]);
    expect(ttls(z, 'example.com', 'TXT')).toEqual([60]);
    expect(z.rrsets.get(rrsetKey('_dmarc.example.com', 'TXT'))).toEqual([]);
    expect(z.origin).toBe('example.com');
    expect(() => parseOverlay('a.example.com: TIMEOUT\n', 'p.yml')).toThrow(/p\.yml:0: .*lab fault/);
  });
});

describe('master file details', () => {
  it('BIND TTL units, case-insensitive, bounded by 2^31-1 (RFC 2181 8)', () => {
    expect(parseTtl('1h30m')).toBe(5400);
    expect(parseTtl('1W')).toBe(604800);
    expect(parseTtl('2d')).toBe(172800);
    expect(parseTtl('300')).toBe(300);
    expect(parseTtl('2147483647')).toBe(2147483647);
    expect(parseTtl('2147483648')).toBeUndefined();
    expect(parseTtl('1x')).toBeUndefined();
    expect(parseTtl('h')).toBeUndefined();
  });

  it('a record without a TTL takes $TTL, else the last TTL given, else the caller default', () => {
    const z = parseMasterFile('a.example. 600 TXT "x"\nb.example. TXT "y"\n$TTL 42\nc.example. TXT "z"\n', {
      defaultTtl: 77,
    });
    expect(ttls(z, 'a.example', 'TXT')).toEqual([600]);
    expect(ttls(z, 'b.example', 'TXT')).toEqual([600]);
    expect(ttls(z, 'c.example', 'TXT')).toEqual([42]);
    expect(ttls(parseMasterFile('d.example. TXT "w"', { defaultTtl: 77 }), 'd.example', 'TXT')).toEqual([77]);
  });

  it('a ; inside quotes is text, outside it starts a comment', () => {
    const z = parseMasterFile('$ORIGIN x.test.\n@ TXT "a; b" ; c\n');
    expect(data(z, 'x.test', 'TXT')).toEqual([['a; b']]);
  });

  it('duplicates are dropped with a warning (RFC 2181 5); the origin option makes names absolute', () => {
    const z = parseMasterFile('@ TXT "a"\n@ TXT "a"\nsub A 192.0.2.1\n', {
      origin: 'example.com',
      file: 'f',
    });
    expect(data(z, 'example.com', 'TXT')).toEqual([['a']]);
    expect(data(z, 'sub.example.com', 'A')).toEqual(['192.0.2.1']);
    expect(z.warnings.join()).toMatch(/duplicate TXT/);
  });

  it('a later $ORIGIN may be relative to the current one', () => {
    const z = parseMasterFile('$ORIGIN example.com.\n$ORIGIN sub\nwww A 192.0.2.1\n');
    expect(data(z, 'www.sub.example.com', 'A')).toEqual(['192.0.2.1']);
  });

  it('a 255-octet character-string is accepted, 256 is not (RFC 1035 3.3)', () => {
    const ok = parseMasterFile(`x.test. TXT "${'a'.repeat(255)}"`);
    expect((data(ok, 'x.test', 'TXT')[0] as string[])[0]).toHaveLength(255);
    expect(() => parseMasterFile(`x.test. TXT "${'a'.repeat(256)}"`, { file: 'k.zone' })).toThrow(
      /k\.zone:1: a character-string holds at most 255 octets, this one 256/,
    );
  });
});

describe('errors name file:line', () => {
  const cases: [string, string, RegExp][] = [
    ['$INCLUDE', '$ORIGIN a.test.\n$INCLUDE /etc/passwd\n', /f\.zone:2: \$INCLUDE is not read/],
    ['$GENERATE', '\n$GENERATE 1-10 h$ A 192.0.2.$\n', /f\.zone:2: \$GENERATE/],
    ['unknown directive', '$FOO bar\n', /f\.zone:1: unknown directive \$FOO/],
    [
      'relative name without origin',
      'www A 192.0.2.1\n',
      /f\.zone:1: www is relative but no origin is known/,
    ],
    ['@ without origin', '@ A 192.0.2.1\n', /f\.zone:1: @ is relative/],
    ['inherited owner with none before', '  A 192.0.2.1\n', /f\.zone:1: a line starting with a blank/],
    ['class CH', 'a.test. CH TXT "x"\n', /f\.zone:1: class CH is not supported/],
    ['unknown type', 'a.test. 300 IN FOO bar\n', /f\.zone:1: unknown record type or field FOO/],
    ['bad A', '\n\na.test. A 192.0.2.300\n', /f\.zone:3: A record must be an IPv4 address/],
    ['bad AAAA', 'a.test. AAAA 192.0.2.1\n', /f\.zone:1: AAAA record must be an IPv6 address/],
    ['MX missing exchange', 'a.test. MX 10\n', /f\.zone:1: MX wants "<preference> <exchange>", got 1 field/],
    [
      'MX preference out of range',
      'a.test. MX 70000 mx.a.test.\n',
      /f\.zone:1: MX preference must be an integer 0\.\.65535/,
    ],
    ['SOA short', 'a.test. SOA ns hm ( 1 2 3\n 4 )\n', /f\.zone:1: SOA wants/],
    ['unclosed quote', 'a.test. TXT "abc\n', /f\.zone:1: quoted string not closed/],
    ['unclosed paren', 'a.test. TXT ( "abc"\n"def"\n', /f\.zone:1: "\(" not closed/],
    ['stray paren', 'a.test. TXT "abc" )\n', /f\.zone:1: "\)" without an open/],
    ['bad escape', 'a.test. TXT "\\300"\n', /f\.zone:1: escape \\300 is not an octet/],
    ['generic RDATA', 'a.test. TXT \\# 4 03616263\n', /f\.zone:1: generic RDATA/],
    [
      'CNAME and other data',
      'a.test. A 192.0.2.1\na.test. CNAME b.test.\n',
      /f\.zone:2: a\.test has a CNAME and other data/,
    ],
    ['two CNAMEs', 'a.test. CNAME b.test.\na.test. CNAME c.test.\n', /f\.zone:2: a\.test has a second CNAME/],
    ['bad TTL', 'a.test. 1x A 192.0.2.1\n', /f\.zone:1: 1x is not a TTL/],
    ['TTL too big', '$TTL 9999999999\n', /f\.zone:1: \$TTL 9999999999 is not a TTL/],
    [
      'label too long',
      `${'a'.repeat(64)}.test. A 192.0.2.1\n`,
      /f\.zone:1: the name a+\.\.\. is not valid: label longer than 63/,
    ],
    ['bad TLSA hex', 'a.test. TLSA 3 1 1 xyz\n', /f\.zone:1: TLSA certificate association data must be hex/],
    ['long line', `a.test. TXT "${'a'.repeat(MAX_LINE_CHARS)}"\n`, /f\.zone:1: line longer than/],
  ];
  it.each(cases)('%s', (_name, text, message) => {
    let thrown: unknown;
    try {
      parseMasterFile(text, { file: 'f.zone' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ZoneFileError);
    expect((thrown as Error).message).toMatch(message);
  });

  it(`bounds the record count (${MAX_OVERLAY_RECORDS})`, () => {
    const lines = Array.from({ length: MAX_OVERLAY_RECORDS + 1 }, (_, i) => `r${i} A 192.0.2.1`);
    expect(() => parseMasterFile(lines.join('\n'), { origin: 'big.test', file: 'f.zone' })).toThrow(
      new RegExp(`f\\.zone:${MAX_OVERLAY_RECORDS + 1}: more than ${MAX_OVERLAY_RECORDS} records`),
    );
  });

  it('a missing file is a usage error naming it', () => {
    expect(() => readOverlayFile(join(FIXTURES, 'nope.zone'))).toThrow(/cannot read overlay .*nope\.zone/);
  });
});

it('the fixtures are what the tests say (no $INCLUDE anywhere)', () => {
  for (const f of ['bind-example.com.zone', 'nsd-example.org.zone', 'knot-example.net.zone']) {
    expect(readFileSync(join(FIXTURES, f), 'utf8')).not.toMatch(/\$INCLUDE/);
  }
});
