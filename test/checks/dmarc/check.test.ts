import { describe, expect, it } from 'vitest';
import { type DmarcEvidence, dmarcCheck, effectiveDmarc, judgeDmarc } from '../../../checks/dmarc/index.js';
import { parseDmarcRecord } from '../../../checks/dmarc/record.js';
import type { CollectContext } from '../../../src/check.js';
import { renderTemplate } from '../../../src/check.js';
import type { Target } from '../../../src/report.js';
import { memoryProbe, memoryResolver, type ZoneObject } from '../../helpers/memory-resolver.js';

function target(domain: string): Target {
  return { domain, ips: [], profile: 'bulk' };
}

function ctxFor(zone: ZoneObject): CollectContext & { asked: string[] } {
  const dns = memoryResolver(zone);
  // DMARC asks TXT only: the questions by name.
  return { asked: dns.askedNames, signal: new AbortController().signal, probe: memoryProbe(dns) };
}

async function run(domain: string, zone: ZoneObject) {
  const ctx = ctxFor(zone);
  const evidence = await dmarcCheck.collect(target(domain), ctx);
  // Evidence is plain JSON: a replayed run judges the same.
  const replayed = JSON.parse(JSON.stringify(evidence)) as DmarcEvidence;
  const findings = dmarcCheck.judge(replayed, target(domain));
  return { evidence, findings, keys: findings.map((f) => f.key).sort(), asked: ctx.asked };
}

/** Literal evidence for judge(): one record found at the exact name, nothing else. */
function exactEvidence(record: string, domain = 'example.com'): DmarcEvidence {
  const lookup = {
    domain,
    name: `_dmarc.${domain}`,
    roles: ['exact' as const, 'tree-walk' as const],
    dns: 'ok' as const,
    outcome: 'found' as const,
    txt: [record],
    dmarc: [record],
    misplacedVersion: [],
  };
  return {
    domain,
    orgDomainPsl: domain,
    orgDomainTreeWalk: domain,
    treeWalkComplete: true,
    psl: { status: 'found', domain, record },
    treeWalk: { status: 'found', domain, record },
    lookups: [lookup],
    policyDomain: domain,
    record,
    tags: parseDmarcRecord(record).tags,
    source: 'exact',
    reportAuthorizations: [],
  };
}

const keysOf = (ev: DmarcEvidence) =>
  judgeDmarc(ev)
    .map((f) => f.key)
    .sort();

describe('dmarcCheck metadata', () => {
  it('declares id, scope and findings with stable keys, severities and templates', () => {
    expect(dmarcCheck.id).toBe('dmarc');
    expect(dmarcCheck.appliesTo).toEqual(['domain']);
    for (const [key, spec] of Object.entries(dmarcCheck.findings)) {
      expect(key).toMatch(/^[a-z0-9-]+$/);
      expect(spec.title.length).toBeGreaterThan(0);
      expect(spec.fix.length).toBeGreaterThan(0);
    }
    expect(dmarcCheck.findings.missing?.conditions).toEqual(['dmarc-missing']);
    expect(dmarcCheck.findings['multiple-records']?.conditions).toEqual(['dmarc-missing']);
    expect(dmarcCheck.findings['dns-error']).toMatchObject({
      severity: 'unknown',
      conditions: ['dmarc-temperror'],
    });
  });

  it('every key judge() emits is declared, and every template placeholder is filled', async () => {
    const zones: [string, ZoneObject][] = [
      ['example.com', {}],
      ['example.com', { '_dmarc.example.com': 'SERVFAIL' }],
      ['example.com', { '_dmarc.example.com': { TXT: ['p=none; v=DMARC1'] } }],
      ['example.com', { '_dmarc.example.com': { TXT: ['v=DMARC1; p=none', 'v=DMARC1; p=reject'] } }],
      [
        'sub.example.com',
        {
          '_dmarc.example.com': {
            TXT: [
              'v=DMARC1; p=bad; sp=x; pct=20; t=y; foo=1; rua=mailto:a@ext.example.net,https://x.example/; ruf=mailto:b@err.example.org',
            ],
          },
          'example.com._report._dmarc.err.example.org': 'TIMEOUT',
        },
      ],
      ['app.alice.blogspot.com', { '_dmarc.blogspot.com': { TXT: ['v=DMARC1; pct=50; p=quarantine'] } }],
    ];
    for (const [domain, zone] of zones) {
      const { findings } = await run(domain, zone);
      for (const f of findings) {
        const spec = dmarcCheck.findings[f.key];
        expect(spec, f.key).toBeDefined();
        const text = renderTemplate(`${spec?.message} ${spec?.fix}`, f.data);
        expect(text, `${f.key}: ${text}`).not.toMatch(/\{[a-zA-Z0-9_]+\}/);
      }
    }
  });
});

describe('collect + judge against an in-memory resolver', () => {
  it('a complete record at the exact name gives no findings', async () => {
    const { evidence, findings } = await run('example.com', {
      '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject; rua=mailto:dmarc@example.com'] },
    });
    expect(findings).toEqual([]);
    expect(evidence).toMatchObject({
      policyDomain: 'example.com',
      record: 'v=DMARC1; p=reject; rua=mailto:dmarc@example.com',
      source: 'exact',
      orgDomainPsl: 'example.com',
      orgDomainTreeWalk: 'example.com',
      tags: { p: 'reject', adkim: 'r', aspf: 'r', pct: 100, rua: ['mailto:dmarc@example.com'] },
    });
    expect(effectiveDmarc(evidence)).toEqual({
      found: true,
      unknown: false,
      adkim: 'r',
      aspf: 'r',
      p: 'reject',
      policyDomain: 'example.com',
      source: 'exact',
    });
  });

  it('NXDOMAIN everywhere -> missing (error, dmarc-missing), with the record to publish', async () => {
    const { findings, evidence } = await run('mail.example.com', {});
    expect(findings.map((f) => f.key)).toEqual(['missing']);
    const text = renderTemplate(dmarcCheck.findings.missing?.fix ?? '', findings[0]?.data);
    expect(text).toBe(
      'Publish: _dmarc.example.com. TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com"',
    );
    expect(evidence.lookups.map((l) => l.dns)).toEqual(['nxdomain', 'nxdomain', 'nxdomain']);
    expect(effectiveDmarc(evidence)).toMatchObject({ found: false, unknown: false, p: null });
  });

  it('SERVFAIL at _dmarc -> dns-error (unknown, dmarc-temperror), never missing', async () => {
    const { keys, findings, evidence, asked } = await run('example.com', {
      '_dmarc.example.com': 'SERVFAIL',
    });
    expect(keys).toEqual(['dns-error']);
    expect(findings[0]?.data).toMatchObject({ name: '_dmarc.example.com', error: 'servfail' });
    expect(asked).toEqual(['_dmarc.example.com']);
    expect(effectiveDmarc(evidence)).toMatchObject({ found: false, unknown: true });
  });

  it('timeout at the organisational domain -> dns-error, never missing', async () => {
    const { keys, findings } = await run('sub.example.com', { '_dmarc.example.com': 'TIMEOUT' });
    expect(keys).toEqual(['dns-error']);
    expect(findings[0]?.data).toMatchObject({ name: '_dmarc.example.com', error: 'timeout' });
  });

  it('no record by the PSL but a failed tree-walk lookup -> unknown, not missing', async () => {
    const { keys } = await run('sub.example.com', { '_dmarc.com': 'TIMEOUT' });
    expect(keys).toEqual(['dns-error']);
  });

  it('org-domain fallback (RFC 7489 6.6.3): sub.example.com inherits, sp applies', async () => {
    const { keys, evidence, findings } = await run('sub.example.com', {
      '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject; sp=none; rua=mailto:d@example.com'] },
    });
    expect(evidence).toMatchObject({ source: 'org-psl', policyDomain: 'example.com' });
    expect(keys).toEqual(['inherited-from-org-domain', 'policy-none']);
    expect(findings.find((f) => f.key === 'inherited-from-org-domain')?.data).toMatchObject({
      sp: 'none',
      policyDomain: 'example.com',
    });
    expect(effectiveDmarc(evidence)).toMatchObject({ found: true, p: 'none', policyDomain: 'example.com' });
  });

  it('deep name (11 labels): policy from the organisational domain, walk capped at 8 queries', async () => {
    const { evidence, asked, keys } = await run('a.b.c.d.e.f.g.h.i.example.com', {
      '_dmarc.example.com': { TXT: ['v=DMARC1; p=quarantine; rua=mailto:d@example.com'] },
    });
    expect(evidence.source).toBe('org-psl');
    expect(asked).toHaveLength(8);
    expect(keys).toEqual(['inherited-from-org-domain']);
  });

  it('psd=y: a public suffix operator policy found only by the tree walk', async () => {
    const { evidence, keys, findings } = await run('mail.agency.gov.uk', {
      '_dmarc.gov.uk': { TXT: ['v=DMARC1; p=reject; psd=y; rua=mailto:psd@reports.gov.uk'] },
      // reports.gov.uk is its own organisation (gov.uk is a public suffix): it must authorise.
      'gov.uk._report._dmarc.reports.gov.uk': { TXT: ['v=DMARC1'] },
    });
    expect(evidence).toMatchObject({
      source: 'tree-walk',
      policyDomain: 'gov.uk',
      orgDomainPsl: 'agency.gov.uk',
      orgDomainTreeWalk: 'agency.gov.uk',
    });
    expect(keys).toEqual(['inherited-from-org-domain', 'psl-treewalk-disagree']);
    expect(findings.find((f) => f.key === 'psl-treewalk-disagree')?.data).toMatchObject({
      pslPolicy: 'nowhere (no record)',
      walkPolicy: '_dmarc.gov.uk',
    });
  });

  it('PSL and tree walk disagree on a private suffix (blogspot.com)', async () => {
    const { evidence, findings } = await run('app.alice.blogspot.com', {
      '_dmarc.alice.blogspot.com': { TXT: ['v=DMARC1; p=none; rua=mailto:d@alice.blogspot.com'] },
      '_dmarc.blogspot.com': { TXT: ['v=DMARC1; p=reject; rua=mailto:d@blogspot.com'] },
    });
    expect(evidence).toMatchObject({
      source: 'org-psl',
      policyDomain: 'alice.blogspot.com',
      orgDomainPsl: 'alice.blogspot.com',
      orgDomainTreeWalk: 'blogspot.com',
    });
    const f = findings.find((x) => x.key === 'psl-treewalk-disagree');
    expect(f?.data).toMatchObject({ pslOrg: 'alice.blogspot.com', walkOrg: 'blogspot.com' });
  });

  it('several DMARC records at the exact name -> multiple-records, no policy, no missing', async () => {
    const { keys, evidence, findings } = await run('example.com', {
      '_dmarc.example.com': { TXT: ['v=DMARC1; p=none', 'v=DMARC1; p=reject', 'google-site-verification=x'] },
    });
    expect(keys).toEqual(['multiple-records']);
    expect(findings[0]?.data).toMatchObject({ domain: 'example.com', count: 2 });
    expect(evidence.record).toBeNull();
    expect(effectiveDmarc(evidence).found).toBe(false);
  });

  it('v=DMARC1 not first -> version-not-first instead of missing, raising dmarc-missing', async () => {
    const { keys, findings } = await run('example.com', {
      '_dmarc.example.com': { TXT: ['p=reject; v=DMARC1'] },
    });
    expect(keys).toEqual(['version-not-first']);
    expect(findings[0]?.conditions).toEqual(['dmarc-missing']);
  });

  it('v=DMARC1 not first but the org domain has a policy: no dmarc-missing', async () => {
    const { keys, findings } = await run('sub.example.com', {
      '_dmarc.sub.example.com': { TXT: ['p=reject; v=DMARC1'] },
      '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject; rua=mailto:d@example.com'] },
    });
    expect(keys).toEqual(['inherited-from-org-domain', 'version-not-first']);
    expect(findings.find((f) => f.key === 'version-not-first')?.conditions).toBeUndefined();
  });

  describe('external report destinations (RFC 7489 7.1)', () => {
    const record =
      'v=DMARC1; p=reject; rua=mailto:d@example.com,mailto:agg@reports.example.net; ruf=mailto:f@mail.example.com';

    it('without authorisation -> external-destination-unverified', async () => {
      const { keys, asked, findings, evidence } = await run('example.com', {
        '_dmarc.example.com': { TXT: [record] },
      });
      expect(keys).toEqual(['external-destination-unverified']);
      expect(asked).toContain('example.com._report._dmarc.reports.example.net');
      // Same organisation: not asked.
      expect(asked.filter((n) => n.includes('_report'))).toHaveLength(1);
      expect(
        renderTemplate(dmarcCheck.findings['external-destination-unverified']?.fix ?? '', findings[0]?.data),
      ).toBe(
        'Ask the owner of reports.example.net to publish: example.com._report._dmarc.reports.example.net. TXT "v=DMARC1"',
      );
      expect(evidence.reportAuthorizations[0]).toMatchObject({ outcome: 'unauthorized', dns: 'nxdomain' });
    });

    it('with authorisation -> no finding', async () => {
      const { keys, evidence } = await run('example.com', {
        '_dmarc.example.com': { TXT: [record] },
        'example.com._report._dmarc.reports.example.net': { TXT: ['v=DMARC1'] },
      });
      expect(keys).toEqual([]);
      expect(evidence.reportAuthorizations[0]?.outcome).toBe('authorized');
    });

    it('a record not starting v=DMARC1 does not authorise', async () => {
      const { keys } = await run('example.com', {
        '_dmarc.example.com': { TXT: [record] },
        'example.com._report._dmarc.reports.example.net': { TXT: ['ok'] },
      });
      expect(keys).toEqual(['external-destination-unverified']);
    });

    it('a DNS error -> unknown, without the DMARC temperror condition', async () => {
      const { keys, findings } = await run('example.com', {
        '_dmarc.example.com': { TXT: [record] },
        'example.com._report._dmarc.reports.example.net': 'SERVFAIL',
      });
      expect(keys).toEqual(['external-destination-dns-error']);
      expect(findings[0]?.conditions).toBeUndefined();
      expect(dmarcCheck.findings['external-destination-dns-error']).toMatchObject({ severity: 'unknown' });
      expect(dmarcCheck.findings['external-destination-dns-error']?.conditions).toBeUndefined();
    });

    it('for an inherited policy the policy domain is the one that published it', async () => {
      const { asked } = await run('sub.example.com', { '_dmarc.example.com': { TXT: [record] } });
      expect(asked).toContain('example.com._report._dmarc.reports.example.net');
    });
  });
});

describe('judge() with literal evidence', () => {
  it.each([
    ['v=DMARC1; p=reject; rua=mailto:d@example.com', []],
    ['v=DMARC1; p=none; rua=mailto:d@example.com', ['policy-none']],
    ['v=DMARC1; p=reject', ['no-rua']],
    ['v=DMARC1; p=quarantine; pct=25; rua=mailto:d@example.com', ['pct-deprecated', 'pct-partial']],
    ['v=DMARC1; p=none; pct=25; rua=mailto:d@example.com', ['pct-deprecated', 'policy-none']],
    ['v=DMARC1; p=reject; pct=100; rua=mailto:d@example.com', ['pct-deprecated']],
    ['v=DMARC1; p=reject; t=y; rua=mailto:d@example.com', ['testing-mode']],
    ['v=DMARC1; rua=mailto:d@example.com', ['missing-policy', 'policy-none']],
    ['v=DMARC1; p=rejected; rua=mailto:d@example.com', ['invalid-policy', 'policy-none']],
    ['v=DMARC1; p=rejected', ['invalid-policy', 'no-rua']],
    [
      'v=DMARC1; p=reject; adkim=x; aspf=y; rua=mailto:d@example.com',
      ['invalid-tag-value', 'invalid-tag-value'],
    ],
    ['v=DMARC1; p=reject; rua=dmarc@example.com', ['bad-report-uri', 'no-rua']],
    ['v=DMARC1; p=reject; rua=mailto:d@example.com; lol=1', ['unknown-tag']],
  ])('%s -> %j', (record, expected) => {
    expect(keysOf(exactEvidence(record))).toEqual(expected);
  });

  it('invalid p without a valid rua: no policy applies (RFC 7489 6.6.3), raising dmarc-missing', () => {
    const ev = exactEvidence('v=DMARC1; p=rejected');
    const f = judgeDmarc(ev).find((x) => x.key === 'invalid-policy');
    expect(f?.conditions).toEqual(['dmarc-missing']);
    expect(effectiveDmarc(ev)).toMatchObject({ found: false, p: null });
  });

  it('invalid p with a valid rua reads as p=none', () => {
    const ev = exactEvidence('v=DMARC1; p=rejected; rua=mailto:d@example.com');
    expect(judgeDmarc(ev).find((x) => x.key === 'invalid-policy')?.conditions).toBeUndefined();
    expect(effectiveDmarc(ev)).toMatchObject({ found: true, p: 'none' });
  });

  it('names each bad tag', () => {
    const fs = judgeDmarc(exactEvidence('v=DMARC1; p=reject; adkim=x; aspf=y; rua=mailto:d@example.com'));
    expect(fs.map((f) => f.data?.tag)).toEqual(['adkim', 'aspf']);
  });

  it('effectiveDmarc exposes alignment modes', () => {
    expect(effectiveDmarc(exactEvidence('v=DMARC1; p=reject; adkim=s; aspf=r'))).toMatchObject({
      adkim: 's',
      aspf: 'r',
    });
  });
});

describe('records where receivers following the RFCs disagree with lenient ones (issue 14)', () => {
  const RUA = 'rua=mailto:d@example.com';
  it.each([
    // RFC 7489 6.3/6.4, RFC 9989 4.7/4.8: the value "DMARC1" is case-sensitive; the record is ignored.
    ['v=dmarc1; p=reject', ['version-case'], { found: false }, ['dmarc-missing']],
    // RFC 7489 6.6.3 step 3, RFC 9989 4.10 step 2: records not starting with the v tag are discarded.
    [' v=DMARC1; p=reject', ['version-leading-space'], { found: false }, ['dmarc-missing']],
    // RFC 7489 6.6.3 step 6, RFC 9989 4.10.1: an invalid sp or np, no valid rua -> no DMARC at all.
    [
      'v=DMARC1; p=reject; sp=invalid',
      ['invalid-subdomain-policy', 'no-rua'],
      { found: false, p: null },
      ['dmarc-missing'],
    ],
    [
      'v=DMARC1; p=reject; np=bogus',
      ['invalid-subdomain-policy', 'no-rua'],
      { found: false },
      ['dmarc-missing'],
    ],
    // ... with a valid rua -> read as p=none.
    [
      `v=DMARC1; p=reject; sp=invalid; ${RUA}`,
      ['invalid-subdomain-policy', 'policy-none'],
      { found: true, p: 'none' },
      [],
    ],
    // RFC 7489 6.2/6.3, RFC 9989 4.7: any URI is valid, a valid rua for 6.6.3 step 6 too.
    [
      'v=DMARC1; p=rejected; rua=https://r.example.com/dmarc',
      ['invalid-policy', 'policy-none', 'report-uri-scheme'],
      { found: true, p: 'none' },
      [],
    ],
    [
      `v=DMARC1; p=reject; ${RUA}; ruf=https://r.example.com/f`,
      ['report-uri-scheme'],
      { found: true, p: 'reject' },
      [],
    ],
    // RFC 9989 4.7: fo options 0 and 1 are mutually exclusive.
    [`v=DMARC1; p=reject; ${RUA}; fo=0:1`, ['invalid-tag-value'], { found: true, p: 'reject' }, []],
    // RFC 7489 6.4: v then p; RFC 9989 4.8 allows any order, so the policy still applies.
    [`v=DMARC1; sp=none; p=reject; ${RUA}`, ['policy-not-second'], { found: true, p: 'reject' }, []],
    // RFC 9989 Appendix C: rf and ri are removed.
    [`v=DMARC1; p=reject; ${RUA}; ri=86400; rf=afrf`, ['removed-tag', 'removed-tag'], { p: 'reject' }, []],
  ])('%j -> %j', async (record, keys, effective, conditions) => {
    const {
      keys: got,
      findings,
      evidence,
    } = await run('example.com', { '_dmarc.example.com': { TXT: [record] } });
    expect(got).toEqual(keys);
    expect(effectiveDmarc(evidence)).toMatchObject(effective);
    expect([...new Set(findings.flatMap((f) => f.conditions ?? []))]).toEqual(conditions);
  });

  it('v=dmarc1: the fix gives the record back with the version written right, and says some receivers ignore case', async () => {
    const { findings } = await run('example.com', {
      '_dmarc.example.com': { TXT: ['v=dmarc1; p=reject; rua=mailto:d@example.com'] },
    });
    const f = findings[0];
    const spec = dmarcCheck.findings['version-case'];
    expect(spec?.severity).toBe('error');
    expect(renderTemplate(spec?.fix ?? '', f?.data)).toBe(
      'Write the version exactly "v=DMARC1": _dmarc.example.com. TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"',
    );
    expect(renderTemplate(spec?.message ?? '', f?.data)).toMatch(/starts with "v=dmarc1".*without case/);
  });

  it('a leading space: the fix removes it', async () => {
    const { findings } = await run('example.com', { '_dmarc.example.com': { TXT: ['  v=DMARC1; p=none'] } });
    expect(renderTemplate(dmarcCheck.findings['version-leading-space']?.fix ?? '', findings[0]?.data)).toBe(
      'Remove the leading space: _dmarc.example.com. TXT "v=DMARC1; p=none"',
    );
  });

  it('v=dmarc1 at the exact name but a valid organisational record: that one applies, no dmarc-missing', async () => {
    const { keys, findings, evidence } = await run('sub.example.com', {
      '_dmarc.sub.example.com': { TXT: ['v=dmarc1; p=none'] },
      '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject; rua=mailto:d@example.com'] },
    });
    expect(keys).toEqual(['inherited-from-org-domain', 'version-case']);
    expect(findings.find((f) => f.key === 'version-case')?.conditions).toBeUndefined();
    expect(effectiveDmarc(evidence)).toMatchObject({ found: true, p: 'reject', policyDomain: 'example.com' });
  });

  it('an invalid sp with no valid rua raises dmarc-missing: the missing-DMARC replies', () => {
    const f = judgeDmarc(exactEvidence('v=DMARC1; p=reject; sp=invalid')).find(
      (x) => x.key === 'invalid-subdomain-policy',
    );
    expect(f?.conditions).toEqual(['dmarc-missing']);
    expect(renderTemplate(dmarcCheck.findings['invalid-subdomain-policy']?.message ?? '', f?.data)).toBe(
      'sp=invalid in the record at _dmarc.example.com is not none, quarantine or reject. With no valid rua either, receivers apply no DMARC policy at all (RFC 7489 6.6.3, RFC 9989 4.10.1)',
    );
  });

  it.each([
    ['pct=150', 'The record uses pct=150;'],
    ['pct=050', 'The record uses pct=050;'],
    ['pct=25', 'The record uses pct=25;'],
  ])('%s is reported as written', (pct, text) => {
    const f = judgeDmarc(exactEvidence(`v=DMARC1; p=reject; rua=mailto:d@example.com; ${pct}`)).find(
      (x) => x.key === 'pct-deprecated',
    );
    expect(renderTemplate(dmarcCheck.findings['pct-deprecated']?.message ?? '', f?.data)).toContain(text);
  });

  it('https report URIs are not called invalid', () => {
    const fs = judgeDmarc(exactEvidence('v=DMARC1; p=reject; rua=https://r.example.com/a'));
    expect(fs.map((f) => f.key)).toEqual(['report-uri-scheme']);
    expect(renderTemplate(dmarcCheck.findings['report-uri-scheme']?.message ?? '', fs[0]?.data)).toBe(
      'rua URI "https://r.example.com/a" at _dmarc.example.com is a valid https URI, but receivers are only required to support mailto (RFC 7489 6.2, RFC 9989 4.7) and ignore schemes they do not support, so most send no reports there.',
    );
  });

  it('t=y on p=none is not reported: it has no effect on a none policy (RFC 9989 4.7)', () => {
    expect(keysOf(exactEvidence('v=DMARC1; p=none; t=y; rua=mailto:d@example.com'))).toEqual(['policy-none']);
  });
});
