/**
 * The syntax of one recipient address: RFC 5321 4.1.2 Mailbox (the envelope form, which is
 * what a sending MTA must put in RCPT TO) read together with RFC 5322 3.4.1 addr-spec, with
 * the SMTPUTF8 extensions of RFC 6531 3.3 (UTF-8 in atext and qtext) and IDN domains converted
 * to A-labels by UTS #46 (node:url domainToASCII).
 *
 * Not accepted, on purpose: comments and folding white space (RFC 5322 3.4.1 obs forms; no
 * MTA puts them in an envelope), display names, and source routes.
 */
import { domainToASCII } from 'node:url';
import { MAX_LABEL_BYTES, MAX_NAME_BYTES } from '../../checks/shared/dns.js';
import { parseIPv4, parseIPv6 } from '../ip-bytes.js';
import type { RecipientReason } from './reasons.js';

/** RFC 5321 4.5.3.1.1: the local part is at most 64 octets. */
export const MAX_LOCAL_PART_OCTETS = 64;
/** RFC 5321 4.5.3.1.3: a path is at most 256 octets with its angle brackets, so 254 without. */
export const MAX_ADDRESS_OCTETS = 254;

export interface ParsedAddress {
  ok: true;
  /** The local part as written (quotes kept). */
  local: string;
  /**
   * The same mailbox's local part in one spelling, for comparing addresses: quotes and
   * backslashes dropped where the content is a dot-atom (RFC 5322 3.2.4: the quotes are not
   * part of the content, so "john" and john are one local part), escapes kept to the needed
   * ones otherwise, and UTF-8 in Unicode NFC (RFC 6532 3.1). Case is kept (RFC 5321 2.4).
   */
  canonicalLocal: string;
  /** The domain in A-labels, lower case (an address literal as written, lower-cased). */
  domain: string;
  /** The domain as written, when it held U-labels. */
  unicodeDomain?: string;
  /** The domain is an address literal ([192.0.2.1], [IPv6:...]). */
  literal: boolean;
  /** The local part holds non-ASCII characters: the message needs SMTPUTF8 (RFC 6531 3.2). */
  smtputf8: boolean;
}

export interface AddressError {
  ok: false;
  reason: RecipientReason;
  detail: string;
}

/** C0 controls, DEL and C1 controls (RFC 5321 4.1.2: none is atext or qtextSMTP). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** What a decoder makes of bytes that are not UTF-8. */
const REPLACEMENT = '\ufffd';
/** atext (RFC 5322 3.2.3) plus UTF8-non-ascii (RFC 6531 3.3), one character. */
const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]$|^[^\u0000-\u007f]$/u;
/** A whole dot-atom-text whose characters are all atext (dots checked separately). */
const DOT_ATOM_CHARS = /^(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]|[^\u0000-\u007f])+$/u;
const NON_ASCII = /[^\u0000-\u007f]/;
/** A letter-digit-hyphen label, no hyphen at either end (RFC 1123 2.1; RFC 5890 2.3.1). */
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const ALL_DIGITS = /^[0-9]+$/;

const utf8 = new TextEncoder();

function octets(s: string): number {
  // ASCII strings are the common case: their length is their octet count.
  return NON_ASCII.test(s) ? utf8.encode(s).length : s.length;
}

function fail(reason: RecipientReason, detail: string): AddressError {
  return { ok: false, reason, detail };
}

/** Parses one address (already trimmed of surrounding white space by the reader). */
export function parseAddress(text: string): ParsedAddress | AddressError {
  if (text === '') return fail('syntax/empty', 'the address field is empty');
  if (CONTROL.test(text)) return fail('syntax/control-character', 'the address holds a control character');
  if (text.includes(REPLACEMENT))
    return fail('syntax/bad-encoding', 'the address holds bytes that are not UTF-8');
  if (text.includes('<') || text.endsWith('>'))
    return fail('syntax/display-name', 'angle brackets: give the address alone, without a name or <>');
  const at = splitAt(text);
  if (typeof at === 'object') return at;
  const local = text.slice(0, at);
  const domainText = text.slice(at + 1);
  if (local === '') return fail('syntax/empty-local', 'nothing before the @');
  if (domainText === '') return fail('syntax/empty-domain', 'nothing after the @');
  const localError = checkLocal(local);
  if (localError) return localError;
  if (octets(local) > MAX_LOCAL_PART_OCTETS)
    return fail(
      'syntax/local-too-long',
      `the local part is ${octets(local)} octets (at most ${MAX_LOCAL_PART_OCTETS})`,
    );
  const domain = domainText.startsWith('[') ? checkLiteral(domainText) : checkDomain(domainText);
  if (!domain.ok) return domain;
  const total = octets(local) + 1 + domain.domain.length;
  if (total > MAX_ADDRESS_OCTETS)
    return fail('syntax/too-long', `the address is ${total} octets (at most ${MAX_ADDRESS_OCTETS})`);
  return {
    ok: true,
    local,
    canonicalLocal: canonicalLocal(local),
    domain: domain.domain,
    ...(domain.unicode !== undefined ? { unicodeDomain: domain.unicode } : {}),
    literal: domain.literal,
    smtputf8: NON_ASCII.test(local),
  };
}

/** A dot-atom: atext runs joined by single dots (RFC 5322 3.2.3). */
function isDotAtom(text: string): boolean {
  return (
    text !== '' &&
    !text.startsWith('.') &&
    !text.endsWith('.') &&
    !text.includes('..') &&
    DOT_ATOM_CHARS.test(text)
  );
}

/** The local part in one spelling (see ParsedAddress.canonicalLocal); `local` is valid. */
export function canonicalLocal(local: string): string {
  let out = local;
  if (local.startsWith('"')) {
    const content = local.slice(1, -1).replace(/\\(.)/gu, '$1');
    out = isDotAtom(content) ? content : `"${content.replace(/["\\]/g, '\\$&')}"`;
  }
  return NON_ASCII.test(out) ? out.normalize('NFC') : out;
}

/** The index of the @ that ends the local part: after a quoted string, or the last one. */
function splitAt(text: string): number | AddressError {
  if (text.startsWith('"')) {
    // A quoted local part may hold "@": its end is the first unescaped closing quote.
    for (let i = 1; i < text.length; i++) {
      const c = text[i];
      if (c === '\\') i++;
      else if (c === '"') {
        if (text[i + 1] === '@') return i + 1;
        return i + 1 >= text.length
          ? fail('syntax/missing-at', 'no @ after the quoted local part')
          : fail('syntax/bad-quoted-local', 'text after the closing quote of the local part');
      }
    }
    return fail('syntax/unterminated-quote', 'the quoted local part has no closing quote');
  }
  const at = text.lastIndexOf('@');
  return at < 0 ? fail('syntax/missing-at', 'no @ in the address') : at;
}

function checkLocal(local: string): AddressError | undefined {
  if (local.startsWith('"')) return checkQuoted(local);
  if (local.startsWith('.')) return fail('syntax/leading-dot', 'the local part starts with a dot');
  if (local.endsWith('.')) return fail('syntax/trailing-dot', 'the local part ends with a dot');
  if (local.includes('..')) return fail('syntax/double-dot', 'two dots in a row in the local part');
  if (!DOT_ATOM_CHARS.test(local)) {
    const bad = [...local].find((c) => c !== '.' && !ATEXT.test(c)) ?? '?';
    return fail('syntax/bad-local-character', `"${bad}" may not appear in a local part outside quotes`);
  }
  return undefined;
}

/**
 * RFC 5321 4.1.2 Quoted-string: qtextSMTP is %d32-33 / %d35-91 / %d93-126 (and UTF-8, RFC 6531
 * 3.3); quoted-pairSMTP is a backslash and one of %d32-126. Controls were refused already.
 */
function checkQuoted(local: string): AddressError | undefined {
  for (let i = 1; i < local.length - 1; i++) {
    const c = local[i];
    if (c === '\\') {
      i++;
      if (i >= local.length - 1)
        return fail('syntax/bad-quoted-local', 'a backslash escapes the closing quote');
    } else if (c === '"')
      return fail('syntax/bad-quoted-local', 'an unescaped quote inside the quoted local part');
  }
  return undefined;
}

interface DomainOk {
  ok: true;
  domain: string;
  unicode?: string;
  literal: boolean;
}

/** RFC 5321 4.1.3: [IPv4] or [IPv6:address]; General-address-literal tags are not in use. */
function checkLiteral(text: string): DomainOk | AddressError {
  if (!text.endsWith(']'))
    return fail('syntax/bad-address-literal', 'an address literal without its closing ]');
  const inner = text.slice(1, -1);
  const v6 = /^ipv6:/i.test(inner);
  const ok = v6 ? parseIPv6(inner.slice(5)) !== undefined : parseIPv4(inner) !== undefined;
  if (!ok) return fail('syntax/bad-address-literal', `[${inner}] is not [IPv4] or [IPv6:address]`);
  return { ok: true, domain: text.toLowerCase(), literal: true };
}

function checkDomain(text: string): DomainOk | AddressError {
  let ascii = text.toLowerCase();
  let unicode: string | undefined;
  if (NON_ASCII.test(text)) {
    // UTS #46 mapping and Punycode (RFC 3492); '' when the name cannot be converted.
    ascii = domainToASCII(text);
    if (ascii === '') return fail('syntax/idn-invalid', `${text} cannot be converted to A-labels (UTS #46)`);
    unicode = text;
  } else if (/(^|\.)xn--/.test(ascii) && domainToASCII(ascii) === '') {
    return fail('syntax/idn-invalid', `${text} holds an A-label that is not valid Punycode`);
  }
  if (ascii.length > MAX_NAME_BYTES)
    return fail('syntax/domain-too-long', `the domain is ${ascii.length} octets (at most ${MAX_NAME_BYTES})`);
  const labels = ascii.split('.');
  if (labels.length < 2 && labels[0] !== '')
    return fail('syntax/single-label-domain', `${text} is one label, not a fully qualified domain`);
  for (const label of labels) {
    if (label.length > MAX_LABEL_BYTES)
      return fail(
        'syntax/domain-label-too-long',
        `a label of ${label.length} octets (at most ${MAX_LABEL_BYTES})`,
      );
    if (!LDH_LABEL.test(label))
      return fail(
        'syntax/bad-domain',
        label === ''
          ? 'an empty label (two dots, or a dot at an end)'
          : `the label "${label}" is not letters, digits and inner hyphens`,
      );
  }
  if (ALL_DIGITS.test(labels.at(-1) ?? ''))
    return fail(
      'syntax/bad-domain',
      'an all-numeric top-level label: an IP address must be written as [192.0.2.1]',
    );
  return { ok: true, domain: ascii, ...(unicode !== undefined ? { unicode } : {}), literal: false };
}

/** Longest text a suggestion is looked for in (a name and an address, not a whole record). */
const MAX_SUGGESTION_INPUT = 512;

/**
 * The address inside what people paste for one: "Name <x@y>", "<x@y>", "mailto:x@y", or one
 * with a stray separator at an end ("x@y;"). Only a suggestion: the address stays invalid as
 * given, and the list is the user's to fix.
 */
export function syntaxSuggestion(text: string): string | undefined {
  if (text.length > MAX_SUGGESTION_INPUT) return undefined;
  let candidate = text.trim();
  const open = candidate.lastIndexOf('<');
  if (open >= 0 && candidate.endsWith('>')) candidate = candidate.slice(open + 1, -1).trim();
  candidate = candidate.replace(/^mailto:/i, '').replace(/^[\s;,.]+|[\s;,.]+$/g, '');
  // A pair of quotes around the whole address ('x@y'), not a quoted local part ("a b"@y).
  const pair = /^(['"])([^'"]*)\1$/.exec(candidate);
  if (pair) candidate = pair[2]!.trim();
  if (candidate === text || candidate === '') return undefined;
  const parsed = parseAddress(candidate);
  return parsed.ok ? candidate : undefined;
}
