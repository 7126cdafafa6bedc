/**
 * A bounce run for the bounce page's unit and browser tests, built by triageBounces() on literal
 * records (not through the readers): two days of everyday bounces at three providers, a Gmail
 * `421 4.7.28` wave, a Microsoft authentication burst, and records whose diagnostic, recipient,
 * remote host and sender carry hostile strings.
 */
import { type BounceTriage, triageBounces } from '../../src/bounce/triage.js';
import type { BounceRecord } from '../../src/bounce/types.js';
import { bounceRecord } from '../helpers/bounce-record.js';
import { XSS_CLOSE, XSS_IMG, XSS_SCRIPT } from './html-fixture.js';

export { XSS_CLOSE, XSS_IMG, XSS_SCRIPT };

export const GMAIL = 'gmail-smtp-in.l.google.com';
export const OUTLOOK = 'hotmail-com.olc.protection.outlook.com';
export const YAHOO = 'mta6.am0.yahoodns.net';
export const OTHER = 'mx.example.net';

export const UNKNOWN_USER = '550 5.1.1 The email account that you tried to reach does not exist. gsmtp';
export const RATE = '421 4.7.28 Unusual rate of unsolicited mail. gsmtp';
export const TOO_BIG = "552 5.3.4 Your message exceeded Google's message size limits. gsmtp";
export const FULL = "452 4.2.2 The recipient's inbox is out of storage space. gsmtp";
export const MS_AUTH =
  '550 5.7.515 Access denied, sending domain shop.example does not meet the required authentication level.';
export const YAHOO_TSS04 =
  '421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume.';
export const OTHER_UNKNOWN = '550 5.1.1 <x@example.net>: Recipient address rejected: User unknown';

/** Start of the run: the fixture spans two days from here (hourly buckets). */
export const RUN_START = Date.parse('2026-11-02T00:00:00Z');
const HOUR = 3_600_000;
/** The hour of the Gmail wave (from RUN_START). */
export const WAVE_HOUR = 30;
export const WAVE_SIZE = 60;

let line = 0;
export function bounce(
  diagnostic: string,
  remoteMta: string | null,
  ms: number | null,
  extra: Partial<BounceRecord> = {},
): BounceRecord {
  line++;
  return bounceRecord(diagnostic, {
    source: { path: 'mail.log', line },
    recipient: `user${line}@example.org`,
    remoteMta,
    time: ms === null ? null : new Date(ms).toISOString(),
    sender: line % 5 === 0 ? 'billing@pay.example' : 'news@shop.example',
    ...extra,
  });
}

/** The records of the run, oldest first except the few without a time at the end. */
export function* fixtureRecords(): Generator<BounceRecord> {
  line = 0;
  for (let h = 0; h < 48; h++) {
    const at = (minute: number) => RUN_START + h * HOUR + minute * 60_000;
    yield bounce(UNKNOWN_USER, GMAIL, at(5));
    if (h % 2 === 0) yield bounce(OTHER_UNKNOWN, OTHER, at(12));
    if (h % 3 === 0) yield bounce(FULL, GMAIL, at(20));
    if (h % 6 === 0) yield bounce(TOO_BIG, GMAIL, at(33));
    if (h % 4 === 1) yield bounce(YAHOO_TSS04, YAHOO, at(40));
    if (h >= 18 && h < 21) for (let i = 0; i < 4; i++) yield bounce(MS_AUTH, OUTLOOK, at(10 + i));
    if (h === WAVE_HOUR) for (let i = 0; i < WAVE_SIZE; i++) yield bounce(RATE, GMAIL, at(i % 60));
    if (h === 40) yield bounce(RATE, GMAIL, at(1));
  }
  // hostile strings where a bounce carries text from the outside
  yield bounce(`550 5.1.1 ${XSS_SCRIPT} ${XSS_IMG}`, GMAIL, RUN_START + 12 * HOUR, {
    recipient: `${XSS_IMG}@example.org`,
  });
  yield bounce(`554 5.7.1 ${XSS_CLOSE} rejected`, `mx${XSS_IMG}.example`, RUN_START + 13 * HOUR, {
    sender: `x@evil${XSS_SCRIPT}.example`,
    source: { path: `logs/${XSS_IMG}.log`, line: 7 },
  });
  yield bounce('delivery temporarily suspended: connect to mx.example.net: Connection timed out', null, null);
}

export function fixtureTriage(): Promise<BounceTriage> {
  return triageBounces(fixtureRecords());
}
