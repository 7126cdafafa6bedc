import { describe, expect, it } from 'vitest';
import { HashedStringSet } from '../../src/recipients/seen.js';
import { isDisposableDomain, isRoleAccount } from '../../src/recipients/signals.js';
import { editDistance, FrequentDomains, typoOf } from '../../src/recipients/typos.js';
import { checkList } from './helpers.js';

describe('typo suggestions', () => {
  it('optimal string alignment distance, with a cut-off', () => {
    expect(editDistance('gmail.com', 'gmial.com', 2)).toBe(1);
    expect(editDistance('gmail.com', 'gmal.com', 2)).toBe(1);
    expect(editDistance('gmail.com', 'gmaill.com', 2)).toBe(1);
    expect(editDistance('hotmail.com', 'hotmial.con', 2)).toBe(2);
    expect(editDistance('gmail.com', 'yahoo.com', 2)).toBe(3);
  });

  it('a domain that takes no mail gets the nearest provider, a fixed TLD, or a frequent domain', () => {
    expect(typoOf('gmial.com', false)).toEqual({ kind: 'likely-typo', suggestion: 'gmail.com' });
    expect(typoOf('hotmial.con', false)).toEqual({ kind: 'likely-typo', suggestion: 'hotmail.com' });
    expect(typoOf('example.con', false)).toEqual({ kind: 'tld', suggestion: 'example.com' });
    expect(typoOf('acme-corp.cmo', false)).toEqual({ kind: 'tld', suggestion: 'acme-corp.com' });
    expect(typoOf('acmecrop.com', false, ['acmecorp.com'])).toEqual({
      kind: 'likely-typo',
      suggestion: 'acmecorp.com',
    });
    expect(typoOf('unrelated-domain.com', false)).toBeUndefined();
  });

  it('.co is a real TLD: gmail.co is suggested only when it takes no mail', () => {
    expect(typoOf('gmail.co', false)?.suggestion).toBe('gmail.com');
    expect(typoOf('example.co', false)).toBeUndefined();
  });

  it('a domain that takes mail is flagged only one edit from a long provider name', () => {
    expect(typoOf('gmial.com', true)).toEqual({ kind: 'provider-lookalike', suggestion: 'gmail.com' });
    expect(typoOf('gmail.com', true)).toBeUndefined();
    expect(typoOf('mail.com', true)).toBeUndefined();
    expect(typoOf('wed.de', true)).toBeUndefined();
    expect(typoOf('mx.com', true)).toBeUndefined();
  });
});

describe('signals', () => {
  it('RFC 2142 role accounts and no-reply names, case and +tag ignored', () => {
    for (const local of [
      'postmaster',
      'Abuse',
      'noc',
      'security',
      'info',
      'noreply',
      'no-reply',
      'DoNotReply',
      'sales+eu',
    ])
      expect(isRoleAccount(local)).toBe(true);
    for (const local of ['ann', 'postmasters', 'information']) expect(isRoleAccount(local)).toBe(false);
  });

  it('disposable domains from the package list, subdomains included', () => {
    expect(isDisposableDomain('mailinator.com')).toBe(true);
    expect(isDisposableDomain('eu.mailinator.com')).toBe(true);
    expect(isDisposableDomain('gmail.com')).toBe(false);
  });

  it('the hashed set finds duplicates and grows', () => {
    const s = new HashedStringSet();
    let seen = 0;
    for (let i = 0; i < 200_000; i++) if (s.addSeen(`user${i}@example.com`)) seen++;
    expect(seen).toBe(0);
    for (let i = 0; i < 200_000; i += 997) if (s.addSeen(`user${i}@example.com`)) seen++;
    expect(seen).toBe(Math.ceil(200_000 / 997));
    expect(s.size).toBe(200_000);
    expect(s.bytes).toBeLessThanOrEqual(8 * 2 ** 19);
  });
});

describe('FrequentDomains (the list running top of domains, for typos of its own domains)', () => {
  it('keeps the most frequent domains in order, and stays bounded past MAX_TRACKED with a long tail', () => {
    const frequent = new FrequentDomains();
    // 60 frequent domains, each seen 10 + i times, interleaved with a tail of 3 x MAX_TRACKED
    // domains seen once each.
    let tail = 0;
    for (let round = 0; round < 70; round++) {
      for (let i = 0; i < 60; i++) if (round < 10 + i) frequent.add(`shop${i}.example`);
      for (let k = 0; k < (3 * FrequentDomains.MAX_TRACKED) / 70; k++) frequent.add(`tail${tail++}.example`);
    }
    frequent.refresh();
    const top = frequent.current();
    expect(top).toHaveLength(FrequentDomains.TOP_N);
    // Most frequent first: shop59 (69 times) ... shop10 (20 times).
    expect(top[0]).toBe('shop59.example');
    expect(top[FrequentDomains.TOP_N - 1]).toBe('shop10.example');
    expect(top.some((d) => d.startsWith('tail'))).toBe(false);
  });
});

describe('the typo reasons name the domain and the suggestion', () => {
  it('each address says which domain it meant, not the reason table example', async () => {
    const { results } = await checkList(['a@hotmial.com', 'b@yahoo.con', 'c@outlok.com'].join('\n'), {
      noDns: true,
    });
    expect(results.map((r) => [r.reason, r.suggestion, r.evidence.detail])).toEqual([
      [
        'typo/provider-lookalike',
        'a@hotmail.com',
        expect.stringMatching(/^hotmial\.com takes mail .* one edit from hotmail\.com/),
      ],
      [
        'typo/tld',
        'b@yahoo.com',
        'The top-level domain of yahoo.con looks mistyped: yahoo.com is the likely one.',
      ],
      ['typo/provider-lookalike', 'c@outlook.com', expect.stringMatching(/^outlok\.com .* outlook\.com/)],
    ]);
  });
});
