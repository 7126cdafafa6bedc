/**
 * SMTP TLS Reporting policy records (RFC 8460 3): `_smtp._tls.<domain>` TXT,
 * `v=TLSRPTv1; rua=mailto:tlsrpt@example.com[,https://...]`.
 *
 * ABNF (RFC 8460 3):
 *   tlsrpt-record  = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]
 *   field-delim    = *WSP ";" *WSP
 *   tlsrpt-field   = tlsrpt-rua / tlsrpt-extension
 *   tlsrpt-version = %s"v=TLSRPTv1"
 *   tlsrpt-rua     = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
 *   tlsrpt-ext-name  = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
 *   tlsrpt-ext-value = 1*(%x21-3A / %x3C / %x3E-7E)
 * Unknown fields are extensions and are ignored; only `mailto:` and `https:` report URIs exist.
 */

import { trimWsp } from '../shared/wsp.js';

/** Owner name prefix of the policy record. RFC 8460 3 */
export const TLSRPT_PREFIX = '_smtp._tls';
/** Version field every record starts with (case-sensitive). RFC 8460 3 */
export const TLSRPT_VERSION = 'v=TLSRPTv1';
/** Extension names: 1 + up to 31 characters. RFC 8460 3 */
export const TLSRPT_MAX_EXT_NAME = 32;
/** Fields and report URIs examined per record (ours: the RFC sets no limit, hostile input may). */
export const TLSRPT_MAX_FIELDS = 32;
export const TLSRPT_MAX_RUA = 16;

const EXT_NAME = new RegExp(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,${TLSRPT_MAX_EXT_NAME - 1}}$`);
const EXT_VALUE = /^[\x21-\x3a\x3c\x3e-\x7e]+$/;

/** Whether a TXT record is a TLS-RPT policy record for senders: it starts with the version. */
export function isTlsRptRecord(text: string): boolean {
  return /^v=TLSRPTv1[ \t]*(?:;|$)/.test(text);
}

/** A record that looks meant as TLS-RPT but senders discard (case, spacing or a missing ";"). */
export function looksLikeTlsRpt(text: string): boolean {
  return !isTlsRptRecord(text) && /^\s*v\s*=\s*tlsrptv1/i.test(text);
}

export interface ReportUri {
  uri: string;
  /** Lower-cased scheme, '' when there is none. */
  scheme: string;
  valid: boolean;
  problem?: string;
}

export interface TlsRptRecord {
  text: string;
  rua: ReportUri[];
  /** Extension fields (ignored by senders). */
  extensions: { name: string; value: string }[];
  /** Syntax problems that make senders unable to use the record. */
  errors: string[];
  /** Report URIs beyond TLSRPT_MAX_RUA, not examined. */
  ruaNotChecked: number;
}

const MAILTO =
  /^mailto:([^@\s?]+)@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)(\?\S*)?$/i;

/** Checks one report URI: `mailto:` with an address, or `https:` with a host. RFC 8460 3 */
export function checkReportUri(uri: string): ReportUri {
  const colon = uri.indexOf(':');
  const scheme = colon > 0 ? uri.slice(0, colon).toLowerCase() : '';
  const bad = (problem: string): ReportUri => ({ uri, scheme, valid: false, problem });
  if (uri === '') return bad('empty URI');
  if (/\s/.test(uri)) return bad('contains white space');
  if (scheme === 'mailto') {
    return MAILTO.test(uri) ? { uri, scheme, valid: true } : bad('is not mailto:<local-part>@<domain>');
  }
  if (scheme === 'https') {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return bad('is not a valid https URL');
    }
    if (url.hostname === '' || !uri.slice(colon).startsWith('://')) return bad('has no host');
    return { uri, scheme, valid: true };
  }
  return bad(
    scheme === '' ? 'has no scheme (use mailto: or https:)' : `scheme "${scheme}:" is not mailto: or https:`,
  );
}

/** Parses one TLS-RPT record (a TXT record's strings already joined). */
export function parseTlsRpt(text: string): TlsRptRecord {
  const record: TlsRptRecord = { text, rua: [], extensions: [], errors: [], ruaNotChecked: 0 };
  const fields = text.split(';').map(trimWsp);
  // One trailing delimiter is allowed.
  if (fields.length > 1 && fields.at(-1) === '') fields.pop();
  if (fields[0] !== TLSRPT_VERSION) {
    record.errors.push(`the record must start with "${TLSRPT_VERSION};"`);
    return record;
  }
  let ruaSeen = 0;
  const rest = fields.slice(1);
  if (rest.length > TLSRPT_MAX_FIELDS) {
    record.errors.push(`more than ${TLSRPT_MAX_FIELDS} fields; the rest was not examined`);
  }
  for (const field of rest.slice(0, TLSRPT_MAX_FIELDS)) {
    if (field === '') {
      record.errors.push('empty field (";;")');
      continue;
    }
    const eq = field.indexOf('=');
    if (eq <= 0) {
      record.errors.push(`field "${field}" is not name=value`);
      continue;
    }
    const name = trimWsp(field.slice(0, eq));
    const value = trimWsp(field.slice(eq + 1));
    if (field.slice(0, eq) !== name) {
      record.errors.push(`field "${field}" has white space before "="`);
      continue;
    }
    if (name === 'rua') {
      ruaSeen++;
      if (ruaSeen > 1) {
        record.errors.push('"rua" is given more than once');
        continue;
      }
      const uris = value.split(',').map(trimWsp);
      record.ruaNotChecked = Math.max(0, uris.length - TLSRPT_MAX_RUA);
      record.rua = uris.slice(0, TLSRPT_MAX_RUA).map(checkReportUri);
      continue;
    }
    if (name.toLowerCase() === 'rua' || name === 'v') {
      record.errors.push(
        name === 'v' ? '"v" is given more than once' : `field name "${name}" must be lower-case "rua"`,
      );
      continue;
    }
    if (!EXT_NAME.test(name)) {
      record.errors.push(`field name "${name}" is not valid`);
      continue;
    }
    if (!EXT_VALUE.test(value)) {
      record.errors.push(`value of field "${name}" is empty or has characters not allowed`);
      continue;
    }
    record.extensions.push({ name, value });
  }
  if (ruaSeen === 0) record.errors.push('no "rua=" field: the record names no destination for reports');
  return record;
}
