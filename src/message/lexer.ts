/**
 * RFC 5322 3.2 lexical tokens of a structured header value: atoms, quoted strings, domain
 * literals and specials, with comments and folding whitespace (CFWS) skipped but remembered as
 * `ws` on the next token (dot-atom, msg-id and date-time forbid CFWS where the obsolete forms
 * of section 4 allow it). One pass, linear in the value.
 */

export type TokenKind = 'atom' | 'quoted' | 'literal' | 'special';

export interface Token {
  kind: TokenKind;
  /** Atom text, quoted-string content (quoted-pairs resolved), literal content, or the special. */
  text: string;
  /** CFWS (whitespace or a comment) came before this token. */
  ws: boolean;
  /** Uses obsolete syntax (RFC 5322 4.1: control characters in quoted strings or literals). */
  obsolete: boolean;
}

export interface Lexed {
  tokens: Token[];
  /** CFWS after the last token. */
  trailingWs: boolean;
  /** Non-ASCII characters (RFC 6532 UTF-8) in atoms or quoted strings. */
  utf8: boolean;
  error?: string;
}

/** RFC 5322 3.2.3 specials. */
const SPECIALS = new Set(['(', ')', '<', '>', '[', ']', ':', ';', '@', '\\', ',', '.', '"']);
const ATEXT_EXTRA = "!#$%&'*+-/=?^_`{|}~";

/** RFC 5322 3.2.3 atext, extended by RFC 6532 3.2 to non-ASCII UTF-8. */
export function isAtext(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c >= 0x80) return true;
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    ATEXT_EXTRA.includes(ch)
  );
}

/** RFC 5322 4.1 obs-NO-WS-CTL: control characters the obsolete syntax tolerates. */
function isObsCtl(c: number): boolean {
  return (c >= 1 && c <= 8) || c === 11 || c === 12 || (c >= 14 && c <= 31) || c === 127;
}

const isWsp = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';

export function lex(value: string): Lexed {
  const tokens: Token[] = [];
  let ws = false;
  let utf8 = false;
  let i = 0;
  const n = value.length;
  const fail = (error: string): Lexed => ({ tokens, trailingWs: ws, utf8, error });
  while (i < n) {
    const ch = value[i]!;
    if (isWsp(ch)) {
      ws = true;
      i++;
      continue;
    }
    if (ch === '(') {
      // Comments nest (RFC 5322 3.2.2); a counter, not recursion, so depth costs nothing.
      let depth = 0;
      for (; i < n; i++) {
        const c = value[i]!;
        if (c === '\\') i++;
        else if (c === '(') depth++;
        else if (c === ')' && --depth === 0) break;
      }
      if (depth !== 0) return fail('unterminated comment');
      i++;
      ws = true;
      continue;
    }
    if (ch === ')') return fail('unbalanced ")"');
    if (ch === '"' || ch === '[') {
      const close = ch === '"' ? '"' : ']';
      let text = '';
      let obsolete = false;
      let closed = false;
      for (i++; i < n; i++) {
        const c = value[i]!;
        const code = c.charCodeAt(0);
        if (c === close) {
          closed = true;
          break;
        }
        if (c === '\\') {
          if (close === ']') obsolete = true; // quoted-pair in a literal is obs-dtext (4.4)
          i++;
          if (i < n) text += value[i];
          continue;
        }
        if (close === ']' && (c === '[' || c === '\\')) return fail('invalid character in domain literal');
        if (code === 0) return fail('NUL in quoted text');
        if (isObsCtl(code)) obsolete = true;
        if (code >= 0x80) utf8 = true;
        text += c;
      }
      if (!closed) return fail(close === '"' ? 'unterminated quoted string' : 'unterminated domain literal');
      i++;
      tokens.push({ kind: ch === '"' ? 'quoted' : 'literal', text, ws, obsolete });
      ws = false;
      continue;
    }
    if (SPECIALS.has(ch)) {
      if (ch === '\\' || ch === ']') return fail(`unexpected "${ch}"`);
      tokens.push({ kind: 'special', text: ch, ws, obsolete: false });
      ws = false;
      i++;
      continue;
    }
    if (!isAtext(ch)) return fail(`invalid character ${JSON.stringify(ch)}`);
    const start = i;
    while (i < n && isAtext(value[i]!)) {
      if (value.charCodeAt(i) >= 0x80) utf8 = true;
      i++;
    }
    tokens.push({ kind: 'atom', text: value.slice(start, i), ws, obsolete: false });
    ws = false;
  }
  return { tokens, trailingWs: ws, utf8 };
}
