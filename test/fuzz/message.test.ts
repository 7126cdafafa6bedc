/**
 * The message parsers (RFC 5322, RFC 2045/2231): a whole message read at once or streamed in any
 * chunks reads the same; address, msg-id, date-time and MIME parameter parsers never throw;
 * a valid date prints back to the same instant.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAddressField } from '../../src/message/address.js';
import { parseDateTime } from '../../src/message/date-time.js';
import { parseMimeValue } from '../../src/message/mime-params.js';
import { parseMsgId } from '../../src/message/msg-id.js';
import { parseMessage, parseMessageBytes } from '../../src/message/parse.js';
import { adversarial, bounded, boundedAsync, chunked, fuzz, hostileText, tokenSoup } from './runs.js';

const HEADER_PIECES = [
  'From: ',
  'To: ',
  'Subject: ',
  'Date: ',
  'Message-ID: ',
  'Content-Type: ',
  'Content-Transfer-Encoding: base64',
  'MIME-Version: 1.0',
  'multipart/mixed; boundary=b',
  'text/plain; charset=utf-8',
  '--b',
  '--b--',
  '\r\n',
  '\n',
  '\r\n\r\n',
  ' ',
  '\t',
  '<a@b.example>',
  '"Name" <x@y.example>',
  'group: a@b, c@d;',
  '=?utf-8?B?w6k=?=',
  'aGVsbG8=',
  'Mon, 07 Dec 2026 09:00:00 +0000',
  'x',
  ':',
  ';',
  '(',
  ')',
  '\\',
  '"',
];
const messageText = fc.oneof(
  { arbitrary: tokenSoup(HEADER_PIECES, 40), weight: 5 },
  { arbitrary: hostileText(HEADER_PIECES), weight: 2 },
  {
    arbitrary: adversarial(['(', ')', '\\', '"', ' ', '\r\n ', 'a', '<', '@', '=?', '?=', ':']).map(
      (t) => `Subject: ${t}`,
    ),
    weight: 1,
  },
);
/** What a parse published (functions such as raw() dropped). */
const published = (m: object) => JSON.parse(JSON.stringify(m)) as unknown;

const FIELD_PIECES = [
  'a',
  '@',
  '.',
  '<',
  '>',
  '"',
  '\\',
  '(',
  ')',
  ',',
  ';',
  ':',
  ' ',
  'example.com',
  'Name',
  '[1.2.3.4]',
  '=?utf-8?q?x?=',
];
const DATE_PIECES = [
  'Mon',
  'Tue,',
  ', ',
  ' ',
  '07',
  '31',
  'Dec',
  'Feb',
  '2026',
  '1899',
  '09:00',
  ':00',
  '60',
  '+0000',
  '-0800',
  'GMT',
  'EST',
  'Z',
  '(',
  ')',
  'x',
];
const MIME_PIECES = [
  'text/plain',
  ';',
  ' ',
  'charset=',
  'utf-8',
  '"',
  '\\',
  'name*0=',
  'name*1*=',
  "utf-8''%41",
  'filename*=',
  '%',
  '=',
  'boundary=',
  '(c)',
];

describe('fuzz: message parsers', () => {
  it('parseMessageBytes never throws, and streaming in any chunks reads the same', async (ctx) => {
    await fuzz(
      ctx,
      fc.asyncProperty(messageText, fc.array(fc.nat({ max: 40 }), { maxLength: 5 }), async (text, cuts) => {
        const bytes = Buffer.from(text, 'utf8');
        const whole = bounded(() => parseMessageBytes(bytes));
        async function* stream() {
          yield* chunked(bytes, cuts);
        }
        const streamed = await boundedAsync(() => parseMessage(stream()));
        expect(published(streamed)).toEqual(published(whole));
      }),
      0.5,
    );
  });

  it('address, msg-id and MIME parameter parsers never throw and are bounded', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(
        fc.oneof(hostileText(FIELD_PIECES), hostileText(MIME_PIECES)),
        fc.constantFrom('mailbox-list', 'mailbox', 'address-list', 'optional-address-list' as const),
        (value, grammar) => {
          bounded(() => parseAddressField(value, grammar));
          bounded(() => parseMsgId(value));
          const mime = bounded(() => parseMimeValue(value));
          expect(typeof mime.value).toBe('string');
        },
      ),
    );
  });

  it('parseDateTime never throws; a valid date prints back to the same instant (RFC 5322 3.3)', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(
        fc.oneof(
          hostileText(DATE_PIECES),
          fc
            .date({ min: new Date('1900-01-01'), max: new Date('9999-12-31'), noInvalidDate: true })
            .map((d) => d.toUTCString()),
        ),
        (value) => {
          const d = bounded(() => parseDateTime(value));
          expect(d.valid).toBe(d.iso !== undefined);
          if (!d.iso) return;
          const again = parseDateTime(new Date(d.iso).toUTCString());
          expect(again.valid).toBe(true);
          expect(again.iso).toBe(d.iso);
        },
      ),
    );
  });
});
