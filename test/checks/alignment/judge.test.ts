/**
 * The alignment check's judgement, table-driven: literal spf, dkim and dmarc check results
 * in, finding keys and the evidence's reasoning out. No DNS: the results are what those
 * checks would have reported.
 */
import { describe, expect, it } from 'vitest';
import { type AuthenticationEvidence, alignmentCheck } from '../../../checks/alignment/index.js';
import type { DkimEvidence, DkimSelectorLookup } from '../../../checks/dkim/index.js';
import type { DmarcLookup } from '../../../checks/dmarc/discover.js';
import type { DmarcEvidence } from '../../../checks/dmarc/index.js';
import { parseDmarcRecord } from '../../../checks/dmarc/record.js';
import type { SpfEvidence } from '../../../checks/spf/index.js';
import type { SpfResult } from '../../../checks/spf/types.js';
import type { CheckResult, Target } from '../../../src/report.js';
import { rsaKey, txtStrings } from '../dkim/keys.js';

const FROM = 'example.com';
const IP = '192.0.2.10';
const rsa = rsaKey(2048);

function result(id: string, evidence: unknown, findingIds: string[] = []): CheckResult {
  const findings = findingIds.map((fid) => ({
    id: fid,
    severity: 'error' as const,
    title: fid,
    message: fid,
    evidence: {},
    remediation: '',
    predictedReplies: [],
  }));
  return { id, title: id, status: findings.length > 0 ? 'fail' : 'pass', findings, evidence };
}

/** An spf check result: the check_host() result per IP, and the policy findings it reported. */
function spf(perIp: SpfResult[], findingIds: string[] = [], domain = FROM): CheckResult {
  const evidence: SpfEvidence = {
    domain,
    record: 'v=spf1 -all',
    nodes: [],
    tree: { domain, status: 'fetched', lookups: 0, subtreeLookups: 0, ranges: [], children: [] },
    totalLookups: 0,
    totalVoidLookups: 0,
    worstChain: [domain],
    truncated: false,
    incomplete: false,
    ipResults: perIp.map((r, i) => ({
      ip: `192.0.2.${10 + i}`,
      domain,
      sender: `postmaster@${domain}`,
      helo: domain,
      result: r,
    })),
  };
  return result('spf', evidence, findingIds);
}

type SelectorState = 'valid' | 'nxdomain' | 'timeout';

/** A dkim check result for d=`domain`: one user-given selector in the given state. */
function dkim(state: SelectorState, domain = FROM): CheckResult {
  const name = `s1._domainkey.${domain}`;
  const lookup: DkimSelectorLookup =
    state === 'valid'
      ? {
          selector: 's1',
          name,
          userGiven: true,
          outcome: 'ok',
          cnameChain: [],
          records: [txtStrings(`v=DKIM1; k=rsa; p=${rsa.spki}`)],
        }
      : state === 'nxdomain'
        ? { selector: 's1', name, userGiven: true, outcome: 'nxdomain', cnameChain: [], records: [] }
        : {
            selector: 's1',
            name,
            userGiven: true,
            outcome: 'error',
            error: 'timeout',
            detail: 'no answer',
            cnameChain: [],
            records: [],
          };
  const evidence: DkimEvidence = {
    domain,
    userSelectors: ['s1'],
    invalidSelectors: [],
    userSelectorsDropped: 0,
    discoverySelectors: [],
    lookups: [lookup],
  };
  return result('dkim', evidence);
}

function dmarcLookup(outcome: DmarcLookup['outcome'], record?: string): DmarcLookup {
  return {
    domain: FROM,
    name: `_dmarc.${FROM}`,
    roles: ['exact', 'tree-walk'],
    dns: outcome === 'error' ? 'error' : outcome === 'none' ? 'nxdomain' : 'ok',
    ...(outcome === 'error' ? { error: 'timeout' as const, detail: 'no answer' } : {}),
    outcome,
    txt: record ? [record] : [],
    dmarc: record ? [record] : [],
    misplacedVersion: [],
  };
}

/** A dmarc check result: the record at _dmarc.example.com, none, or a lookup that timed out. */
function dmarc(record: string | 'none' | 'temperror'): CheckResult {
  const base = { domain: FROM, orgDomainPsl: FROM, reportAuthorizations: [] };
  let evidence: DmarcEvidence;
  if (record === 'none' || record === 'temperror') {
    const status = record === 'none' ? 'none' : 'error';
    evidence = {
      ...base,
      orgDomainTreeWalk: null,
      treeWalkComplete: record === 'none',
      psl: { status, domain: FROM },
      treeWalk: record === 'none' ? { status: 'none' } : { status: 'error', domain: FROM },
      lookups: [dmarcLookup(record === 'none' ? 'none' : 'error')],
      policyDomain: null,
      record: null,
      tags: null,
      source: null,
    };
  } else {
    evidence = {
      ...base,
      orgDomainTreeWalk: FROM,
      treeWalkComplete: true,
      psl: { status: 'found', domain: FROM, record },
      treeWalk: { status: 'found', domain: FROM, record },
      lookups: [dmarcLookup('found', record)],
      policyDomain: FROM,
      record,
      tags: parseDmarcRecord(record).tags,
      source: 'exact',
    };
  }
  return result('dmarc', evidence);
}

const RELAXED = 'v=DMARC1; p=reject';
const STRICT_SPF = 'v=DMARC1; p=reject; aspf=s';
const STRICT_DKIM = 'v=DMARC1; p=reject; adkim=s';

interface Row {
  name: string;
  target?: Partial<Target>;
  results: CheckResult[];
  keys: string[];
  dmarcPass: AuthenticationEvidence['dmarcPass'];
  /** Lines the evidence's reasoning must hold. */
  reasoning?: string[];
}

const ROWS: Row[] = [
  {
    name: 'SPF passes for the From domain itself (relaxed)',
    results: [spf(['pass']), dkim('nxdomain'), dmarc(RELAXED)],
    keys: [],
    dmarcPass: true,
    reasoning: [`SPF for MAIL FROM ${FROM}: SPF passes for ${IP}; aligned with ${FROM}`, 'DMARC would pass'],
  },
  {
    name: 'SPF for a subdomain MAIL FROM aligns under relaxed aspf (RFC 7489 3.1.2)',
    target: { mailFrom: 'bounce.example.com' },
    results: [spf(['pass'], [], 'bounce.example.com'), dkim('nxdomain'), dmarc(RELAXED)],
    keys: [],
    dmarcPass: true,
    reasoning: ['SPF for MAIL FROM bounce.example.com: SPF passes for 192.0.2.10; aligned with example.com'],
  },
  {
    name: 'SPF for a subdomain MAIL FROM does not align under aspf=s (RFC 7489 3.1.2)',
    target: { mailFrom: 'bounce.example.com' },
    results: [spf(['pass'], [], 'bounce.example.com'), dkim('nxdomain'), dmarc(STRICT_SPF)],
    keys: ['not-aligned', 'spf-not-aligned'],
    dmarcPass: false,
    reasoning: [
      'DMARC policy p=reject from example.com (aspf=s, adkim=r)',
      'DMARC would fail: no aligned pass',
    ],
  },
  {
    name: 'SPF with the exact From domain aligns under aspf=s',
    results: [spf(['pass']), dkim('nxdomain'), dmarc(STRICT_SPF)],
    keys: [],
    dmarcPass: true,
  },
  {
    name: 'DKIM d= of a subdomain aligns under relaxed adkim (RFC 7489 3.1.1)',
    target: { dkimDomain: 'mail.example.com' },
    results: [spf(['fail']), dkim('valid', 'mail.example.com'), dmarc(RELAXED)],
    keys: [],
    dmarcPass: true,
    reasoning: ['DKIM for d=mail.example.com: DKIM can pass (valid key at s1); aligned with example.com'],
  },
  {
    name: 'DKIM d= of a subdomain does NOT align under adkim=s (RFC 7489 3.1.1)',
    target: { dkimDomain: 'mail.example.com' },
    results: [spf(['fail']), dkim('valid', 'mail.example.com'), dmarc(STRICT_DKIM)],
    keys: ['not-aligned', 'dkim-not-aligned'],
    dmarcPass: false,
    reasoning: ['DKIM for d=mail.example.com: DKIM can pass (valid key at s1); not aligned with example.com'],
  },
  {
    name: 'DKIM d= equal to the From domain aligns under adkim=s',
    results: [spf(['fail']), dkim('valid'), dmarc(STRICT_DKIM)],
    keys: [],
    dmarcPass: true,
  },
  {
    name: 'neither SPF nor DKIM can pass',
    results: [spf(['fail']), dkim('nxdomain'), dmarc(RELAXED)],
    keys: ['unauthenticated'],
    dmarcPass: false,
    reasoning: [
      `SPF for MAIL FROM ${FROM}: SPF does not pass for ${IP} (fail); aligned with ${FROM}`,
      `DKIM for d=${FROM}: DKIM cannot pass (no valid key at the selectors given); aligned with ${FROM}`,
    ],
  },
  {
    name: 'MAIL FROM of another organisation never aligns, even relaxed; DKIM carries DMARC',
    target: { mailFrom: 'esp.example.net' },
    results: [spf(['pass'], [], 'esp.example.net'), dkim('valid'), dmarc(RELAXED)],
    keys: ['spf-not-aligned'],
    dmarcPass: true,
    reasoning: ['SPF for MAIL FROM esp.example.net: SPF passes for 192.0.2.10; not aligned with example.com'],
  },
  {
    name: 'MAIL FROM of another organisation and no DKIM: SPF passes but nothing aligns',
    target: { mailFrom: 'esp.example.net' },
    results: [spf(['pass'], [], 'esp.example.net'), dkim('nxdomain'), dmarc(RELAXED)],
    keys: ['not-aligned', 'spf-not-aligned'],
    dmarcPass: false,
  },
  {
    name: 'SPF temperror with DKIM failing is undetermined, never unauthenticated',
    results: [spf(['temperror']), dkim('nxdomain'), dmarc(RELAXED)],
    keys: ['undetermined'],
    dmarcPass: 'unknown',
    reasoning: ['DMARC outcome undetermined'],
  },
  {
    name: 'DKIM lookup timeout with SPF failing is undetermined',
    results: [spf(['fail']), dkim('timeout'), dmarc(RELAXED)],
    keys: ['undetermined'],
    dmarcPass: 'unknown',
  },
  {
    name: 'an aligned pass wins over an unknown other half',
    results: [spf(['pass']), dkim('timeout'), dmarc(RELAXED)],
    keys: [],
    dmarcPass: true,
  },
  {
    name: 'SPF check that failed to run is unknown, not a failure',
    results: [
      { ...result('spf', undefined), status: 'unknown', error: 'check spf failed: boom' },
      dkim('nxdomain'),
      dmarc(RELAXED),
    ],
    keys: ['undetermined'],
    dmarcPass: 'unknown',
    reasoning: [`SPF for MAIL FROM ${FROM}: the SPF check did not run or failed; aligned with ${FROM}`],
  },
  {
    name: 'no DKIM check result at all is unknown',
    results: [spf(['fail']), dmarc(RELAXED)],
    keys: ['undetermined'],
    dmarcPass: 'unknown',
    reasoning: [`DKIM for d=${FROM}: the DKIM check did not run or failed; aligned with ${FROM}`],
  },
  {
    name: 'no IP given: a policy that cannot pass (spf/missing) means SPF cannot pass',
    target: { ips: [] },
    results: [spf([], ['spf/missing']), dkim('nxdomain'), dmarc(RELAXED)],
    keys: ['unauthenticated'],
    dmarcPass: false,
    reasoning: [`SPF for MAIL FROM ${FROM}: the SPF policy cannot pass (spf/missing); aligned with ${FROM}`],
  },
  {
    name: 'no IP given: an SPF record that could not be read is unknown',
    target: { ips: [] },
    results: [spf([], ['spf/dns-error']), dkim('nxdomain'), dmarc(RELAXED)],
    keys: ['undetermined'],
    dmarcPass: 'unknown',
  },
  {
    name: 'no IP given and a MAIL FROM of its own: the audited SPF is not the one checked',
    target: { ips: [], mailFrom: 'bounce.example.com' },
    results: [spf([]), dkim('nxdomain'), dmarc(RELAXED)],
    keys: ['undetermined'],
    dmarcPass: 'unknown',
  },
  {
    name: 'no DMARC record: relaxed alignment is assumed',
    target: { mailFrom: 'bounce.example.com' },
    results: [spf(['pass'], [], 'bounce.example.com'), dkim('nxdomain'), dmarc('none')],
    keys: [],
    dmarcPass: true,
    reasoning: ['no DMARC policy; relaxed alignment assumed'],
  },
  {
    name: 'DMARC lookup temperror: relaxed alignment assumed, policy reported as unknown',
    results: [spf(['pass']), dkim('nxdomain'), dmarc('temperror')],
    keys: [],
    dmarcPass: true,
    reasoning: ['DMARC policy could not be read; relaxed alignment assumed'],
  },
];

function derive(row: Row) {
  const target: Target = { domain: FROM, ips: [IP], profile: 'transactional', ...row.target };
  const results = Object.fromEntries(row.results.map((r) => [r.id, r]));
  return alignmentCheck.derive(target, results);
}

describe('alignment judge', () => {
  it.each(ROWS.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const { evidence, findings } = derive(row);
    expect(findings.map((f) => f.key)).toEqual(row.keys);
    expect(evidence.dmarcPass).toBe(row.dmarcPass);
    for (const line of row.reasoning ?? []) expect(evidence.reasoning).toContain(line);
    // Every finding carries the reasoning, so a reader sees why.
    for (const f of findings) expect(f.evidence).toEqual({ reasoning: evidence.reasoning });
  });

  it('a measured DMARC policy is published with its modes; a failed lookup as unknown', () => {
    const strictSpf = ROWS.find((r) => r.name.includes('under aspf=s (')) as Row;
    expect(derive(strictSpf).evidence.dmarc).toEqual({
      found: true,
      policyDomain: FROM,
      p: 'reject',
      aspf: 's',
      adkim: 'r',
    });
    const temperror = ROWS.find((r) => r.name.startsWith('DMARC lookup temperror')) as Row;
    expect(derive(temperror).evidence.dmarc.found).toBe('unknown');
  });

  it('an input that could not be measured never yields a failing finding', () => {
    for (const row of ROWS.filter((r) => r.dmarcPass === 'unknown')) {
      const keys = derive(row).findings.map((f) => f.key);
      expect(keys).not.toContain('unauthenticated');
      expect(keys).not.toContain('not-aligned');
    }
  });
});
