/**
 * Severity follows the predicted replies (issue 14 part 5): a finding that predicts a reply a
 * provider documents as a rejection or deferral (RFC 5321 4.2.1: 4yz or 5yz) for the audited
 * profile is an error, so its check and the report fail (exit 1) whatever else is unknown.
 * Warnings are for what providers do not (yet) reject; an `unknown` finding (a measurement that
 * failed) stays unknown.
 */
import { describe, expect, it } from 'vitest';
import type { Condition } from '../src/check.js';
import { exitCodeFor } from '../src/cli.js';
import { audit } from '../src/index.js';
import { EVERY_CHECK } from '../src/registry.js';
import { isDocumentedRejection, predictReplies, REPLY_TABLE } from '../src/replies/index.js';
import type { Profile, Target } from '../src/report.js';
import { expandFindings } from '../src/runner.js';
import { memoryProbe, memoryResolver } from './helpers/memory-resolver.js';

const PROFILES: readonly Profile[] = ['bulk', 'transactional'];
const targetFor = (profile: Profile): Target => ({ domain: 'example.com', ips: [], profile });

/** Every finding of every check (domain, derived and message checks). */
const EVERY_FINDING = EVERY_CHECK.flatMap((check) =>
  Object.entries(check.findings).map(([key, spec]) => ({ check, key, spec })),
);

/** Conditions with at least one documented reply row (for some profile). */
const DOCUMENTED_CONDITIONS = [
  ...new Set(REPLY_TABLE.filter((r) => r.confidence === 'documented').map((r) => r.condition)),
];

/** The severity the rule gives a finding of `spec` severity raising `conditions`. */
function expected(severity: string, conditions: readonly Condition[], profile: Profile): string {
  if (severity === 'unknown') return 'unknown';
  return predictReplies(conditions, profile).some(isDocumentedRejection) ? 'error' : severity;
}

describe('severity follows the predicted replies', () => {
  it('a documented 4xx/5xx reply is a rejection; an inferred one is not', () => {
    expect(isDocumentedRejection({ code: 421, confidence: 'documented' })).toBe(true);
    expect(isDocumentedRejection({ code: 550, confidence: 'documented' })).toBe(true);
    expect(isDocumentedRejection({ code: 550, confidence: 'inferred' })).toBe(false);
  });

  it.each(EVERY_FINDING.flatMap(({ check, key }) => PROFILES.map((p) => [`${check.id}/${key}`, p] as const)))(
    '%s (%s): reported as error whenever it predicts a documented rejection',
    (id, profile) => {
      const found = EVERY_FINDING.find((f) => `${f.check.id}/${f.key}` === id);
      if (!found) throw new Error(id);
      const { check, key, spec } = found;
      const target = targetFor(profile);
      // The spec's own conditions...
      const [plain] = expandFindings(check, [{ key, data: {}, evidence: {} }], target);
      expect(plain?.severity).toBe(expected(spec.severity, spec.conditions ?? [], profile));
      if (plain?.predictedReplies.some(isDocumentedRejection) && spec.severity !== 'unknown')
        expect(plain.severity).toBe('error');
      // ...and each documented condition a judge may add case by case.
      for (const condition of DOCUMENTED_CONDITIONS) {
        const [f] = expandFindings(check, [{ key, data: {}, evidence: {}, conditions: [condition] }], target);
        const all = [...(spec.conditions ?? []), condition];
        expect(f?.severity, condition).toBe(expected(spec.severity, all, profile));
      }
    },
  );

  it('spf/ip-not-pass (softfail) is an error for a bulk sender, still a warning for a transactional one', () => {
    const spf = EVERY_CHECK.find((c) => c.id === 'spf');
    if (!spf) throw new Error('no spf check');
    const result = [{ key: 'ip-not-pass', data: {}, evidence: {} }];
    const [bulk] = expandFindings(spf, result, targetFor('bulk'));
    expect(bulk?.severity).toBe('error');
    expect(bulk?.predictedReplies.map((r) => `${r.provider} ${r.code} ${r.enhanced}`)).toEqual(
      expect.arrayContaining(['gmail 421 4.7.27', 'microsoft 550 5.7.515']),
    );
    // Gmail's and Microsoft's SPF requirement replies are for bulk senders only.
    const [transactional] = expandFindings(spf, result, targetFor('transactional'));
    expect(transactional?.severity).toBe('warning');
    expect(transactional?.predictedReplies).toEqual([]);
  });

  it('inferred replies leave a warning a warning; an unknown finding stays unknown', () => {
    const tls = EVERY_CHECK.find((c) => c.id === 'tls');
    const dmarc = EVERY_CHECK.find((c) => c.id === 'dmarc');
    if (!tls || !dmarc) throw new Error('no tls or dmarc check');
    const [noStarttls] = expandFindings(
      tls,
      [{ key: 'no-starttls', data: {}, evidence: {} }],
      targetFor('bulk'),
    );
    expect(noStarttls?.predictedReplies.length).toBeGreaterThan(0);
    expect(noStarttls?.severity).toBe('warning');
    // Gmail documents 451 4.7.26 for a DMARC temperror, but our own lookup failing says nothing
    // about what Gmail's will find.
    const [dnsError] = expandFindings(
      dmarc,
      [{ key: 'dns-error', data: {}, evidence: {} }],
      targetFor('bulk'),
    );
    expect(dnsError?.predictedReplies.some(isDocumentedRejection)).toBe(true);
    expect(dnsError?.severity).toBe('unknown');
  });
});

describe('the report fails when a finding predicts a documented rejection, whatever else is unknown', () => {
  // The case: the only sending IP gets SPF softfail (RFC 7208 8.5) and the DKIM
  // selector cannot be looked up.
  const world = {
    'example.com': { TXT: ['v=spf1 ip4:192.0.2.1 ~all'] },
    's2023._domainkey.example.com': 'SERVFAIL',
  };
  const input = { domain: 'example.com', ips: ['198.51.100.7'], dkimSelectors: ['s2023'] };
  const run = (profile: Profile) =>
    audit({ ...input, profile }, { probe: memoryProbe(memoryResolver(world)), checks: ['spf', 'dkim'] });

  it('bulk: spf/ip-not-pass is an error, status fail, exit 1 (a fail beats unknown)', async () => {
    const report = await run('bulk');
    expect(report.checks.dkim?.status).toBe('unknown');
    const finding = report.checks.spf?.findings.find((f) => f.id === 'spf/ip-not-pass');
    expect(finding?.severity).toBe('error');
    expect(report.checks.spf?.status).toBe('fail');
    expect(report.status).toBe('fail');
    expect(exitCodeFor(report, 'fail')).toBe(1);
    expect(report.predictedReplies.find((r) => r.enhanced === '4.7.27')?.findings).toEqual([
      'spf/ip-not-pass',
    ]);
  });

  it('transactional: no documented reply, so the warning stays and the run is incomplete (exit 2)', async () => {
    const report = await run('transactional');
    expect(report.checks.spf?.findings.find((f) => f.id === 'spf/ip-not-pass')?.severity).toBe('warning');
    expect(report.status).toBe('unknown');
    expect(exitCodeFor(report, 'fail')).toBe(2);
    expect(exitCodeFor(report, 'warn')).toBe(1);
  });
});
