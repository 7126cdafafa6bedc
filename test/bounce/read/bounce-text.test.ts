/**
 * Bounces whose status is only in the human-readable text, one per MTA or provider. The fixtures
 * of text/ are read whole by the CLI test too; later ones live in more-text/.
 */
import { describe, expect, it } from 'vitest';
import { bareRecord, core, fixture, read, readText } from './helpers.js';

describe('non-standard bounce messages', () => {
  it.each([
    [
      'text/exim.eml',
      'nobody@example.net',
      '5.1.1',
      550,
      'mx.example.net',
      'news@sender.example',
      '550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown',
    ],
    [
      'text/qmail.eml',
      'gone@example.org',
      '5.1.1',
      550,
      '198.51.100.7',
      'billing@sender.example',
      '550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown in virtual mailbox table',
    ],
    [
      'text/sendmail.eml',
      'lost@example.com',
      '5.1.1',
      550,
      null,
      'ops@sender.example',
      '550 5.1.1 <lost@example.com>... User unknown',
    ],
    [
      'text/office365.eml',
      'nosuchuser@contoso.com',
      '5.1.10',
      550,
      'dm6pr11mb1234.namprd11.prod.outlook.com',
      'sales@sender.example',
      '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
    ],
    [
      'text/gmail.eml',
      'missing@example.co',
      '5.1.1',
      550,
      null,
      'friend@sender.example',
      '550 5.1.1 <missing@example.co>: Recipient address rejected: User unknown in local recipient table',
    ],
    [
      'text/yahoo.eml',
      'disabled@yahoo.com',
      // "554.30" is Yahoo's own code, not an RFC 3463 status: none is made up
      null,
      554,
      null,
      'promo@sender.example',
      '554: delivery error: dd Sorry your message to disabled@yahoo.com cannot be delivered. This mailbox is disabled (554.30). - mta1234.mail.bf1.yahoo.com',
    ],
    [
      'more-text/exchange2010.eml',
      'jane@contoso.example',
      '5.1.10',
      550,
      'ex01.contoso.example',
      'sender@example.org',
      '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
    ],
    // Exchange 2003: no basic code, the status in "<mx #5.1.1>" under the address.
    [
      'more-text/exchange2003.eml',
      'old.employee@corp.example.com',
      '5.1.1',
      null,
      null,
      'orders@sender.example',
      '5.1.1',
    ],
    [
      'more-text/courier.eml',
      'nobody@example.com',
      '5.1.1',
      550,
      null,
      'sender@example.org',
      '550 5.1.1 <nobody@example.com>... User unknown',
    ],
    // MDaemon's session transcript: the reply to RCPT TO, not the 220 greeting before it.
    [
      'more-text/mdaemon.eml',
      'rossi@example.it',
      '5.1.1',
      550,
      null,
      'info@sender.example',
      '550 5.1.1 <rossi@example.it>: Recipient address rejected: User unknown in local recipient table',
    ],
    [
      'more-text/imail.eml',
      'jdoe@example.org',
      '5.1.1',
      550,
      null,
      'billing@sender.example',
      "550-'5.1.1 <jdoe@example.org>: Recipient address rejected: User unknown'",
    ],
  ])('%s', async (file, recipient, status, replyCode, remoteMta, sender, diagnostic) => {
    const { records, summary } = await read([fixture(file)]);
    expect(records.map(core)).toEqual([
      { recipient, action: 'failed', status, replyCode, remoteMta, sender },
    ]);
    expect(records[0]?.diagnostic).toBe(diagnostic);
    expect(records[0]?.kind).toBe('bounce-text');
    expect(summary.problems).toBe(0);
  });

  it('an Amazon SES notice that lists the recipient without any reply: nulls, counted as no-status', async () => {
    const { records, summary } = await read([fixture('text/ses.eml')]);
    expect(records.map(core)).toEqual([
      {
        recipient: 'bounce@simulator.amazonses.com',
        action: 'failed',
        status: null,
        replyCode: null,
        remoteMta: null,
        sender: 'alerts@sender.example',
      },
    ]);
    expect(summary.problemsByKind).toEqual({ 'no-status': 1 });
  });

  it.each([
    // Lotus Domino: the recipients after "was not delivered to:", the reason after "because:".
    [
      'more-text/domino.eml',
      'joe@notes.example.com',
      'User joe (joe@notes.example.com) not listed in Domino Directory',
      'failed',
    ],
    // GroupWise: the reason in parentheses beside the address.
    ['more-text/groupwise.eml', 'prof.smith@gw.example.edu', 'user not found', 'failed'],
    // Older Gmail notices: Google's words after "Technical details of temporary failure:".
    [
      'more-text/gmail-delay.eml',
      'bob@example.net',
      'The recipient server did not accept our requests to connect. Learn more at https://support.google.com/mail/answer/7720 [mx.example.net. 192.0.2.7: timed out]',
      'delayed',
    ],
  ])('%s: the recipient and the reason, without any code', async (file, recipient, diagnostic, action) => {
    const { records, summary } = await read([fixture(file)]);
    expect(records.map((r) => [r.recipient, r.diagnostic, r.action, r.status, r.replyCode])).toEqual([
      [recipient, diagnostic, action, null, null],
    ]);
    expect(summary.problemsByKind).toEqual({ 'no-status': 1 });
  });

  it("a transcript: a failed RCPT is its recipient's; a failed DATA is every accepted recipient's; multi-line replies are joined", async () => {
    const eml = [
      'From: MAILER-DAEMON@mx.sender.example',
      'To: a@sender.example',
      'Subject: Undelivered Mail',
      '',
      '--- Session Transcript ---',
      ' <-- 220 mx.example.net ESMTP',
      ' --> MAIL From:<a@sender.example>',
      ' <-- 250 2.1.0 Ok',
      ' --> RCPT To:<gone@example.net>',
      ' <-- 550-5.1.1 No such user',
      ' <-- 550 5.1.1 here',
      ' --> RCPT To:<one@example.net>',
      ' <-- 250 2.1.5 Ok',
      ' --> RCPT To:<two@example.net>',
      ' <-- 250 2.1.5 Ok',
      ' --> DATA',
      ' <-- 354 go ahead',
      ' <-- 554 5.7.1 Message rejected as spam',
      '--- End Transcript ---',
      '',
    ].join('\r\n');
    const { records } = await readText(eml);
    expect(records.map((r) => [r.recipient, r.status, r.replyCode, r.diagnostic])).toEqual([
      ['gone@example.net', '5.1.1', 550, '550-5.1.1 No such user 5.1.1 here'],
      ['one@example.net', '5.7.1', 554, '554 5.7.1 Message rejected as spam'],
      ['two@example.net', '5.7.1', 554, '554 5.7.1 Message rejected as spam'],
    ]);
  });

  it('a bounce quoting the greeting before the failure: the failure reply, not the 220', async () => {
    const eml = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.sender.example>',
      'To: a@sender.example',
      'Subject: Undeliverable',
      'X-Failed-Recipients: x@example.net',
      '',
      'The server said 220 mx.example.net ESMTP, then 250 Ok, then 451 4.7.1 Greylisted, try later',
      '',
    ].join('\r\n');
    const { records } = await readText(eml);
    expect(records.map((r) => [r.recipient, r.status, r.replyCode])).toEqual([
      ['x@example.net', '4.7.1', 451],
    ]);
  });

  it('a bounce with no status and no recipient anywhere: one record of nulls, and a problem', async () => {
    const { records, summary } = await read([fixture('text/no-status.eml')]);
    expect(records.map(core)).toEqual([bareRecord('x@sender.example')]);
    expect(summary.problemsByKind).toEqual({ 'no-status': 1 });
  });

  it.each([
    ['more-text/arf.eml', 'a feedback report (ARF, RFC 5965): a complaint, not a bounce'],
    ['more-text/vacation.eml', 'an automatic reply (Auto-Submitted: auto-replied, RFC 3834), not a bounce'],
  ])('%s is no bounce, and the problem says what it is', async (file, detail) => {
    const { records, summary } = await read([fixture(file)]);
    expect(records).toEqual([]);
    expect(summary.problemsByKind).toEqual({ 'not-a-bounce': 1 });
    expect(summary.examples.map((e) => e.detail)).toEqual([detail]);
  });

  it('an ordinary message is no bounce: no record, a not-a-bounce problem', async () => {
    const { records, summary } = await read([fixture('text/not-a-bounce.eml')]);
    expect(records).toEqual([]);
    expect(summary.problemsByKind).toEqual({ 'not-a-bounce': 1 });
  });

  it('Exim without a recipient block: X-Failed-Recipients names the recipient', async () => {
    const eml = [
      'From: Mail Delivery System <Mailer-Daemon@mx.sender.example>',
      'To: a@sender.example',
      'Subject: Mail delivery failed: returning message to sender',
      'X-Failed-Recipients: One@Example.NET, two@example.net',
      '',
      'Something went wrong: 550 5.7.1 rejected by policy',
      '',
    ].join('\r\n');
    const { records } = await read(
      ['-'],
      (async function* () {
        yield Buffer.from(eml);
      })(),
    );
    expect(records.map((r) => [r.recipient, r.status, r.replyCode])).toEqual([
      ['One@example.net', '5.7.1', 550],
      ['two@example.net', '5.7.1', 550],
    ]);
  });
});
