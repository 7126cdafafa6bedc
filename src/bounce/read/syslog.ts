/**
 * The prefix a log line carries before the MTA's own text: RFC 3164 (BSD syslog, also
 * `journalctl -o short` and Postfix's maillog_file), RFC 5424, ISO-dated forms (`journalctl -o
 * short-iso`, rsyslog's high-precision format), or none (Exim's own main log).
 */
import { isoFromText } from './text.js';

export interface LogEntry {
  /** ISO 8601 time, when the prefix gives one. */
  time: string | null;
  /** The program ("postfix/smtp", "sendmail", "exim"), or null without a syslog prefix. */
  program: string | null;
  /** The text after the prefix. */
  message: string;
}

const MONTHS: Record<string, string> = {
  Jan: '01',
  Feb: '02',
  Mar: '03',
  Apr: '04',
  May: '05',
  Jun: '06',
  Jul: '07',
  Aug: '08',
  Sep: '09',
  Oct: '10',
  Nov: '11',
  Dec: '12',
};

/** RFC 3164 4.1.2: "Mmm dd hh:mm:ss host tag[pid]: text" (optional <PRI> first). */
const RFC3164 =
  /^(?:<\d{1,3}>)?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d:\d\d:\d\d)(?:\.\d+)? \S+ ([^\s[:]+)(?:\[\d+\])?: ?(.*)$/;
/** ISO-dated syslog: "2024-03-01T10:00:00.123+00:00 host tag[pid]: text". */
const ISO_SYSLOG =
  /^(?:<\d{1,3}>)?(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) \S+ ([^\s[:]+)(?:\[\d+\])?: ?(.*)$/;
/** RFC 5424 6: "<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]". */
const RFC5424 = /^<\d{1,3}>1 (\S+) \S+ (\S+) \S+ \S+ (?:-|(?:\[(?:[^\]\\]|\\.)*\])+) ?(.*)$/;

/** The entry of one line; a line without a syslog prefix is all message. */
export function parseLogLine(line: string, year: number): LogEntry {
  const c = line.charCodeAt(0);
  if (c >= 0x41 && c <= 0x5a) {
    const m = RFC3164.exec(line);
    if (m) {
      const month = MONTHS[m[1]!];
      if (month) {
        const day = m[2]!.padStart(2, '0');
        // No year and no zone in RFC 3164: the caller's year, read as UTC.
        return { time: isoCached(`${year}-${month}-${day}T${m[3]}Z`), program: m[4]!, message: m[5]! };
      }
    }
  } else if (c === 0x3c) {
    const m = RFC5424.exec(line);
    if (m) {
      return {
        time: m[1] === '-' ? null : isoFromText(m[1]),
        program: m[2] === '-' ? null : m[2]!,
        message: stripBom(m[3]!),
      };
    }
    const r = RFC3164.exec(line);
    if (r) return parseLogLine(line.slice(line.indexOf('>') + 1), year);
  }
  if (c >= 0x30 && c <= 0x39 && line.charCodeAt(10) === 0x54) {
    const m = ISO_SYSLOG.exec(line);
    if (m) return { time: isoCached(m[1]!), program: m[2]!, message: m[3]! };
  }
  return { time: null, program: null, message: line };
}

/** RFC 5424 6.4: a UTF-8 MSG starts with a BOM. */
function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/**
 * Consecutive log lines mostly share their second: the last conversion is kept (Date parsing
 * is otherwise the most expensive step of reading a log line).
 */
let lastStamp = '';
let lastIso: string | null = null;
function isoCached(stamp: string): string | null {
  if (stamp !== lastStamp) {
    lastStamp = stamp;
    lastIso = isoFromText(stamp);
  }
  return lastIso;
}
