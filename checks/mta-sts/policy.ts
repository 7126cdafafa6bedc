/**
 * MTA-STS (RFC 8461): the `_mta-sts` TXT record (3.1), the policy file (3.2) and MX pattern
 * matching (4.1). Pure functions; hostile input is expected (the policy is whatever a web
 * server returns, up to the fetch cap).
 */

import { trimEndWsp, trimWsp } from '../shared/wsp.js';

/** Policy id: 1 to 32 letters and digits. RFC 8461 3.1 */
export const STS_ID_MAX_CHARS = 32;
/** Extension names: a letter or digit, then up to 31 of letters, digits, "_", "-", ".". RFC 8461 3.1, 3.2 */
export const STS_EXT_NAME_MAX_CHARS = 32;
/** max_age MUST be <= 31557600 s (about one year). RFC 8461 3.2 */
export const STS_MAX_AGE_LIMIT = 31_557_600;
/** max_age is 1 to 10 digits. RFC 8461 3.2 */
export const STS_MAX_AGE_DIGITS = 10;
/**
 * Below this, a policy barely protects against downgrade at refresh time: RFC 8461 3.2
 * expects max_age "in the range of weeks or greater". We warn under one day.
 */
export const STS_MAX_AGE_WARN_BELOW = 86_400;
/** A policy is at most 64 KiB. RFC 8461 3.3 */
export const STS_POLICY_MAX_BYTES = 65_536;
/** The well-known path of the policy. RFC 8461 3.3 */
export const STS_POLICY_PATH = '/.well-known/mta-sts.txt';
/** Problems listed per record or policy; the rest are counted, not listed (hostile input). */
export const STS_MAX_PROBLEMS_LISTED = 10;
/** A host name is at most 253 characters in text form, a label at most 63. RFC 1035 2.3.4 */
const MAX_HOST_CHARS = 253;
const MAX_LABEL_CHARS = 63;

export const STS_RECORD_PREFIX = 'v=STSv1';

// ---- TXT record (RFC 8461 3.1) -------------------------------------------------------------

export interface StsRecord {
  id: string;
  extensions: Record<string, string>;
}

export type StsRecordParse =
  /** `warnings`, when present: accepted, but worth fixing (e.g. a field given twice). */
  { ok: true; record: StsRecord; warnings?: string[] } | { ok: false; errors: string[] };

/** True when senders consider the TXT an MTA-STS record: it begins with "v=STSv1" then ";", WSP or end. */
export function isStsRecord(text: string): boolean {
  return text.startsWith(STS_RECORD_PREFIX) && /^(?:[ \t;]|$)/.test(text.slice(STS_RECORD_PREFIX.length));
}

/** A TXT that was meant as MTA-STS but does not begin with exactly "v=STSv1". */
export function looksLikeStsRecord(text: string): boolean {
  return !isStsRecord(text) && /^\s*v\s*=\s*sts/i.test(text);
}

/**
 * sts-text-record = sts-version 1*(sts-sep sts-field) [sts-sep]
 * sts-sep = *WSP ";" *WSP; sts-id = "id=" 1*32(ALPHA / DIGIT). RFC 8461 3.1
 * A field given more than once keeps its first value (RFC 8461 3.2: "If any non-repeated
 * field ... appears more than once, senders MUST use the value specified in the first
 * instance"); the repeat is a warning, not an error.
 */
export function parseStsRecord(text: string): StsRecordParse {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!isStsRecord(text)) {
    return {
      ok: false,
      errors: [`the record must begin with exactly "${STS_RECORD_PREFIX}" (case-sensitive)`],
    };
  }
  const rest = trimEndWsp(text.slice(STS_RECORD_PREFIX.length));
  const parts = rest.split(';').map(trimWsp);
  // parts[0] is what follows "v=STSv1" before the first ";" (only whitespace allowed).
  if (parts[0] !== '')
    errors.push(
      `unexpected text "${clip(parts[0] ?? '')}" after ${STS_RECORD_PREFIX} (fields are separated by ";")`,
    );
  if (parts.length < 2) errors.push('no fields after the version: "id=" is required');
  let id: string | undefined;
  let idSeen = false;
  const extensions: Record<string, string> = {};
  const fields = parts.slice(1);
  fields.forEach((field, i) => {
    if (field === '') {
      // A single trailing separator is allowed; an empty field elsewhere is not.
      if (i !== fields.length - 1) errors.push('empty field (";;")');
      return;
    }
    const eq = field.indexOf('=');
    if (eq < 0) {
      errors.push(`field "${clip(field)}" has no "="`);
      return;
    }
    const name = field.slice(0, eq);
    const value = field.slice(eq + 1);
    if (name === 'id') {
      const again = idSeen;
      idSeen = true;
      if (again) warnings.push(`id is given more than once; senders use the first (id=${clip(id ?? '')})`);
      else if (!/^[A-Za-z0-9]+$/.test(value) || value.length > STS_ID_MAX_CHARS) {
        errors.push(`id "${clip(value)}" must be 1 to ${STS_ID_MAX_CHARS} letters and digits`);
      } else id = value;
      return;
    }
    if (name.toLowerCase() === 'id') {
      idSeen = true;
      errors.push(`field name "${name}" must be lower-case "id"`);
      return;
    }
    if (!isExtensionName(name)) {
      errors.push(`field name "${clip(name)}" is not valid`);
      return;
    }
    if (!/^[\x21-\x3a\x3c\x3e-\x7e]+$/.test(value)) {
      errors.push(`field ${name} has an empty or invalid value`);
      return;
    }
    if (name in extensions) {
      warnings.push(`${clip(name)} is given more than once; senders use the first value`);
      return;
    }
    extensions[name] = value;
  });
  if (!idSeen) errors.push('the required "id=" field is missing');
  if (errors.length > 0 || id === undefined) return { ok: false, errors: capList(errors) };
  return warnings.length > 0
    ? { ok: true, record: { id, extensions }, warnings: capList(warnings) }
    : { ok: true, record: { id, extensions } };
}

function isExtensionName(name: string): boolean {
  return name.length <= STS_EXT_NAME_MAX_CHARS && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name);
}

// ---- policy file (RFC 8461 3.2) ------------------------------------------------------------

export type StsMode = 'enforce' | 'testing' | 'none';
export const STS_MODES: readonly StsMode[] = ['enforce', 'testing', 'none'];

export interface StsPolicy {
  version?: string;
  mode?: StsMode;
  maxAge?: number;
  /** MX patterns, lower-case, as written ("mx1.example.com", "*.example.net"). */
  mx: string[];
  /** Unknown keys (ignored by senders), first value each. */
  extensions: Record<string, string>;
}

export interface PolicyParse {
  policy: StsPolicy;
  /** No errors: senders would accept it. */
  valid: boolean;
  /** Each makes the policy invalid (senders discard it). */
  errors: string[];
  /** Accepted, but worth fixing. */
  warnings: string[];
}

const KNOWN_KEYS = new Set(['version', 'mode', 'max_age', 'mx']);

/**
 * sts-policy-record: "key: value" lines separated by LF or CRLF; version, mode and max_age
 * required once; mx at least once unless mode is none; unknown keys ignored. RFC 8461 3.2
 */
export function parsePolicy(text: string): PolicyParse {
  const errors: string[] = [];
  const warnings: string[] = [];
  const policy: StsPolicy = { mx: [], extensions: {} };
  const seen = new Set<string>();
  let badMx = false;
  const lines = text.split('\n');
  // A final line terminator is allowed ([sts-policy-term]).
  if (lines.at(-1) === '' || lines.at(-1) === '\r') lines.pop();
  if (text.trim() === '') errors.push('the policy is empty');
  let lineNo = 0;
  for (const raw of lines) {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.includes('\r')) {
      errors.push(`line ${lineNo}: stray carriage return`);
      continue;
    }
    if (line.trim() === '') {
      warnings.push(`line ${lineNo} is empty`);
      continue;
    }
    // The value is trimmed apart: /[ \t]*(.*?)[ \t]*$/ was quadratic on a long blank run.
    const m = /^([^:\s]+):(.*)$/.exec(line);
    if (!m) {
      errors.push(`line ${lineNo} is not "key: value": "${clip(line)}"`);
      continue;
    }
    const key = m[1]!;
    const value = trimWsp(m[2]!);
    if (!KNOWN_KEYS.has(key)) {
      if (KNOWN_KEYS.has(key.toLowerCase())) {
        errors.push(
          `line ${lineNo}: key "${key}" must be lower-case "${key.toLowerCase()}" (keys are case-sensitive)`,
        );
      } else if (!isExtensionName(key)) {
        errors.push(`line ${lineNo}: "${clip(key)}" is not a valid key`);
      } else if (!(key in policy.extensions)) policy.extensions[key] = value;
      continue;
    }
    if (key !== 'mx' && seen.has(key)) {
      warnings.push(`line ${lineNo}: ${key} is given again; the first value is used`);
      continue;
    }
    seen.add(key);
    switch (key) {
      case 'version':
        policy.version = value;
        if (value !== 'STSv1') errors.push(`line ${lineNo}: version "${clip(value)}" must be "STSv1"`);
        break;
      case 'mode':
        if ((STS_MODES as readonly string[]).includes(value)) policy.mode = value as StsMode;
        else errors.push(`line ${lineNo}: mode "${clip(value)}" must be enforce, testing or none`);
        break;
      case 'max_age':
        if (!new RegExp(`^[0-9]{1,${STS_MAX_AGE_DIGITS}}$`).test(value)) {
          errors.push(`line ${lineNo}: max_age "${clip(value)}" must be a number of seconds`);
        } else {
          policy.maxAge = Number(value);
          if (policy.maxAge > STS_MAX_AGE_LIMIT) {
            errors.push(`line ${lineNo}: max_age ${value} exceeds ${STS_MAX_AGE_LIMIT} (RFC 8461 3.2)`);
          }
        }
        break;
      case 'mx': {
        const pattern = value.toLowerCase();
        if (!isMxPattern(pattern)) {
          badMx = true;
          errors.push(`line ${lineNo}: mx "${clip(value)}" is not a host name or *.domain`);
        } else if (!policy.mx.includes(pattern)) policy.mx.push(pattern);
        break;
      }
    }
  }
  if (!seen.has('version')) errors.push('"version: STSv1" is missing');
  if (!seen.has('mode')) errors.push('"mode:" is missing (enforce, testing or none)');
  if (!seen.has('max_age')) errors.push('"max_age:" is missing');
  if (policy.mx.length === 0 && policy.mode !== 'none' && !badMx) {
    errors.push('no "mx:" line: at least one is required unless mode is none');
  }
  return { policy, valid: errors.length === 0, errors: capList(errors), warnings: capList(warnings) };
}

/** ["*."] Domain: a host name, optionally with a leading "*." wildcard label. RFC 8461 3.2 */
export function isMxPattern(pattern: string): boolean {
  const host = pattern.startsWith('*.') ? pattern.slice(2) : pattern;
  if (host.length === 0 || host.length > MAX_HOST_CHARS) return false;
  const labels = host.split('.');
  return labels.every(
    (l) => l.length > 0 && l.length <= MAX_LABEL_CHARS && /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i.test(l),
  );
}

/**
 * Whether an MX host matches a policy pattern. A wildcard matches exactly one leftmost label:
 * "*.example.com" matches "mx.example.com", not "example.com" nor "a.b.example.com". RFC 8461 4.1
 */
export function mxMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!p.startsWith('*.')) return p === h;
  const suffix = p.slice(1); // ".example.com"
  if (!h.endsWith(suffix)) return false;
  const first = h.slice(0, h.length - suffix.length);
  return first.length > 0 && !first.includes('.');
}

/** Patterns matching the host (empty when none). */
export function matchingPatterns(patterns: readonly string[], host: string): string[] {
  return patterns.filter((p) => mxMatches(p, host));
}

function clip(s: string, max = 60): string {
  const printable = s.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > max ? `${printable.slice(0, max)}...` : printable;
}

function capList(list: string[]): string[] {
  if (list.length <= STS_MAX_PROBLEMS_LISTED) return list;
  return [...list.slice(0, STS_MAX_PROBLEMS_LISTED), `... and ${list.length - STS_MAX_PROBLEMS_LISTED} more`];
}
