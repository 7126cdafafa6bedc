/** `mail-preflight bounces` through the in-process CLI runner, over test/fixtures/bounces/. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateBounces } from '../../reports/schema.js';
import { parseDate } from '../../src/cli/bounces.js';
import { UsageError } from '../../src/errors.js';
import { type LabHandle, startLab } from '../../src/lab/index.js';
import { runCli } from '../helpers/cli.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/bounces');
const fixture = (...parts: string[]) => join(FIXTURES, ...parts);
/**
 * Every kind of input the fixtures hold, named one by one so that the counts below do not move
 * when another fixture joins the folder.
 */
const INPUTS = [
  'postfix',
  'esp',
  'text',
  'rfc3464',
  'maildir',
  'bounces.mbox',
  'logs/exim-mainlog',
  'logs/journal.json',
].map((p) => fixture(p));

/** Text as standard input. */
async function* stdinOf(text: string): AsyncGenerator<Buffer> {
  yield Buffer.from(text);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp-bounces-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('mail-preflight bounces: text', () => {
  it('prints totals, actions, the worst buckets, waves and the readers problems last', async () => {
    const { code, stdout, stderr } = await runCli(['bounces', ...INPUTS]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^mail-preflight bounces: 46 bounces \(31 permanent, 15 transient\)/);
    expect(lines[1]).toBe(
      'Addresses: suppress 23, retry 7, keep 16 (suppress: the address is gone; retry: send again later; ' +
        'keep: fix the message or the setup)',
    );
    // The worst reply first: the Postfix log's 550 5.1.1, with its fix and an example.
    const replies = stdout.slice(stdout.indexOf('Replies'));
    expect(replies).toMatch(/^ {4}16 {2}other 550 5\.1\.1 {2}recipient-unknown, permanent$/m);
    expect(replies).toContain('fix: Remove the address from your list');
    // Categories carry their linked checks, and say how to run them.
    expect(stdout).toMatch(
      /authentication \(0 permanent; suppress 0, retry 0, keep 3\)\n {6}checks: spf \(spf\/missing,/,
    );
    expect(stdout).toContain('see: --audit runs spf on the sending domains');
    expect(stdout).toContain('see: mail-preflight message on a sample runs message-size');
    expect(stdout).toMatch(/^ {4}33 {2}sender\.example \(24 permanent\): recipient-unknown 18, /m);
    expect(stdout).toContain('No wave: no reply stands out from its baseline.');
    // What could not be read comes last.
    const read = stdout.indexOf('\nRead: 27 files, ');
    expect(read).toBeGreaterThan(stdout.indexOf('Waves:'));
    expect(stdout.slice(read)).toMatch(/not-a-bounce: \S+not-a-bounce\.eml: /);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(160);
  });

  it('reads standard input ("-") alongside files', async () => {
    const log = readFileSync(fixture('postfix', 'maillog'), 'utf8');
    const { code, stdout } = await runCli(
      ['bounces', '-', fixture('esp', 'ses.json'), '--json'],
      {},
      stdinOf(log),
    );
    expect(code).toBe(0);
    const t = JSON.parse(stdout);
    expect(new Set(t.bounces.map((b: { source: { path: string } }) => b.source.path))).toEqual(
      new Set(['-', fixture('esp', 'ses.json')]),
    );
  });

  it('keeps hostile diagnostic strings inert: no control or bidi character reaches the terminal', async () => {
    const evil = '\u001b[2J\u001b]0;pwned\u0007 550 5.1.1 user \u202eunknown\u0085X-Injected: yes\u2066';
    const line =
      `2024-03-01T10:00:00+00:00 mx postfix/smtp[1]: ABC123: to=<a\u001b[31m@example.net>, ` +
      `relay=mx.example.net[192.0.2.1]:25, dsn=5.1.1, status=bounced (host mx.example.net[192.0.2.1] said: ${evil})\n`;
    const { code, stdout } = await runCli(['bounces', '-'], {}, stdinOf(line));
    expect(code).toBe(0);
    expect(stdout).toContain('1 bounce');
    expect(stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(stdout).toContain('[2J');
  });

  it('escapes a hostile file name where the readers problems name it', async () => {
    const evil = join(dir, 'evil\u001b[31m\u202e.log');
    writeFileSync(evil, Buffer.from([0, 1, 2, 3, 0x1b, 0x5b, 0x32, 0x4a]));
    const { code, stdout } = await runCli(['bounces', evil]);
    expect(code).toBe(0);
    expect(stdout).toContain('binary: ');
    expect(stdout).toContain('evil\\x1b[31m\\u202e.log');
    expect(stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  });
});

describe('mail-preflight bounces: json, html, output', () => {
  it('prints the triage as JSON that validates against bounces-v1.json, with what was read', async () => {
    const { code, stdout } = await runCli(['bounces', ...INPUTS, '--format', 'json']);
    expect(code).toBe(0);
    const t = JSON.parse(stdout);
    expect(validateBounces(t).errors).toEqual([]);
    expect(t.kind).toBe('mail-preflight-bounces');
    expect(t.summary.total).toBe(46);
    expect(t.read).toMatchObject({ files: 27, records: 46, problems: 3 });
    expect(t.audit).toBeUndefined();
    // --json is the same.
    expect((await runCli(['bounces', ...INPUTS, '--json'])).stdout).toBe(stdout);
  });

  it('writes html (the page of reports/bounces-html.ts) and --output files', async () => {
    const html = await runCli(['bounces', fixture('esp'), '--format', 'html']);
    expect(html.code).toBe(0);
    expect(html.stdout).toContain('<html');
    const out = join(dir, 'triage.json');
    const written = await runCli(['bounces', fixture('esp'), '--json', '--output', out]);
    expect(written).toMatchObject({ code: 0, stdout: '' });
    expect(written.stderr).toContain(`written to ${out}`);
    expect(validateBounces(JSON.parse(readFileSync(out, 'utf8'))).valid).toBe(true);
  });
});

describe('mail-preflight bounces: --since and --until', () => {
  it('counts only the bounces in the window and says how many were left out', async () => {
    const all = JSON.parse((await runCli(['bounces', fixture('esp'), '--json'])).stdout);
    expect(all.summary.total).toBe(12);
    const late = JSON.parse(
      (await runCli(['bounces', fixture('esp'), '--json', '--since', '2024-03-01T10:30Z'])).stdout,
    );
    expect(late.summary.total).toBe(1);
    expect(late.skippedByTime).toBe(11);
    expect(late.bounces[0].time).toBe('2024-03-01T11:00:00.000Z');
    const early = JSON.parse(
      (await runCli(['bounces', fixture('esp'), '--json', '--until', '2024-03-01T10:01:00+00:00'])).stdout,
    );
    expect(early.summary.total).toBe(6);
    const day = await runCli(['bounces', fixture('esp'), '--since', '2024-03-02']);
    expect(day.stdout).toMatch(/^mail-preflight bounces: 0 bounces/);
    expect(day.stdout).toContain('Outside --since/--until: 12 bounces not counted');
  });

  it.each([
    ['--since', 'yesterday'],
    ['--since', '2024-02-30'],
    ['--until', '2024-03-01T25:00Z'],
    ['--until', '03/01/2024'],
  ])('%s %s is a usage error', async (flag, value) => {
    const r = await runCli(['bounces', FIXTURES, flag, value]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`${flag} must be an ISO date or date-time`);
    expect(r.stdout).toBe('');
  });

  it('--since after --until is a usage error', async () => {
    const r = await runCli(['bounces', FIXTURES, '--since', '2024-03-02', '--until', '2024-03-01']);
    expect(r).toMatchObject({ code: 64, stderr: 'mail-preflight: --since must be before --until\n' });
  });

  it('reads dates without an offset as UTC', () => {
    expect(parseDate('2024-03-01', '--since').toISOString()).toBe('2024-03-01T00:00:00.000Z');
    expect(parseDate('2024-03-01T10:00', '--since').toISOString()).toBe('2024-03-01T10:00:00.000Z');
    expect(parseDate('2024-03-01T10:00:05.5+02:00', '--since').toISOString()).toBe(
      '2024-03-01T08:00:05.500Z',
    );
    expect(() => parseDate('2024-3-1', '--since')).toThrow(UsageError);
  });
});

describe('mail-preflight bounces: usage', () => {
  it('a missing path is a clear usage error, before any work', async () => {
    const missing = join(dir, 'no-such.log');
    const r = await runCli(['bounces', ...INPUTS, missing]);
    expect(r).toMatchObject({
      code: 64,
      stdout: '',
      stderr: `mail-preflight: cannot read ${missing}: no such file or directory\n`,
    });
  });

  it('needs a PATH, and rejects what it does not take', async () => {
    expect((await runCli(['bounces'])).stderr).toContain('bounces needs a PATH');
    expect((await runCli(['bounces', FIXTURES, '--format', 'junit'])).code).toBe(64);
    expect((await runCli(['bounces', FIXTURES, '--check', 'spf'])).code).toBe(64);
    // The identity given for --audit is checked before any audit starts (the resolver is never asked).
    const audit = (...flags: string[]) =>
      runCli(['bounces', FIXTURES, '--audit', '--resolver', '127.0.0.1:9', ...flags]);
    const badIp = await audit('--ip', '300.1.1.1');
    expect(badIp.code).toBe(64);
    expect(badIp.stdout).toBe('');
    const badProfile = await audit('--profile', 'x');
    expect(badProfile.stderr).toBe('mail-preflight: profile must be bulk or transactional, not "x"\n');
  });

  it('--help shows the command, its options and its exit code', async () => {
    const r = await runCli(['bounces', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('mail-preflight bounces PATH... [options]');
    expect(r.stdout).toMatch(/^ {2}--audit {4,}audit the sending domains/m);
    expect(r.stdout).toContain('Exit code 0 whenever the triage ran');
  });
});

describe('mail-preflight bounces --audit against the lab', () => {
  let lab: LabHandle;
  beforeAll(async () => {
    lab = await startLab({ 'broken.example': { TXT: 'v=spf1 include:gone.example -all' } });
  });
  afterAll(async () => {
    await lab.stop();
  });

  it('shows the spf finding that explains the 4.7.27 bounces of the sending domain', async () => {
    const log =
      '2024-03-01T10:00:00+00:00 mx postfix/qmgr[1]: QID0001: from=<news@broken.example>, size=9, nrcpt=1 (queue active)\n' +
      '2024-03-01T10:00:01+00:00 mx postfix/smtp[2]: QID0001: to=<a@gmail.com>, ' +
      'relay=gmail-smtp-in.l.google.com[142.250.0.27]:25, dsn=4.7.27, status=deferred ' +
      '(host gmail-smtp-in.l.google.com[142.250.0.27] said: 421 4.7.27 SPF authentication did not pass)\n';
    const args = ['bounces', '-', '--audit', '--resolver', `${lab.host}:${lab.port}`, '--timeout', '500'];
    const text = await runCli(args, {}, stdinOf(log));
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Audit of the sending domains behind causes a check can see');
    expect(text.stdout).toMatch(/^ {2}broken\.example \(1 linked bounce\): spf fail$/m);
    expect(text.stdout).toMatch(
      /^ {2}category authentication from broken\.example \(1 bounce\): explained by spf\/include-not-found$/m,
    );
    const json = await runCli([...args, '--json'], {}, stdinOf(log));
    const t = JSON.parse(json.stdout);
    expect(validateBounces(t).errors).toEqual([]);
    expect(t.audit.causes[0]).toMatchObject({ verdict: 'explained', findings: ['spf/include-not-found'] });
  });
});
