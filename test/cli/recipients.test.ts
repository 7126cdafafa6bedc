/** `mail-preflight recipients` end to end: stdin, formats, hostile lists, exit codes. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell } from '../../reports/recipients-csv.js';
import { validateRecipients } from '../../reports/schema.js';
import { type LabHandle, startLab, zoneFromObject } from '../../src/lab/index.js';
import { runCli } from '../helpers/cli.js';
import { withTldSoas } from '../helpers/tld-soa.js';

let lab: LabHandle;
let dir: string;
beforeAll(async () => {
  lab = await startLab(
    withTldSoas(
      zoneFromObject({
        'good.com': { MX: ['10 mx.good.com'] },
        'mx.good.com': { A: '93.184.216.34' },
        'nullmx.com': { MX: ['0 .'] },
      }),
      ['com'],
    ),
  );
  dir = mkdtempSync(join(tmpdir(), 'mp-recipients-'));
});
afterAll(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const dns = () => ['--resolver', `${lab.host}:${lab.port}`, '--timeout', '300'];
async function* stdin(text: string | Buffer) {
  yield Buffer.from(text);
}

const HOSTILE = [
  'email;name',
  `"=cmd|' /C calc'!A0";x`,
  '+1@good.com;y',
  '@SUM(1+1)@good.com;z',
  '-2+3@good.com;w',
  '"\tTAB@good.com";v',
  '"ann\u001b[31m@good.com";ansi',
  '"q""uote@good.com";dq',
].join('\r\n');

describe('mail-preflight recipients', () => {
  it('reads "-" from stdin and prints the text report with the counts', async () => {
    const { code, stdout } = await runCli(
      ['recipients', '-', ...dns()],
      {},
      stdin('ann@good.com\nbob@nullmx.com\nbad..dot@good.com\n'),
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/Recipients: 3 address\(es\) \(one address per line, utf-8\)/);
    expect(stdout).toMatch(/undeliverable\s+1/);
    expect(stdout).toContain('line 2: bob@nullmx.com  undeliverable (domain/null-mx)');
    expect(stdout).toContain('would draw: 556 5.1.10 Recipient address has null MX');
    expect(stdout).toContain('No mailbox was probed over SMTP');
  });

  it('CSV output: no cell can start a formula, controls are visible, quotes doubled (CSV injection)', async () => {
    const { code, stdout } = await runCli(
      ['recipients', '-', '--format', 'csv', '--no-dns'],
      {},
      stdin(HOSTILE),
    );
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\r\n');
    expect(lines[0]).toBe('line,address,normalized,domain,status,reason,suggestion,predicted_reply,detail');
    expect(lines).toHaveLength(8);
    // Every cell of every row: none starts with a formula character (quoted or not).
    for (const line of lines.slice(1)) {
      const cells =
        line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '')) ?? [];
      for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      expect(line).not.toContain('\u001b');
    }
    expect(stdout).toContain(`'=cmd|' /C calc'!A0`);
    expect(stdout).toContain(`'+1@good.com`);
    expect(stdout).toContain(`'@SUM(1+1)@good.com`);
    // The reader trims the address field; a tab or CR at a cell's start is still defused.
    expect(stdout).toContain(',TAB@good.com,');
    expect(csvCell('\tx')).toBe("'\\tx");
    expect(csvCell('\r=1')).toBe("'\\r=1");
    expect(csvCell('-1,2')).toBe(`"'-1,2"`);
    expect(stdout).toContain('ann\\x1b[31m@good.com');
    expect(stdout).toContain('"q""uote@good.com"');
  });

  it('JSON output is streamed, valid JSON and valid against reports/schema/recipients-v1.json', async () => {
    const out = join(dir, 'r.json');
    const { code, stderr } = await runCli(
      ['recipients', '-', '--json', '--output', out, ...dns()],
      {},
      stdin(
        `${HOSTILE}\r\nann@good.com;ok\r\nANN@good.com;dup\r\nann@good.com;dup2\r\npostmaster@good.com;role\r\nü@good.com;utf8\r\n`,
      ),
    );
    expect(code).toBe(0);
    expect(stderr).toContain(`json recipient check written to ${out}`);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(validateRecipients(doc)).toEqual({ valid: true, errors: [] });
    expect(doc.kind).toBe('mail-preflight-recipients');
    expect(doc.recipients).toHaveLength(12);
    const reasons = doc.recipients.map((r: { reason: string }) => r.reason);
    expect(reasons.slice(7)).toEqual([
      'ok',
      'duplicate-case',
      'duplicate',
      'role-account',
      'smtputf8-local-part',
    ]);
    expect(doc.summary.total).toBe(12);
    expect(doc.summary.input).toEqual({ format: 'csv', separator: ';', column: 'email', encoding: 'utf-8' });
  });

  it('--fail-on sets exit 1 when an address is at or above it; 0 otherwise', async () => {
    const list = 'ann@good.com\npostmaster@good.com\n';
    expect(
      (await runCli(['recipients', '-', '--fail-on', 'undeliverable', ...dns()], {}, stdin(list))).code,
    ).toBe(0);
    expect((await runCli(['recipients', '-', '--fail-on', 'risky', ...dns()], {}, stdin(list))).code).toBe(1);
  });

  it('bad usage and unreadable lists exit 64 with a clear message', async () => {
    const missing = await runCli(['recipients', join(dir, 'nope.csv')]);
    expect(missing).toMatchObject({ code: 64 });
    expect(missing.stderr).toContain('no such file or directory');
    const noColumn = join(dir, 'nocol.csv');
    writeFileSync(noColumn, 'name,city\nann,paris\n');
    const r = await runCli(['recipients', noColumn, '--no-dns']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('no email column in the header ("name", "city"): name it with --column NAME');
    expect((await runCli(['recipients'])).code).toBe(64);
    expect((await runCli(['recipients', '-', '--format', 'html'])).code).toBe(64);
  });

  it('reads a file with a BOM, ; separators and CRLF, and a 10 MB line among addresses', async () => {
    const file = join(dir, 'export.csv');
    writeFileSync(
      file,
      `\ufeffFirst;Email\r\nAnn;ann@good.com\r\nHuge;${'x'.repeat(10 * 1024 * 1024)}\r\nBob;bob@nullmx.com\r\n`,
    );
    const { code, stdout } = await runCli(['recipients', file, '--format', 'csv', ...dns()]);
    expect(code).toBe(0);
    const rows = stdout.trimEnd().split('\r\n').slice(1);
    expect(rows.map((r) => r.split(',').slice(4, 6).join(' '))).toEqual([
      'ok ok',
      'invalid input/record-too-long',
      'undeliverable domain/null-mx',
    ]);
  });
});
