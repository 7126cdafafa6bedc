/** MTA logs: Postfix (syslog, RFC 5424, journal JSON), Exim's main log, Sendmail. */
import { describe, expect, it } from 'vitest';
import { parseLogLine } from '../../../src/bounce/read/syslog.js';
import { bareRecord, core, fixture, read, readText } from './helpers.js';

describe('syslog prefixes', () => {
  it.each([
    [
      'Mar  1 10:00:00 mx postfix/smtp[12]: ABC: x',
      { time: '2024-03-01T10:00:00.000Z', program: 'postfix/smtp', message: 'ABC: x' },
    ],
    [
      '<22>Dec 07 10:33:55 mx postfix/qmgr[7294]: DB1: removed',
      { time: '2024-12-07T10:33:55.000Z', program: 'postfix/qmgr', message: 'DB1: removed' },
    ],
    [
      '<22>1 2024-03-01T10:00:01.456+01:00 mx postfix/smtp 101 - [a b="c\\]"][d] 4V: to=<x>',
      { time: '2024-03-01T09:00:01.456Z', program: 'postfix/smtp', message: '4V: to=<x>' },
    ],
    [
      '2024-03-01T10:00:00+0000 mx sendmail[5]: Q: from=<a>',
      { time: '2024-03-01T10:00:00.000Z', program: 'sendmail', message: 'Q: from=<a>' },
    ],
    [
      '2024-03-01 10:00:00 1rfXYZ-000ABC-12 <= a@b',
      { time: null, program: null, message: '2024-03-01 10:00:00 1rfXYZ-000ABC-12 <= a@b' },
    ],
  ])('%s', (line, entry) => {
    expect(parseLogLine(line, 2024)).toEqual(entry);
  });
});

describe('Postfix log', () => {
  it('the real log of the end-to-end run: bounced, deferred then expired, the qmgr sender joined by queue id', async () => {
    const { records, summary } = await read([fixture('postfix/maillog')]);
    expect(records.map((r) => [r.source.line, r.recipient, r.action, r.status, r.replyCode])).toEqual([
      [30, 'unknown@rcpt.example', 'failed', '5.1.1', 550],
      [31, 'big@rcpt.example', 'failed', '5.3.4', 552],
      [37, 'rate@rcpt.example', 'delayed', '4.7.28', 421],
      [38, 'rate@rcpt.example', 'failed', '4.7.28', 421],
      [42, 'grey@rcpt.example', 'delayed', '4.7.24', 451],
      [43, 'grey@rcpt.example', 'failed', '4.7.24', 451],
    ]);
    expect(new Set(records.map((r) => r.sender))).toEqual(new Set(['alice@sender.example']));
    expect(records[0]?.diagnostic).toBe(
      '550 5.1.1 <unknown@rcpt.example>: Recipient address rejected: User unknown (in reply to RCPT TO command)',
    );
    expect(records[0]?.time).toBe('2024-12-07T10:33:55.000Z');
    expect(summary.problems).toBe(0);
    expect(summary.lines).toBe(59);
  });

  it('RFC 5424 lines, long queue ids, a deferral without a remote reply', async () => {
    const { records } = await read([fixture('logs/rfc5424.log')]);
    expect(records.map(core)).toEqual([
      {
        recipient: 'full@example.org',
        action: 'delayed',
        status: '4.2.2',
        replyCode: 452,
        remoteMta: 'mx.example.org',
        sender: 'shop@sender.example',
      },
      {
        recipient: 'x@example.org',
        action: 'delayed',
        status: '4.4.1',
        replyCode: null,
        remoteMta: null,
        sender: 'shop@sender.example',
      },
    ]);
    expect(records[0]?.time).toBe('2024-03-01T09:00:01.456Z');
    expect(records[1]?.diagnostic).toBe('connect to mx.example.org[192.0.2.30]:25: Connection refused');
  });

  it('journalctl -o json: MESSAGE and SYSLOG_IDENTIFIER, time in microseconds', async () => {
    const { records, summary } = await read([fixture('logs/journal.json')]);
    expect(records.map(core)).toEqual([
      {
        recipient: 'blocked@outlook.com',
        action: 'failed',
        status: '5.7.1',
        replyCode: 550,
        remoteMta: 'outlook-com.olc.protection.outlook.com',
        sender: 'team@sender.example',
      },
    ]);
    expect(records[0]?.time).toBe('2024-03-01T10:00:01.000Z');
    expect(records[0]?.source).toEqual({ path: fixture('logs/journal.json'), line: 2 });
    expect(summary.problems).toBe(0);
  });

  it('an expiry whose deferrals are before the log: one failed record without a recipient', async () => {
    const { records } = await readText(
      'Mar  1 10:00:00 mx postfix/qmgr[1]: 1A2B3C4D5E: from=<s@sender.example>, status=expired, returned to sender\n',
    );
    expect(records.map(core)).toEqual([bareRecord('s@sender.example')]);
    expect(records[0]?.diagnostic).toBe('expired, returned to sender');
  });
});

describe('Exim main log', () => {
  it('** failed and == deferred lines, the sender from <=, no record for a retry-time wait', async () => {
    const { records } = await read([fixture('logs/exim-mainlog')]);
    expect(
      records.map((r) => [
        r.source.line,
        r.action,
        r.recipient,
        r.status,
        r.replyCode,
        r.remoteMta,
        r.sender,
      ]),
    ).toEqual([
      [2, 'failed', 'nobody@example.net', '5.1.1', 550, 'mx.example.net', 'news@sender.example'],
      [4, 'delayed', 'slow@gmail.com', '4.7.28', 421, 'gmail-smtp-in.l.google.com', 'news@sender.example'],
      [7, 'failed', 'nowhere@invalid.example', null, null, null, null],
    ]);
    expect(records[0]?.time).toBe('2024-03-01T10:00:01.000Z');
    expect(records[2]?.diagnostic).toBe('Unrouteable address');
  });
});

describe('Sendmail log', () => {
  it('one record per address of to=, dsn= as given, stat=Deferred is a delay, Sent is no bounce', async () => {
    const { records } = await read([fixture('logs/sendmail.log')]);
    expect(records.map(core)).toEqual([
      {
        recipient: 'lost@example.com',
        action: 'failed',
        status: '5.1.1',
        replyCode: null,
        remoteMta: 'mx.example.com',
        sender: 'ops@sender.example',
      },
      {
        recipient: 'gone@example.com',
        action: 'failed',
        status: '5.1.1',
        replyCode: null,
        remoteMta: 'mx.example.com',
        sender: 'ops@sender.example',
      },
      {
        recipient: 'later@example.com',
        action: 'delayed',
        status: '4.7.1',
        replyCode: 451,
        remoteMta: 'mx.example.com',
        sender: 'ops@sender.example',
      },
    ]);
    expect(records[0]?.diagnostic).toBe('User unknown');
  });
});
