/** Bounces whose status is only in the human-readable text, one per MTA or provider. */
import { describe, expect, it } from 'vitest';
import { bareRecord, core, fixture, read } from './helpers.js';

describe('non-standard bounce messages', () => {
  it.each([
    [
      'exim.eml',
      'nobody@example.net',
      '5.1.1',
      550,
      'mx.example.net',
      'news@sender.example',
      '550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown',
    ],
    [
      'qmail.eml',
      'gone@example.org',
      '5.1.1',
      550,
      '198.51.100.7',
      'billing@sender.example',
      '550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown in virtual mailbox table',
    ],
    [
      'sendmail.eml',
      'lost@example.com',
      '5.1.1',
      550,
      null,
      'ops@sender.example',
      '550 5.1.1 <lost@example.com>... User unknown',
    ],
    [
      'office365.eml',
      'nosuchuser@contoso.com',
      '5.1.10',
      550,
      'dm6pr11mb1234.namprd11.prod.outlook.com',
      'sales@sender.example',
      '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
    ],
    [
      'gmail.eml',
      'missing@example.co',
      '5.1.1',
      550,
      null,
      'friend@sender.example',
      '550 5.1.1 <missing@example.co>: Recipient address rejected: User unknown in local recipient table',
    ],
    [
      'yahoo.eml',
      'disabled@yahoo.com',
      // "554.30" is Yahoo's own code, not an RFC 3463 status: none is made up
      null,
      554,
      null,
      'promo@sender.example',
      '554: delivery error: dd Sorry your message to disabled@yahoo.com cannot be delivered. This mailbox is disabled (554.30). - mta1234.mail.bf1.yahoo.com',
    ],
  ])('%s', async (file, recipient, status, replyCode, remoteMta, sender, diagnostic) => {
    const { records, summary } = await read([fixture('text', file)]);
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

  it('a bounce with no status and no recipient anywhere: one record of nulls, and a problem', async () => {
    const { records, summary } = await read([fixture('text/no-status.eml')]);
    expect(records.map(core)).toEqual([bareRecord('x@sender.example')]);
    expect(summary.problemsByKind).toEqual({ 'no-status': 1 });
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
