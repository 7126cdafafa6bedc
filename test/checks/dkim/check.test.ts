import { describe, expect, it } from 'vitest';
import {
  analyzeSelector,
  DKIM_DISCOVERY_SELECTORS,
  DKIM_FINDINGS,
  type DkimEvidence,
  type DkimSelectorLookup,
  dkimCheck,
  dkimOutcome,
  isValidSelector,
} from '../../../checks/dkim/index.js';
import { renderTemplate } from '../../../src/check.js';
import type { Target } from '../../../src/report.js';
import { memoryProbe, memoryResolver, type ZoneObject } from '../../helpers/memory-resolver.js';
import { ed25519Key, rsaKey, txtStrings } from './keys.js';

const rsa512 = rsaKey(512);
const rsa1024 = rsaKey(1024);
const rsa2048 = rsaKey(2048);
const ed = ed25519Key();
const good = `v=DKIM1; k=rsa; p=${rsa2048.spki}`;

function lookup(selector: string, over: Partial<DkimSelectorLookup> = {}): DkimSelectorLookup {
  return {
    selector,
    name: `${selector}._domainkey.example.com`,
    userGiven: false,
    outcome: 'ok',
    cnameChain: [],
    records: [],
    ...over,
  };
}
const key = (selector: string, text: string, userGiven = false) =>
  lookup(selector, { userGiven, records: [txtStrings(text)] });
const none = (selector: string, userGiven = false) => lookup(selector, { userGiven, outcome: 'nxdomain' });
const timeout = (selector: string, userGiven = false) =>
  lookup(selector, { userGiven, outcome: 'error', error: 'timeout', detail: 'no answer' });

function evidence(lookups: DkimSelectorLookup[], extra: Partial<DkimEvidence> = {}): DkimEvidence {
  return {
    domain: 'example.com',
    userSelectors: lookups.filter((l) => l.userGiven).map((l) => l.selector),
    invalidSelectors: [],
    userSelectorsDropped: 0,
    discoverySelectors: lookups.filter((l) => !l.userGiven).map((l) => l.selector),
    lookups,
    ...extra,
  };
}
const target: Target = { domain: 'example.com', ips: [], profile: 'bulk' };
const emitted = new Set<string>();
const judge = (e: DkimEvidence) => {
  const out = dkimCheck.judge(e, target);
  for (const f of out) emitted.add(f.key);
  return out;
};
const keys = (e: DkimEvidence) => judge(e).map((f) => f.key);

describe('dkim metadata', () => {
  it('every finding has an id-safe key and a fix', () => {
    for (const [k, spec] of Object.entries(dkimCheck.findings)) {
      expect(k).toMatch(/^[a-z0-9-]+$/);
      expect(spec.fix.length).toBeGreaterThan(10);
    }
    expect(dkimCheck.id).toBe('dkim');
    expect(dkimCheck.appliesTo).toEqual(['domain']);
  });
  it('discovery list is bounded, lower-case and without duplicates', () => {
    const names = DKIM_DISCOVERY_SELECTORS.map((d) => d.selector);
    expect(names.length).toBeGreaterThanOrEqual(30);
    expect(names.length).toBeLessThanOrEqual(40);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(isValidSelector(n) && n === n.toLowerCase()).toBe(true);
  });
  it('validates selectors as DNS labels (RFC 6376 3.1)', () => {
    expect(isValidSelector('s2024.eu')).toBe(true);
    expect(isValidSelector('selector1-example-com')).toBe(true);
    for (const bad of ['', 'a..b', '-a', 'a b', 'a/b', 'x'.repeat(64), 'sel;p='])
      expect(isValidSelector(bad)).toBe(false);
  });
});

describe('dkim judge', () => {
  it('a 2048-bit key at a discovered selector passes with no finding', () => {
    const e = evidence([key('google', good), none('selector1')]);
    expect(judge(e)).toEqual([]);
    expect(dkimOutcome(e)).toEqual({ canPass: true, validSelectors: ['google'], domain: 'example.com' });
  });

  it('joins TXT strings without spaces before parsing (RFC 6376 3.6.2.2)', () => {
    const l = key('s1', good);
    expect(l.records[0]!.length).toBeGreaterThan(1);
    expect(analyzeSelector(l).status).toBe('valid');
  });

  it('no key at discovered selectors is a warning without condition: selectors cannot be listed', () => {
    const e = evidence([none('google'), lookup('k1', { outcome: 'nodata' })]);
    const f = judge(e);
    expect(f.map((x) => x.key)).toEqual(['no-key-found']);
    expect(f[0]!.conditions).toBeUndefined();
    expect(f[0]!.data).toMatchObject({ count: 2, selectors: 'google, k1' });
    expect(dkimOutcome(e).canPass).toBe('unknown');
  });

  it('no key at a user-given selector is measured: selector-not-found and no-key-found raise dkim-cannot-pass', () => {
    const e = evidence([none('mysel', true), none('google')]);
    const f = judge(e);
    expect(f.map((x) => x.key)).toEqual(['selector-not-found', 'no-key-found']);
    expect(DKIM_FINDINGS['selector-not-found'].conditions).toEqual(['dkim-cannot-pass']);
    expect(f[1]!.conditions).toEqual(['dkim-cannot-pass']);
    expect(dkimOutcome(e).canPass).toBe(false);
  });

  it('user selector missing while a discovered one is valid: canPass false for the signer they named', () => {
    const e = evidence([none('mysel', true), key('google', good)]);
    expect(keys(e)).toEqual(['selector-not-found']);
    expect(dkimOutcome(e)).toMatchObject({ canPass: false, validSelectors: ['google'] });
  });

  it('all lookups timing out is unknown, never "no key"', () => {
    const e = evidence([timeout('mysel', true), timeout('google')]);
    const f = judge(e);
    expect(f.map((x) => x.key)).toEqual(['dns-error']);
    expect(DKIM_FINDINGS['dns-error'].severity).toBe('unknown');
    expect(f[0]!.data).toMatchObject({ count: 2, total: 2, errors: 'timeout' });
    expect(dkimOutcome(e).canPass).toBe('unknown');
  });

  it('a timed-out user selector leaves canPass unknown and claims no "not found", even when discovery answered', () => {
    const e = evidence([timeout('mysel', true), none('google')]);
    // The key may well be at the selector that could not be read: only the DNS error is reported.
    expect(keys(e)).toEqual(['dns-error']);
    expect(dkimOutcome(e).canPass).toBe('unknown');
  });

  it.each([
    [512, 'key-too-short', 'unusable'],
    [1024, 'key-weak', 'valid'],
  ] as const)('a %i-bit RSA key gives %s', (bits, finding, status) => {
    const text = `v=DKIM1; k=rsa; p=${(bits === 512 ? rsa512 : rsa1024).spki}`;
    const a = analyzeSelector(key('s1', text, true));
    expect(a.status).toBe(status);
    expect(a.findings.map((x) => x.key)).toEqual([finding]);
    expect(a.findings[0]!.data).toMatchObject({ bits });
    expect(a.findings[0]!.evidence).toMatchObject({ bits, keyType: 'rsa', record: text });
    expect(judge(evidence([key('s1', text, true)])).map((x) => x.key)).toEqual([finding]);
  });

  it('key-too-short raises dkim-cannot-pass only at a user-given selector (RFC 8301 3.2)', () => {
    const text = `v=DKIM1; p=${rsa512.spki}`;
    const user = judge(evidence([key('s1', text, true)]));
    expect(user[0]).toMatchObject({ key: 'key-too-short', conditions: ['dkim-cannot-pass'] });
    const disc = judge(evidence([key('s1', text)]));
    expect(disc[0]!.key).toBe('key-too-short');
    expect(disc[0]!.conditions).toBeUndefined();
    expect(dkimOutcome(evidence([key('s1', text)])).canPass).toBe('unknown');
    expect(dkimOutcome(evidence([key('s1', text, true)])).canPass).toBe(false);
  });

  it('a PKCS#1 RSA key is measured too', () => {
    const a = analyzeSelector(key('s1', `v=DKIM1; p=${rsa2048.pkcs1}`));
    expect(a.status).toBe('valid');
    expect(a.key).toMatchObject({ format: 'pkcs1', bits: 2048 });
  });

  it('revoked key: error at a user-given selector, info when discovered', () => {
    expect(judge(evidence([key('old', 'v=DKIM1; p=', true)]))[0]!.key).toBe('key-revoked');
    expect(DKIM_FINDINGS['key-revoked']).toMatchObject({
      severity: 'error',
      conditions: ['dkim-cannot-pass'],
    });
    const disc = judge(evidence([key('default', 'v=DKIM1; p='), key('google', good)]));
    expect(disc.map((x) => x.key)).toEqual(['revoked-key-discovered']);
    expect(DKIM_FINDINGS['revoked-key-discovered'].severity).toBe('info');
  });

  it('t=y: verifiers must treat the mail as unsigned (RFC 6376 3.6.1), the key does not count', () => {
    const text = `v=DKIM1; t=y:s; p=${rsa2048.spki}`;
    const f = judge(evidence([key('s1', text, true)]));
    expect(f.map((x) => x.key)).toEqual(['testing-mode']);
    expect(f[0]!.conditions).toEqual(['dkim-cannot-pass']);
    expect(f[0]!.data!['suggested']).toBe(`v=DKIM1; t=s; p=${rsa2048.spki}`);
    expect(dkimOutcome(evidence([key('s1', text, true)]))).toMatchObject({
      canPass: false,
      validSelectors: [],
    });
  });

  it('t=y alone: the suggested record drops the t tag', () => {
    const f = judge(evidence([key('s1', `v=DKIM1; k=ed25519; t=y; p=${ed.raw}`)]));
    expect(f.map((x) => x.key)).toEqual(['testing-mode']);
    expect(f[0]!.data!['suggested']).toBe(`v=DKIM1; k=ed25519; p=${ed.raw}`);
  });

  it('h=sha1 only warns (RFC 8301 3.1) and suggests the record without h=', () => {
    const text = `v=DKIM1; h=sha1; k=rsa; p=${rsa2048.spki}`;
    const f = judge(evidence([key('s1', text)]));
    expect(f.map((x) => x.key)).toEqual(['sha1-only']);
    expect(f[0]!.data).toMatchObject({ hashes: 'sha1', suggested: `v=DKIM1; k=rsa; p=${rsa2048.spki}` });
    expect(analyzeSelector(key('s1', `v=DKIM1; h=sha1:sha256; p=${rsa2048.spki}`)).findings).toEqual([]);
  });

  it('h= with no known algorithm makes the key unusable', () => {
    const a = analyzeSelector(key('s1', `v=DKIM1; h=md5; p=${rsa2048.spki}`));
    expect(a.status).toBe('unusable');
    expect(a.findings[0]).toMatchObject({ key: 'invalid-record', data: { tag: 'h' } });
  });

  it('s= without email or * excludes mail', () => {
    const f = judge(evidence([key('s1', `v=DKIM1; s=tlsrpt; p=${rsa2048.spki}`, true)]));
    expect(f.map((x) => x.key)).toEqual(['service-type-excludes-email']);
    expect(f[0]!.conditions).toEqual(['dkim-cannot-pass']);
    expect(analyzeSelector(key('s1', `v=DKIM1; s=email:tlsrpt; p=${rsa2048.spki}`)).status).toBe('valid');
  });

  it('invalid record names the tag', () => {
    const f = judge(evidence([key('s1', `k=rsa; v=DKIM1; p=${rsa2048.spki}`, true)]));
    expect(f[0]).toMatchObject({
      key: 'invalid-record',
      data: { tag: 'v' },
      conditions: ['dkim-cannot-pass'],
    });
    const msg = renderTemplate(DKIM_FINDINGS['invalid-record'].message, f[0]!.data);
    expect(msg).toContain('v= must be the first tag');
  });

  it('malformed base64 is invalid-record at p; undecodable DER is invalid-key', () => {
    expect(judge(evidence([key('s1', 'v=DKIM1; p=not*base64', true)]))[0]).toMatchObject({
      key: 'invalid-record',
      data: { tag: 'p' },
    });
    const f = judge(evidence([key('s1', `v=DKIM1; p=${rsa2048.spki.slice(0, 100)}`, true)]));
    expect(f[0]).toMatchObject({ key: 'invalid-key', conditions: ['dkim-cannot-pass'] });
  });

  it('unknown key type', () => {
    const f = judge(evidence([key('s1', 'v=DKIM1; k=dsa; p=AAAA', true)]));
    expect(f[0]).toMatchObject({ key: 'unknown-key-type', data: { keyType: 'dsa' } });
  });

  it('Ed25519 raw key is valid but warns when it is the only kind found', () => {
    const e = evidence([key('ed', `v=DKIM1; k=ed25519; p=${ed.raw}`)]);
    expect(keys(e)).toEqual(['ed25519-only']);
    expect(dkimOutcome(e)).toMatchObject({ canPass: true, validSelectors: ['ed'] });
    expect(keys(evidence([key('ed', `v=DKIM1; k=ed25519; p=${ed.raw}`), key('rsa', good)]))).toEqual([]);
  });

  it('Ed25519 key as SubjectPublicKeyInfo is invalid-key (RFC 8463 4)', () => {
    expect(keys(evidence([key('ed', `v=DKIM1; k=ed25519; p=${ed.spki}`)]))).toContain('invalid-key');
  });

  it('several TXT records at a selector are an error (RFC 6376 6.1.2)', () => {
    const l = lookup('s1', { userGiven: true, records: [txtStrings(good), txtStrings(good)] });
    const f = judge(evidence([l]));
    expect(f[0]).toMatchObject({
      key: 'multiple-records',
      data: { count: 2 },
      conditions: ['dkim-cannot-pass'],
    });
  });

  it('a non-DKIM TXT record at a discovered selector (wildcard) is not a key', () => {
    const e = evidence([key('google', 'v=spf1 -all'), key('k1', 'v=spf1 -all')]);
    expect(keys(e)).toEqual(['no-key-found']);
    expect(analyzeSelector(e.lookups[0]!).ignoredTexts).toEqual(['v=spf1 -all']);
    // At a selector the user named, it is a broken record.
    expect(keys(evidence([key('mine', 'v=spf1 -all', true)]))).toContain('invalid-record');
  });

  it('invalid user-given selectors are reported and count as measured', () => {
    const e = evidence([key('google', good)], { invalidSelectors: ['bad sel'] });
    const f = judge(e);
    expect(f.map((x) => x.key)).toEqual(['invalid-selector']);
    expect(dkimOutcome(e).canPass).toBe(false);
  });

  it('selector-not-found names the CNAME delegation target and its provider', () => {
    const l = lookup('selector1', {
      userGiven: true,
      outcome: 'nxdomain',
      cnameChain: ['selector1-example-com._domainkey.contoso.onmicrosoft.com'],
    });
    const f = judge(evidence([l]))[0]!;
    expect(f.key).toBe('selector-not-found');
    expect(f.evidence).toMatchObject({ delegatedTo: 'Microsoft 365' });
    expect(renderTemplate(DKIM_FINDINGS['selector-not-found'].message, f.data)).toContain(
      'delegated by CNAME to selector1-example-com._domainkey.contoso.onmicrosoft.com (Microsoft 365)',
    );
  });
});

describe('dkim collect (in-memory resolver)', () => {
  const m365 = 'selector1-example-com._domainkey.contoso.onmicrosoft.com';
  const ctx = (zone: ZoneObject) => {
    const resolver = memoryResolver(zone);
    return { resolver, ctx: { probe: memoryProbe(resolver), signal: new AbortController().signal } };
  };

  it('queries user selectors and the discovery list once each, case-insensitively deduplicated', async () => {
    const { resolver, ctx: c } = ctx({ 'mysel._domainkey.example.com': { TXT: [txtStrings(good)] } });
    const e = await dkimCheck.collect(
      { ...target, domain: 'Example.COM.', dkimSelectors: ['MySel', 'mysel', 'Google', 'bad sel'] },
      c,
    );
    expect(e.domain).toBe('example.com');
    expect(e.userSelectors).toEqual(['mysel', 'google']);
    expect(e.invalidSelectors).toEqual(['bad sel']);
    expect(e.discoverySelectors).not.toContain('google');
    expect(resolver.asked.length).toBe(2 + DKIM_DISCOVERY_SELECTORS.length - 1);
    expect(new Set(resolver.asked).size).toBe(resolver.asked.length);
    expect(resolver.asked.every((q) => q.startsWith('TXT ') && q.endsWith('._domainkey.example.com'))).toBe(
      true,
    );
    const mysel = e.lookups.find((l) => l.selector === 'mysel')!;
    expect(mysel).toMatchObject({ userGiven: true, outcome: 'ok' });
    expect(mysel.records[0]!.join('')).toBe(good);
    expect(e.lookups.find((l) => l.selector === 'google')).toMatchObject({
      userGiven: true,
      outcome: 'nxdomain',
    });
  });

  it('uses dkimDomain as d= when given', async () => {
    const { resolver, ctx: c } = ctx({});
    await dkimCheck.collect({ ...target, dkimDomain: 'mail.example.net' }, c);
    expect(resolver.asked.every((q) => q.endsWith('._domainkey.mail.example.net'))).toBe(true);
  });

  it('records the Microsoft 365 CNAME delegation in evidence', async () => {
    const { ctx: c } = ctx({
      'selector1._domainkey.example.com': { CNAME: m365 },
      [m365]: { TXT: [txtStrings(good)] },
      'selector2._domainkey.example.com': {
        CNAME: 'selector2-example-com._domainkey.contoso.onmicrosoft.com',
      },
    });
    const e = await dkimCheck.collect(target, c);
    const s1 = e.lookups.find((l) => l.selector === 'selector1')!;
    expect(s1).toMatchObject({
      outcome: 'ok',
      cnameChain: [m365],
      provider: 'Microsoft 365',
      userGiven: false,
    });
    const s2 = e.lookups.find((l) => l.selector === 'selector2')!;
    expect(s2.outcome).toBe('nxdomain');
    expect(s2.cnameChain).toEqual(['selector2-example-com._domainkey.contoso.onmicrosoft.com']);
    expect(judge(e)).toEqual([]);
    expect(dkimOutcome(e)).toMatchObject({ canPass: true, validSelectors: ['selector1'] });
  });

  it('timeouts are unknown: dns-error, no claim of a missing key', async () => {
    const zone: ZoneObject = {};
    for (const d of DKIM_DISCOVERY_SELECTORS) zone[`${d.selector}._domainkey.example.com`] = 'TIMEOUT';
    zone['mysel._domainkey.example.com'] = 'SERVFAIL';
    const { ctx: c } = ctx(zone);
    const e = await dkimCheck.collect({ ...target, dkimSelectors: ['mysel'] }, c);
    expect(e.lookups.every((l) => l.outcome === 'error')).toBe(true);
    const f = judge(e);
    expect(f.map((x) => x.key)).toEqual(['dns-error']);
    expect(f[0]!.data).toMatchObject({ errors: 'servfail, timeout' });
    expect(dkimOutcome(e).canPass).toBe('unknown');
  });

  it('does not query when the deadline has already passed', async () => {
    const { resolver } = ctx({});
    const ac = new AbortController();
    ac.abort();
    const e = await dkimCheck.collect(target, { probe: memoryProbe(resolver), signal: ac.signal });
    expect(resolver.asked).toEqual([]);
    expect(e.lookups.every((l) => l.outcome === 'error' && l.error === 'timeout')).toBe(true);
  });

  it('evidence is plain JSON (replayable)', async () => {
    const { ctx: c } = ctx({ 'google._domainkey.example.com': { TXT: [txtStrings(good)] } });
    const e = await dkimCheck.collect(target, c);
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  });
});

describe('dkim findings coverage', () => {
  // Runs last in this file: every key judge() produced above is declared in the metadata.
  it('every emitted key is declared, and every declared key was exercised', () => {
    for (const k of emitted) expect(Object.keys(DKIM_FINDINGS)).toContain(k);
    const unexercised = Object.keys(DKIM_FINDINGS).filter((k) => !emitted.has(k));
    expect(unexercised).toEqual([]);
  });
});
