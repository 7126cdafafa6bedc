/**
 * The bounce readers: input detection, syslog prefixes and the MTA log lines, DSN fields
 * (RFC 3464), bounce text, the whole reader over any input in any chunks, and classification
 * (a function of the record alone).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/bounce/classify.js';
import { textBlocks } from '../../src/bounce/read/bounce-text.js';
import { detectFormat } from '../../src/bounce/read/detect.js';
import { parseDeliveryStatus } from '../../src/bounce/read/dsn.js';
import { readBounces } from '../../src/bounce/read/index.js';
import { MtaLogReader } from '../../src/bounce/read/mta-log.js';
import { ReadTally } from '../../src/bounce/read/problems.js';
import { parseLogLine } from '../../src/bounce/read/syslog.js';
import type { BounceRecord } from '../../src/bounce/types.js';
import { bounceRecord } from '../helpers/bounce-record.js';
import {
  adversarial,
  bounded,
  boundedAsync,
  chunked,
  fuzz,
  hostileText,
  jsonRoundTrip,
  tokenSoup,
} from './runs.js';

const LOG_PIECES = [
  'Mar  1 10:00:00 mx postfix/smtp[12]: ',
  '<22>1 2024-03-01T10:00:01.456+01:00 mx postfix/smtp 101 - [a b="c\\]"][d] ',
  '2024-03-01T10:00:00+0000 mx sendmail[5]: ',
  '2024-03-01 10:00:00 ',
  '1rfXYZ-000ABC-12 ',
  '** a@b.example R=dnslookup T=remote_smtp: SMTP error from remote mail server after RCPT TO:<a@b.example>: ',
  '== ',
  '<= ',
  'ABC123: ',
  'to=<u@gmail.com>, relay=gmail-smtp-in.l.google.com[1.2.3.4]:25, ',
  'dsn=5.7.26, status=bounced ',
  'status=deferred ',
  '(host mx said: 550-5.7.26 Unauthenticated email ',
  '421 4.7.28 ',
  'from=<s@shop.example>, ',
  'removed',
  'stat=Deferred: ',
  'dsn=4.0.0, stat=Deferred: Connection refused by mx.example',
  '{"event":"bounce","email":"a@b"}',
  ' ',
  '\n',
  '(',
  ')',
  '<',
  '>',
  '@',
  ':',
];
const DSN_PIECES = [
  'Reporting-MTA: dns; mx.example\n',
  'Arrival-Date: Mon, 07 Dec 2026 09:00:00 +0000\n',
  'Final-Recipient: rfc822; a@b.example\n',
  'Original-Recipient: rfc822;x@y\n',
  'Action: failed\n',
  'Action: delayed\n',
  'Status: 5.1.1\n',
  'Remote-MTA: dns; mx.b.example\n',
  'Diagnostic-Code: smtp; 550 5.1.1 no such user\n',
  'X-Postfix-Sender: rfc822; s@shop.example\n',
  '\n',
  ' continued\n',
  ':',
  ';',
  'x',
];
const TEXT_PIECES = [
  'The following recipients failed:\n',
  'Delivery has failed to these recipients or groups:\n',
  '  a@b.example\n',
  '  <a@b.example>: host said: 550 5.1.1 unknown\n',
  'The response from the remote server was:\n',
  'following recipients',
  'failed permanently',
  'was not delivered to ',
  'a@b',
  'host ',
  ' said:',
  '[',
  ']',
  'x',
  '550 5.7.1 rejected\n',
  ' ',
  ':',
  '@',
  '\n',
];

const logLine = fc.oneof(
  { arbitrary: tokenSoup(LOG_PIECES, 16), weight: 5 },
  { arbitrary: hostileText(LOG_PIECES), weight: 2 },
  {
    arbitrary: adversarial([' ', '[', ']', '"', '\\', '<', '>', '@', ':', '=', ',', '(', ')', 'a']),
    weight: 1,
  },
);

const record: fc.Arbitrary<BounceRecord> = fc
  .tuple(
    hostileText([
      ...LOG_PIECES,
      '550 5.7.26 ',
      '5.7.1',
      '421',
      'spamhaus',
      'SPF',
      'DKIM',
      'DMARC',
      'mailbox full',
      'gmail',
    ]),
    fc.option(fc.oneof(fc.emailAddress(), fc.string())),
    fc.option(fc.oneof(fc.domain(), fc.string())),
    fc.constantFrom('failed', 'delayed', 'delivered', 'relayed', 'expanded' as const),
  )
  .map(([diagnostic, recipient, remoteMta, action]) =>
    bounceRecord(diagnostic, { recipient, remoteMta, action: action as BounceRecord['action'] }),
  );

describe('fuzz: bounce readers', () => {
  it('detectFormat takes any head of bytes', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b)),
          logLine.map((t) => Buffer.from(t)),
        ),
        (head) => {
          expect(typeof bounded(() => detectFormat(head))).toBe('string');
        },
      ),
    );
  });

  it('syslog prefixes and the Postfix, Exim and Sendmail line readers never throw', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(fc.array(logLine, { minLength: 1, maxLength: 6 }), (lines) => {
        const reader = new MtaLogReader({ path: 'mail.log', year: 2024, tally: new ReadTally() });
        lines.forEach((line, i) => {
          bounded(() => parseLogLine(line, 2024));
          const records = bounded(() => reader.line(line, i + 1));
          for (const r of records) expect(r.source.line).toBe(i + 1);
        });
      }),
    );
  });

  it('DSN fields and bounce text never throw and are bounded (RFC 3464 2)', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(
        fc.oneof(hostileText(DSN_PIECES), tokenSoup(DSN_PIECES, 30)),
        hostileText(TEXT_PIECES),
        (dsn, text) => {
          const status = bounded(() => parseDeliveryStatus(dsn));
          expect(Array.isArray(status.recipients)).toBe(true);
          bounded(() => textBlocks(text));
        },
      ),
    );
  });

  it('bounce text: long adversarial lines are read in bounded time', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(adversarial(TEXT_PIECES), (text) => {
        bounded(() => textBlocks(text));
      }),
    );
  });

  it('readBounces reads any input, in any chunks, to the same records', async (ctx) => {
    const input = fc.oneof(
      fc.array(logLine, { maxLength: 8 }).map((l) => l.join('\n')),
      tokenSoup(DSN_PIECES, 30).map(
        (d) =>
          `From: mailer-daemon@x\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\n${d}\n--b--\n`,
      ),
      hostileText([...LOG_PIECES, ...TEXT_PIECES]),
    );
    const readAll = async (chunks: Buffer[]) => {
      const out: BounceRecord[] = [];
      let lines = 0;
      async function* stdin() {
        yield* chunks;
      }
      for await (const r of readBounces(['-'], {
        year: 2024,
        stdin: stdin(),
        onSummary: (s) => (lines = s.lines),
      }))
        out.push(r);
      return { records: jsonRoundTrip(out), lines };
    };
    await fuzz(
      ctx,
      fc.asyncProperty(input, fc.array(fc.nat({ max: 50 }), { maxLength: 4 }), async (text, cuts) => {
        const bytes = Buffer.from(text);
        const chunks = chunked(bytes, cuts);
        const split = await boundedAsync(() => readAll(chunks));
        expect(await readAll([bytes])).toEqual(split);
      }),
      0.5,
    );
  });

  it('classify is a function of the record: bounded, and the same after a JSON round trip', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(record, (r) => {
        const first = bounded(() => classify(r));
        expect(jsonRoundTrip(classify(jsonRoundTrip(r)))).toEqual(jsonRoundTrip(first));
      }),
    );
  });
});
