import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../src/check.js';
import { CONDITION_INFO } from '../../src/replies/conditions.js';
import {
  compareEnhanced,
  KNOWN_CODES,
  predictReplies,
  REPLY_TABLE,
  ROWLESS_CONDITIONS,
  summarizeReplies,
} from '../../src/replies/index.js';
import type { Finding, PredictedReply } from '../../src/report.js';

/** The Condition union as written in src/check.ts, so conditions added later are covered too. */
function conditionsInSource(): string[] {
  const src = readFileSync(new URL('../../src/check.ts', import.meta.url), 'utf8');
  const m = /export type Condition\s*=([^;]+);/.exec(src);
  if (!m?.[1]) throw new Error('Condition union not found in src/check.ts');
  return [...m[1].matchAll(/'([a-z0-9-]+)'/g)].map((x) => x[1]!);
}

const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3}$/;

describe('reply table rows', () => {
  const all = [...REPLY_TABLE, ...KNOWN_CODES];

  it.each(all.map((r) => [`${r.provider} ${r.code} ${r.enhanced}`, r] as const))(
    '%s: enhanced class matches the basic code (RFC 3463 2) and permanent iff 5xx',
    (_name, r) => {
      expect(r.enhanced).toMatch(ENHANCED);
      expect(r.enhanced[0]).toBe(String(r.code)[0]);
      expect(r.code).toBeGreaterThanOrEqual(400);
      expect(r.code).toBeLessThan(600);
      expect(r.permanent).toBe(r.code >= 500);
      expect(r.source.length).toBeGreaterThan(10);
      expect(r.source).not.toMatch(/https?:/);
      expect(r.checked).toMatch(/^\d{4}-\d{2}$/);
      expect(r.text.length).toBeGreaterThan(5);
    },
  );

  it('every Condition in src/check.ts has a row or is listed as row-less, and is described', () => {
    const conditions = conditionsInSource();
    expect(conditions.length).toBeGreaterThan(10);
    for (const c of conditions) {
      const hasRow = REPLY_TABLE.some((r) => r.condition === c);
      const rowless = c in ROWLESS_CONDITIONS;
      expect(hasRow !== rowless, `${c}: has a row XOR is row-less`).toBe(true);
      expect(CONDITION_INFO[c as Condition], `${c} described in CONDITION_INFO`).toBeDefined();
    }
  });

  it('has no duplicate rows (same condition, provider, code, enhanced)', () => {
    const keys = REPLY_TABLE.map((r) => `${r.condition} ${r.provider} ${r.code} ${r.enhanced}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('lists Gmail DMARC-missing 4.7.40 with its published alias 4.7.31', () => {
    const row = REPLY_TABLE.find((r) => r.provider === 'gmail' && r.enhanced === '4.7.40');
    expect(row?.aliases).toEqual(['4.7.31']);
    expect(row?.bulkOnly).toBe(true);
  });

  it('marks every Microsoft 5.7.515 row bulk-only and documented', () => {
    const rows = REPLY_TABLE.filter((r) => r.enhanced === '5.7.515');
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const r of rows) {
      expect(r.bulkOnly).toBe(true);
      expect(r.confidence).toBe('documented');
      expect(r.code).toBe(550);
    }
  });
});

describe('compareEnhanced', () => {
  it('orders numerically part by part', () => {
    expect(['4.7.26', '4.7.9', '4.7.100', '4.4.3'].sort(compareEnhanced)).toEqual([
      '4.4.3',
      '4.7.9',
      '4.7.26',
      '4.7.100',
    ]);
  });
});

describe('predictReplies', () => {
  const ids = (rs: PredictedReply[]) => rs.map((r) => `${r.provider} ${r.code} ${r.enhanced}`);

  it('gives bulk senders the bulk-only SPF replies of Gmail and Microsoft', () => {
    expect(ids(predictReplies(['spf-cannot-pass'], 'bulk'))).toEqual([
      'gmail 421 4.7.27',
      'gmail 550 5.7.27',
      'microsoft 550 5.7.515',
    ]);
  });

  it('drops bulk-only rows for transactional senders', () => {
    expect(predictReplies(['spf-cannot-pass'], 'transactional')).toEqual([]);
    const unauth = predictReplies(['unauthenticated'], 'transactional');
    expect(ids(unauth)).toEqual(['gmail 421 4.7.26', 'gmail 550 5.7.26', 'yahoo 550 5.7.9']);
    expect(unauth.every((r) => !r.bulkOnly)).toBe(true);
  });

  it('deduplicates a reply drawn by two conditions, keeping the first condition', () => {
    const rs = predictReplies(['ptr-mismatch', 'ptr-missing'], 'transactional');
    expect(ids(rs)).toEqual(['gmail 421 4.7.0', 'gmail 451 4.7.23', 'gmail 550 5.7.25']);
    expect(rs.every((r) => r.condition === 'ptr-mismatch')).toBe(true);
    const ms = predictReplies(['dkim-cannot-pass', 'spf-cannot-pass'], 'bulk');
    expect(ms.filter((r) => r.enhanced === '5.7.515')).toHaveLength(1);
  });

  it('orders by provider, then code, whatever the input order', () => {
    const a = predictReplies(['null-mx', 'ptr-missing-ipv6', 'unauthenticated'], 'bulk');
    const b = predictReplies(['unauthenticated', 'null-mx', 'ptr-missing-ipv6'], 'bulk');
    expect(ids(a)).toEqual(ids(b));
    const providers = a.map((r) => r.provider);
    expect(providers).toEqual([...providers].sort());
  });

  it('carries the row fields without table-only ones', () => {
    const [r] = predictReplies(['tls-missing'], 'bulk');
    expect(r).toEqual({
      provider: 'gmail',
      code: 421,
      enhanced: '4.7.29',
      text: expect.any(String),
      permanent: false,
      bulkOnly: true,
      confidence: 'inferred',
      source: expect.stringContaining('3726730'),
      condition: 'tls-missing',
    });
  });

  it('returns nothing for a row-less condition', () => {
    expect(predictReplies(['ptr-dynamic'], 'bulk')).toEqual([]);
  });
});

describe('summarizeReplies', () => {
  const finding = (id: string, conditions: Condition[]): Finding => ({
    id,
    severity: 'error',
    title: id,
    message: '',
    evidence: {},
    remediation: '',
    predictedReplies: predictReplies(conditions, 'bulk'),
  });

  it('lists each reply once with the sorted finding ids behind it, transient before permanent', () => {
    const s = summarizeReplies([
      finding('spf/not-authorized', ['spf-cannot-pass']),
      finding('dkim/no-key', ['dkim-cannot-pass']),
      finding('spf/too-many-lookups', ['spf-cannot-pass']),
    ]);
    expect(s.map((r) => `${r.provider} ${r.code} ${r.enhanced}`)).toEqual([
      'gmail 421 4.7.27',
      'gmail 421 4.7.30',
      'gmail 550 5.7.27',
      'gmail 550 5.7.30',
      'microsoft 550 5.7.515',
    ]);
    expect(s[0]?.findings).toEqual(['spf/not-authorized', 'spf/too-many-lookups']);
    expect(s[4]?.findings).toEqual(['dkim/no-key', 'spf/not-authorized', 'spf/too-many-lookups']);
  });

  it('is empty when no finding predicts a reply', () => {
    expect(summarizeReplies([finding('ptr/dynamic', ['ptr-dynamic'])])).toEqual([]);
  });
});
