/**
 * Hostile and huge inputs: clear results (records with nulls, problems counted), bounded memory,
 * no crash, no hang. MP_BOUNCE_HUGE=1 streams the full 2 GB log (about a minute on a shared
 * machine); by default 256 MB of the same stream shows the memory stays flat.
 */
import { describe, expect, it } from 'vitest';
import { MAX_JSON_VALUE_CHARS, MAX_LINE_CHARS } from '../../../src/bounce/read/limits.js';
import { read, readText } from './helpers.js';

const MB = 1024 * 1024;
const HUGE_BYTES = process.env.MP_BOUNCE_HUGE === '1' ? 2048 * MB : 256 * MB;

/** A Postfix log of `bytes`, one bounce in every five lines, generated as it is read. */
function postfixLog(bytes: number): {
  chunks: AsyncIterable<Buffer>;
  bouncesPerBlock: number;
  blocks: number;
} {
  const lines: string[] = [];
  let bounces = 0;
  for (let i = 0; lines.join('\n').length < MB - 400; i++) {
    const id = `A${i.toString(16).padStart(9, '0').toUpperCase()}`;
    lines.push(
      `Mar  1 10:00:00 mx postfix/qmgr[1]: ${id}: from=<s@sender.example>, size=1, nrcpt=1 (queue active)`,
    );
    lines.push(`Mar  1 10:00:01 mx postfix/smtpd[2]: connect from client[192.0.2.1]`);
    lines.push(
      `Mar  1 10:00:02 mx postfix/smtp[3]: ${id}: to=<u${i}@gmail.com>, relay=gmail-smtp-in.l.google.com[192.0.2.26]:25, delay=1, delays=0/0/0/1, dsn=4.7.28, status=deferred (host gmail-smtp-in.l.google.com[192.0.2.26] said: 421-4.7.28 unusual rate (in reply to end of DATA command))`,
    );
    lines.push(`Mar  1 10:00:03 mx postfix/qmgr[1]: ${id}: removed`);
    lines.push('Mar  1 10:00:04 mx kernel: unrelated line');
    bounces++;
  }
  const block = Buffer.from(`${lines.join('\n')}\n`);
  const blocks = Math.floor(bytes / block.length);
  return {
    bouncesPerBlock: bounces,
    blocks,
    chunks: (async function* () {
      for (let i = 0; i < blocks; i++) yield block;
    })(),
  };
}

/** A multipart/report whose delivery-status part holds `blocks` after its per-message fields. */
function dsnMessage(blocks: string): string {
  return [
    'From: MAILER-DAEMON@mx.example',
    'To: s@sender.example',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    '',
    '--b',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example',
    '',
    blocks,
    '--b--',
    '',
  ].join('\r\n');
}

describe('hostile inputs', () => {
  it(`a ${HUGE_BYTES / MB} MB log is streamed: every bounce read, memory flat`, async () => {
    const log = postfixLog(HUGE_BYTES);
    const { readBounces } = await import('../../../src/bounce/read/index.js');
    let count = 0;
    let lines = 0;
    let last = null as null | { recipient: string | null; status: string | null; sender: string | null };
    const before = process.memoryUsage().rss;
    let peak = before;
    for await (const r of readBounces(['-'], { stdin: log.chunks, onSummary: (s) => (lines = s.lines) })) {
      count++;
      if ((count & 0x3fff) === 0) peak = Math.max(peak, process.memoryUsage().rss);
      last = r;
    }
    expect(count).toBe(log.blocks * log.bouncesPerBlock);
    expect(lines).toBe(log.blocks * log.bouncesPerBlock * 5);
    expect(last).toMatchObject({ status: '4.7.28', sender: 's@sender.example' });
    // flat: a few chunks and the bounded queue-id maps, not the log
    expect(peak - before).toBeLessThan(200 * MB);
  }, 600_000);

  it('a line without an end is cut at the bound and counted; the next line is read', async () => {
    const long = `Mar  1 10:00:00 mx postfix/smtp[1]: ${'x'.repeat(10 * MB)}`;
    const good =
      'Mar  1 10:00:01 mx postfix/smtp[3]: 1A2B3C4D5E: to=<a@example.com>, relay=none, delay=1, dsn=5.1.2, status=bounced (Host or domain name not found)';
    const { records, summary } = await readText(`${long}\n${good}\n`);
    expect(records.map((r) => [r.source.line, r.recipient, r.status])).toEqual([
      [2, 'a@example.com', '5.1.2'],
    ]);
    expect(summary.problemsByKind).toEqual({ 'line-too-long': 1 });
    expect(MAX_LINE_CHARS).toBeLessThan(10 * MB);
  });

  it('a DSN with 10,000 recipients gives 10,000 records, in linear time', async () => {
    const blocks: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      blocks.push(
        `Final-Recipient: rfc822; user${i}@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 user${i} unknown\r\n`,
      );
    }
    const eml = dsnMessage(blocks.join('\r\n'));
    const t0 = performance.now();
    const { records, summary } = await readText(eml);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(records.length).toBe(10_000);
    expect(records[9_999]).toMatchObject({
      recipient: 'user9999@example.com',
      status: '5.1.1',
      replyCode: 550,
      source: { path: '-', part: 9_999 },
    });
    expect(summary.problems).toBe(0);
  });

  it.each([
    [
      'a multipart/report without a delivery-status part',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\nFrom: MAILER-DAEMON@x\r\nSubject: Undelivered\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsorry\r\n--b--\r\n',
      { 'malformed-report': 1, 'no-status': 1 },
    ],
    [
      'a delivery-status part of garbage',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\nFrom: x@y\r\n\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\n\u0001\u0002 garbage ::: \r\n--b--\r\n',
      { 'malformed-report': 1, 'no-status': 1 },
    ],
    [
      'a multipart/report without a boundary',
      'Content-Type: multipart/report; report-type=delivery-status\r\nFrom: MAILER-DAEMON@x\r\nSubject: failure notice\r\n\r\nFinal-Recipient: rfc822; a@b\r\n',
      { 'malformed-report': 1, 'no-status': 1 },
    ],
  ])('%s: a record of nulls and the problem counted, no crash', async (_name, eml, problems) => {
    const { records, summary } = await readText(eml);
    expect(records.length).toBe(1);
    expect(records[0]).toMatchObject({ status: null, replyCode: null });
    expect(summary.problemsByKind).toEqual(problems);
  });

  it('binary junk on standard input: one binary problem, nothing else', async () => {
    const junk = Buffer.alloc(1 * MB);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 2654435761) >>> 24;
    const { records, summary } = await readText(junk);
    expect(records).toEqual([]);
    expect(summary.problemsByKind).toEqual({ binary: 1 });
  });

  it('header injection in diagnostics: one line, no control characters; a repeated DSN field keeps the first', async () => {
    const eml = dsnMessage(
      [
        'Final-Recipient: rfc822; victim@example.com',
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: smtp; 550 5.1.1 unknown',
        'Final-Recipient: rfc822; attacker@evil.example',
        'Status: 2.0.0',
      ].join('\r\n'),
    );
    const dsn = await readText(eml);
    expect(dsn.records.map((r) => [r.recipient, r.status])).toEqual([['victim@example.com', '5.1.1']]);

    const event = JSON.stringify({
      event: 'bounce',
      email: 'x@example.com',
      reason: '550 5.1.1 no\r\nBcc: everyone@example.com\r\n\r\n<script>\u001b[2J\u202eevil',
    });
    const { records } = await readText(event);
    expect(records[0]?.diagnostic).toBe('550 5.1.1 no Bcc: everyone@example.com <script> [2J evil');
    expect(records[0]?.diagnostic).not.toMatch(/[\u0000-\u001f\u007f\u202e]/);
  });

  it('JSON too large or nested too deep: counted, not a crash', async () => {
    const big = `{"event":"bounce","email":"a@b.c","reason":"${'x'.repeat(MAX_JSON_VALUE_CHARS + 10)}"}\n`;
    const deep = `${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}\n`;
    const { records, summary } = await readText(big + deep);
    expect(records).toEqual([]);
    expect(summary.problemsByKind['json-invalid']).toBe(1);
    expect(summary.problems).toBe(2);
  });

  it('an mbox of 2,000 bounces reads each one once', async () => {
    const one =
      'From MAILER-DAEMON Fri Mar  1 10:00:02 2024\nFrom: MAILER-DAEMON@x\nSubject: failure notice\n\n<a@example.com>:\nRemote host said: 550 5.1.1 unknown\n\n';
    const { records } = await read(
      ['-'],
      (async function* () {
        yield Buffer.from(one.repeat(2_000));
      })(),
    );
    expect(records.length).toBe(2_000);
    expect(records[1_999]).toMatchObject({
      recipient: 'a@example.com',
      status: '5.1.1',
      source: { line: 1_999 * 7 + 1 },
    });
  });
});
