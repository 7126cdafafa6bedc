/**
 * Content-Type and Content-Disposition values (RFC 2045 5.1, RFC 2183): the lower-case token
 * and its parameters, with RFC 2231 continuations and charset-encoded values joined and
 * decoded, and RFC 2047 encoded-words in quoted names decoded (common, though not standard).
 */
import { decodeWords } from 'postal-mime';

/** Parameters kept per header; a hostile header with thousands is cut here. */
export const MAX_MIME_PARAMS = 64;
/** RFC 2231 continuation sections joined per parameter. */
export const MAX_PARAM_SECTIONS = 256;

export interface MimeValue {
  /** Lower-case value before the first ";" (e.g. 'multipart/mixed', 'attachment'). */
  value: string;
  /** Lower-case names; values decoded. */
  params: Record<string, string>;
}

interface Section {
  index: number;
  encoded: boolean;
  text: string;
}

export function parseMimeValue(raw: string): MimeValue {
  const pieces = splitParams(raw);
  const value = (pieces.shift() ?? '').trim().toLowerCase();
  const plain = new Map<string, string>();
  const sections = new Map<string, Section[]>();
  for (const piece of pieces.slice(0, MAX_MIME_PARAMS)) {
    const eq = piece.indexOf('=');
    if (eq < 0) continue;
    const rawName = piece.slice(0, eq).trim().toLowerCase();
    let text = piece.slice(eq + 1).trim();
    if (text.startsWith('"')) text = unquote(text);
    const m = /^([^*]+)\*(\d+)?(\*)?$/.exec(rawName);
    if (!m) {
      if (!plain.has(rawName)) plain.set(rawName, text);
      continue;
    }
    const name = m[1]!;
    const list = sections.get(name) ?? [];
    if (list.length < MAX_PARAM_SECTIONS)
      list.push({ index: Number(m[2] ?? 0), encoded: m[3] === '*' || m[2] === undefined, text });
    sections.set(name, list);
  }
  const params: Record<string, string> = {};
  for (const [name, text] of plain) params[name] = text.includes('=?') ? decodeWords(text) : text;
  // RFC 2231 4: an extended parameter wins over a plain one of the same name.
  for (const [name, list] of sections) params[name] = joinSections(list);
  return { value, params };
}

/** Split at ";" outside quoted strings. */
function splitParams(raw: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ';' && !quoted) {
      out.push(raw.slice(start, i));
      start = i + 1;
    }
  }
  out.push(raw.slice(start));
  return out;
}

function unquote(text: string): string {
  const end = text.lastIndexOf('"');
  const inner = text.slice(1, end > 0 ? end : undefined);
  return inner.replace(/\\(.)/g, '$1');
}

/** RFC 2231 3 and 4: sections in order; the first encoded one carries charset'language'. */
function joinSections(list: Section[]): string {
  list.sort((a, b) => a.index - b.index);
  let charset = 'utf-8';
  const bytes: number[] = [];
  let out = '';
  const flush = () => {
    if (bytes.length === 0) return;
    out += decodeCharset(Buffer.from(bytes), charset);
    bytes.length = 0;
  };
  list.forEach((s, i) => {
    let text = s.text;
    if (s.encoded && i === 0) {
      const m = /^([^']*)'[^']*'(.*)$/s.exec(text);
      if (m) {
        charset = m[1] || charset;
        text = m[2]!;
      }
    }
    if (!s.encoded) {
      flush();
      out += text;
      return;
    }
    for (let j = 0; j < text.length; j++) {
      const hex = text[j] === '%' ? /^[0-9a-f]{2}$/i.exec(text.slice(j + 1, j + 3)) : null;
      if (hex) {
        bytes.push(Number.parseInt(hex[0], 16));
        j += 2;
      } else bytes.push(...Buffer.from(text[j]!, 'utf8'));
    }
  });
  flush();
  return out;
}

function decodeCharset(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}
