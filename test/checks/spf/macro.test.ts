import { describe, expect, it } from 'vitest';
import {
  expandMacro,
  type MacroContext,
  transformMacroValue,
  truncateDomain,
  urlEscape,
} from '../../../checks/spf/macro.js';
import { parseIp } from '../../../src/ip-bytes.js';

function ctx(ip: string, extra: Partial<MacroContext> = {}): MacroContext {
  const addr = parseIp(ip);
  if (!addr) throw new Error('bad ip');
  return {
    sender: 'strong-bad@email.example.com',
    localPart: 'strong-bad',
    senderDomain: 'email.example.com',
    domain: 'email.example.com',
    ip: addr,
    helo: 'mx.example.org',
    ...extra,
  };
}

describe('expandMacro: RFC 7208 7.4 examples', () => {
  const v4: [string, string][] = [
    ['%{s}', 'strong-bad@email.example.com'],
    ['%{o}', 'email.example.com'],
    ['%{d}', 'email.example.com'],
    ['%{d4}', 'email.example.com'],
    ['%{d3}', 'email.example.com'],
    ['%{d2}', 'example.com'],
    ['%{d1}', 'com'],
    ['%{dr}', 'com.example.email'],
    ['%{d2r}', 'example.email'],
    ['%{l}', 'strong-bad'],
    ['%{l-}', 'strong.bad'],
    ['%{lr}', 'strong-bad'],
    ['%{lr-}', 'bad.strong'],
    ['%{l1r-}', 'strong'],
    ['%{ir}.%{v}._spf.%{d2}', '3.2.0.192.in-addr._spf.example.com'],
    ['%{lr-}.lp._spf.%{d2}', 'bad.strong.lp._spf.example.com'],
    ['%{lr-}.lp.%{ir}.%{v}._spf.%{d2}', 'bad.strong.lp.3.2.0.192.in-addr._spf.example.com'],
    ['%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}', '3.2.0.192.in-addr.strong.lp._spf.example.com'],
    ['%{d2}.trusted-domains.example.net', 'example.com.trusted-domains.example.net'],
  ];
  for (const [spec, want] of v4) {
    it(`${spec} (192.0.2.3)`, async () => {
      expect(await expandMacro(spec, ctx('192.0.2.3'))).toEqual({ ok: true, value: want });
    });
  }
  it('%{ir}.%{v}._spf.%{d2} for 2001:db8::cb01 uses dot-separated nibbles', async () => {
    expect(await expandMacro('%{ir}.%{v}._spf.%{d2}', ctx('2001:db8::cb01'))).toEqual({
      ok: true,
      value: '1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com',
    });
  });
});

describe('expandMacro: explanation-only letters and escapes', () => {
  it('expands c (readable IPv6), r (receiver or "unknown"), t and spaces in exp text', async () => {
    const c = ctx('2001:DB8:0:0:0:0:0:CB01', { timestamp: 1234, receiver: 'mx.receiver.example' });
    expect(await expandMacro('from %{c} at %{r} t=%{t}', c, { isExp: true })).toEqual({
      ok: true,
      value: 'from 2001:db8::cb01 at mx.receiver.example t=1234',
    });
    const r = await expandMacro('%{r}', ctx('192.0.2.3'), { isExp: true });
    expect(r).toEqual({ ok: true, value: 'unknown' });
  });
  it('rejects c, r, t in a domain-spec (RFC 7208 7.1)', async () => {
    for (const spec of ['%{c}.example.com', '%{r}.example.com', '%{t}.example.com']) {
      expect((await expandMacro(spec, ctx('192.0.2.3'))).ok).toBe(false);
    }
  });
  it('upper-case letters URL-escape the value (RFC 7208 7.3)', async () => {
    const c = ctx('192.0.2.3', { localPart: 'a b/ü' });
    expect(await expandMacro('%{L}', c)).toEqual({ ok: true, value: 'a%20b%2F%C3%BC' });
    expect(urlEscape('~jack&jill=up-a_b3.c')).toBe('~jack%26jill%3Dup-a_b3.c');
  });
  it('%{p} uses the supplied validated name, "unknown" without one', async () => {
    expect(await expandMacro('%{p}', ctx('192.0.2.3'))).toEqual({ ok: true, value: 'unknown' });
    const c = ctx('192.0.2.3', { validatedName: async () => 'mx.example.com' });
    expect(await expandMacro('%{p2}.x.example', c)).toEqual({ ok: true, value: 'example.com.x.example' });
  });
  it('%%, %_ and %- escapes', async () => {
    expect(await expandMacro('a%%b%_c%-d.example.com', ctx('192.0.2.3'))).toEqual({
      ok: true,
      value: 'a%b c%20d.example.com',
    });
  });
});

describe('transformers and truncation', () => {
  it('splits on any of several delimiters and rejoins with "."', () => {
    expect(transformMacroValue('foo-bar+zip+quux', { reverse: true, digits: 2, delimiters: '+-' })).toBe(
      'bar.foo',
    );
    expect(transformMacroValue('a.b', { reverse: false, digits: 5, delimiters: '' })).toBe('a.b');
  });
  it('drops leftmost labels past 253 octets and one trailing dot (RFC 7208 7.3)', () => {
    const long = `${'x'.repeat(60)}.${'y'.repeat(60)}.${'z'.repeat(60)}.${'w'.repeat(60)}.example.com.`;
    const t = truncateDomain(long);
    expect(t.length).toBeLessThanOrEqual(253);
    expect(t).toBe(`${'y'.repeat(60)}.${'z'.repeat(60)}.${'w'.repeat(60)}.example.com`);
    expect(truncateDomain('example.com.')).toBe('example.com');
  });
  it('bounds a hostile expansion', async () => {
    const c = ctx('192.0.2.3', { sender: 's'.repeat(300) });
    const r = await expandMacro('%{s}'.repeat(40), c, { isExp: true });
    expect(r.ok).toBe(false);
  });
});
