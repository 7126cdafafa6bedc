import { describe, expect, it } from 'vitest';
import { canonicalLocal, parseAddress } from '../../src/recipients/syntax.js';
import { checkList } from './helpers.js';

const reasonOf = (a: string) => {
  const p = parseAddress(a);
  return p.ok ? 'ok' : p.reason;
};

describe('address syntax (RFC 5321 4.1.2 Mailbox, RFC 5322 3.4.1 addr-spec)', () => {
  it.each([
    ['ann@example.com', 'ok'],
    ['ann.lee+news@sub.example.co.uk', 'ok'],
    ["o'brien!#$%&*/=?^_`{|}~-@example.com", 'ok'],
    ['"john doe"@example.com', 'ok'],
    ['"a@b"@example.com', 'ok'],
    ['"with \\" quote"@example.com', 'ok'],
    ['ann@[192.0.2.1]', 'ok'],
    ['ann@[IPv6:2001:db8::1]', 'ok'],
    ['', 'syntax/empty'],
    ['annexample.com', 'syntax/missing-at'],
    ['@example.com', 'syntax/empty-local'],
    ['ann@', 'syntax/empty-domain'],
    ['.ann@example.com', 'syntax/leading-dot'],
    ['ann.@example.com', 'syntax/trailing-dot'],
    ['an..n@example.com', 'syntax/double-dot'],
    ['"an..n"@example.com', 'ok'],
    ['an n@example.com', 'syntax/bad-local-character'],
    ['a,b@example.com', 'syntax/bad-local-character'],
    ['"ann@example.com', 'syntax/unterminated-quote'],
    ['"ann"x@example.com', 'syntax/bad-quoted-local'],
    ['Ann <ann@example.com>', 'syntax/display-name'],
    ['ann\u0000@example.com', 'syntax/control-character'],
    ['ann@exam\u001bple.com', 'syntax/control-character'],
    ['"a\tb"@example.com', 'syntax/control-character'],
    ['ann\ufffd@example.com', 'syntax/bad-encoding'],
    ['ann@localhost', 'syntax/single-label-domain'],
    ['ann@exa_mple.com', 'syntax/bad-domain'],
    ['ann@-example.com', 'syntax/bad-domain'],
    ['ann@example..com', 'syntax/bad-domain'],
    ['ann@example.com.', 'syntax/bad-domain'],
    ['ann@192.168.0.1', 'syntax/bad-domain'],
    ['ann@[192.0.2.300]', 'syntax/bad-address-literal'],
    ['ann@[IPv6:nope]', 'syntax/bad-address-literal'],
    ['ann@[tag:whatever]', 'syntax/bad-address-literal'],
    ['ann@xn--zz.com', 'syntax/idn-invalid'],
  ])('%j is %s', (address, reason) => {
    expect(reasonOf(address)).toBe(reason);
  });

  it('RFC 5321 4.5.3.1.1: a local part of 64 octets passes, 65 does not (UTF-8 octets counted)', () => {
    expect(reasonOf(`${'a'.repeat(64)}@example.com`)).toBe('ok');
    expect(reasonOf(`${'a'.repeat(65)}@example.com`)).toBe('syntax/local-too-long');
    // 33 two-octet characters: 66 octets in 33 characters.
    expect(reasonOf(`${'é'.repeat(33)}@example.com`)).toBe('syntax/local-too-long');
  });

  it('RFC 5321 4.5.3.1.3: at most 254 octets in all; RFC 1035 2.3.4: labels of 63', () => {
    const domain = (n: number) => `${Array.from({ length: n }, () => 'a'.repeat(60)).join('.')}.com`;
    expect(reasonOf(`${'a'.repeat(64)}@${domain(3)}`)).toBe('ok');
    expect(reasonOf(`${'a'.repeat(64)}@${domain(4)}`)).toBe('syntax/too-long');
    expect(reasonOf(`a@${'b'.repeat(64)}.com`)).toBe('syntax/domain-label-too-long');
    expect(reasonOf(`a@${domain(5)}`)).toBe('syntax/domain-too-long');
  });

  it('RFC 6531: a UTF-8 local part is valid and flagged for SMTPUTF8; an IDN domain becomes A-labels', () => {
    expect(parseAddress('jürgen@example.com')).toMatchObject({ ok: true, smtputf8: true });
    expect(parseAddress('ann@Bücher.COM')).toMatchObject({
      ok: true,
      smtputf8: false,
      domain: 'xn--bcher-kva.com',
      unicodeDomain: 'Bücher.COM',
    });
    expect(parseAddress('ann@EXAMPLE.Com')).toMatchObject({ ok: true, local: 'ann', domain: 'example.com' });
    // RFC 5321 2.4: the local part keeps its case.
    expect(parseAddress('Ann@example.com')).toMatchObject({ local: 'Ann' });
  });
});

describe('one spelling of a local part, for duplicates (RFC 5322 3.2.4, RFC 6532 3.1)', () => {
  it('RFC 5322 3.2.4: quotes around a dot-atom are not part of it; escapes only where needed', () => {
    expect(canonicalLocal('"john"')).toBe('john');
    expect(canonicalLocal('"j\\ohn.doe"')).toBe('john.doe');
    expect(canonicalLocal('"john doe"')).toBe('"john doe"');
    expect(canonicalLocal('"a\\"b"')).toBe('"a\\"b"');
    expect(canonicalLocal('"a\\\\b"')).toBe('"a\\\\b"');
    expect(canonicalLocal('".john"')).toBe('".john"');
    expect(canonicalLocal('"john..doe"')).toBe('"john..doe"');
    expect(canonicalLocal('""')).toBe('""');
    expect(canonicalLocal('John')).toBe('John');
  });

  it('RFC 6532 3.1: a UTF-8 local part in NFC (composed and decomposed are one mailbox)', () => {
    const composed = 'jos\u00e9';
    const decomposed = 'jose\u0301';
    expect(canonicalLocal(decomposed)).toBe(composed);
    expect(canonicalLocal(`"${decomposed}"`)).toBe(composed);
  });

  it('duplicates are found after that: quoted, escaped, decomposed and case variants', async () => {
    const list = [
      'john@example.com',
      '"john"@example.com',
      '"jo\\hn"@EXAMPLE.com',
      'John@example.com',
      'jos\u00e9@example.com',
      'jose\u0301@example.com',
      '"john doe"@example.com',
      '"john\\ doe"@example.com',
    ];
    const { results } = await checkList(list.join('\n'), { noDns: true });
    expect(
      results.map((r) => [
        r.normalized,
        r.reason === 'duplicate' || r.evidence.otherReasons?.includes('duplicate')
          ? 'dup'
          : r.reason === 'duplicate-case' || r.evidence.otherReasons?.includes('duplicate-case')
            ? 'case'
            : '-',
      ]),
    ).toEqual([
      ['john@example.com', '-'],
      ['john@example.com', 'dup'],
      ['john@example.com', 'dup'],
      ['John@example.com', 'case'],
      ['jos\u00e9@example.com', '-'],
      ['jos\u00e9@example.com', 'dup'],
      ['"john doe"@example.com', '-'],
      ['"john doe"@example.com', 'dup'],
    ]);
  });

  it('an invalid entry with a valid address inside gets it as a suggestion, and stays invalid', async () => {
    const list = [
      'John Doe <john@example.com>',
      '<bob@example.com>',
      'mailto:jane@example.com',
      'alice@example.com;',
      "'carol@example.com'",
      'not an address',
      'Name <not an address>',
    ];
    const { results } = await checkList(list.join('\n'), { noDns: true });
    expect(results.map((r) => [r.status, r.suggestion])).toEqual([
      ['invalid', 'john@example.com'],
      ['invalid', 'bob@example.com'],
      ['invalid', 'jane@example.com'],
      ['invalid', 'alice@example.com'],
      ['invalid', 'carol@example.com'],
      ['invalid', undefined],
      ['invalid', undefined],
    ]);
  });
});
