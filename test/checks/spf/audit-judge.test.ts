/**
 * judge() table tests with literal evidence (valid: no findings; invalid: the findings expected),
 * in the style of typescript-eslint rule tests.
 */
import { describe, expect, it } from 'vitest';
import {
  judgeSpf,
  SPF_FINDINGS,
  type SpfEvidence,
  type SpfIpResult,
  spfCheck,
} from '../../../checks/spf/index.js';
import type { SpfAuditNode } from '../../../checks/spf/tree.js';
import { renderTemplate } from '../../../src/check.js';

type NodeInput = Partial<SpfAuditNode> & { domain: string };

/** A fetched node with one SPF record; everything else defaults to "nothing there". */
function node(id: number, input: NodeInput): SpfAuditNode {
  return {
    id,
    parent: null,
    chain: [input.domain],
    via: 'root',
    status: 'fetched',
    dns: { kind: 'ok' },
    txt: input.record ? [[input.record]] : [],
    txtCount: input.record ? 1 : 0,
    answerBytes: input.record ? input.record.length + 1 : 0,
    spf: input.record ? 'one' : 'none',
    terms: [],
    lookups: 0,
    subtreeLookups: 0,
    voidLookups: 0,
    subtreeVoidLookups: 0,
    ranges: [],
    dependsOn: { a: [], mx: [] },
    targets: [],
    children: [],
    ...input,
  };
}

function evidence(nodes: SpfAuditNode[], extra: Partial<SpfEvidence> = {}): SpfEvidence {
  const root = nodes[0]!;
  return {
    domain: root.domain,
    record: root.record ?? null,
    nodes,
    tree: {
      domain: root.domain,
      status: root.status,
      lookups: 0,
      subtreeLookups: 0,
      ranges: [],
      children: [],
    },
    totalLookups: root.subtreeLookups,
    totalVoidLookups: root.subtreeVoidLookups,
    worstChain: [root.domain],
    truncated: false,
    incomplete: false,
    ipResults: [],
    ...extra,
  };
}

const minusAll = {
  text: '-all',
  position: 7,
  kind: 'mechanism' as const,
  name: 'all',
  qualifier: '-' as const,
};
const root = (record: string, more: Partial<SpfAuditNode> = {}) =>
  node(0, { domain: 'example.com', record, terms: [minusAll], all: '-', ...more });

const ip = (result: SpfIpResult['result'], more: Partial<SpfIpResult> = {}): SpfIpResult => ({
  ip: '192.0.2.10',
  domain: 'example.com',
  sender: 'postmaster@example.com',
  helo: 'example.com',
  result,
  ...more,
});

interface Invalid {
  name: string;
  evidence: SpfEvidence;
  /** Expected [key, data subset] in order. */
  findings: [string, Record<string, unknown>?][];
}

const valid: { name: string; evidence: SpfEvidence }[] = [
  { name: '"-all" only', evidence: evidence([root('v=spf1 -all')]) },
  {
    name: '8 lookups, one void-free include',
    evidence: evidence([root('v=spf1 include:a.example -all', { lookups: 8, subtreeLookups: 8 })]),
  },
  { name: 'IP passes', evidence: evidence([root('v=spf1 -all')], { ipResults: [ip('pass')] }) },
  {
    name: '"-ip4:0.0.0.0/0" is not an authorisation',
    evidence: evidence([
      root('v=spf1 -ip4:0.0.0.0/0 -all', {
        terms: [
          {
            text: '-ip4:0.0.0.0/0',
            position: 7,
            kind: 'mechanism',
            name: 'ip4',
            qualifier: '-',
            ip: '0.0.0.0',
            cidr4: 0,
          },
          minusAll,
        ],
      }),
    ]),
  },
  {
    name: '"+all" after "all" is dead (RFC 7208 5.1)',
    evidence: evidence([
      root('v=spf1 -all +all', {
        terms: [
          minusAll,
          { text: '+all', position: 12, kind: 'mechanism', name: 'all', qualifier: '+', dead: true },
        ],
      }),
    ]),
  },
];

const invalid: Invalid[] = [
  {
    name: 'no record',
    evidence: evidence([node(0, { domain: 'example.com', dns: { kind: 'nxdomain' } })]),
    findings: [['missing', { domain: 'example.com' }]],
  },
  {
    name: 'root TXT SERVFAIL: dns-error only, never missing',
    evidence: evidence(
      [
        node(0, {
          domain: 'example.com',
          dns: { kind: 'error', error: 'servfail', detail: 'x' },
          spf: 'unknown',
        }),
      ],
      { ipResults: [ip('temperror', { problem: 'DNS error' })] },
    ),
    findings: [['dns-error', { type: 'TXT', name: 'example.com', error: 'servfail' }]],
  },
  {
    name: 'two records',
    evidence: evidence([
      node(0, { domain: 'example.com', spf: 'many', spfRecords: ['v=spf1 -all', 'v=spf1 ~all'] }),
    ]),
    findings: [['multiple-records', { count: 2 }]],
  },
  {
    name: 'syntax error',
    evidence: evidence([
      node(0, {
        domain: 'example.com',
        record: 'v=spf1 ip4:1.2.3 -all',
        parseError: { message: 'invalid ip4 address "1.2.3"', term: 'ip4:1.2.3', position: 7 },
      }),
    ]),
    findings: [['syntax-error', { term: 'ip4:1.2.3', position: 7 }]],
  },
  {
    name: '11 lookups',
    evidence: evidence([root('v=spf1 include:big.example -all', { lookups: 1, subtreeLookups: 11 })], {
      worstChain: ['example.com', 'big.example'],
    }),
    findings: [['too-many-lookups', { count: 11, limit: 10, chain: 'example.com -> big.example' }]],
  },
  {
    name: '9 lookups is near the limit',
    evidence: evidence([root('v=spf1 include:big.example -all', { lookups: 1, subtreeLookups: 9 })]),
    findings: [['lookups-near-limit', { count: 9 }]],
  },
  {
    name: '3 void lookups',
    evidence: evidence([
      root('v=spf1 a:x.example a:y.example a:z.example -all', {
        voidLookups: 3,
        subtreeVoidLookups: 3,
        targets: ['x', 'y', 'z'].map((n) => ({
          term: `a:${n}.example`,
          mechanism: 'a' as const,
          name: `${n}.example`,
          dependsOnSender: false,
          queries: [],
          void: true,
        })),
      }),
    ]),
    findings: [['too-many-void-lookups', { count: 3, terms: 'x.example, y.example, z.example' }]],
  },
  {
    name: 'include target timed out: dns-error for the branch, not include-not-found',
    evidence: evidence([
      root('v=spf1 include:slow.example -all', { children: [1] }),
      node(1, {
        domain: 'slow.example',
        parent: 0,
        chain: ['example.com', 'slow.example'],
        via: 'include',
        viaTerm: 'include:slow.example',
        dns: { kind: 'error', error: 'timeout', detail: 'x' },
        spf: 'unknown',
      }),
    ]),
    findings: [['dns-error', { name: 'slow.example', chain: 'example.com -> slow.example' }]],
  },
  {
    name: 'include loop',
    evidence: evidence([
      root('v=spf1 include:example.com -all', { children: [1] }),
      node(1, {
        domain: 'example.com',
        parent: 0,
        chain: ['example.com', 'example.com'],
        via: 'include',
        viaTerm: 'include:example.com',
        status: 'loop',
      }),
    ]),
    findings: [['include-loop', { term: 'include:example.com', parent: 'example.com' }]],
  },
  {
    name: '?all in the root, no all in an include (no finding for the include)',
    evidence: evidence([
      root('v=spf1 include:esp.example ?all', {
        all: '?',
        children: [1],
        terms: [{ text: '?all', position: 24, kind: 'mechanism', name: 'all', qualifier: '?' }],
      }),
      node(1, {
        domain: 'esp.example',
        parent: 0,
        chain: ['example.com', 'esp.example'],
        via: 'include',
        viaTerm: 'include:esp.example',
        record: 'v=spf1 ip4:192.0.2.0/24',
      }),
    ]),
    findings: [['neutral-all', { suggested: 'v=spf1 include:esp.example ~all' }]],
  },
  {
    name: 'ip6 /24 is broad',
    evidence: evidence([
      root('v=spf1 ip6:2001:db8::/24 -all', {
        terms: [
          {
            text: 'ip6:2001:db8::/24',
            position: 7,
            kind: 'mechanism',
            name: 'ip6',
            qualifier: '+',
            ip: '2001:db8::',
            cidr6: 24,
          },
          minusAll,
        ],
      }),
    ]),
    findings: [['broad-range', { prefix: 24, limit: 32, addresses: '2^104' }]],
  },
  {
    name: 'no all, no redirect',
    evidence: evidence([root('v=spf1 mx', { terms: [], all: undefined })]),
    findings: [['no-all', { suggested: 'v=spf1 mx -all' }]],
  },
  {
    name: 'answer over 512 bytes',
    evidence: evidence([root('v=spf1 -all', { answerBytes: 600 })]),
    findings: [['record-too-long', { bytes: 600, limit: 512 }]],
  },
  {
    name: 'IP results: fail, softfail, permerror, temperror',
    evidence: evidence([root('v=spf1 -all')], {
      ipResults: [
        ip('fail'),
        ip('softfail', { ip: '2001:db8::1' }),
        ip('permerror', { ip: '192.0.2.11', problem: 'too many DNS lookups' }),
        ip('temperror', { ip: '192.0.2.12', problem: 'DNS timeout' }),
      ],
    }),
    findings: [
      ['ip-not-authorised', { ip: '192.0.2.10', term: 'ip4:192.0.2.10' }],
      ['ip-not-pass', { ip: '2001:db8::1', result: 'softfail', term: 'ip6:2001:db8::1' }],
      ['ip-permerror', { problem: 'too many DNS lookups' }],
      ['ip-temperror', { problem: 'DNS timeout' }],
    ],
  },
  {
    name: 'IP result none is not repeated when the record is missing',
    evidence: evidence([node(0, { domain: 'example.com', dns: { kind: 'nodata' } })], {
      ipResults: [ip('none')],
    }),
    findings: [['missing']],
  },
  {
    name: 'IP result none for another sender domain (mailFrom) is reported',
    evidence: evidence([root('v=spf1 -all')], {
      ipResults: [ip('none', { domain: 'bounce.example.com', sender: 'b@bounce.example.com' })],
    }),
    findings: [['ip-not-pass', { result: 'none', domain: 'bounce.example.com' }]],
  },
];

describe('judgeSpf: valid evidence gives no findings', () => {
  for (const c of valid) {
    it(c.name, () => {
      expect(judgeSpf(c.evidence)).toEqual([]);
    });
  }
});

describe('judgeSpf: invalid evidence', () => {
  for (const c of invalid) {
    it(c.name, () => {
      const got = judgeSpf(c.evidence);
      expect(got.map((f) => f.key)).toEqual(c.findings.map(([k]) => k));
      c.findings.forEach(([, data], i) => {
        if (data) expect(got[i]?.data).toMatchObject(data);
      });
    });
  }
});

describe('SPF findings metadata', () => {
  it('spfCheck declares the findings, with id spf and appliesTo domain', () => {
    expect(spfCheck.id).toBe('spf');
    expect(spfCheck.appliesTo).toEqual(['domain']);
    expect(spfCheck.findings).toBe(SPF_FINDINGS);
  });

  it('every emitted finding is declared and its templates are fully filled', () => {
    const all = [...valid, ...invalid].flatMap((c) => judgeSpf(c.evidence));
    const emitted = new Set(all.map((f) => f.key));
    expect(emitted.size).toBeGreaterThan(15);
    for (const f of all) {
      const spec = SPF_FINDINGS[f.key as keyof typeof SPF_FINDINGS];
      expect(spec, f.key).toBeDefined();
      for (const template of [spec.message, spec.fix, spec.title]) {
        expect(renderTemplate(template, f.data), `${f.key}: ${template}`).not.toMatch(/\{[a-zA-Z0-9_]+\}/);
      }
    }
  });

  it('unknown-severity findings raise spf-temperror; cannot-pass errors raise spf-cannot-pass', () => {
    for (const [key, spec] of Object.entries(SPF_FINDINGS)) {
      const conditions: readonly string[] = 'conditions' in spec ? spec.conditions : [];
      if (spec.severity === 'unknown') expect(conditions, key).toEqual(['spf-temperror']);
      else expect(conditions, key).not.toContain('spf-temperror');
    }
    expect(SPF_FINDINGS.missing.conditions).toContain('spf-cannot-pass');
    expect(SPF_FINDINGS['include-not-found'].conditions).toEqual(['spf-suspicious', 'spf-cannot-pass']);
  });
});
