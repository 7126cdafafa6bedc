import { describe, expect, it } from 'vitest';
import { isAligned, normalizeDomain, organisationalDomainPsl } from '../src/orgdomain.js';

describe('organisationalDomainPsl (RFC 7489 3.2)', () => {
  it.each([
    ['example.com', 'example.com'],
    ['mail.example.com', 'example.com'],
    ['A.B.Example.COM.', 'example.com'],
    ['shop.example.co.uk', 'example.co.uk'],
    ['a.b.c.d.e.f.g.h.i.example.com', 'example.com'],
  ])('%s -> %s', (input, org) => {
    expect(organisationalDomainPsl(input)).toBe(org);
  });

  it('uses the private section of the PSL by default (alice.blogspot.com is its own organisation)', () => {
    expect(organisationalDomainPsl('app.alice.blogspot.com')).toBe('alice.blogspot.com');
    expect(organisationalDomainPsl('app.alice.blogspot.com', { privateDomains: false })).toBe('blogspot.com');
  });

  it('returns null for a public suffix and for junk', () => {
    expect(organisationalDomainPsl('com')).toBeNull();
    expect(organisationalDomainPsl('co.uk')).toBeNull();
    expect(organisationalDomainPsl('')).toBeNull();
    expect(organisationalDomainPsl('a..example.com')).toBeNull();
  });

  it('normalizes case and the trailing dot', () => {
    expect(normalizeDomain(' Example.COM. ')).toBe('example.com');
  });
});

describe('isAligned (RFC 7489 3.1)', () => {
  it('strict wants an exact, case-insensitive match', () => {
    expect(isAligned('Example.com', 'example.COM.', 's')).toBe(true);
    expect(isAligned('mail.example.com', 'example.com', 's')).toBe(false);
  });
  it('relaxed wants the same organisational domain', () => {
    expect(isAligned('mail.example.com', 'bounce.example.com', 'r')).toBe(true);
    expect(isAligned('example.com', 'example.net', 'r')).toBe(false);
    expect(isAligned('a.example.co.uk', 'b.other.co.uk', 'r')).toBe(false);
  });
  it('relaxed does not align two tenants of a private suffix', () => {
    expect(isAligned('alice.blogspot.com', 'bob.blogspot.com', 'r')).toBe(false);
  });
  it('public suffixes align only with themselves', () => {
    expect(isAligned('com', 'example.com', 'r')).toBe(false);
    expect(isAligned('', '', 'r')).toBe(false);
  });
});
