/**
 * `mail-preflight message FILE.eml` through the in-process CLI: messages signed in the test, the
 * From domain served by the loopback DNS lab. The file is streamed (a 26 MB message is written to
 * a temp file piece by piece, never held as one string); output and exit codes are audit's.
 */
import { createWriteStream, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateReport } from '../../reports/schema.js';
import { type LabHandle, startLab } from '../../src/lab/index.js';
import { MESSAGE_CHECK_IDS } from '../../src/registry.js';
import { runCli } from '../helpers/cli.js';
import { shopKey, shopZone, signedShopMessage } from '../helpers/shop-message.js';

const { publicKey, privateKey } = shopKey();

/** Gmail's limit on the wire (25 MB, binary): the oversized message goes past it. */
const GMAIL_LIMIT_BYTES = 25 * 1024 * 1024;
/** Base64 line of the oversized message's attachment (RFC 2045 6.8: at most 76 characters). */
const BASE64_LINE = `${'QUJD'.repeat(19)}\r\n`;
/** Lines written per chunk of the oversized message (about 780 KB a chunk). */
const LINES_PER_CHUNK = 10_000;

let lab: LabHandle;
let dir: string;
let resolver: string;

beforeAll(async () => {
  lab = await startLab(shopZone(publicKey));
  resolver = `${lab.host}:${lab.port}`;
  dir = mkdtempSync(join(tmpdir(), 'mail-preflight-message-'));
});
afterAll(async () => {
  await lab.stop();
});

/** A bulk message as a careful sender emits it: signed (every header), one-click unsubscribe. */
function signedMessage(): Promise<Buffer> {
  return signedShopMessage(privateKey, {
    headers: {
      'Return-Path': '<bounce@bounce.shop.example>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  });
}

/** The Message-ID nodemailer gave the message. */
function messageIdOf(bytes: Buffer): string {
  const id = /^Message-ID: (<[^>]+>)/im.exec(bytes.toString('latin1'))?.[1];
  if (id === undefined) throw new Error('the test message has no Message-ID');
  return id;
}

function fileWith(name: string, bytes: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** The sending identity and the lab, as every run of the domain audit here gives them. */
function labArgs(): string[] {
  return [
    '--resolver',
    resolver,
    '--timeout',
    '300',
    '--no-smtp',
    '--ip',
    '192.0.2.10',
    '--helo',
    'out.shop.example',
  ];
}

/** A message over Gmail's limit, written to a file in pieces (a base64 attachment of ABC...). */
async function oversizedMessageFile(): Promise<string> {
  const path = join(dir, 'catalogue.eml');
  const out = createWriteStream(path);
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve()));
  await write(
    [
      'From: Shop <news@shop.example>',
      'To: reader@example.net',
      'Subject: Catalogue',
      'Date: Mon, 7 Dec 2026 10:00:00 +0000',
      'Message-ID: <catalogue-1@shop.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The catalogue is attached.',
      '--b1',
      'Content-Type: application/pdf; name="catalogue.pdf"',
      'Content-Disposition: attachment; filename="catalogue.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      '',
    ].join('\r\n'),
  );
  const chunk = BASE64_LINE.repeat(LINES_PER_CHUNK);
  for (let written = 0; written <= GMAIL_LIMIT_BYTES; written += chunk.length) await write(chunk);
  await write('--b1--\r\n');
  out.end();
  await finished(out);
  return path;
}

/** The CLI with `message -` reading the bytes as its standard input, in two chunks. */
function runWithStdin(args: string[], stdin: Buffer) {
  return runCli(args, {}, Readable.from([stdin.subarray(0, 100), stdin.subarray(100)]));
}

describe('mail-preflight message', () => {
  it('a clean signed message exits 0; the text report opens with the message block', async () => {
    const bytes = await signedMessage();
    const path = fileWith('winter.eml', bytes);
    const r = await runCli(['message', path, ...labArgs()]);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(/\[error\]|\[unknown\]/);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^mail-preflight \S+ {2}shop\.example {2}PASS$/);
    expect(r.stdout).toContain(
      [
        '  Message:',
        '    File: winter.eml',
        `    Size: ${bytes.length.toLocaleString('en-US')} bytes (the same on the wire)`,
      ].join('\n'),
    );
    expect(r.stdout).toMatch(/^ {4}SHA-256: [0-9a-f]{16}$/m);
    expect(r.stdout).toContain(`    Message-ID: ${messageIdOf(bytes)}\n`);
    expect(r.stdout).toContain('    From: Shop <news@shop.example>\n    Subject: Winter sale\n');
    // The block is at the top, before the first check.
    expect(r.stdout.indexOf('Subject: Winter sale')).toBeLessThan(r.stdout.indexOf('PASS    '));
    expect(r.stdout).toMatch(/PASS {4}dkim-signature/);
  });

  it('a message over 25 MB (streamed from a file) exits 1 with message-size and 552 5.3.4', async () => {
    const path = await oversizedMessageFile();
    expect(statSync(path).size).toBeGreaterThan(GMAIL_LIMIT_BYTES);
    const r = await runCli(['message', path, ...labArgs()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('message-size/over-gmail-limit');
    expect(r.stdout).toContain('552 5.3.4');
    expect(r.stdout).toContain('    File: catalogue.eml');
  });

  it('--no-dns lints the message offline (no DNS query) and exits 2: DKIM keys are unknown', async () => {
    const path = fileWith('offline.eml', await signedMessage());
    const before = lab.server.queries.length;
    const r = await runCli(['message', path, '--no-dns', '--resolver', resolver, '--json']);
    expect(r.code).toBe(2);
    expect(lab.server.queries.length).toBe(before);
    const report = JSON.parse(r.stdout);
    expect(report.timing.dns.queriesSent).toBe(0);
    expect(Object.keys(report.checks).sort()).toEqual([...MESSAGE_CHECK_IDS].sort());
    expect(report.checks['dkim-signature'].findings.map((f: { id: string }) => f.id)).toEqual([
      'dkim-signature/key-unknown',
    ]);
  });

  it('--format json validates against the report schema and carries target.message', async () => {
    const bytes = await signedMessage();
    const path = fileWith('schema.eml', bytes);
    const r = await runCli(['message', path, ...labArgs(), '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(validateReport(report).errors).toEqual([]);
    expect(report.target.message).toMatchObject({
      fileName: 'schema.eml',
      bytes: bytes.length,
      subject: 'Winter sale',
    });
  });

  it('- reads the message from standard input (no file name; JUnit names the suite by Message-ID)', async () => {
    const bytes = await signedMessage();
    const text = await runWithStdin(['message', '-', '--no-dns'], bytes);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('    Subject: Winter sale');
    expect(text.stdout).not.toContain('File:');
    const junit = await runWithStdin(['message', '-', '--no-dns', '--format', 'junit'], bytes);
    const messageId = messageIdOf(bytes).replace(/</g, '&lt;').replace(/>/g, '&gt;');
    expect(junit.stdout).toContain(`<testsuite name="${messageId}"`);
  });

  it('a missing file, a directory or a second FILE is a usage error (exit 64)', async () => {
    const missing = await runCli(['message', join(dir, 'nope.eml'), '--no-dns']);
    expect(missing.code).toBe(64);
    expect(missing.stderr).toMatch(/cannot read .*nope\.eml: no such file or directory/);
    expect(missing.stdout).toBe('');
    const directory = await runCli(['message', dir, '--no-dns']);
    expect(directory.code).toBe(64);
    expect(directory.stderr).toContain('it is a directory');
    expect((await runCli(['message', '--no-dns'])).code).toBe(64);
    expect((await runCli(['message', 'a.eml', 'b.eml'])).code).toBe(64);
    const unknownCheck = await runCli([
      'message',
      fileWith('x.eml', 'Subject: x\r\n\r\n'),
      '--check',
      'nope',
    ]);
    expect(unknownCheck.code).toBe(64);
    expect(unknownCheck.stderr).toContain('unknown check "nope"');
  });

  it('--check message-size runs only that check', async () => {
    const path = fileWith('only-size.eml', await signedMessage());
    const r = await runCli(['message', path, ...labArgs(), '--check', 'message-size', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report.checks)).toEqual(['message-size']);
    expect(report.checks['message-size'].status).toBe('pass');
  });
});
