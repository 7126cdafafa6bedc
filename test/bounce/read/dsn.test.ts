/** RFC 3464's own examples (its appendix), written as fixtures, and Postfix's real DSNs. */
import { describe, expect, it } from 'vitest';
import { core, fixture, read, readText } from './helpers.js';

describe('RFC 3464 delivery status notifications', () => {
  it('RFC 3464 2.3.3: a report of success (Action: delivered) is no bounce: no record, a not-a-bounce problem', async () => {
    const { records, summary } = await read([fixture('more-text/delivered.eml')]);
    expect(records).toEqual([]);
    expect(summary.problemsByKind).toEqual({ 'not-a-bounce': 1 });
  });

  it('RFC 3464 2.3.3: of a report on three recipients, the relayed and expanded ones are dropped, the failed one kept', async () => {
    const eml = [
      'From: MAILER-DAEMON@mx.example.net',
      'To: a@sender.example',
      'Subject: Delivery Status Notification',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
      '',
      '--B',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.net',
      '',
      'Final-Recipient: rfc822; relayed@example.net',
      'Action: relayed',
      'Status: 2.0.0',
      '',
      'Final-Recipient: rfc822; gone@example.net',
      'Action: failed',
      'Status: 5.1.1',
      '',
      'Final-Recipient: rfc822; list@example.net',
      'Action: EXPANDED',
      'Status: 2.0.0',
      '',
      '--B--',
      '',
    ].join('\r\n');
    const { records, summary } = await readText(eml);
    expect(records.map((r) => [r.recipient, r.action, r.status])).toEqual([
      ['gone@example.net', 'failed', '5.1.1'],
    ]);
    expect(summary.problems).toBe(0);
  });

  it('the simple DSN: a failed recipient with a 4.0.0 status after 5 days, the time of the last attempt', async () => {
    const { records, summary } = await read([fixture('rfc3464/simple.eml')]);
    expect(records).toEqual([
      {
        source: { path: fixture('rfc3464/simple.eml'), part: 0 },
        kind: 'dsn',
        recipient: 'louisl@larry.slip.umd.edu',
        action: 'failed',
        status: '4.0.0',
        replyCode: 426,
        diagnostic: '426 connection timed out',
        remoteMta: null,
        time: '1994-07-07T21:15:49.000Z',
        // the returned message is a placeholder: the sender is whom the DSN went to
        sender: 'owner-ietf-mta-dsn@cs.utk.edu',
      },
    ]);
    expect(summary.problems).toBe(0);
  });

  it('the multi-recipient DSN: one record per recipient block, status comments dropped, folds unwrapped', async () => {
    const { records } = await read([fixture('rfc3464/multi-recipient.eml')]);
    expect(records.map(core)).toEqual([
      {
        recipient: 'arathib@vnet.ibm.com',
        action: 'failed',
        status: '5.0.0',
        replyCode: 550,
        remoteMta: 'vnet.ibm.com',
        sender: 'owner-info-mime@cs.utk.edu',
      },
      {
        recipient: 'johnh@hpnjld.njd.hp.com',
        action: 'delayed',
        status: '4.0.0',
        replyCode: null,
        remoteMta: null,
        sender: 'owner-info-mime@cs.utk.edu',
      },
      {
        recipient: 'wsnell@sdcc13.ucsd.edu',
        action: 'failed',
        status: '5.0.0',
        replyCode: 550,
        remoteMta: 'sdcc13.ucsd.edu',
        sender: 'owner-info-mime@cs.utk.edu',
      },
    ]);
    expect(records[0]?.diagnostic).toBe("550 'arathib@vnet.IBM.COM' is not a registered gateway user");
    expect(records.map((r) => r.source.part)).toEqual([0, 1, 2]);
  });

  it('the delayed DSN: the sender from the text/rfc822-headers part', async () => {
    const { records } = await read([fixture('rfc3464/delayed.eml')]);
    expect(records.map(core)).toEqual([
      {
        recipient: 'thomas@de-montfort.ac.uk',
        action: 'delayed',
        status: '4.0.0',
        replyCode: null,
        remoteMta: null,
        sender: 'moore@cs.utk.edu',
      },
    ]);
    // no Last-Attempt-Date or Arrival-Date: the notice's Date
    expect(records[0]?.time).toBe('1995-07-08T23:52:48.000Z');
  });

  it("Postfix's DSNs (from the end-to-end run): the sender from the returned message/rfc822", async () => {
    const { records } = await read([fixture('postfix')]);
    const dsns = records.filter((r) => r.kind === 'dsn');
    expect(dsns.map(core)).toEqual(
      [
        ['big', '5.3.4', 552],
        ['grey', '4.7.24', 451],
        ['rate', '4.7.28', 421],
        ['unknown', '5.1.1', 550],
      ].map(([local, status, replyCode]) => ({
        recipient: `${local}@rcpt.example`,
        action: 'failed',
        status,
        replyCode,
        remoteMta: '127.0.0.1',
        sender: 'alice@sender.example',
      })),
    );
    expect(dsns[1]?.diagnostic).toBe(
      '451 4.7.24 The SPF record of the sending domain has one or more suspicious entries',
    );
  });
});
