/**
 * The human-readable text of a bounce that has no (readable) delivery-status part: the
 * recipient blocks MTAs write, each with the remote server's reply when there is one.
 *
 * - Postfix, qmail, Yahoo, Sendmail: a line "<x@y>:" (or "<x@y>... reason") opens a block that runs
 *   to the next empty line ("host mx said: 550 ...", "Remote host said: 550 ...", "(reason: 550 ...)");
 * - Exim: after "following address(es) failed:", an indented address and its more indented lines;
 * - Exchange / Office 365: an address line, then "Remote Server returned '550 5.1.10 ...'";
 * - Gmail: "wasn't delivered to x@y" / "failed permanently: x@y", then "The response (from the
 *   remote server) was:" and the reply;
 * - anything else: the addresses listed after "following recipient(s)" / "following address(es)".
 */

export interface TextBlock {
  recipient: string | null;
  /** The block's text (lines joined by spaces). */
  text: string;
  remoteMta: string | null;
}

/** Lines after which the text is the returned message, not the report. */
const ORIGINAL_MARKERS =
  /^(?:-+ ?(?:Below this line is a copy of the message|This is a copy of the message|Original message|Original Message|Returned message|Unsent Message below|Message headers follow)|Original message headers:|-+ ?Transcript of session follows)/i;
/** An address in free text, tried only where a run of address characters starts (see findAddress). */
const ADDRESS_AT = /[^\s<>"'(),;:@]+@[^\s<>"'(),;:@]+\.[^\s<>"'(),;:@]+/y;
const ADDRESS_CHAR = /[^\s<>"'(),;:@]/;
const ANGLE_BLOCK = /^<([^<>\s]+@[^<>\s]+)>(?::|\.\.\.)?\s*(.*)$/;
const EXIM_INTRO =
  /following address(?:\(es\)|es)? (?:failed|have yet to be delivered|could not be delivered|has not yet been delivered)|address\(es\) deferred/i;
/** Phrases of a line that introduces a list of failed recipients. */
const LIST_INTRO_PHRASE =
  /(?:following recipients?|following address(?:\(es\)|es)?|delivery has failed to these recipients or groups|failed permanently|delivery to the following recipients?)/gi;
/** An Exim recipient line: indented, the address, maybe " <original>", maybe ":". */
const EXIM_RECIPIENT_LINE = /^\s+(\S+)((?: <\S+>)?:?)\s*$/;
const EXCHANGE_REPLY = /Remote Server returned '([^']*)'?|#(\d\.\d{1,3}\.\d{1,3}[^#]*)##?/;
const GMAIL_TO = /(?:wasn't|was not|couldn't be|could not be) delivered to (\S+@\S+?)(?: because|[.,]?\s|$)/i;
const GMAIL_RESPONSE =
  /^The (?:response(?: from the remote server)?|error that the other server returned) was:?\s*$/i;
const REMOTE_HOST =
  /host (\S+?)(?:\[[^\]]*\]| \[[^\]]*\])? said:|^(\S+) does not like recipient|while talking to (\S+?)\.?:|^\s*host (\S+) \[[^\]]*\]|Generating server: (\S+)/im;

/**
 * The first address in a line, as an unanchored search for ADDRESS_AT would find it. That search
 * retried every position of a long run without "@" (quadratic, found by test/fuzz); the leftmost
 * match always starts where a run of address characters starts, so only those are tried.
 */
function findAddress(line: string): [string] | null {
  for (let i = 0; i < line.length; i++) {
    if (!ADDRESS_CHAR.test(line[i]!) || (i > 0 && ADDRESS_CHAR.test(line[i - 1]!))) continue;
    ADDRESS_AT.lastIndex = i;
    const m = ADDRESS_AT.exec(line);
    if (m) return [m[0]];
  }
  return null;
}

export function textBlocks(text: string): TextBlock[] {
  const lines = reportLines(text);
  return (
    nonEmpty(angleBlocks(lines)) ??
    nonEmpty(eximBlocks(lines)) ??
    nonEmpty(exchangeBlocks(lines)) ??
    nonEmpty(gmailBlocks(lines)) ??
    listedRecipients(lines)
  );
}

function nonEmpty(blocks: TextBlock[]): TextBlock[] | undefined {
  return blocks.length > 0 ? blocks : undefined;
}

/** The report's lines: up to the returned message. */
function reportLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const end = lines.findIndex((l) => ORIGINAL_MARKERS.test(l.trim()));
  return end >= 0 ? lines.slice(0, end) : lines;
}

/** Lines that close a block without saying anything about the recipient (qmail). */
const BLOCK_TRAILER =
  /^(?:Giving up on \S+|I'm not going to try again; this message has been in the queue too long)\.?$/;

function block(recipient: string | null, lines: string[]): TextBlock {
  const text = lines
    .map((l) => l.trim())
    .filter((l) => l !== '' && !BLOCK_TRAILER.test(l))
    // Sendmail: "(reason: 550 5.1.1 <x>... User unknown)"
    .map((l) => /^\(reason: (.*)\)$/.exec(l)?.[1] ?? l)
    .join(' ');
  const host = REMOTE_HOST.exec(lines.join('\n'));
  return { recipient, text, remoteMta: host ? (host.slice(1).find((h) => h !== undefined) ?? null) : null };
}

/** Lines from `start` to the next empty line (or a line `stop` accepts). */
function until(lines: string[], start: number, stop: (l: string) => boolean): number {
  let i = start;
  while (i < lines.length && lines[i]!.trim() !== '' && !stop(lines[i]!)) i++;
  return i;
}

function angleBlocks(lines: string[]): TextBlock[] {
  const out: TextBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = ANGLE_BLOCK.exec(lines[i]!.trim());
    if (!m) continue;
    const end = until(lines, i + 1, (l) => ANGLE_BLOCK.test(l.trim()));
    out.push(block(m[1]!, [m[2]!, ...lines.slice(i + 1, end)]));
    i = end - 1;
  }
  return out;
}

function indent(l: string): number {
  return l.length - l.trimStart().length;
}

/**
 * The address of an Exim recipient line: what /^\s+(\S+@\S+?)(?: <\S+>)?:?\s*$/ captured, read
 * without it (that regex tried every "@" of a long word against every end: seconds on one line
 * of "a@a@a@...", found by test/fuzz). It split the word at its last "@" with something on both
 * sides, and its lazy domain left a final ":" out when more than that ":" followed the "@".
 */
function eximRecipient(line: string): string | undefined {
  const m = EXIM_RECIPIENT_LINE.exec(line);
  if (!m) return undefined;
  const word = m[1]!;
  const at = word.lastIndexOf('@', word.length - 2);
  if (at < 1) return undefined;
  const colonAfterDomain = m[2] === '' && word.endsWith(':') && word.length - at - 1 >= 2;
  return colonAfterDomain ? word.slice(0, -1) : word;
}

function eximBlocks(lines: string[]): TextBlock[] {
  const intro = lines.findIndex((l) => EXIM_INTRO.test(l));
  if (intro < 0) return [];
  const out: TextBlock[] = [];
  for (let i = intro + 1; i < lines.length; i++) {
    const l = lines[i]!;
    const address = eximRecipient(l);
    if (address === undefined) continue;
    let end = i + 1;
    while (end < lines.length && (lines[end]!.trim() === '' ? false : indent(lines[end]!) > indent(l))) end++;
    out.push(block(address, lines.slice(i + 1, end)));
    i = end - 1;
  }
  return out;
}

function exchangeBlocks(lines: string[]): TextBlock[] {
  const out: TextBlock[] = [];
  const generating = lines.find((l) => /Generating server:/i.test(l)) ?? '';
  for (let i = 0; i < lines.length; i++) {
    const m = EXCHANGE_REPLY.exec(lines[i]!);
    if (!m) continue;
    let recipient: string | null = null;
    for (let j = i - 1; j >= 0 && j >= i - 3; j--) {
      const a = findAddress(lines[j]!);
      if (a) {
        recipient = a[0];
        break;
      }
    }
    const reply = m[1] ?? m[2]!;
    out.push({ ...block(recipient, [reply]), remoteMta: block(null, [generating]).remoteMta });
  }
  return out;
}

function gmailBlocks(lines: string[]): TextBlock[] {
  let recipient: string | null = null;
  for (const l of lines) {
    const m = GMAIL_TO.exec(l);
    if (m) {
      recipient = m[1]!;
      break;
    }
  }
  const at = lines.findIndex((l) => GMAIL_RESPONSE.test(l.trim()));
  if (at < 0) return [];
  let start = at + 1;
  while (start < lines.length && lines[start]!.trim() === '') start++;
  const end = until(lines, start, () => false);
  if (recipient === null) {
    const listed = listedRecipients(lines.slice(0, at));
    recipient = listed[0]?.recipient ?? null;
  }
  return [block(recipient, lines.slice(start, end))];
}

/**
 * A list introduction: a phrase, then text without ":" or ending in ":" and blanks. The old
 * /(?:phrase)[^:]*:?\s*$/ backtracked over blanks before a late ":x" (quadratic, found by
 * test/fuzz). Text after a later phrase is a suffix of the text after an earlier one, and the
 * condition holds for a suffix when it holds at all: testing after the last phrase suffices.
 */
function isListIntro(line: string): boolean {
  let rest: string | undefined;
  LIST_INTRO_PHRASE.lastIndex = 0;
  for (let m = LIST_INTRO_PHRASE.exec(line); m; m = LIST_INTRO_PHRASE.exec(line)) {
    rest = line.slice(m.index + m[0].length);
  }
  if (rest === undefined) return false;
  const colon = rest.indexOf(':');
  return colon < 0 || rest.slice(colon + 1).trim() === '';
}

/** Addresses listed after an introduction line, without a reason (SES, terse MTAs). */
function listedRecipients(lines: string[]): TextBlock[] {
  const intro = lines.findIndex(isListIntro);
  if (intro < 0) return [];
  const out: TextBlock[] = [];
  let i = intro + 1;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  for (; i < lines.length && lines[i]!.trim() !== ''; i++) {
    const a = findAddress(lines[i]!);
    if (a) out.push({ recipient: a[0], text: '', remoteMta: null });
  }
  return out;
}
