import { describe, expect, it } from 'vitest';
import { checkDomainSpec, parseMacroString, parseSpf, selectSpfRecord } from '../../../checks/spf/record.js';

describe('selectSpfRecord (RFC 7208 4.5)', () => {
  it('joins strings without spaces and ignores non-SPF records', () => {
    expect(selectSpfRecord([['v=spf1 ip4:192.0.2.1', ' -all'], ['google-site-verification=x']])).toEqual({
      kind: 'one',
      text: 'v=spf1 ip4:192.0.2.1 -all',
    });
  });
  it('accepts exactly "v=spf1" and a case-insensitive version', () => {
    expect(selectSpfRecord([['v=spf1']])).toEqual({ kind: 'one', text: 'v=spf1' });
    expect(selectSpfRecord([['V=SPF1 -all']])).toEqual({ kind: 'one', text: 'V=SPF1 -all' });
  });
  it('ignores "v=spf10" and "v=spf1-all"', () => {
    expect(selectSpfRecord([['v=spf10 -all'], ['v=spf1-all'], ['spf2.0/pra -all']])).toEqual({
      kind: 'none',
    });
  });
  it('reports several SPF records as many', () => {
    expect(selectSpfRecord([['v=spf1 -all'], ['v=spf1 +all']])).toEqual({
      kind: 'many',
      texts: ['v=spf1 -all', 'v=spf1 +all'],
    });
  });
});

describe('parseSpf: valid records', () => {
  it('parses every mechanism kind with qualifiers and cidrs', () => {
    const r = parseSpf(
      'v=spf1  +a -a:example.com/24 ~mx//64 ?mx:mail.example.org/28//96 ptr ptr:example.net ip4:192.0.2.0/24 ip6:2001:db8::/32 ip6:::ffff:1.2.3.4 exists:%{i}.bl.example.com include:_spf.example.com redirect=_spf.example.com exp=exp.%{d} foo.bar-baz=%{l}x all ',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const m = r.record.mechanisms;
    expect(m.map((x) => `${x.qualifier}${x.name}`)).toEqual([
      '+a',
      '-a',
      '~mx',
      '?mx',
      '+ptr',
      '+ptr',
      '+ip4',
      '+ip6',
      '+ip6',
      '+exists',
      '+include',
      '+all',
    ]);
    expect(m[0]?.explicitQualifier).toBe(true);
    expect(m[4]?.explicitQualifier).toBe(false);
    expect(m[1]).toMatchObject({ domainSpec: 'example.com', cidr4: 24, position: 11 });
    expect(m[1]?.cidr6).toBeUndefined();
    expect(m[2]).toMatchObject({ cidr6: 64 });
    expect(m[3]).toMatchObject({ domainSpec: 'mail.example.org', cidr4: 28, cidr6: 96 });
    expect(m[6]).toMatchObject({ ip: '192.0.2.0', cidr4: 24 });
    expect(m[7]).toMatchObject({ ip: '2001:db8::', cidr6: 32 });
    expect(r.record.redirect?.value).toBe('_spf.example.com');
    expect(r.record.exp?.value).toBe('exp.%{d}');
    expect(r.record.unknownModifiers.map((x) => x.name)).toEqual(['foo.bar-baz']);
    expect(r.record.terms).toHaveLength(15);
  });
  it('accepts a bare version and trailing spaces (RFC 7208 4.5)', () => {
    expect(parseSpf('v=spf1').ok).toBe(true);
    expect(parseSpf('v=spf1 -all   ').ok).toBe(true);
  });
});

describe('parseSpf: syntax errors name the term and its position', () => {
  const cases: [string, string, number][] = [
    ['v=spf1 -all foo', 'foo', 12],
    ['v=spf1 ip4:1.2.3 -all', 'ip4:1.2.3', 7],
    ['v=spf1 ip4:1.2.3.4/33', 'ip4:1.2.3.4/33', 7],
    ['v=spf1 ip4:1.2.3.4/032', 'ip4:1.2.3.4/032', 7],
    ['v=spf1 ip6:2001:db8::/129', 'ip6:2001:db8::/129', 7],
    ['v=spf1 ip6:2001:db8:::1', 'ip6:2001:db8:::1', 7],
    ['v=spf1 a/33', 'a/33', 7],
    ['v=spf1 mx//129', 'mx//129', 7],
    ['v=spf1 a:museum', 'a:museum', 7],
    ['v=spf1 a:example.123', 'a:example.123', 7],
    ['v=spf1 include:', 'include:', 7],
    ['v=spf1 exists:%{z}.example.com', 'exists:%{z}.example.com', 7],
    ['v=spf1 exists:foo%.example.com', 'exists:foo%.example.com', 7],
    ['v=spf1 a:%{c}.example.com', 'a:%{c}.example.com', 7],
    ['v=spf1 redirect=a.example.com redirect=b.example.com', 'redirect=b.example.com', 30],
    ['v=spf1 exp=a.example.com exp=b.example.com', 'exp=b.example.com', 25],
    ['v=spf1 exp= -all', 'exp=', 7],
    ['v=spf1 ip4:192.0.2.3\ta:mail.example.com', 'ip4:192.0.2.3\ta:mail.example.com', 7],
    ['v=spf1 all:foo', 'all:foo', 7],
  ];
  for (const [text, term, position] of cases) {
    it(JSON.stringify(text), () => {
      const r = parseSpf(text);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.term).toBe(term);
      expect(r.error.position).toBe(position);
      expect(r.error.message.length).toBeGreaterThan(0);
    });
  }
});

describe('macro-string syntax (RFC 7208 7.1)', () => {
  it('tokenizes transformers, delimiters and escapes', () => {
    const p = parseMacroString('%{L2r-+}.%%%_%-x');
    expect(p).toEqual({
      ok: true,
      tokens: [
        { kind: 'macro', letter: 'l', escape: true, digits: 2, reverse: true, delimiters: '-+' },
        { kind: 'literal', text: '.' },
        { kind: 'escape', text: '%' },
        { kind: 'escape', text: ' ' },
        { kind: 'escape', text: '%20' },
        { kind: 'literal', text: 'x' },
      ],
    });
  });
  it('allows c, r, t and spaces only in explanation text', () => {
    expect(parseMacroString('%{c} %{r} %{t}', { explain: true }).ok).toBe(true);
    expect(parseMacroString('%{c}').ok).toBe(false);
  });
  it('domain-end: macro or "." toplabel', () => {
    expect(checkDomainSpec('%{d}')).toBeUndefined();
    expect(checkDomainSpec('example.com.')).toBeUndefined();
    expect(checkDomainSpec('foo.1-2')).toBeUndefined();
    expect(checkDomainSpec('foo.-com')).toBeDefined();
    expect(checkDomainSpec('1.2.3.4')).toBeDefined();
  });
});

describe('hostile input', () => {
  it('checks a very long top-level label in linear time', () => {
    const start = Date.now();
    const r = parseSpf(`v=spf1 a:x.${'a'.repeat(60_000)}! -all`);
    expect(r.ok).toBe(false);
    expect(Date.now() - start).toBeLessThan(500);
  });
});
