/** ESP event exports, written from the formats' documentation. */
import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/bounce/classify.js';
import { core, fixture, read, readText } from './helpers.js';

describe('Amazon SES', () => {
  it('bounce notifications (notificationType and eventType), a delivery notification ignored', async () => {
    const { records, summary } = await read([fixture('esp/ses.json')]);
    expect(records.map(core)).toEqual([
      {
        recipient: 'jane@example.com',
        action: 'failed',
        status: '5.1.1',
        replyCode: 550,
        remoteMta: '192.0.2.50',
        sender: 'john@sender.example',
      },
      {
        recipient: 'richard@example.com',
        action: 'failed',
        status: '5.1.1',
        replyCode: 550,
        remoteMta: '192.0.2.50',
        sender: 'john@sender.example',
      },
      {
        recipient: 'full@example.com',
        action: 'failed',
        status: '4.2.2',
        replyCode: 452,
        remoteMta: null,
        sender: 'john@sender.example',
      },
    ]);
    expect(records[0]?.diagnostic).toBe('550 5.1.1 user unknown');
    expect(records[0]?.time).toBe('2024-03-01T10:00:00.000Z');
    expect(records.map((r) => r.kind)).toEqual(['ses', 'ses', 'ses']);
    expect(summary.problems).toBe(0);
  });

  it('inside an SNS envelope (Message is a JSON string)', async () => {
    const { records } = await read([fixture('esp/ses-sns.json')]);
    expect(records.map((r) => [r.recipient, r.status])).toEqual([
      ['jane@example.com', '5.1.1'],
      ['richard@example.com', '5.1.1'],
    ]);
  });

  it("without a diagnosticCode the bounce subtype says why (SES's own suppression list)", async () => {
    const event = (bounceSubType: string, bounceType = 'Permanent') =>
      JSON.stringify({
        notificationType: 'Bounce',
        mail: { source: 's@sender.example', timestamp: '2024-03-01T10:00:00Z' },
        bounce: {
          bounceType,
          bounceSubType,
          bouncedRecipients: [{ emailAddress: `${bounceSubType}@example.com` }],
        },
      });
    const { records } = await readText(
      ['Suppressed', 'NoEmail', 'AttachmentRejected', 'General'].map((t) => event(t)).join('\n'),
    );
    expect(records.map((r) => classify(r)).map((c) => [c.recipient, c.category, c.addressAction])).toEqual([
      ['Suppressed@example.com', 'recipient-unknown', 'suppress'],
      ['NoEmail@example.com', 'recipient-unknown', 'suppress'],
      ['AttachmentRejected@example.com', 'message-blocked-content', 'keep'],
      ['General@example.com', 'unknown', 'keep'],
    ]);
    expect(records[3]?.diagnostic).toBe('SES bounce subtype General');
  });

  it("SendGrid without a reason: its bounce_classification says why; Mailgun's previously bounced address", async () => {
    const lines = [
      {
        event: 'bounce',
        email: 'a@example.com',
        timestamp: 1709287200,
        bounce_classification: 'Invalid Address',
      },
      {
        event: 'blocked',
        email: 'b@example.com',
        timestamp: 1709287200,
        bounce_classification: 'Reputation',
      },
      {
        event: 'failed',
        severity: 'permanent',
        reason: 'suppress-bounce',
        recipient: 'c@example.com',
        timestamp: 1709287200,
        'delivery-status': { message: 'Not delivering to previously bounced address', code: 605 },
      },
    ];
    const { records } = await readText(lines.map((l) => JSON.stringify(l)).join('\n'));
    expect(records.map((r) => classify(r)).map((c) => [c.recipient, c.category, c.addressAction])).toEqual([
      ['a@example.com', 'recipient-unknown', 'suppress'],
      ['b@example.com', 'reputation', 'keep'],
      ['c@example.com', 'recipient-unknown', 'suppress'],
    ]);
  });

  it('a delivery delay event', async () => {
    const { records } = await readText(
      JSON.stringify({
        eventType: 'DeliveryDelay',
        mail: { source: 's@sender.example', timestamp: '2024-03-01T10:00:00Z' },
        deliveryDelay: {
          timestamp: '2024-03-01T10:30:00Z',
          delayType: 'TransientCommunicationFailure',
          delayedRecipients: [
            { emailAddress: 'r@example.com', status: '4.4.7', diagnosticCode: 'smtp; 421 4.4.7 timeout' },
          ],
        },
      }),
    );
    expect(records.map(core)).toEqual([
      {
        recipient: 'r@example.com',
        action: 'delayed',
        status: '4.4.7',
        replyCode: 421,
        remoteMta: null,
        sender: 's@sender.example',
      },
    ]);
  });
});

describe('SendGrid event webhook', () => {
  it('bounce, deferred (response), blocked and dropped; delivered ignored; unix timestamps', async () => {
    const { records, summary } = await read([fixture('esp/sendgrid.json')]);
    expect(records.map((r) => [r.recipient, r.action, r.status, r.replyCode, r.diagnostic, r.time])).toEqual([
      [
        'unknown@example.com',
        'failed',
        '5.1.1',
        550,
        '550 5.1.1 The email account that you tried to reach does not exist.',
        '2024-03-01T10:00:00.000Z',
      ],
      [
        'later@example.com',
        'delayed',
        '4.7.28',
        421,
        '421 4.7.28 Try again later',
        '2024-03-01T10:01:00.000Z',
      ],
      [
        'spammy@example.com',
        'failed',
        '5.7.1',
        550,
        '550 5.7.1 Message rejected due to content',
        '2024-03-01T10:02:00.000Z',
      ],
      ['suppressed@example.com', 'failed', '5.0.0', null, 'Bounced Address', '2024-03-01T10:03:00.000Z'],
    ]);
    expect(summary.problems).toBe(0);
  });
});

describe('Mailgun events', () => {
  it('failed (permanent, temporary), a webhook envelope, the legacy temporary-fail', async () => {
    const { records } = await read([fixture('esp/mailgun.ndjson')]);
    expect(records.map(core)).toEqual([
      {
        recipient: 'alice@example.com',
        action: 'failed',
        status: '5.1.1',
        replyCode: 550,
        remoteMta: 'gmail-smtp-in.l.google.com',
        sender: 'bob@mg.sender.example',
      },
      {
        recipient: 'busy@example.com',
        action: 'delayed',
        status: '4.7.0',
        replyCode: 421,
        remoteMta: 'mx.example.com',
        sender: 'bob@mg.sender.example',
      },
      {
        recipient: 'old@example.com',
        action: 'delayed',
        status: null,
        replyCode: 452,
        remoteMta: null,
        sender: 'bob@mg.sender.example',
      },
    ]);
    expect(records.map((r) => r.source.line)).toEqual([1, 2, 3]);
    expect(records[0]?.diagnostic).toBe(
      '550 5.1.1 The email account that you tried to reach does not exist.',
    );
    expect(records[0]?.time).toBe('2024-03-01T10:00:00.123Z');
  });

  it('an events API page: its items', async () => {
    const { records } = await readText(
      JSON.stringify({
        items: [
          {
            event: 'failed',
            severity: 'permanent',
            recipient: 'a@example.com',
            'delivery-status': { code: 550, message: 'no such user' },
          },
        ],
        paging: {},
      }),
    );
    expect(records.map((r) => [r.recipient, r.replyCode, r.status, r.diagnostic])).toEqual([
      ['a@example.com', 550, null, '550 no such user'],
    ]);
  });
});

describe('unknown and broken JSON', () => {
  it('an unknown object and an unparsable line are counted, the good events still read', async () => {
    const ndjson = [
      '{"hello":"world"}',
      '{"event":"bounce","email":"x@example.com","reason":"550 5.1.1 no",',
      'not json at all',
      '{"event":"bounce","email":"y@example.com","status":"5.1.1","timestamp":1709287200}',
    ].join('\n');
    const { records, summary } = await readText(ndjson);
    // NDJSON: a line end closes the broken object, so the next line is read whole
    expect(records.map((r) => r.recipient)).toEqual(['y@example.com']);
    expect(summary.problemsByKind).toEqual({ 'json-unknown-event': 1, 'json-invalid': 2 });
    expect(summary.examples.map((e) => [e.kind, e.line]).sort()).toEqual([
      ['json-invalid', 2],
      ['json-invalid', 3],
      ['json-unknown-event', 1],
    ]);
  });
});

/** Each as the provider documents its webhook or API payload; the fixtures are in esp-more/. */
describe('Postmark, SparkPost, Mailjet, Mandrill and Brevo', () => {
  const rows = async (file: string) => {
    const { records, summary } = await read([fixture('esp-more', file)]);
    return {
      rows: records.map((r) => [r.kind, r.recipient, r.action, r.status, r.replyCode, r.time]),
      records,
      summary,
    };
  };

  it("Postmark: a bounces API page; Details is the receiver's reply; a spam complaint is no bounce", async () => {
    const { rows: got, records, summary } = await rows('postmark.json');
    expect(got).toEqual([
      ['postmark', 'gone@example.com', 'failed', '5.1.1', 550, '2024-03-04T15:00:00.000Z'],
      ['postmark', 'full@example.com', 'delayed', '4.2.2', 452, '2024-03-04T10:01:00.000Z'],
      ['postmark', 'x@blocked.example', 'failed', null, null, '2024-03-04T10:03:00.000Z'],
    ]);
    // Without Details, Postmark's Description says what it was.
    expect(records[2]?.diagnostic).toBe('ISP block - The server has blocked your message.');
    expect(records[0]?.sender).toBe('news@sender.example');
    expect(summary.problems).toBe(0);
  });

  it('SparkPost: a webhook batch (msys); raw_reason and raw_rcpt_to; delay is delayed; delivery and clicks are no bounce', async () => {
    const { rows: got, records, summary } = await rows('sparkpost.json');
    expect(got).toEqual([
      ['sparkpost', 'Gone@example.com', 'failed', '5.1.1', 550, '2024-03-04T10:00:00.000Z'],
      ['sparkpost', 'later@example.org', 'delayed', '4.7.0', 421, '2024-03-04T10:01:00.000Z'],
    ]);
    expect(records[0]?.diagnostic).toBe(
      '550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown',
    );
    expect(summary.problems).toBe(0);
  });

  it("Mailjet: Mailjet's own words (error, error_related_to); a soft bounce is delayed; sent is no bounce", async () => {
    const { rows: got, records } = await rows('mailjet.json');
    expect(got).toEqual([
      ['mailjet', 'gone@example.com', 'failed', null, null, '2024-03-04T10:00:00.000Z'],
      ['mailjet', 'full@example.com', 'delayed', null, null, '2024-03-04T10:01:00.000Z'],
      ['mailjet', 'spam@example.com', 'failed', null, null, '2024-03-04T10:02:00.000Z'],
    ]);
    expect(records.map((r) => r.diagnostic)).toEqual([
      'user unknown (recipient)',
      'quota exceeded (mailbox)',
      'spam (content)',
    ]);
  });

  it('Mandrill: msg.diag is the reply; soft_bounce is delayed; send is no bounce', async () => {
    const { rows: got, records } = await rows('mandrill.json');
    expect(got).toEqual([
      ['mandrill', 'gone@example.com', 'failed', '5.1.1', 550, '2024-03-04T10:00:00.000Z'],
      ['mandrill', 'full@example.com', 'delayed', '4.2.2', 452, '2024-03-04T10:01:00.000Z'],
    ]);
    expect(records[0]?.sender).toBe('news@sender.example');
  });

  it('Brevo: NDJSON webhook events; ts_event is seconds; delivered is no bounce', async () => {
    const { rows: got, summary } = await rows('brevo.ndjson');
    expect(got).toEqual([
      ['brevo', 'gone@example.com', 'failed', '5.1.1', 550, '2024-03-04T10:00:00.000Z'],
      ['brevo', 'full@example.com', 'delayed', '4.2.2', 452, '2024-03-04T10:01:00.000Z'],
    ]);
    expect(summary.problems).toBe(0);
  });
});
