/**
 * prepareOutDir: what a resumed run keeps. The old results.ndjson is read through its index
 * and the new one written in batches, so these cases also cover a stream bigger than one
 * write batch.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FleetIdentity } from '../../src/fleet/config.js';
import { identityKey, reportFileOf } from '../../src/fleet/key.js';
import { prepareOutDir } from '../../src/fleet/outdir.js';
import type { FleetIdentityRow } from '../../src/fleet/summary.js';
import type { Target } from '../../src/report.js';

const root = mkdtempSync(join(tmpdir(), 'mp-outdir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function identity(i: number): FleetIdentity {
  const target: Target = { domain: `d${i}.example`, ips: [], profile: 'bulk' };
  return { key: identityKey(target), target, file: 'fleet.yaml', line: i + 1 };
}

function report(id: FleetIdentity, status: 'pass' | 'fail'): string {
  return JSON.stringify({
    schemaVersion: '1.0.0',
    status,
    checks: {},
    target: id.target,
    predictedReplies: [],
  });
}

function row(id: FleetIdentity, status: FleetIdentityRow['status'], extra: Partial<FleetIdentityRow> = {}) {
  return {
    key: id.key,
    domain: id.target.domain,
    target: id.target,
    status,
    checks: {},
    counts: { error: 0, warning: 0, info: 0, unknown: 0 },
    findings: [],
    predictedReplies: [],
    file: reportFileOf(id.key),
    ...extra,
  };
}

function readRows(dir: string): FleetIdentityRow[] {
  return readFileSync(join(dir, 'results.ndjson'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as FleetIdentityRow);
}

describe('prepareOutDir (resume)', () => {
  it('keeps exactly the identities whose report is readable, trusting their stream row when it matches', async () => {
    const dir = join(root, 'cases');
    mkdirSync(join(dir, 'reports'), { recursive: true });
    const ids = Array.from({ length: 7 }, (_, i) => identity(i));
    const [kept, noRow, noReport, errorRow, damaged, gone, fresh] = ids as [
      FleetIdentity,
      FleetIdentity,
      FleetIdentity,
      FleetIdentity,
      FleetIdentity,
      FleetIdentity,
      FleetIdentity,
    ];
    for (const id of [kept, noRow, errorRow, gone])
      writeFileSync(join(dir, reportFileOf(id.key)), report(id, 'fail'));
    writeFileSync(join(dir, reportFileOf(damaged.key)), '{"schemaVersion":');
    const lines = [
      row(kept, 'pass', { durationMs: 1234 }), // the row wins over the report (it says pass)
      row(noReport, 'pass'),
      row(errorRow, 'error', { error: 'boom' }),
      row(damaged, 'pass'),
      row(gone, 'pass'),
    ];
    writeFileSync(
      join(dir, 'results.ndjson'),
      `${lines.map((l) => JSON.stringify(l)).join('\n')}\n{"key":"torn`,
    );
    const wanted = [kept, noRow, noReport, errorRow, damaged, fresh]; // `gone` left the config
    const finished = await prepareOutDir(dir, wanted);
    expect([...finished]).toEqual([
      [kept.key, 'pass'],
      [noRow.key, 'fail'],
      [errorRow.key, 'fail'],
    ]);
    const rows = readRows(dir);
    expect(rows.map((r) => [r.key, r.status])).toEqual([...finished]);
    expect(rows[0]?.durationMs).toBe(1234);
    expect(rows[2]?.error).toBeUndefined(); // rebuilt from its report
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('rebuilds a stream of several write batches, in input order, and a fresh out-dir gets an empty one', async () => {
    const dir = join(root, 'big');
    mkdirSync(join(dir, 'reports'), { recursive: true });
    const ids = Array.from({ length: 1500 }, (_, i) => identity(i));
    const padding = 'x'.repeat(1000); // ~1.1 KB per row: 1500 rows are more than one 1 MB batch
    const lines: string[] = [];
    for (const id of ids) {
      writeFileSync(join(dir, reportFileOf(id.key)), report(id, 'pass'));
      lines.push(JSON.stringify(row(id, 'warn', { error: padding })));
    }
    // Rows in another order than the input: the rebuilt stream follows the input.
    writeFileSync(join(dir, 'results.ndjson'), `${lines.reverse().join('\n')}\n`);
    const finished = await prepareOutDir(dir, ids);
    expect(finished.size).toBe(1500);
    const rows = readRows(dir);
    expect(rows.map((r) => r.key)).toEqual(ids.map((id) => id.key));
    expect(rows.every((r) => r.status === 'warn' && r.error === padding)).toBe(true);

    const freshDir = join(root, 'fresh');
    expect((await prepareOutDir(freshDir, ids)).size).toBe(0);
    expect(existsSync(join(freshDir, 'reports'))).toBe(true);
    expect(readFileSync(join(freshDir, 'results.ndjson'), 'utf8')).toBe('');
  });
});
