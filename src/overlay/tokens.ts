/**
 * The lexical layer of an RFC 1035 master file (section 5.1): the text becomes entries, each
 * the fields of one logical line. Parentheses join physical lines, `;` starts a comment outside
 * quotes, a quoted character-string may hold blanks, and `\X` / `\DDD` escape one octet.
 * Every size is bounded: hostile files are normal input.
 */

import { UsageError } from '../errors.js';

/** Longest physical line read; a 4096-bit DKIM key on one line is about 800 characters. */
export const MAX_LINE_CHARS = 16_384;
/** Longest logical entry (physical lines joined by parentheses): a whole RDATA is at most 65535 octets. RFC 1035 3.2.1 */
export const MAX_ENTRY_CHARS = 262_144;
/** Fields of one entry: an SOA has 9, a long DKIM key split into 255-octet strings some dozens. */
export const MAX_FIELDS_PER_ENTRY = 1_024;

/** A bad zone file: names the file and the line, as `named-checkzone` does. */
export class ZoneFileError extends UsageError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'ZoneFileError';
  }
}

export interface Field {
  /** The octets the field stands for, escapes decoded. */
  bytes: Buffer;
  /** Written between double quotes (a character-string, never a name or a number). */
  quoted: boolean;
  /** Holds an escape (`\X` or `\DDD`): such a field is not read as a name. */
  escaped: boolean;
  /** The physical line the field starts on (1-based). */
  line: number;
}

export interface Entry {
  /** The physical line the entry starts on (1-based). */
  line: number;
  /** The entry starts with a blank: its owner is the previous entry's (RFC 1035 5.1). */
  inheritsOwner: boolean;
  fields: Field[];
}

/** The text of a field as a token (names, numbers, type names): its octets as UTF-8. */
export function fieldText(f: Field): string {
  return f.bytes.toString('utf8');
}

const BLANKS = new Set([' ', '\t', '\r']);

/**
 * Splits a master file into entries. Throws ZoneFileError (file:line) for an unterminated
 * quote or parenthesis, a bad escape, or a size over the bounds above.
 */
export function tokenize(text: string, file: string): Entry[] {
  const entries: Entry[] = [];
  let line = 1;
  let lineStart = 0;
  let depth = 0; // open parentheses
  let depthLine = 0; // where the outermost open parenthesis is
  let entry: Entry | undefined;
  let entryChars = 0;
  let i = 0;
  const fail = (reason: string, at = line): never => {
    throw new ZoneFileError(file, at, reason);
  };
  const startEntry = (inheritsOwner: boolean): Entry => {
    entry = { line, inheritsOwner, fields: [] };
    entryChars = 0;
    return entry;
  };
  const endEntry = (): void => {
    if (entry && entry.fields.length > 0) entries.push(entry);
    entry = undefined;
  };
  const push = (field: Field, width: number): void => {
    const e = entry ?? startEntry(false);
    entryChars += width;
    if (entryChars > MAX_ENTRY_CHARS) fail(`entry longer than ${MAX_ENTRY_CHARS} characters`, e.line);
    if (e.fields.length >= MAX_FIELDS_PER_ENTRY)
      fail(`entry has more than ${MAX_FIELDS_PER_ENTRY} fields`, e.line);
    e.fields.push(field);
  };
  /** One `\X` or `\DDD` escape at text[i] (the backslash); returns its octets and the next index. RFC 1035 5.1 */
  const escapedOctets = (at: number): [Buffer, number] => {
    const digits = /^\d{3}/.exec(text.slice(at + 1, at + 4));
    if (digits) {
      const value = Number(digits[0]);
      if (value > 255) fail(`escape \\${digits[0]} is not an octet (\\000 to \\255)`);
      return [Buffer.from([value]), at + 4];
    }
    const next = text.codePointAt(at + 1);
    if (next === undefined || next === 0x0a) fail('a backslash ends the line');
    const ch = String.fromCodePoint(next as number);
    return [Buffer.from(ch, 'utf8'), at + 1 + ch.length];
  };

  while (i < text.length) {
    if (i - lineStart > MAX_LINE_CHARS) fail(`line longer than ${MAX_LINE_CHARS} characters`);
    const c = text[i] as string;
    if (c === '\n') {
      line++;
      lineStart = i + 1;
      i++;
      if (depth === 0) endEntry();
      continue;
    }
    if (BLANKS.has(c)) {
      // A blank at the very start of a logical line keeps the previous owner.
      if (depth === 0 && entry === undefined && i === lineStart) startEntry(true);
      i++;
      continue;
    }
    if (c === ';') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '(') {
      if (depth === 0) depthLine = line;
      depth++;
      if (!entry) startEntry(false);
      i++;
      continue;
    }
    if (c === ')') {
      if (depth === 0) fail('")" without an open "("');
      depth--;
      i++;
      continue;
    }
    const start = i;
    const startLine = line;
    const parts: Buffer[] = [];
    let escaped = false;
    if (c === '"') {
      i++;
      for (;;) {
        if (i >= text.length || text[i] === '\n') fail('quoted string not closed on its line', startLine);
        const q = text[i] as string;
        if (q === '"') {
          i++;
          break;
        }
        if (q === '\\') {
          const [bytes, next] = escapedOctets(i);
          parts.push(bytes);
          escaped = true;
          i = next;
          continue;
        }
        const cp = text.codePointAt(i) as number;
        const ch = String.fromCodePoint(cp);
        parts.push(Buffer.from(ch, 'utf8'));
        i += ch.length;
      }
      if (i - lineStart > MAX_LINE_CHARS) fail(`line longer than ${MAX_LINE_CHARS} characters`);
      push({ bytes: Buffer.concat(parts), quoted: true, escaped, line: startLine }, i - start);
      continue;
    }
    while (i < text.length) {
      const u = text[i] as string;
      if (u === '\n' || BLANKS.has(u) || u === ';' || u === '(' || u === ')' || u === '"') break;
      if (u === '\\') {
        const [bytes, next] = escapedOctets(i);
        parts.push(bytes);
        escaped = true;
        i = next;
        continue;
      }
      let j = i;
      while (j < text.length && !/[\n \t\r;()"\\]/.test(text[j] as string)) j++;
      parts.push(Buffer.from(text.slice(i, j), 'utf8'));
      i = j;
      if (i - lineStart > MAX_LINE_CHARS) fail(`line longer than ${MAX_LINE_CHARS} characters`);
    }
    push({ bytes: Buffer.concat(parts), quoted: false, escaped, line: startLine }, i - start);
  }
  if (depth > 0) fail('"(" not closed before the end of the file', depthLine);
  endEntry();
  return entries;
}
