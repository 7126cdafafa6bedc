/**
 * SPF macro expansion (RFC 7208 7). The syntax is checked by `parseMacroString` (record.ts);
 * this module turns tokens into text. Expansion is async only because %{p} needs DNS; the
 * caller supplies that lookup (`validatedName`) so that its cost is counted where the limits
 * live (evaluate.ts).
 */

import { formatIp, type IpAddress, ipv6Nibbles } from '../../src/ip-bytes.js';
import { MAX_NAME_BYTES } from '../shared/dns.js';
import { type MacroToken, parseMacroString } from './record.js';

/** A domain name after expansion is at most the RFC 1035 2.3.4 length (RFC 7208 7.3). */
export const DOMAIN_NAME_MAX_LENGTH = MAX_NAME_BYTES;
/** Bound on one expansion's output, so hostile transformers cannot balloon memory. */
export const SPF_MACRO_MAX_OUTPUT = 8192;
/** Value of %{r} when the receiver's name is not given (RFC 7208 7.3). */
export const SPF_UNKNOWN_RECEIVER = 'unknown';
/** Value of %{p} when no validated name exists (RFC 7208 7.3). */
export const SPF_UNKNOWN_PTR = 'unknown';

export interface MacroContext {
  /** <sender> with "postmaster" substituted for a missing local-part (RFC 7208 4.3). */
  sender: string;
  /** Local-part of <sender>. */
  localPart: string;
  /** Domain of <sender>. */
  senderDomain: string;
  /** Current <domain> (changes with include/redirect). */
  domain: string;
  ip: IpAddress;
  helo: string;
  /** %{r}: the checking host's name. */
  receiver?: string;
  /** %{t}: seconds since the epoch; defaults to now. */
  timestamp?: number;
  /** %{p}: the validated domain name of the client (RFC 7208 5.5 / 7.3); 'unknown' if none. */
  validatedName?: () => Promise<string>;
}

export type MacroExpansion = { ok: true; value: string } | { ok: false; message: string };

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** RFC 7208 7.3: upper-case macro letters URL-escape the value (RFC 3986 unreserved kept). */
export function urlEscape(value: string): string {
  let out = '';
  for (const ch of value) {
    if (UNRESERVED.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** RFC 7208 7.3 transformers: split on delimiters, reverse, keep rightmost N, join with ".". */
export function transformMacroValue(
  value: string,
  t: { digits?: number; reverse: boolean; delimiters: string },
): string {
  if (t.digits === undefined && !t.reverse && t.delimiters === '') return value;
  const delims = t.delimiters === '' ? '.' : t.delimiters;
  const parts: string[] = [];
  let cur = '';
  for (const ch of value) {
    if (delims.includes(ch)) {
      parts.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  parts.push(cur);
  if (t.reverse) parts.reverse();
  const kept =
    t.digits !== undefined && t.digits < parts.length ? parts.slice(parts.length - t.digits) : parts;
  return kept.join('.');
}

/**
 * RFC 7208 7.3: a domain name over 253 octets loses its leftmost labels until it fits. One
 * trailing dot is dropped first (7.1 "trailing dot is ignored for domains").
 */
export function truncateDomain(name: string): string {
  let out = name.endsWith('.') ? name.slice(0, -1) : name;
  while (out.length > DOMAIN_NAME_MAX_LENGTH) {
    const dot = out.indexOf('.');
    if (dot < 0) return out.slice(out.length - DOMAIN_NAME_MAX_LENGTH);
    out = out.slice(dot + 1);
  }
  return out;
}

async function letterValue(letter: string, ctx: MacroContext): Promise<string> {
  switch (letter) {
    case 's':
      return ctx.sender;
    case 'l':
      return ctx.localPart;
    case 'o':
      return ctx.senderDomain;
    case 'd':
      return ctx.domain;
    case 'i':
      return ctx.ip.family === 4 ? formatIp(ctx.ip) : ipv6Nibbles(ctx.ip.bytes);
    case 'p':
      return ctx.validatedName ? await ctx.validatedName() : SPF_UNKNOWN_PTR;
    case 'v':
      return ctx.ip.family === 4 ? 'in-addr' : 'ip6';
    case 'h':
      return ctx.helo;
    case 'c':
      return formatIp(ctx.ip);
    case 'r':
      return ctx.receiver ?? SPF_UNKNOWN_RECEIVER;
    case 't':
      return String(ctx.timestamp ?? Math.floor(Date.now() / 1000));
    default:
      // parseMacroString only lets the letters above through.
      throw new Error(`unexpected macro letter ${letter}`);
  }
}

/** Expands already-tokenized macro text. */
export async function expandTokens(tokens: MacroToken[], ctx: MacroContext): Promise<MacroExpansion> {
  let out = '';
  for (const tok of tokens) {
    if (tok.kind === 'literal' || tok.kind === 'escape') {
      out += tok.text;
    } else {
      const raw = await letterValue(tok.letter, ctx);
      const value = transformMacroValue(raw, tok);
      out += tok.escape ? urlEscape(value) : value;
    }
    if (out.length > SPF_MACRO_MAX_OUTPUT) return { ok: false, message: 'macro expansion too long' };
  }
  return { ok: true, value: out };
}

/**
 * Expands a domain-spec (isExp false: result truncated for a DNS query, RFC 7208 7.3) or an
 * explanation string (isExp true: c, r, t and spaces allowed, no truncation).
 */
export async function expandMacro(
  spec: string,
  ctx: MacroContext,
  options: { isExp?: boolean } = {},
): Promise<MacroExpansion> {
  const isExp = options.isExp === true;
  const parsed = parseMacroString(spec, { explain: isExp });
  if (!parsed.ok) return parsed;
  const expanded = await expandTokens(parsed.tokens, ctx);
  if (!expanded.ok || isExp) return expanded;
  return { ok: true, value: truncateDomain(expanded.value) };
}

/** Whether a macro-string uses %{p} (its lookup counts toward the DNS term limit, RFC 7208 4.6.4). */
export function usesPtrMacro(spec: string): boolean {
  const parsed = parseMacroString(spec, { explain: true });
  return parsed.ok && parsed.tokens.some((t) => t.kind === 'macro' && t.letter === 'p');
}
