/** RFC 3464's own examples (its appendix), written as fixtures, and Postfix's real DSNs. */
import { describe, expect, it } from 'vitest';
import { core, fixture, read } from './helpers.js';

describe('RFC 3464 delivery status notifications', () => {
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
