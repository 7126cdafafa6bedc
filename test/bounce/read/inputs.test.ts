/** What readBounces reads: directories (maildir), mbox, standard input, gzip; all by content. */
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { detectFormat } from '../../../src/bounce/read/detect.js';
import { fixture, read, readText } from './helpers.js';

let dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'mp-bread-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe('detectFormat: from the content, never the name', () => {
  it.each([
    ['', 'empty'],
    ['{"event":"bounce"}', 'json'],
    ['  \n[{"a":1}]', 'json'],
    ['From MAILER-DAEMON Fri Mar  1 10:00:02 2024\nFrom: x\n', 'mbox'],
    ['Return-Path: <>\nReceived: by x\n\nbody', 'message'],
    ['X-Whatever: 1\nSubject: hi\n\n', 'message'],
    ['Dec 07 10:33:55 mx postfix/smtp[1]: A: to=<x>', 'log'],
    ['postfix/smtp[1]: A: to=<x>, status=bounced\n', 'log'],
    ['2024-03-01 10:00:00 1rfXYZ-000ABC-12 <= a@b', 'log'],
    // An ISO-dated syslog line reads as "name:" up to the hour; the next line looks like a field.
    ['2024-03-01T10:00:02+00:00 mx postfix/smtp[1]: A: to=<x>\nX-Note: y\n', 'log'],
  ])('%j -> %s', (text, format) => {
    expect(detectFormat(Buffer.from(text))).toBe(format);
  });

  it('binary: a NUL, or many control bytes; gzip by its magic', () => {
    expect(detectFormat(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]))).toBe('binary');
    expect(detectFormat(Buffer.from('\x01\x02\x03\x04\x05\x06abc'))).toBe('binary');
    expect(detectFormat(gzipSync('x'))).toBe('gzip');
  });
});

describe('inputs', () => {
  it('a maildir (cur/ new/ tmp/): every file by its content, a log among them too', async () => {
    const { records, summary } = await read([fixture('maildir')]);
    expect(records.map((r) => [r.kind, r.recipient, r.status])).toEqual([
      ['bounce-text', 'lost@example.com', '5.1.1'],
      ['bounce-text', 'missing@example.co', '5.1.1'],
      ['sendmail-log', 'lost@example.com', '5.1.1'],
      ['sendmail-log', 'gone@example.com', '5.1.1'],
      ['sendmail-log', 'later@example.com', '4.7.1'],
    ]);
    expect(records[0]?.source.path).toBe(join(fixture('maildir'), 'cur', '1709287200.M1P1.host:2,S'));
    expect(summary.files).toBe(3);
  });

  it('an mbox: one message per "From " line, >From unquoted, the separator line as source', async () => {
    const { records } = await read([fixture('bounces.mbox')]);
    expect(records.map((r) => [r.source.line, r.recipient, r.status, r.sender])).toEqual([
      [1, 'nobody@example.net', '5.1.1', 'news@sender.example'],
      [31, 'gone@example.org', '5.1.1', 'billing@sender.example'],
    ]);
  });

  it('mbox unquoting (RFC 4155 mboxrd): ">From " inside a message is "From " again', async () => {
    const { mboxMessages } = await import('../../../src/bounce/read/mbox.js');
    const text =
      'From a@b Mon Jan 1 00:00:00 2024\nSubject: x\n\n>From here\n>>From there\n\nFrom c@d Mon Jan 1 00:00:00 2024\nSubject: y\n';
    const out: string[] = [];
    for await (const m of mboxMessages(
      (async function* () {
        yield Buffer.from(text);
      })(),
    ))
      out.push(m.bytes.toString());
    expect(out).toEqual(['Subject: x\n\nFrom here\n>From there\n\n', 'Subject: y\n']);
  });

  it('"-" reads standard input; a gzip-compressed log is read through', async () => {
    const log = readFileSync(fixture('postfix/maillog'));
    const plain = await readText(log);
    const zipped = await readText(gzipSync(log));
    expect(plain.records.length).toBe(6);
    expect(zipped.records).toEqual(plain.records);
    expect(plain.records[0]?.source.path).toBe('-');
  });

  it('a missing path, an unrecognised text and binary junk are problems, the other inputs still read', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'junk.bin'), Buffer.from([0, 1, 2, 3, 255, 254, 0, 0, 9]));
    writeFileSync(join(d, 'notes.txt'), 'just some notes\nnothing to see\n');
    const { records, summary } = await read([join(d, 'missing.log'), d, fixture('text/exim.eml')]);
    expect(records.map((r) => r.recipient)).toEqual(['nobody@example.net']);
    expect(summary.problemsByKind).toEqual({ unreadable: 1, binary: 1, unrecognized: 1 });
    expect(summary.files).toBe(4);
  });

  it('a symlink loop in a directory is not followed', async () => {
    const d = tempDir();
    symlinkSync(d, join(d, 'loop'));
    writeFileSync(join(d, 'b.eml'), readFileSync(fixture('text/qmail.eml')));
    const { records } = await read([d]);
    expect(records.map((r) => r.recipient)).toEqual(['gone@example.org']);
  });
});
