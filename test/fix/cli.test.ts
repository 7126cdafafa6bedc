/** `audit DOMAIN --fix FILE` end to end against the loopback lab's DNS server. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabHandle, startLab } from '../../src/lab/index.js';
import { parseMasterFile } from '../../src/overlay/master-file.js';
import { runCli } from '../helpers/cli.js';

const DEMO = readFileSync(new URL('../../src/demo/world.yaml', import.meta.url), 'utf8');

describe('audit --fix', () => {
  let lab: LabHandle;
  let resolver: string;
  const dir = mkdtempSync(join(tmpdir(), 'mp-fix-'));
  beforeAll(async () => {
    lab = await startLab(DEMO);
    resolver = `${lab.host}:${lab.port}`;
  });
  afterAll(() => lab.stop());

  it('writes the fragment and the MTA-STS policy, and reports what the fix clears (text)', async () => {
    const file = join(dir, 'heavy.zone');
    const r = await runCli([
      'audit',
      'news.heavy.example',
      '--ip',
      '127.0.77.41',
      '--no-smtp',
      '--resolver',
      resolver,
      '--fix',
      file,
    ]);
    expect(r.stderr).toBe('');
    const fragment = readFileSync(file, 'utf8');
    expect(fragment).toContain('; spf: fixes spf/too-many-lookups');
    expect(parseMasterFile(fragment).rrsets.size).toBeGreaterThan(0);
    expect(readFileSync(`${file}.mta-sts.txt`, 'utf8')).toBe(
      'version: STSv1\nmode: testing\nmx: mx.heavy.example\nmax_age: 604800\n',
    );
    expect(r.stdout).toMatch(
      /Fix: records written to .*heavy\.zone, MTA-STS policy to .*heavy\.zone\.mta-sts\.txt/,
    );
    expect(r.stdout).toMatch(/cleared by the fix .*: .*spf\/too-many-lookups/);
    expect(r.stdout).toMatch(/ptr\/not-forward-confirmed: reverse DNS is set by the owner of the IP address/);
    // The live audit decides the exit code: SPF over the limit is an error.
    expect(r.code).toBe(1);
  });

  it('JSON: the report gains a fix section', async () => {
    const file = join(dir, 'broken.zone');
    const r = await runCli([
      'audit',
      'broken.example',
      '--ip',
      '127.0.77.20',
      '--no-smtp',
      '--resolver',
      resolver,
      '--fix',
      file,
      '--json',
    ]);
    const report = JSON.parse(r.stdout);
    expect(report.fix.file).toBe(file);
    expect(report.fix.cleared).toEqual(expect.arrayContaining(['spf/include-not-found', 'dmarc/missing']));
    expect(report.fix.notCleared).toEqual([]);
    expect(report.fix.remaining.map((x: { id: string }) => x.id)).toContain('dkim/key-too-short');
    expect(report.checks.spf.findings.map((f: { id: string }) => f.id)).toContain('spf/include-not-found');
  });
});
