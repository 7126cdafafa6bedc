/**
 * Reads a recipient list as a stream of records, one at a time: never the whole file in memory.
 *
 * Formats (decided from the first line, documented in the README):
 * - CSV with a header: the first line holds a separator (`,`, `;` or tab, outside quotes; the
 *   most frequent wins, ties in that order) or is a single column named like an email column
 *   (EMAIL_COLUMN_NAMES), or `column` is given. The address is the column named `email` (case
 *   and surrounding space ignored; or one of EMAIL_COLUMN_NAMES), or `column`. Fields follow
 *   RFC 4180: quoted fields with `""` escapes, separators and line breaks inside quotes.
 * - Otherwise one address per line, taken whole (quotes are part of a quoted local part there).
 * Blank lines are skipped in both. Encodings: UTF-8 (a BOM is dropped), UTF-16 LE or BE with a
 * BOM; UTF-16 without a BOM is refused with a clear error. CRLF, LF and CR line ends.
 *
 * A record longer than MAX_RECORD_CHARS is one invalid record: the reader keeps a preview,
 * stops collecting, and resumes at the next line break (quotes ignored from there, so an
 * unclosed quote cannot swallow the rest of the file).
 */
import type { RecipientReason } from './reasons.js';

/** Longest record kept (characters): far above any address (254 octets) and ESP export rows. */
export const MAX_RECORD_CHARS = 1_048_576;
/** Characters of an over-long record shown as its address. */
export const RECORD_PREVIEW_CHARS = 80;
/** Header names taken as the address column, compared case-insensitively after trimming. */
export const EMAIL_COLUMN_NAMES: readonly string[] = [
  'email',
  'e-mail',
  'email address',
  'email_address',
  'emailaddress',
  'email-address',
  'e-mail address',
  // What ESPs and address books in other languages export (German, French, Spanish).
  'e-mail-adresse',
  'adresse e-mail',
  'courriel',
  'correo electrónico',
  'mail',
];
/** Separators sniffed from the header line, in tie-break order. */
export const CSV_SEPARATORS: readonly string[] = [',', ';', '\t'];

/** The list cannot be read at all (no address column, UTF-16 without BOM...). */
export class RecipientInputError extends Error {
  override name = 'RecipientInputError';
}

export interface InputRecord {
  /** Line of the input where the record starts (1-based). */
  line: number;
  /** The address field, trimmed (a preview for an over-long record). */
  address: string;
  error?: { reason: RecipientReason; detail: string };
}

export interface InputFormat {
  format: 'csv' | 'lines';
  separator?: string;
  column?: string;
  /** The address column's index among the CSV fields (0-based). */
  columnIndex?: number;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be';
}

export interface ReadOptions {
  /** The address column's header name (CSV); default: `email` or an alias. */
  column?: string;
  /** Told once, when the format is known (before the first record). */
  onFormat?: (format: InputFormat) => void;
}

const QUOTE_OR_BREAK = /["\n\r]/g;
const BREAK = /[\n\r]/g;

/** A physical record: its text (without the line break) and where it starts. */
interface RawRecord {
  line: number;
  text: string;
  oversize: boolean;
}

/** Bytes (or text) in, text out: the encoding is read from the BOM of the first bytes. */
async function* decode(
  chunks: AsyncIterable<Uint8Array | string>,
  onEncoding: (e: InputFormat['encoding']) => void,
): AsyncGenerator<string> {
  let decoder: TextDecoder | undefined;
  let head = new Uint8Array(0);
  for await (const chunk of chunks) {
    if (typeof chunk === 'string') {
      if (!decoder) {
        onEncoding('utf-8');
        decoder = new TextDecoder('utf-8');
      }
      yield chunk.charCodeAt(0) === 0xfeff && head.length === 0 ? chunk.slice(1) : chunk;
      head = new Uint8Array(1);
      continue;
    }
    if (!decoder) {
      // Wait for the 2 bytes a BOM or a UTF-16 pattern needs.
      const joined = new Uint8Array(head.length + chunk.length);
      joined.set(head);
      joined.set(chunk, head.length);
      if (joined.length < 2) {
        head = joined;
        continue;
      }
      const encoding = encodingOf(joined);
      onEncoding(encoding);
      // TextDecoder drops the BOM of its own encoding (ignoreBOM false).
      decoder = new TextDecoder(encoding, { fatal: false });
      head = new Uint8Array(1);
      const text = decoder.decode(joined, { stream: true });
      if (text !== '') yield text;
      continue;
    }
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  if (!decoder && head.length > 0) {
    onEncoding('utf-8');
    yield new TextDecoder('utf-8').decode(head);
  } else if (decoder) {
    const rest = decoder.decode();
    if (rest !== '') yield rest;
  } else onEncoding('utf-8');
}

function encodingOf(b: Uint8Array): InputFormat['encoding'] {
  if (b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  // Text of addresses has no NUL: a NUL in the first two bytes is UTF-16 without its BOM.
  if (b[0] === 0 || b[1] === 0)
    throw new RecipientInputError(
      'the list looks like UTF-16 without a byte-order mark: save it as UTF-8 (or UTF-16 with a BOM)',
    );
  return 'utf-8';
}

/**
 * Splits text into physical records. `quoteAware` (CSV) keeps line breaks inside quotes in the
 * record; it is set after the first record, once the format is known.
 */
class RecordSplitter {
  quoteAware = false;
  private parts: string[] = [];
  private length = 0;
  private oversize = false;
  private inQuotes = false;
  /** The last chunk ended in CR: a LF starting the next one belongs to it. */
  private pendingCr = false;
  private line = 1;
  private recordLine = 1;

  *push(text: string): Generator<RawRecord> {
    let i = 0;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (text.charCodeAt(0) === 10) i = 1;
    }
    let start = i;
    const n = text.length;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34 && this.quoteAware && !this.oversize) {
        this.inQuotes = !this.inQuotes;
        i++;
        continue;
      }
      if (c !== 10 && c !== 13) {
        // Jump to the next character of interest.
        const next = this.nextStop(text, i + 1);
        i = next < 0 ? n : next;
        continue;
      }
      if (this.inQuotes) {
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        this.line++;
        i++;
        continue;
      }
      this.append(text, start, i);
      yield this.take();
      this.line++;
      if (c === 13) {
        if (i + 1 >= n) this.pendingCr = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      i++;
      start = i;
      this.recordLine = this.line;
    }
    this.append(text, start, n);
  }

  *end(): Generator<RawRecord> {
    if (this.length > 0 || this.parts.length > 0) yield this.take();
  }

  private nextStop(text: string, from: number): number {
    const re = this.quoteAware && !this.oversize ? QUOTE_OR_BREAK : BREAK;
    re.lastIndex = from;
    return re.exec(text)?.index ?? -1;
  }

  private append(text: string, from: number, to: number): void {
    if (to <= from || this.oversize) return;
    if (this.length + (to - from) > MAX_RECORD_CHARS) {
      const keep = Math.max(0, RECORD_PREVIEW_CHARS - this.length);
      this.parts.push(text.slice(from, from + keep));
      this.oversize = true;
      this.inQuotes = false;
      return;
    }
    this.parts.push(text.slice(from, to));
    this.length += to - from;
  }

  private take(): RawRecord {
    const text = this.parts.length === 1 ? (this.parts[0] as string) : this.parts.join('');
    const record = { line: this.recordLine, text, oversize: this.oversize };
    this.parts = [];
    this.length = 0;
    this.oversize = false;
    this.inQuotes = false;
    return record;
  }
}

/** Separators outside quotes in a line, per candidate. */
function separatorCounts(line: string): Map<string, number> {
  const counts = new Map<string, number>(CSV_SEPARATORS.map((s) => [s, 0]));
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  return counts;
}

/** The most frequent separator of the header line, or undefined when it has none. */
export function sniffSeparator(line: string): string | undefined {
  let best: string | undefined;
  let bestCount = 0;
  for (const [sep, count] of separatorCounts(line))
    if (count > bestCount) {
      best = sep;
      bestCount = count;
    }
  return best;
}

/** The fields of one CSV record (RFC 4180 2; a space before an opening quote is tolerated). */
export function parseCsvRecord(record: string, separator: string): string[] {
  const fields: string[] = [];
  let i = 0;
  const n = record.length;
  for (;;) {
    let j = i;
    while (j < n && (record[j] === ' ' || record[j] === '\t') && record[j] !== separator) j++;
    if (record[j] === '"') {
      let value = '';
      let k = j + 1;
      for (;;) {
        const q = record.indexOf('"', k);
        if (q < 0) {
          value += record.slice(k);
          k = n;
          break;
        }
        value += record.slice(k, q);
        if (record[q + 1] === '"') {
          value += '"';
          k = q + 2;
        } else {
          k = q + 1;
          break;
        }
      }
      // Text between the closing quote and the separator is kept (lenient, as spreadsheets are).
      const sepAt = record.indexOf(separator, k);
      const tail = sepAt < 0 ? record.slice(k) : record.slice(k, sepAt);
      fields.push(value + tail.trimEnd());
      if (sepAt < 0) return fields;
      i = sepAt + separator.length;
    } else {
      const sepAt = record.indexOf(separator, i);
      fields.push(sepAt < 0 ? record.slice(i) : record.slice(i, sepAt));
      if (sepAt < 0) return fields;
      i = sepAt + separator.length;
    }
  }
}

/** The address column's index in the header, or undefined. */
function columnIndex(header: string[], wanted: readonly string[]): number | undefined {
  const names = header.map((h) => h.trim().toLowerCase());
  for (const w of wanted) {
    const at = names.indexOf(w.trim().toLowerCase());
    if (at >= 0) return at;
  }
  return undefined;
}

/** A short, printable list of header names for an error message. */
function headerList(header: string[]): string {
  const MAX_NAMES = 10;
  const MAX_NAME_CHARS = 40;
  const shown = header.slice(0, MAX_NAMES).map((h) => JSON.stringify(h.trim().slice(0, MAX_NAME_CHARS)));
  return `${shown.join(', ')}${header.length > MAX_NAMES ? ', ...' : ''}`;
}

/** The records of a list, in order, with the address of each. */
export async function* readRecipientRecords(
  chunks: AsyncIterable<Uint8Array | string>,
  options: ReadOptions = {},
): AsyncGenerator<InputRecord> {
  for await (const batch of readRecipientBatches(chunks, options)) yield* batch;
}

/**
 * The records of a list in batches, one per chunk of input read: a list of millions of
 * addresses costs one await per chunk instead of one per address.
 */
export async function* readRecipientBatches(
  chunks: AsyncIterable<Uint8Array | string>,
  options: ReadOptions = {},
): AsyncGenerator<InputRecord[]> {
  let encoding: InputFormat['encoding'] = 'utf-8';
  const splitter = new RecordSplitter();
  let format: InputFormat | undefined;
  let separator = ',';
  let column = 0;

  const handle = (raw: RawRecord): InputRecord | undefined => {
    if (raw.oversize)
      return {
        line: raw.line,
        address: raw.text.slice(0, RECORD_PREVIEW_CHARS),
        error: {
          reason: 'input/record-too-long',
          detail: `a record longer than ${MAX_RECORD_CHARS} characters: skipped to the next line`,
        },
      };
    if (raw.text.trim() === '') return undefined;
    if (format === undefined) {
      format = decideFormat(raw.text);
      splitter.quoteAware = format.format === 'csv';
      options.onFormat?.(format);
      return format.format === 'csv' ? undefined : { line: raw.line, address: raw.text.trim() };
    }
    if (format.format === 'lines') return { line: raw.line, address: raw.text.trim() };
    const fields = parseCsvRecord(raw.text, separator);
    const value = fields[column];
    if (value === undefined)
      return {
        line: raw.line,
        address: '',
        error: {
          reason: 'input/missing-column',
          detail: `the record has ${fields.length} field(s); the address is field ${column + 1}`,
        },
      };
    return { line: raw.line, address: value.trim() };
  };

  const decideFormat = (first: string): InputFormat => {
    const sniffed = sniffSeparator(first);
    const wanted = options.column !== undefined ? [options.column] : EMAIL_COLUMN_NAMES;
    const single = first.trim().replace(/^"(.*)"$/, '$1');
    const isHeader =
      options.column !== undefined ||
      sniffed !== undefined ||
      columnIndex([single], EMAIL_COLUMN_NAMES) === 0;
    if (!isHeader) return { format: 'lines', encoding };
    separator = sniffed ?? ',';
    if ((first.match(/"/g)?.length ?? 0) % 2 === 1)
      throw new RecipientInputError('the header line has an unclosed quote');
    const header = parseCsvRecord(first, separator);
    const at = columnIndex(header, wanted);
    if (at === undefined)
      throw new RecipientInputError(
        options.column !== undefined
          ? `no column named ${JSON.stringify(options.column)} in the header (${headerList(header)})`
          : `no email column in the header (${headerList(header)}): name it with --column NAME`,
      );
    column = at;
    return { format: 'csv', separator, column: (header[at] ?? '').trim(), columnIndex: at, encoding };
  };

  for await (const text of decode(chunks, (e) => {
    encoding = e;
  })) {
    const batch: InputRecord[] = [];
    for (const raw of splitter.push(text)) {
      const record = handle(raw);
      if (record) batch.push(record);
    }
    if (batch.length > 0) yield batch;
  }
  const last: InputRecord[] = [];
  for (const raw of splitter.end()) {
    const record = handle(raw);
    if (record) last.push(record);
  }
  if (last.length > 0) yield last;
  if (format === undefined) options.onFormat?.({ format: 'lines', encoding });
}
