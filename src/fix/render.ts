/**
 * renderFixFragment(): a plan as an RFC 1035 master file fragment (5.1): absolute names with
 * their trailing dot, a TTL, class IN; TXT data split into quoted character-strings of at most
 * 255 octets (RFC 1035 3.3.14, RFC 7208 3.3) with '"' and '\' escaped; comments (";") name the
 * findings each RRset fixes and carry the warnings. An inactive record is commented out.
 */
import { MAX_CHARACTER_STRING_BYTES } from '../probe/wire.js';
import type { FixPlan, FixRecord } from './types.js';

/** Splits text into pieces of at most `max` UTF-8 octets, never inside a character. */
export function splitOctets(text: string, max = MAX_CHARACTER_STRING_BYTES): string[] {
  const out: string[] = [];
  let piece = '';
  let bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > max) {
      out.push(piece);
      piece = '';
      bytes = 0;
    }
    piece += ch;
    bytes += n;
  }
  if (piece !== '' || out.length === 0) out.push(piece);
  return out;
}

/** A character-string in master file syntax: quoted, '"' and '\' escaped, controls as \DDD. */
export function quoteString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += `\\${String(code).padStart(3, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A comment line: no line break can escape it. */
const comment = (text: string): string => `; ${text.replace(/[\r\n]+/g, ' ')}`;

function rdata(r: FixRecord, value: string): string {
  if (r.type === 'MX') return value;
  return splitOctets(value).map(quoteString).join(' ');
}

function recordLines(r: FixRecord): string[] {
  const lines = r.comments.map(comment);
  for (const v of r.values) {
    const line = `${r.name}. ${r.ttl} IN ${r.type} ${rdata(r, v)}`;
    lines.push(r.inactive ? `; ${line}` : line);
  }
  return lines;
}

export function renderFixFragment(plan: FixPlan): string {
  const lines: string[] = [
    comment(`mail-preflight --fix for ${plan.domain}, ${plan.createdAt}`),
    comment('each RRset replaces the RRset of its name and type'),
  ];
  for (const fix of plan.fixes) {
    lines.push('');
    const what =
      fix.findings.length > 0 ? `fixes ${fix.findings.join(', ')}` : 'to publish later (see below)';
    lines.push(comment(`${fix.kind}: ${what}`));
    for (const w of fix.warnings) lines.push(comment(`WARNING: ${w}`));
    for (const n of fix.notes) lines.push(comment(n));
    if (fix.policyText !== undefined)
      lines.push(comment('MTA-STS policy: see the .mta-sts.txt file written next to this one'));
    for (const r of fix.records) lines.push(...recordLines(r));
  }
  if (plan.remaining.length > 0) {
    lines.push('', comment('remaining, no DNS fix:'));
    const seen = new Set<string>();
    for (const r of plan.remaining) {
      const line = `  ${r.id}: ${r.reason}`;
      if (!seen.has(line)) lines.push(comment(line));
      seen.add(line);
    }
  }
  return `${lines.join('\n')}\n`;
}
