/**
 * SPF record selection (RFC 7208 4.5) and a parser for the full record ABNF (RFC 7208 12).
 * Pure: no I/O. Used by the evaluator and by the static audit.
 */

import { IPV4_MAX_PREFIX, IPV6_MAX_PREFIX, parseIPv4, parseIPv6 } from '../../src/ip-bytes.js';
import type {
  Mechanism,
  MechanismName,
  Modifier,
  ParseResult,
  Qualifier,
  SpfRecord,
  SpfSyntaxError,
  Term,
} from './types.js';

export const SPF_VERSION = 'v=spf1'; // RFC 7208 4.5 / 12 (version = "v=spf1")

export type SpfSelection =
  | { kind: 'none' }
  | { kind: 'one'; text: string }
  | { kind: 'many'; texts: string[] };

/** Whether a joined TXT record is an SPF record (RFC 7208 4.5: "v=spf1" alone or followed by SP). */
export function isSpfRecordText(text: string): boolean {
  const head = text.slice(0, SPF_VERSION.length).toLowerCase();
  if (head !== SPF_VERSION) return false;
  return text.length === SPF_VERSION.length || text[SPF_VERSION.length] === ' ';
}

/**
 * RFC 7208 4.5: join each TXT record's strings without spaces (3.3), keep those that are SPF.
 * More than one is a permerror for the caller ('many').
 */
export function selectSpfRecord(txtRecords: string[][]): SpfSelection {
  const texts: string[] = [];
  for (const strings of txtRecords) {
    const text = strings.join('');
    if (isSpfRecordText(text)) texts.push(text);
  }
  if (texts.length === 0) return { kind: 'none' };
  if (texts.length === 1) return { kind: 'one', text: texts[0] as string };
  return { kind: 'many', texts };
}

/** Macro letters valid anywhere (RFC 7208 7.1 macro-letter). */
const MACRO_LETTERS = 'slodiphv';
/** Macro letters allowed only in explanation text (RFC 7208 7.1). */
const EXP_ONLY_MACRO_LETTERS = 'crt';
const MACRO_DELIMITERS = '.-+,/_=';
/** Upper bound on the DIGIT transformer we accept (pyspf and others cap it at 128). */
export const SPF_MACRO_MAX_DIGITS = 128;

export type MacroToken =
  | { kind: 'literal'; text: string }
  | {
      kind: 'macro';
      /** Lower-case letter. */
      letter: string;
      /** Upper-case letter was written: URL-escape the value (RFC 7208 7.3). */
      escape: boolean;
      digits?: number;
      reverse: boolean;
      /** Delimiters as written ('' when none: '.' is used). */
      delimiters: string;
    }
  | { kind: 'escape'; text: '%' | ' ' | '%20' };

export type MacroParse = { ok: true; tokens: MacroToken[] } | { ok: false; message: string };

/**
 * Tokenizes a macro-string (RFC 7208 7.1). `explain` allows the letters c, r, t and SP
 * (explain-string); otherwise only macro-literal characters (%x21-24 / %x26-7E) are allowed.
 */
export function parseMacroString(text: string, options: { explain?: boolean } = {}): MacroParse {
  const tokens: MacroToken[] = [];
  let literal = '';
  const flush = () => {
    if (literal) tokens.push({ kind: 'literal', text: literal });
    literal = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    const code = ch.charCodeAt(0);
    if (ch !== '%') {
      const ok = (code >= 0x21 && code <= 0x7e) || (options.explain === true && code === 0x20);
      if (!ok) return { ok: false, message: `invalid character ${JSON.stringify(ch)} in macro-string` };
      literal += ch;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '%' || next === '_' || next === '-') {
      flush();
      tokens.push({ kind: 'escape', text: next === '%' ? '%' : next === '_' ? ' ' : '%20' });
      i += 2;
      continue;
    }
    if (next !== '{') return { ok: false, message: `lone "%" in macro-string at offset ${i}` };
    const close = text.indexOf('}', i + 2);
    if (close < 0) return { ok: false, message: `unterminated macro at offset ${i}` };
    const body = text.slice(i + 2, close);
    const m = /^([A-Za-z])([0-9]*)([rR]?)(.*)$/.exec(body);
    if (!m) return { ok: false, message: `invalid macro "%{${body}}"` };
    const letterRaw = m[1] as string;
    const letter = letterRaw.toLowerCase();
    const allowed = MACRO_LETTERS + (options.explain === true ? EXP_ONLY_MACRO_LETTERS : '');
    if (!allowed.includes(letter)) {
      return { ok: false, message: `macro letter "${letterRaw}" not allowed here in "%{${body}}"` };
    }
    const digitsText = m[2] as string;
    let digits: number | undefined;
    if (digitsText !== '') {
      digits = Number(digitsText);
      // RFC 7208 7.3: the DIGIT transformer, if given, must be nonzero.
      if (digits === 0 || digits > SPF_MACRO_MAX_DIGITS) {
        return { ok: false, message: `invalid macro digit transformer in "%{${body}}"` };
      }
    }
    const delimiters = m[4] as string;
    for (const d of delimiters) {
      if (!MACRO_DELIMITERS.includes(d))
        return { ok: false, message: `invalid macro delimiter in "%{${body}}"` };
    }
    flush();
    tokens.push({
      kind: 'macro',
      letter,
      escape: letterRaw !== letter,
      ...(digits !== undefined ? { digits } : {}),
      reverse: m[3] !== '',
      delimiters,
    });
    i = close + 1;
  }
  flush();
  return { ok: true, tokens };
}

/**
 * toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
 * (RFC 7208 7.1), checked without a backtracking regex: hostile labels can be long.
 */
function isTopLabel(label: string): boolean {
  if (!/^[A-Za-z0-9-]+$/.test(label)) return false;
  const alnum = /[A-Za-z0-9]/;
  if (!alnum.test(label[0] ?? '') || !alnum.test(label[label.length - 1] ?? '')) return false;
  return /[A-Za-z-]/.test(label);
}

/**
 * Validates a domain-spec (RFC 7208 7.1): a macro-string ending in a macro-expand or in
 * "." toplabel ["."] (domain-end). Returns an error message or undefined.
 */
export function checkDomainSpec(spec: string): string | undefined {
  if (spec === '') return 'empty domain-spec';
  const parsed = parseMacroString(spec);
  if (!parsed.ok) return parsed.message;
  const last = parsed.tokens[parsed.tokens.length - 1];
  if (last && last.kind !== 'literal') return undefined;
  let tail = last?.text ?? '';
  if (tail.endsWith('.')) tail = tail.slice(0, -1);
  const dot = tail.lastIndexOf('.');
  if (dot < 0) return `domain-spec "${spec}" must end in "." and a top-level label or in a macro`;
  const top = tail.slice(dot + 1);
  if (!isTopLabel(top)) return `invalid top-level label "${top}" in "${spec}"`;
  return undefined;
}

const MECHANISMS: readonly MechanismName[] = ['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists'];
const MODIFIER = /^([A-Za-z][A-Za-z0-9_.-]*)=(.*)$/s;
const CIDR_DIGITS = /^(?:0|[1-9][0-9]{0,2})$/;

type TermParse = { ok: true; term: Term } | { ok: false; message: string };

function parseCidr(text: string, max: number, what: string): number | string {
  if (!CIDR_DIGITS.test(text)) return `invalid ${what} prefix length "/${text}"`;
  const n = Number(text);
  if (n > max) return `${what} prefix length /${n} exceeds ${max}`;
  return n;
}

/** Splits a trailing dual-cidr-length ("/n", "//n", "/n//m") off an a/mx argument. */
function splitDualCidr(arg: string): { rest: string; cidr4?: number; cidr6?: number } | string {
  let rest = arg;
  let cidr6: number | undefined;
  let cidr4: number | undefined;
  const m6 = /\/\/([0-9]*)$/.exec(rest);
  if (m6) {
    const v = parseCidr(m6[1] as string, IPV6_MAX_PREFIX, 'ip6');
    if (typeof v === 'string') return v;
    cidr6 = v;
    rest = rest.slice(0, m6.index);
  }
  const m4 = /\/([0-9]*)$/.exec(rest);
  if (m4) {
    const v = parseCidr(m4[1] as string, IPV4_MAX_PREFIX, 'ip4');
    if (typeof v === 'string') return v;
    cidr4 = v;
    rest = rest.slice(0, m4.index);
  }
  return {
    rest,
    ...(cidr4 !== undefined ? { cidr4 } : {}),
    ...(cidr6 !== undefined ? { cidr6 } : {}),
  };
}

function parseTerm(text: string, position: number): TermParse {
  const mod = MODIFIER.exec(text);
  if (mod) {
    const name = (mod[1] as string).toLowerCase();
    const value = mod[2] as string;
    if (name === 'redirect' || name === 'exp') {
      const err = checkDomainSpec(value);
      if (err) return { ok: false, message: `${name}: ${err}` };
    } else {
      const p = parseMacroString(value);
      if (!p.ok) return { ok: false, message: `modifier ${name}: ${p.message}` };
    }
    const modifier: Modifier = { kind: 'modifier', name, value, text, position };
    return { ok: true, term: modifier };
  }
  let body = text;
  let qualifier: Qualifier = '+';
  let explicitQualifier = false;
  const q = body[0];
  if (q === '+' || q === '-' || q === '~' || q === '?') {
    qualifier = q;
    explicitQualifier = true;
    body = body.slice(1);
  }
  const nm = /^[A-Za-z0-9]*/.exec(body);
  const rawName = nm ? nm[0] : '';
  const name = rawName.toLowerCase() as MechanismName;
  if (!MECHANISMS.includes(name)) return { ok: false, message: `unknown mechanism "${rawName || body}"` };
  const after = body.slice(rawName.length);
  const base = { kind: 'mechanism' as const, qualifier, explicitQualifier, name, text, position };
  const colonArg = (): string | undefined => (after.startsWith(':') ? after.slice(1) : undefined);

  switch (name) {
    case 'all':
      if (after !== '') return { ok: false, message: '"all" takes no argument' };
      return { ok: true, term: base };
    case 'include':
    case 'exists': {
      const arg = colonArg();
      if (arg === undefined) return { ok: false, message: `"${name}" requires ":domain"` };
      const err = checkDomainSpec(arg);
      if (err) return { ok: false, message: `${name}: ${err}` };
      return { ok: true, term: { ...base, domainSpec: arg } };
    }
    case 'ptr': {
      if (after === '') return { ok: true, term: base };
      const arg = colonArg();
      if (arg === undefined) return { ok: false, message: `invalid text after "ptr": "${after}"` };
      const err = checkDomainSpec(arg);
      if (err) return { ok: false, message: `ptr: ${err}` };
      return { ok: true, term: { ...base, domainSpec: arg } };
    }
    case 'a':
    case 'mx': {
      const split = splitDualCidr(after);
      if (typeof split === 'string') return { ok: false, message: `${name}: ${split}` };
      const m: Mechanism = { ...base };
      if (split.cidr4 !== undefined) m.cidr4 = split.cidr4;
      if (split.cidr6 !== undefined) m.cidr6 = split.cidr6;
      if (split.rest === '') return { ok: true, term: m };
      if (!split.rest.startsWith(':'))
        return { ok: false, message: `invalid text after "${name}": "${after}"` };
      const spec = split.rest.slice(1);
      const err = checkDomainSpec(spec);
      if (err) return { ok: false, message: `${name}: ${err}` };
      m.domainSpec = spec;
      return { ok: true, term: m };
    }
    case 'ip4':
    case 'ip6': {
      const arg = colonArg();
      if (arg === undefined) return { ok: false, message: `"${name}" requires ":address"` };
      const slash = arg.indexOf('/');
      const addr = slash < 0 ? arg : arg.slice(0, slash);
      const m: Mechanism = { ...base, ip: addr };
      if (name === 'ip4') {
        if (!parseIPv4(addr)) return { ok: false, message: `invalid ip4 address "${addr}"` };
      } else if (!parseIPv6(addr)) {
        return { ok: false, message: `invalid ip6 address "${addr}"` };
      }
      if (slash >= 0) {
        const max = name === 'ip4' ? IPV4_MAX_PREFIX : IPV6_MAX_PREFIX;
        const v = parseCidr(arg.slice(slash + 1), max, name);
        if (typeof v === 'string') return { ok: false, message: v };
        if (name === 'ip4') m.cidr4 = v;
        else m.cidr6 = v;
      }
      return { ok: true, term: m };
    }
  }
  return { ok: false, message: `unknown mechanism "${rawName}"` };
}

/** Parses an SPF record (RFC 7208 12). Terms are separated by one or more SP only (4.6.1). */
export function parseSpf(text: string): ParseResult {
  const fail = (message: string, term: string, position: number): ParseResult => {
    const error: SpfSyntaxError = { message, term, position };
    return { ok: false, error };
  };
  if (!isSpfRecordText(text)) {
    return fail('record does not start with "v=spf1"', text.split(' ')[0] ?? '', 0);
  }
  const terms: Term[] = [];
  const mechanisms: Mechanism[] = [];
  const unknownModifiers: Modifier[] = [];
  let redirect: Modifier | undefined;
  let exp: Modifier | undefined;
  let i = SPF_VERSION.length;
  while (i < text.length) {
    if (text[i] === ' ') {
      i++;
      continue;
    }
    let end = text.indexOf(' ', i);
    if (end < 0) end = text.length;
    const termText = text.slice(i, end);
    const parsed = parseTerm(termText, i);
    if (!parsed.ok) return fail(parsed.message, termText, i);
    const term = parsed.term;
    if (term.kind === 'mechanism') {
      mechanisms.push(term);
    } else if (term.name === 'redirect') {
      // RFC 7208 6: redirect and exp may each appear at most once.
      if (redirect) return fail('duplicate "redirect" modifier', termText, i);
      redirect = term;
    } else if (term.name === 'exp') {
      if (exp) return fail('duplicate "exp" modifier', termText, i);
      exp = term;
    } else {
      unknownModifiers.push(term);
    }
    terms.push(term);
    i = end;
  }
  const record: SpfRecord = { text, terms, mechanisms, unknownModifiers };
  if (redirect) record.redirect = redirect;
  if (exp) record.exp = exp;
  return { ok: true, record };
}
