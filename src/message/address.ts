/**
 * RFC 5322 3.4 address fields, parsed strictly over the lexer's tokens: mailbox, name-addr,
 * angle-addr, addr-spec, group; the obsolete forms of section 4.4 (obs-phrase with dots,
 * obs-local-part, obs-domain, obs-route, empty list elements) are accepted and noted.
 * Display names are RFC 2047 decoded for display only.
 */
import { decodeWords } from 'postal-mime';
import { lex, type Token } from './lexer.js';
import { type AddressField, MAX_MAILBOXES_KEPT, type Mailbox } from './types.js';

export type AddressGrammar =
  /** From (3.6.2): mailbox-list. */
  | 'mailbox-list'
  /** Sender (3.6.2): exactly one mailbox. */
  | 'mailbox'
  /** To, Cc, Reply-To (3.6.3): address-list, groups allowed. */
  | 'address-list'
  /** Bcc (3.6.3): address-list or nothing. */
  | 'optional-address-list';

class ParseError extends Error {}

class Cursor {
  i = 0;
  obsolete = false;
  constructor(readonly tokens: Token[]) {}
  peek(): Token | undefined {
    return this.tokens[this.i];
  }
  isSpecial(ch: string): boolean {
    const t = this.tokens[this.i];
    return t?.kind === 'special' && t.text === ch;
  }
  expect(ch: string, what: string): Token {
    const t = this.tokens[this.i];
    if (t?.kind !== 'special' || t.text !== ch) throw new ParseError(`expected ${what}`);
    this.i++;
    return t;
  }
}

/** Parse an address field value against the grammar of its field. */
export function parseAddressField(value: string, grammar: AddressGrammar): AddressField {
  const lexed = lex(value);
  const out: AddressField = {
    valid: false,
    obsolete: false,
    mailboxes: [],
    mailboxCount: 0,
    groups: 0,
    utf8: lexed.utf8,
  };
  if (lexed.error) return { ...out, error: lexed.error };
  const cur = new Cursor(lexed.tokens);
  const add = (m: Mailbox) => {
    out.mailboxCount++;
    if (out.mailboxes.length < MAX_MAILBOXES_KEPT) out.mailboxes.push(m);
  };
  try {
    if (lexed.tokens.length === 0) {
      if (grammar === 'optional-address-list') return { ...out, valid: true };
      throw new ParseError('empty value');
    }
    if (grammar === 'mailbox') {
      add(parseMailbox(cur));
    } else {
      let elements = 0;
      while (cur.peek()) {
        // obs-mbox-list / obs-addr-list (4.4): empty elements between commas.
        if (cur.isSpecial(',')) {
          cur.obsolete = true;
          cur.i++;
          continue;
        }
        if (grammar !== 'mailbox-list' && startsGroup(cur)) {
          out.groups++;
          parseGroup(cur, add);
        } else {
          add(parseMailbox(cur));
        }
        elements++;
        if (!cur.peek()) break;
        cur.expect(',', '"," between addresses');
        // A trailing comma is obsolete syntax too (handled by the empty-element branch).
      }
      if (elements === 0) throw new ParseError('no address');
    }
    if (cur.peek()) throw new ParseError(`unexpected "${cur.peek()!.text}"`);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return { ...out, obsolete: cur.obsolete, error: e.message };
  }
  return { ...out, valid: true, obsolete: cur.obsolete || lexed.tokens.some((t) => t.obsolete) };
}

/** A group starts with a phrase followed by ":" (RFC 5322 3.4). */
function startsGroup(cur: Cursor): boolean {
  let j = cur.i;
  while (j < cur.tokens.length) {
    const t = cur.tokens[j]!;
    if (t.kind === 'atom' || t.kind === 'quoted' || (t.kind === 'special' && t.text === '.')) j++;
    else return j > cur.i && t.kind === 'special' && t.text === ':';
  }
  return false;
}

function parseGroup(cur: Cursor, add: (m: Mailbox) => void): void {
  parsePhrase(cur);
  cur.expect(':', '":"');
  // group-list = mailbox-list / CFWS / obs-group-list
  while (!cur.isSpecial(';')) {
    if (!cur.peek()) throw new ParseError('group without ";"');
    if (cur.isSpecial(',')) {
      cur.obsolete = true;
      cur.i++;
      continue;
    }
    add(parseMailbox(cur));
    if (cur.isSpecial(',')) cur.i++;
    else if (!cur.isSpecial(';')) throw new ParseError('expected "," or ";" in group');
  }
  cur.i++;
}

/** phrase = 1*word / obs-phrase (words and "." after the first word). Returns the decoded text. */
function parsePhrase(cur: Cursor): string {
  const parts: string[] = [];
  for (;;) {
    const t = cur.peek();
    if (!t) break;
    if (t.kind === 'atom' || t.kind === 'quoted') {
      parts.push(t.kind === 'atom' ? decodeWords(t.text) : t.text);
      cur.i++;
    } else if (t.kind === 'special' && t.text === '.' && parts.length > 0) {
      cur.obsolete = true;
      parts.push('.');
      cur.i++;
    } else break;
  }
  if (parts.length === 0) throw new ParseError('expected a display name');
  return parts.join(' ').replace(/ \. /g, '.');
}

/** mailbox = name-addr / addr-spec */
function parseMailbox(cur: Cursor): Mailbox {
  const start = cur.i;
  if (!cur.isSpecial('<')) {
    // addr-spec when an "@" follows the local part directly; else a display name.
    try {
      const spec = parseAddrSpec(cur);
      if (!cur.peek() || cur.isSpecial(',') || cur.isSpecial(';')) return spec;
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
    }
    cur.i = start;
  }
  const name = cur.isSpecial('<') ? undefined : parsePhrase(cur);
  cur.expect('<', '"<" or "@"');
  // obs-route (4.4): "@a.example,@b.example:" before the addr-spec.
  if (cur.isSpecial('@') || cur.isSpecial(',')) {
    cur.obsolete = true;
    while (!cur.isSpecial(':')) {
      if (!cur.peek() || cur.isSpecial('>')) throw new ParseError('bad route');
      cur.i++;
    }
    cur.i++;
  }
  const spec = parseAddrSpec(cur);
  cur.expect('>', '">"');
  return name !== undefined && name !== '' ? { name, ...spec } : spec;
}

/** addr-spec = local-part "@" domain */
function parseAddrSpec(cur: Cursor): Mailbox {
  const local = parseDotted(cur, 'quoted', 'local part');
  cur.expect('@', '"@"');
  const first = cur.peek();
  let domain: string;
  if (first?.kind === 'literal') {
    domain = `[${first.text}]`;
    cur.i++;
  } else {
    domain = parseDotted(cur, 'atom', 'domain');
  }
  return { address: `${local}@${domain}`, local, domain };
}

/**
 * dot-atom (no CFWS inside) or, obsolete, words joined by dots with CFWS (obs-local-part,
 * obs-domain). `alsoWord` allows quoted strings as words (local part only).
 */
function parseDotted(cur: Cursor, alsoWord: 'quoted' | 'atom', what: string): string {
  const words: string[] = [];
  for (;;) {
    const t = cur.peek();
    if (!t || !(t.kind === 'atom' || (alsoWord === 'quoted' && t.kind === 'quoted'))) {
      throw new ParseError(`expected ${what}`);
    }
    if (words.length > 0 && t.ws) cur.obsolete = true;
    // A quoted local part is fine alone (3.4.1); mixed with dots it is obs-local-part.
    words.push(t.kind === 'quoted' ? JSON.stringify(t.text) : t.text);
    if (t.kind === 'quoted' && (words.length > 1 || cur.tokens[cur.i + 1]?.text === '.')) cur.obsolete = true;
    cur.i++;
    if (!cur.isSpecial('.')) break;
    if (cur.peek()!.ws) cur.obsolete = true;
    cur.i++;
  }
  return words.join('.');
}
