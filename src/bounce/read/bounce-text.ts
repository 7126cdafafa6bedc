/**
 * The human-readable text of a bounce that has no (readable) delivery-status part: the
 * recipient blocks MTAs write, each with the remote server's reply when there is one.
 *
 * - Postfix, qmail, Yahoo, Sendmail: a line "<x@y>:" (or "<x@y>... reason") opens a block that runs
 *   to the next empty line ("host mx said: 550 ...", "Remote host said: 550 ...", "(reason: 550 ...)");
 * - Exim: after "following address(es) failed:", an indented address and its more indented lines;
 * - Exchange / Office 365: an address line, then "Remote Server returned '550 5.1.10 ...'";
 * - Exchange 2007-2019: "#550 5.1.10 RESOLVER.ADR.RecipientNotFound; ... ##"; Exchange 2003:
 *   the address, an explanation, then "<mx.example #5.1.1>";
 * - Gmail: "wasn't delivered to x@y" / "failed permanently: x@y", then "The response (from the
 *   remote server) was:" and the reply; older notices only "Technical details of temporary
 *   failure:" and Google's own words;
 * - an SMTP session transcript (MDaemon "--> RCPT To:<x@y>" / "<-- 550 ...", Courier ">>>" /
 *   "<<<"): the failure reply to a recipient's RCPT TO, or to the DATA of the recipients accepted;
 * - anything else: the addresses listed after "following recipient(s)" / "following address(es)"
 *   / "was not delivered to:" (Lotus Domino) / "undeliverable to the following:" (GroupWise),
 *   each with what its line says beside the address, or else with the reason that a line such as
 *   "because:" or "The reason for the problem:" introduces.
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
/**
 * "<x@y>:" or "<x@y>... reason" opening a line. The address is checked for its "@" apart
 * (isAddressLike): /<([^<>\s]+@[^<>\s]+)>/ tried every "@" of a long run against every end,
 * seconds on one line of "<a@a@a@..." (quadratic).
 */
const ANGLE_BLOCK = /^<([^<>\s]+)>(?::|\.\.\.)?\s*(.*)$/;
const EXIM_INTRO =
  /following address(?:\(es\)|es)? (?:failed|have yet to be delivered|could not be delivered|has not yet been delivered)|address\(es\) deferred/i;
/** Phrases of a line that introduces a list of failed recipients. */
const LIST_INTRO_PHRASE =
  /(?:following recipients?|following address(?:\(es\)|es)?|delivery has failed to these recipients or groups|failed permanently|delivery to the following recipients?|was not delivered to|undeliverable to the following)/gi;
/** IMail, MDaemon: "The following message to <x@y> was undeliverable." (one line per recipient). */
const MESSAGE_TO =
  /\b(?:message|mail) to (\S+) (?:was undeliverable|was not delivered|could not be delivered|couldn't be delivered)\b/i;
/** A line that introduces the reason of a listed recipient's failure (Domino, MDaemon, IMail). */
const REASON_INTRO = /^\s*(?:because|reason|the reason for the problem|reason for failure)\s*:\s*(.*)$/i;
/** An Exim recipient line: indented, the address, maybe " <original>", maybe ":". */
const EXIM_RECIPIENT_LINE = /^\s+(\S+)((?: <\S+>)?:?)\s*$/;
/**
 * "Remote Server returned '550 5.1.10 ...'", "#550 5.1.10 RESOLVER.ADR.RecipientNotFound; ... ##"
 * and "<mx.example #5.1.1>". Each repetition stops at the first "#" or ">": no backtracking.
 */
const EXCHANGE_REPLY =
  /Remote Server returned '([^']*)'?|#((?:[245]\d\d[ -])?\d\.\d{1,3}\.\d{1,3}[^#>]*)(?:##?|>)/;
const GMAIL_TO = /(?:wasn't|was not|couldn't be|could not be) delivered to (\S+@\S+?)(?: because|[.,]?\s|$)/i;
const GMAIL_RESPONSE =
  /^The (?:response(?: from the remote server)?|error that the other server returned) was:?\s*$/i;
/** Older Gmail notices: Google's own explanation follows, with the remote reply (if any) after it. */
const GMAIL_TECHNICAL = /^Technical details of (?:temporary|permanent) failure:?\s*$/i;
/** A command of an SMTP transcript, as MDaemon ("-->") and Courier or Sendmail (">>>") write it. */
const TRANSCRIPT_COMMAND = /(?:-->|>>>)\s*([A-Za-z]{4})\b(?:\s+TO:\s*<([^<>\s]+)>)?/i;
/** A reply of an SMTP transcript ("<--", "<<<"): the code, and the text from the code on. */
const TRANSCRIPT_REPLY = /(?:<--|<<<)\s*(([2-5]\d\d)[ -].*)$/;
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
    nonEmpty(transcriptBlocks(lines)) ??
    nonEmpty(withReason(listedRecipients(lines), lines)) ??
    withReason(messageToBlock(lines), lines)
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

/** An "@" with text on both sides, as /.+@.+/ would find one. */
function isAddressLike(word: string): boolean {
  const at = word.indexOf('@', 1);
  return at >= 1 && at <= word.length - 2;
}

function angleBlock(line: string): RegExpExecArray | null {
  const m = ANGLE_BLOCK.exec(line.trim());
  return m && isAddressLike(m[1]!) ? m : null;
}

function angleBlocks(lines: string[]): TextBlock[] {
  const out: TextBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = angleBlock(lines[i]!);
    if (!m) continue;
    const end = until(lines, i + 1, (l) => angleBlock(l) !== null);
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
  let at = lines.findIndex((l) => GMAIL_RESPONSE.test(l.trim()));
  if (at < 0) at = lines.findIndex((l) => GMAIL_TECHNICAL.test(l.trim()));
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
    const line = lines[i]!;
    const a = findAddress(line);
    if (a) out.push({ recipient: a[0], text: besideAddress(line, a[0]), remoteMta: null });
  }
  return out;
}

/**
 * What a list line says beside its address: GroupWise's "x@y (user not found)". A date after
 * the address (Exchange's "'x@y' on 3/5/2024 9:30 AM") or the address's display name is no reason.
 */
function besideAddress(line: string, address: string): string {
  const at = line.indexOf(address);
  const after = line
    .slice(at + address.length)
    .replace(/^['">]+/, '')
    .trim();
  const paren = /^\(([^()]*)\)$/.exec(after);
  return paren ? paren[1]!.trim() : '';
}

/** Listed recipients without a reason of their own take the one a "because:" line introduces. */
function withReason(blocks: TextBlock[], lines: string[]): TextBlock[] {
  if (blocks.length === 0 || blocks.some((b) => b.text !== '')) return blocks;
  const at = lines.findIndex((l) => REASON_INTRO.test(l));
  if (at < 0) return blocks;
  const inline = REASON_INTRO.exec(lines[at]!)![1]!.trim();
  let start = at + 1;
  if (inline === '') while (start < lines.length && lines[start]!.trim() === '') start++;
  const end = until(lines, start, () => false);
  const reason = block(null, [inline, ...(inline === '' ? lines.slice(start, end) : [])]);
  return blocks.map((b) => ({ ...b, text: reason.text, remoteMta: b.remoteMta ?? reason.remoteMta }));
}

/**
 * A session transcript: the failure reply (4xx, 5xx) to a recipient's RCPT TO is that
 * recipient's; one to DATA or to the message's end is every accepted recipient's. Consecutive
 * lines of a multi-line reply are joined.
 */
function transcriptBlocks(lines: string[]): TextBlock[] {
  const out: TextBlock[] = [];
  let command = '';
  let recipient: string | null = null;
  const accepted: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const c = TRANSCRIPT_COMMAND.exec(lines[i]!);
    if (c) {
      command = c[1]!.toUpperCase();
      if (command === 'MAIL') accepted.length = 0;
      recipient = command === 'RCPT' ? (c[2] !== undefined && isAddressLike(c[2]) ? c[2] : null) : recipient;
      continue;
    }
    const r = TRANSCRIPT_REPLY.exec(lines[i]!);
    if (!r) continue;
    const parts = [r[1]!];
    for (let more = r[1]![3] === '-'; more && i + 1 < lines.length; i++) {
      const next = TRANSCRIPT_REPLY.exec(lines[i + 1]!);
      if (!next || next[2] !== r[2]) break;
      parts.push(next[1]!.slice(4));
      more = next[1]![3] === '-';
    }
    const failed = r[2]!.startsWith('4') || r[2]!.startsWith('5');
    if (command === 'RCPT' && recipient !== null) {
      if (failed) out.push(block(recipient, [parts.join(' ')]));
      else accepted.push(recipient);
      recipient = null;
    } else if (failed && (command === 'DATA' || command === '')) {
      for (const a of accepted.length > 0 ? accepted : [null]) out.push(block(a, [parts.join(' ')]));
      accepted.length = 0;
    }
  }
  return out;
}

/** Recipients named in "message to x@y was undeliverable" lines, without a reason yet. */
function messageToBlock(lines: string[]): TextBlock[] {
  const out: TextBlock[] = [];
  for (const line of lines) {
    const m = MESSAGE_TO.exec(line);
    const address = m ? findAddress(m[1]!) : null;
    if (address) out.push({ recipient: address[0], text: '', remoteMta: null });
  }
  return out;
}
