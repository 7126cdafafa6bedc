import { describe, expect, it } from 'vitest';
import { renderJson } from '../../reports/json.js';
import { loadReportSchema, validateReport } from '../../reports/schema.js';
import type { Report } from '../../src/report.js';
import { sampleReport } from './sample-report.js';

// biome-ignore lint/suspicious/noExplicitAny: tests break parsed JSON at arbitrary paths
type Loose = Record<string, any>;

/** A report as a consumer sees it: parsed back from the JSON renderer's output. */
const parsed = (r: Report = sampleReport()): Loose => JSON.parse(renderJson(r));

describe('report JSON Schema v1', () => {
  it('is draft-07 and requires the top-level fields', () => {
    const s = loadReportSchema();
    expect(s['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    expect(s['required']).toEqual(
      expect.arrayContaining([
        'schemaVersion',
        'tool',
        'target',
        'status',
        'checks',
        'predictedReplies',
        'timing',
      ]),
    );
  });

  it('accepts a well-formed report, as object and as rendered JSON', () => {
    expect(validateReport(sampleReport())).toEqual({ valid: true, errors: [] });
    expect(validateReport(parsed())).toEqual({ valid: true, errors: [] });
  });

  it('accepts a minimal report (no optional fields)', () => {
    const r = parsed();
    delete r.authentication;
    r.checks = {};
    r.predictedReplies = [];
    r.target = { domain: 'example.com', ips: [], profile: 'transactional' };
    expect(validateReport(r).valid).toBe(true);
  });

  const broken: [string, (r: Loose) => void, RegExp][] = [
    ['missing schemaVersion', (r) => delete r.schemaVersion, /must have required property 'schemaVersion'/],
    ['schemaVersion of another major', (r) => (r.schemaVersion = '2.0.0'), /\/schemaVersion must match/],
    [
      'bad enhanced code in a finding reply',
      (r) => (r.checks.spf.findings[1].predictedReplies[0].enhanced = '4.7'),
      /\/checks\/spf\/findings\/1\/predictedReplies\/0\/enhanced must match/,
    ],
    [
      'enhanced class 3 in the summary',
      (r) => (r.predictedReplies[0].enhanced = '3.7.1'),
      /\/predictedReplies\/0\/enhanced must match/,
    ],
    [
      'unknown overall status',
      (r) => (r.status = 'ok'),
      /\/status must be equal to one of the allowed values/,
    ],
    ['bad check key', (r) => (r.checks.SPF = r.checks.spf), /property name must be valid/],
    [
      'finding id without a check prefix',
      (r) => (r.checks.dmarc.findings[0].id = 'missing'),
      /\/checks\/dmarc\/findings\/0\/id must match/,
    ],
    ['an unknown top-level field', (r) => (r.extra = 1), /must NOT have additional properties: "extra"/],
    ['negative DNS counter', (r) => (r.timing.dns.timeouts = -1), /\/timing\/dns\/timeouts must be >= 0/],
    [
      'evidence that is not an object',
      (r) => (r.checks.dmarc.findings[0].evidence = 'x'),
      /evidence must be object/,
    ],
    [
      'an unknown provider',
      (r) => (r.predictedReplies[0].provider = 'aol'),
      /\/predictedReplies\/0\/provider/,
    ],
    ['a non-ISO startedAt', (r) => (r.timing.startedAt = 'yesterday'), /\/timing\/startedAt must match/],
  ];

  it.each(broken)('rejects %s', (_name, breakIt, message) => {
    const r = parsed();
    breakIt(r);
    const result = validateReport(r);
    expect(result.valid).toBe(false);
    expect(result.errors.join('\n')).toMatch(message);
  });

  it('rejects a check whose id differs from its key, and a finding filed under another check', () => {
    const r = parsed();
    r.checks.mx.id = 'spf';
    r.checks.dmarc.findings[0].id = 'spf/missing';
    const result = validateReport(r);
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([
      '/checks/dmarc/findings/0/id "spf/missing" does not start with "dmarc/"',
      '/checks/mx/id is "spf", expected the key "mx"',
    ]);
  });

  it('rejects non-objects', () => {
    expect(validateReport(null).valid).toBe(false);
    expect(validateReport('{}').valid).toBe(false);
  });
});
