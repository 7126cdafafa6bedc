import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateSummary } from '../../reports/schema.js';
import { indexResults, RowReader, WorstRows, writeSummaryStreaming } from '../../src/fleet/stream.js';
import type { FleetIdentityRow, FleetSummary, IdentityStatus } from '../../src/fleet/summary.js';
import { stableStringify } from '../../src/report.js';

const root = mkdtempSync(join(tmpdir(), 'mp-stream-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A schema-valid key for a short name. */
const K = (name: string): string => `${name}.example-0123abcd`;
const names = (rows: readonly FleetIdentityRow[]): string[] =>
  rows.map((r) => r.domain.replace('.example', ''));

function row(name: string, status: IdentityStatus, extra: Partial<FleetIdentityRow> = {}): FleetIdentityRow {
  const key = K(name);
  return {
    key,
    domain: `${name}.example`,
    target: { domain: `${name}.example`, ips: [], profile: 'bulk' },
    status,
    checks: { spf: status === 'error' ? 'unknown' : status === 'warn' ? 'warn' : 'pass', dmarc: 'pass' },
    counts: { error: status === 'fail' ? 1 : 0, warning: status === 'warn' ? 2 : 0, info: 0, unknown: 0 },
    findings: status === 'fail' ? [{ id: 'spf/missing', severity: 'error' }] : [],
    predictedReplies: [],
    file: `reports/${key}.json`,
    ...extra,
  } as FleetIdentityRow;
}

function shell(): FleetSummary {
  return {
    schemaVersion: '1.0.0',
    kind: 'mail-preflight-fleet-summary',
    tool: { name: 'mail-preflight', version: '0.0.0' },
    run: {
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:01.000Z',
      durationMs: 1000,
      concurrency: 4,
      resumed: 0,
      complete: true,
      inputs: [],
    },
    totals: { identities: 5, done: 0, pass: 0, warn: 0, fail: 0, unknown: 0, error: 0, invalid: 0 },
    checks: [],
    invalidEntries: [],
    identities: [],
    dns: { queriesSent: 1, cacheHits: 2, cacheMisses: 3, timeouts: 0, tcpRetries: 0, errors: 0 },
  };
}

describe('streamed summary.json', () => {
  it('indexes results.ndjson (last line per key wins, torn and foreign lines skipped) and writes exactly stableStringify(summary)', async () => {
    const rows = [
      row('e', 'pass'),
      row('a', 'fail'),
      row('c', 'warn'),
      row('b', 'pass'),
      row('d', 'unknown'),
    ];
    // An older line of "b" (superseded), a foreign key, a torn last line, non-ASCII text.
    rows[4] = row('d', 'unknown', { error: 'résolveur — délai' } as Partial<FleetIdentityRow>);
    const older = JSON.stringify(row('b', 'fail'));
    const text = `${older}\n${rows.map((r) => JSON.stringify(r)).join('\n')}\n${JSON.stringify(row('zz', 'pass'))}\n{"key":"q","dom`;
    const path = join(root, 'results.ndjson');
    writeFileSync(path, text);
    const { index, checks } = await indexResults(path, new Set(['a', 'b', 'c', 'd', 'e'].map(K)));
    expect([...index.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e'].map(K));
    expect(checks).toEqual(['spf', 'dmarc']);
    const reader = new RowReader(path, index);
    expect(reader.read(K('b'))?.status).toBe('pass');
    expect(reader.read(K('d'))?.error).toBe('résolveur — délai');
    const summary = { ...shell(), checks };
    const out = join(root, 'summary.json');
    const streamed = await writeSummaryStreaming(
      out,
      summary,
      reader,
      [...index.keys()].sort(),
      3,
      new Set(),
    );
    reader.close();
    const written = readFileSync(out, 'utf8');
    const parsed = JSON.parse(written) as FleetSummary;
    expect(written).toBe(`${stableStringify(parsed)}\n`);
    expect(names(parsed.identities)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(parsed.totals).toEqual({
      identities: 5,
      done: 5,
      pass: 2,
      warn: 1,
      fail: 1,
      unknown: 1,
      error: 0,
      invalid: 0,
    });
    expect(validateSummary(parsed)).toEqual({ valid: true, errors: [] });
    expect(streamed.totals).toEqual(parsed.totals);
    expect(streamed.withErrors).toBe(1);
    expect(streamed.withWarnings).toBe(1);
    // Kept: the 3 worst (fail a, unknown d, warn c), sorted by key.
    expect(names(streamed.rows)).toEqual(['a', 'c', 'd']);
  });

  it('writes an empty identities list like stableStringify', async () => {
    const path = join(root, 'empty.ndjson');
    writeFileSync(path, '');
    const { index } = await indexResults(path, new Set());
    const out = join(root, 'summary-empty.json');
    const reader = new RowReader(path, index);
    await writeSummaryStreaming(out, shell(), reader, [], 10, new Set());
    const written = readFileSync(out, 'utf8');
    expect(written).toBe(`${stableStringify(JSON.parse(written))}\n`);
    expect((JSON.parse(written) as FleetSummary).identities).toEqual([]);
  });

  it('keeps the worst rows in the grid order: regressed first, then error, fail, unknown, warn, pass, then key', () => {
    const worst = new WorstRows(4, new Set([K('p2')]));
    const statuses: Record<string, IdentityStatus> = {
      e1: 'error',
      f1: 'fail',
      f2: 'fail',
      p1: 'pass',
      p2: 'pass',
      u1: 'unknown',
      w1: 'warn',
    };
    for (const key of Object.keys(statuses).sort()) worst.add(row(key, statuses[key] as IdentityStatus));
    expect(names(worst.rows())).toEqual(['e1', 'f1', 'f2', 'p2']);
  });
});
