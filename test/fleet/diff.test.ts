import { describe, expect, it } from 'vitest';
import { renderDiffText } from '../../reports/fleet-text.js';
import { diffIdentity, recordsOfReport } from '../../src/fleet/diff.js';
import type { FleetDiff, FleetIdentityRow } from '../../src/fleet/summary.js';
import type { Report } from '../../src/report.js';

function row(
  status: FleetIdentityRow['status'],
  findings: [string, 'error' | 'warning' | 'info' | 'unknown'][],
): FleetIdentityRow {
  return {
    key: 'a.example-0123abcd',
    domain: 'a.example',
    target: { domain: 'a.example', ips: [], profile: 'bulk' },
    status,
    checks: {},
    counts: { error: 0, warning: 0, info: 0, unknown: 0 },
    findings: findings.map(([id, severity]) => ({ id, severity })),
    predictedReplies: [],
  };
}

function report(evidence: { spf?: unknown; dmarc?: unknown; dkim?: unknown }): Report {
  const check = (id: string, ev: unknown) => ({
    id,
    title: id,
    status: 'pass' as const,
    findings: [],
    evidence: ev,
  });
  return {
    schemaVersion: '1.0.0',
    tool: { name: 'mail-preflight', version: '0' },
    target: { domain: 'a.example', ips: [], profile: 'bulk' },
    status: 'pass',
    checks: {
      ...(evidence.spf ? { spf: check('spf', evidence.spf) } : {}),
      ...(evidence.dmarc ? { dmarc: check('dmarc', evidence.dmarc) } : {}),
      ...(evidence.dkim ? { dkim: check('dkim', evidence.dkim) } : {}),
    },
    predictedReplies: [],
    timing: {
      startedAt: '2026-05-01T00:00:00.000Z',
      durationMs: 1,
      dns: { queriesSent: 0, cacheHits: 0, cacheMisses: 0, timeouts: 0, tcpRetries: 0, errors: 0 },
    },
  };
}

describe('diffIdentity', () => {
  it('a new error or warning is a regression; info findings are not failures', () => {
    const d = diffIdentity(
      row('pass', [['dmarc/no-rua', 'info']]),
      row('warn', [
        ['dkim/weak', 'warning'],
        ['x/note', 'info'],
      ]),
    );
    expect(d?.regression).toBe(true);
    expect(d?.newFailures).toEqual([{ id: 'dkim/weak', severity: 'warning' }]);
    expect(d?.fixed).toEqual([]);
  });

  it('could not measure (unknown) is not a regression, and nothing changed is no diff', () => {
    const d = diffIdentity(row('pass', []), row('unknown', [['spf/dns-error', 'unknown']]));
    expect(d?.regression).toBe(false);
    expect(d?.statusAfter).toBe('unknown');
    expect(
      diffIdentity(row('fail', [['spf/missing', 'error']]), row('fail', [['spf/missing', 'error']])),
    ).toBeUndefined();
  });

  it('records: a timeout never reads as a removed record; a changed record does', () => {
    const before = report({
      spf: { nodes: [{ domain: 'a.example', status: 'fetched', spf: 'one', record: 'v=spf1 -all' }] },
      dmarc: { lookups: [{ name: '_dmarc.a.example', outcome: 'found', dmarc: ['v=DMARC1; p=none'] }] },
      dkim: {
        lookups: [{ name: 's1._domainkey.a.example', outcome: 'ok', records: [['v=DKIM1; p=AAA', 'BBB']] }],
      },
    });
    const after = report({
      spf: { nodes: [{ domain: 'a.example', status: 'fetched', spf: 'unknown' }] },
      dmarc: { lookups: [{ name: '_dmarc.a.example', outcome: 'found', dmarc: ['v=DMARC1; p=reject'] }] },
      dkim: { lookups: [{ name: 's1._domainkey.a.example', outcome: 'error', records: [] }] },
    });
    expect(recordsOfReport(before).get('s1._domainkey.a.example')).toEqual({
      kind: 'dkim',
      value: 'v=DKIM1; p=AAABBB',
    });
    const d = diffIdentity(row('pass', []), row('pass', []), before, after);
    expect(d?.recordChanges).toEqual([
      { kind: 'dmarc', name: '_dmarc.a.example', before: 'v=DMARC1; p=none', after: 'v=DMARC1; p=reject' },
    ]);
  });

  it('text rendering makes hostile record text terminal-safe', () => {
    const diff: FleetDiff = {
      baseline: 'old',
      current: 'new',
      hasRegressions: false,
      counts: {
        regressed: 0,
        newFailures: 0,
        fixed: 0,
        changedReplies: 0,
        added: 0,
        gone: 0,
        recordChanges: 1,
        statusChanges: 0,
      },
      identities: [
        {
          key: 'a.example-0123abcd',
          domain: 'a.example',
          statusBefore: 'pass',
          statusAfter: 'pass',
          newFailures: [],
          fixed: [],
          repliesAdded: [],
          repliesRemoved: [],
          recordChanges: [{ kind: 'spf', name: 'a.example', before: 'v=spf1 \u001b[31m-all', after: null }],
          regression: false,
        },
      ],
      added: [],
      gone: [{ key: 'b.example-0123abcd', domain: 'b.example' }],
    };
    const text = renderDiffText(diff);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('spf a.example: "v=spf1 \\x1b[31m-all" -> (none)');
    expect(text).toContain('Identities gone:\n  b.example [b.example-0123abcd]');
  });
});
