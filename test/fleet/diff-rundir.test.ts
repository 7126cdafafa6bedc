/**
 * Diffing run directories without holding their rows: loadRunDir reads rows through an index
 * over results.ndjson (summary.json only when there is no results.ndjson), and finds the
 * baseline's start time in summary.json without parsing it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffRuns, loadRunDir, type RunView, scanStartedAt } from '../../src/fleet/diff.js';
import { recordsDigest } from '../../src/fleet/records.js';
import { RowReader } from '../../src/fleet/stream.js';
import type { FleetIdentityRow } from '../../src/fleet/summary.js';
import { type Report, stableStringify } from '../../src/report.js';

const root = mkdtempSync(join(tmpdir(), 'mp-diff-rundir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// A domain that spells the scanner's marker inside a string: it must not be taken for the key.
const HOSTILE = 'evil"run":{"startedAt":"1999-01-01T00:00:00Z"}.example';

function row(domain: string, status: FleetIdentityRow['status'], findings: string[] = []): FleetIdentityRow {
  return {
    key: `${domain}-0123abcd`,
    domain,
    target: { domain, ips: [], profile: 'bulk' },
    status,
    checks: {},
    counts: { error: findings.length, warning: 0, info: 0, unknown: 0 },
    findings: findings.map((id) => ({ id, severity: 'error' as const })),
    predictedReplies: [],
  };
}

function runDir(
  name: string,
  rows: FleetIdentityRow[],
  opts: { ndjson?: boolean; summary?: boolean; startedAt?: string; compact?: boolean } = {},
): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  if (opts.ndjson !== false)
    writeFileSync(join(dir, 'results.ndjson'), rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  if (opts.summary !== false) {
    const summary = {
      identities: rows,
      kind: 'mail-preflight-fleet-summary',
      run: { inputs: ['odd } "path'], startedAt: opts.startedAt ?? '2026-05-01T02:00:00.000Z' },
    };
    writeFileSync(join(dir, 'summary.json'), stableStringify(summary, opts.compact ? 0 : 2));
  }
  return dir;
}

describe('loadRunDir and diffRuns over run directories', () => {
  it('reads rows through the results.ndjson index (last line per key wins) and diffs them', async () => {
    const before = runDir(
      'a1',
      [row('a.example', 'pass'), row('gone.example', 'pass'), row(HOSTILE, 'fail')],
      {
        startedAt: '2026-05-01T02:03:04.000Z',
      },
    );
    const afterDir = runDir('a2', [
      row('a.example', 'pass'),
      row('new.example', 'warn'),
      row(HOSTILE, 'fail'),
    ]);
    // A resumed run may have written a key twice: the last line is the row.
    writeFileSync(
      join(afterDir, 'results.ndjson'),
      `${JSON.stringify(row('a.example', 'fail', ['spf/missing']))}\n`,
      { flag: 'a' },
    );
    const b = await loadRunDir(before);
    const a = await loadRunDir(afterDir);
    expect(b.rows).toBeInstanceOf(RowReader);
    expect(a.rows.size).toBe(3);
    expect(a.rows.get('a.example-0123abcd')?.status).toBe('fail');
    expect(b.startedAt).toBe('2026-05-01T02:03:04.000Z');
    const diff = await diffRuns(b, a);
    b.close?.();
    a.close?.();
    expect(diff.baselineStartedAt).toBe('2026-05-01T02:03:04.000Z');
    expect(diff.hasRegressions).toBe(true);
    expect(diff.identities.map((d) => [d.domain, d.regression, d.newFailures.map((f) => f.id)])).toEqual([
      ['a.example', true, ['spf/missing']],
    ]);
    expect(diff.added).toEqual([{ key: 'new.example-0123abcd', domain: 'new.example' }]);
    expect(diff.gone).toEqual([{ key: 'gone.example-0123abcd', domain: 'gone.example' }]);
  });

  it('falls back to summary.json when there is no results.ndjson, and says what is missing when neither is there', async () => {
    const dir = runDir('b1', [row('a.example', 'warn')], {
      ndjson: false,
      startedAt: '2026-05-02T00:00:00.000Z',
    });
    const view = await loadRunDir(dir);
    expect(view.rows).toBeInstanceOf(Map);
    expect(view.rows.get('a.example-0123abcd')?.status).toBe('warn');
    expect(view.startedAt).toBe('2026-05-02T00:00:00.000Z');
    const empty = join(root, 'empty');
    mkdirSync(empty);
    await expect(loadRunDir(empty)).rejects.toThrow(/not a fleet run directory/);
  });
});

describe('records digest', () => {
  it("reads the two reports only when the rows' record digests differ or are missing (older runs)", async () => {
    const read: string[] = [];
    const view = (side: string, rows: FleetIdentityRow[]): RunView => ({
      kind: 'run',
      path: side,
      rows: new Map(rows.map((r) => [r.key, r])),
      report: async (r) => {
        read.push(`${side} ${r.domain}`);
        return undefined;
      },
    });
    const withDigest = (r: FleetIdentityRow, d?: string): FleetIdentityRow =>
      d === undefined ? r : { ...r, recordsDigest: d };
    const before = view('old', [
      withDigest(row('same.example', 'pass'), 'a'.repeat(32)),
      withDigest(row('changed.example', 'pass'), 'b'.repeat(32)),
      row('legacy.example', 'pass'),
    ]);
    const after = view('new', [
      withDigest(row('same.example', 'pass'), 'a'.repeat(32)),
      withDigest(row('changed.example', 'pass'), 'c'.repeat(32)),
      withDigest(row('legacy.example', 'pass'), 'd'.repeat(32)),
    ]);
    await diffRuns(before, after);
    expect(read.sort()).toEqual([
      'new changed.example',
      'new legacy.example',
      'old changed.example',
      'old legacy.example',
    ]);
  });

  it('is equal for reports resting on the same records and differs when a DKIM key rotates', () => {
    const rep = (key: string): Report =>
      ({
        checks: {
          dkim: {
            evidence: {
              lookups: [{ name: 's1._domainkey.a.example', outcome: 'ok', records: [[`v=DKIM1; p=${key}`]] }],
            },
          },
        },
      }) as unknown as Report;
    expect(recordsDigest(rep('AAAA'))).toMatch(/^[0-9a-f]{32}$/);
    expect(recordsDigest(rep('AAAA'))).toBe(recordsDigest(rep('AAAA')));
    expect(recordsDigest(rep('AAAA'))).not.toBe(recordsDigest(rep('BBBB')));
  });
});

describe('scanStartedAt', () => {
  it('finds run.startedAt in indented and compact summaries, past a hostile row, at any chunk boundary', async () => {
    const rows = [row(HOSTILE, 'fail'), row('b.example', 'pass')];
    for (const compact of [false, true]) {
      const dir = runDir(`s-${compact}`, rows, { startedAt: '2026-05-03T04:05:06.000Z', compact });
      const path = join(dir, 'summary.json');
      // Small chunks put the key across every possible chunk boundary.
      for (const chunk of [1, 3, 5, 7, 11, 64, 1024 * 1024]) {
        expect(await scanStartedAt(path, chunk), `compact ${compact}, chunk ${chunk}`).toBe(
          '2026-05-03T04:05:06.000Z',
        );
      }
    }
  });

  it('gives undefined for a file without the run object or without the file', async () => {
    const path = join(root, 'no-run.json');
    writeFileSync(path, '{"identities": []}');
    expect(await scanStartedAt(path)).toBeUndefined();
    expect(await scanStartedAt(join(root, 'absent.json'))).toBeUndefined();
  });
});
