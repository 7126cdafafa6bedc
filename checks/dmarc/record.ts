/**
 * DMARC policy records: recognition, parsing and validation. The record grammar follows
 * RFC 9989 4.7/4.8 (which obsoletes RFC 7489); where RFC 7489 receivers still read a record
 * differently (pct, rf, ri, the order of v and p) the problem says so.
 *
 * Parsing is lenient where receivers are lenient (whitespace around separators, a trailing
 * `;`, empty parts, tag names in any case) and reports every deviation as a problem, so the
 * check can name each bad tag. A problem never throws: hostile records are normal input.
 */
import { isDnsName } from '../shared/dns.js';

export const DMARC_VERSION = 'DMARC1';
/** pct is a percentage 0..100. RFC 7489 6.3 */
export const DMARC_PCT_MAX = 100;
/** ri is a 32-bit unsigned integer (seconds), default 86400. RFC 7489 6.3 */
export const DMARC_RI_MAX = 4_294_967_295;
export const DMARC_RI_DEFAULT = 86_400;
/** Receivers must honour at least two report URIs per tag and may ignore the rest. RFC 7489 6.2 */
export const DMARC_MIN_REPORT_URIS_HONOURED = 2;
/** Our own bound on tags parsed from one record (hostile input); real records have < 15. */
export const DMARC_MAX_TAGS = 64;
/** Our own bound on URIs read from one rua/ruf value. */
export const DMARC_MAX_URIS_PER_TAG = 32;

export type DmarcPolicy = 'none' | 'quarantine' | 'reject';
export type AlignmentMode = 'r' | 's';

const POLICIES: readonly string[] = ['none', 'quarantine', 'reject'];
/** Tags of RFC 7489 6.3 and RFC 9989. */
export const KNOWN_TAGS: readonly string[] = [
  'v',
  'p',
  'sp',
  'np',
  'adkim',
  'aspf',
  'pct',
  'fo',
  'rf',
  'ri',
  'rua',
  'ruf',
  't',
  'psd',
];

export interface DmarcReportUri {
  /** The URI as written (size suffix included). */
  uri: string;
  /** Lower-cased scheme, '' when there is none. */
  scheme: string;
  /** For mailto: the address (percent-decoded). */
  address?: string;
  /** For mailto: the lower-cased domain of the address. */
  domain?: string;
  /** The `!size` suffix as written, e.g. "10m" (RFC 7489 6.4; ignored by RFC 9989 receivers). */
  size?: string;
  /** What is wrong with it, when something is. */
  problem?: string;
}

/** Effective tag values (defaults of RFC 7489 6.3 filled in). */
export interface DmarcTags {
  /** Undefined when p is missing or invalid. */
  p?: DmarcPolicy;
  sp?: DmarcPolicy;
  np?: DmarcPolicy;
  adkim: AlignmentMode;
  aspf: AlignmentMode;
  pct: number;
  fo: string[];
  rf: string[];
  ri: number;
  rua: string[];
  ruf: string[];
  t?: 'y' | 'n';
  psd?: 'y' | 'n' | 'u';
}

export type DmarcProblemKey =
  | 'missing-policy'
  | 'invalid-policy'
  | 'invalid-subdomain-policy'
  | 'policy-not-second'
  | 'invalid-tag-value'
  | 'removed-tag'
  | 'unknown-tag'
  | 'bad-report-uri'
  | 'report-uri-scheme';

export interface DmarcRecordProblem {
  key: DmarcProblemKey;
  /** The tag concerned ('' for a part that is not a tag at all). */
  tag: string;
  /** The value as written (or the whole part, for syntax errors). */
  value: string;
  reason: string;
}

export interface ParsedDmarcRecord {
  text: string;
  /** Tags in record order, names lower-cased, values trimmed (as written otherwise). */
  raw: { name: string; value: string }[];
  tags: DmarcTags;
  /** Each rua/ruf URI with its validation. */
  reportUris: { rua: DmarcReportUri[]; ruf: DmarcReportUri[] };
  /** Tags present in the record (lower-cased names). */
  present: string[];
  problems: DmarcRecordProblem[];
}

/**
 * dmarc-version = "v" equals %s"DMARC1" at the very start of the record: the tag name is an
 * ABNF literal (any case, RFC 5234 2.3), the value is case-sensitive and nothing precedes
 * the tag. RFC 7489 6.4, RFC 9989 4.8
 */
const VERSION_FIRST = /^[vV][ \t]*=[ \t]*DMARC1[ \t]*(;|$)/;
/** The same, read the way lenient receivers do: leading space and any case tolerated. */
const VERSION_FIRST_LENIENT = /^\s*v\s*=\s*DMARC1\s*(;|$)/i;
const VERSION_ANYWHERE = /(^|;)[ \t]*v[ \t]*=[ \t]*DMARC1[ \t]*(;|$)/i;

/**
 * Whether a TXT record is a DMARC record: it starts with the v tag and the exact value
 * "DMARC1". Other records are discarded, "the entire record MUST be ignored" (RFC 7489 6.3
 * and 6.6.3 step 3, RFC 9989 4.7 and 4.10 step 2).
 */
export function isDmarcRecord(text: string): boolean {
  return VERSION_FIRST.test(text);
}

/**
 * Why a record that lenient receivers would read as DMARC is not one by the RFCs, or
 * undefined. 'version-case': "v=dmarc1" (the value is case-sensitive); 'leading-space':
 * space before the v tag (the ABNF has none); 'version-not-first': v=DMARC1 is not the first
 * tag. RFC 7489 6.3/6.4, RFC 9989 4.7/4.8
 */
export type DmarcVersionProblem = 'version-case' | 'leading-space' | 'version-not-first';

export function dmarcVersionProblem(text: string): DmarcVersionProblem | undefined {
  if (isDmarcRecord(text)) return undefined;
  if (VERSION_FIRST_LENIENT.test(text)) return /^\s/.test(text) ? 'leading-space' : 'version-case';
  return VERSION_ANYWHERE.test(text) ? 'version-not-first' : undefined;
}

/** A record holding v=DMARC1 somewhere but not first: receivers discard it (RFC 7489 6.3). */
export function hasMisplacedVersion(text: string): boolean {
  return dmarcVersionProblem(text) === 'version-not-first';
}

function policyOf(value: string): DmarcPolicy | undefined {
  const v = value.toLowerCase();
  return POLICIES.includes(v) ? (v as DmarcPolicy) : undefined;
}

/** A host name of a mail domain: LDH labels (RFC 1035 limits), at least two of them. */
export function isHostName(name: string): boolean {
  return isDnsName(name, { minLabels: 2 });
}

const SIZE_SUFFIX = /^(.*)!([0-9]*)([a-z]?)$/i;

/** Parse and validate one rua/ruf URI (RFC 7489 6.4: URI ["!" 1*DIGIT ["k"/"m"/"g"/"t"]]). */
export function parseReportUri(text: string): DmarcReportUri {
  const uri = text.trim();
  const out: DmarcReportUri = { uri, scheme: '' };
  let body = uri;
  const sized = SIZE_SUFFIX.exec(uri);
  if (sized) {
    body = sized[1] ?? '';
    const digits = sized[2] ?? '';
    const unit = (sized[3] ?? '').toLowerCase();
    out.size = `${digits}${unit}`;
    if (digits === '' || (unit !== '' && !'kmgt'.includes(unit))) {
      out.problem = `invalid size limit "!${out.size}": want digits and an optional unit k, m, g or t`;
    }
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(body);
  if (!scheme) {
    out.problem ??= `not a URI (no scheme): write mailto:${body}`;
    return out;
  }
  out.scheme = (scheme[1] ?? '').toLowerCase();
  // Any URI is valid; receivers must support mailto and ignore schemes they do not support.
  if (out.scheme !== 'mailto') return out;
  let address = body.slice(scheme[0].length);
  const query = address.indexOf('?');
  if (query >= 0) address = address.slice(0, query);
  try {
    address = decodeURIComponent(address);
  } catch {
    out.problem ??= 'bad percent-encoding in the address';
    return out;
  }
  out.address = address;
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) {
    out.problem ??= `"${address}" is not an e-mail address`;
    return out;
  }
  const domain = address
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '');
  out.domain = domain;
  if (!isHostName(domain)) out.problem ??= `"${domain}" is not a valid domain name`;
  return out;
}

function parseUriList(tag: string, value: string, problems: DmarcRecordProblem[]): DmarcReportUri[] {
  const parts = value.split(',');
  const out: DmarcReportUri[] = [];
  for (const part of parts.slice(0, DMARC_MAX_URIS_PER_TAG)) {
    if (part.trim() === '') {
      problems.push({ key: 'bad-report-uri', tag, value, reason: 'empty URI in the list' });
      continue;
    }
    const u = parseReportUri(part);
    out.push(u);
    if (u.problem) problems.push({ key: 'bad-report-uri', tag, value: u.uri, reason: u.problem });
    else if (u.scheme !== 'mailto') {
      problems.push({ key: 'report-uri-scheme', tag, value: u.uri, reason: u.scheme });
    }
  }
  if (parts.length > DMARC_MAX_URIS_PER_TAG) {
    problems.push({
      key: 'bad-report-uri',
      tag,
      value: `${parts.length} URIs`,
      reason: `only the first ${DMARC_MAX_URIS_PER_TAG} URIs were read`,
    });
  }
  return out;
}

function colonList(value: string): string[] {
  return value.split(':').map((s) => s.trim());
}

const FO_OPTIONS: readonly string[] = ['0', '1', 'd', 's'];

/** dmarc-fo: options 0, 1, d, s, each at most once, 0 and 1 mutually exclusive. RFC 9989 4.7/4.8 */
function foProblem(opts: readonly string[]): string | undefined {
  if (!opts.every((o) => FO_OPTIONS.includes(o))) return 'want options 0, 1, d or s separated by ":"';
  if (opts.includes('0') && opts.includes('1')) return '0 and 1 are mutually exclusive (RFC 9989 4.7)';
  if (new Set(opts).size !== opts.length) return 'an option is repeated (RFC 9989 4.8)';
  return undefined;
}

/** Parse a DMARC record. Call isDmarcRecord() first: this does not decide whether it is one. */
export function parseDmarcRecord(text: string): ParsedDmarcRecord {
  const problems: DmarcRecordProblem[] = [];
  const raw: { name: string; value: string }[] = [];
  const tags: DmarcTags = {
    adkim: 'r',
    aspf: 'r',
    pct: DMARC_PCT_MAX,
    fo: ['0'],
    rf: ['afrf'],
    ri: DMARC_RI_DEFAULT,
    rua: [],
    ruf: [],
  };
  const reportUris: ParsedDmarcRecord['reportUris'] = { rua: [], ruf: [] };
  const seen = new Set<string>();
  const bad = (tag: string, value: string, reason: string): void => {
    problems.push({ key: 'invalid-tag-value', tag, value, reason });
  };
  const removed = (tag: string, value: string): void => {
    problems.push({ key: 'removed-tag', tag, value, reason: 'removed by RFC 9989 (Appendix C.5.2)' });
  };

  const parts = text.split(';');
  let count = 0;
  for (const part of parts) {
    if (part.trim() === '') continue; // empty parts and a trailing ';' are tolerated
    if (++count > DMARC_MAX_TAGS) {
      bad('', `${parts.length} parts`, `only the first ${DMARC_MAX_TAGS} tags were read`);
      break;
    }
    const eq = part.indexOf('=');
    if (eq < 0) {
      bad('', part.trim(), 'not a tag=value pair');
      continue;
    }
    const name = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    if (!/^[a-z][a-z0-9_]*$/.test(name)) {
      bad('', part.trim(), 'not a valid tag name');
      continue;
    }
    raw.push({ name, value });
    if (seen.has(name)) {
      bad(name, value, 'tag repeated: receivers may use either value');
      continue;
    }
    seen.add(name);
    switch (name) {
      case 'v':
        if (value !== DMARC_VERSION) bad(name, value, 'the version must be written exactly "DMARC1"');
        break;
      case 'p': {
        const p = policyOf(value);
        if (p) tags.p = p;
        else
          problems.push({
            key: 'invalid-policy',
            tag: 'p',
            value,
            reason: 'want none, quarantine or reject',
          });
        break;
      }
      case 'sp':
      case 'np': {
        const p = policyOf(value);
        if (p) tags[name] = p;
        else
          problems.push({
            key: 'invalid-subdomain-policy',
            tag: name,
            value,
            reason: 'want none, quarantine or reject',
          });
        break;
      }
      case 'adkim':
      case 'aspf': {
        const v = value.toLowerCase();
        if (v === 'r' || v === 's') tags[name] = v;
        else bad(name, value, 'want r (relaxed) or s (strict)');
        break;
      }
      case 'pct': {
        if (/^[0-9]{1,3}$/.test(value) && Number(value) <= DMARC_PCT_MAX) tags.pct = Number(value);
        else bad(name, value, 'want an integer from 0 to 100');
        break;
      }
      case 'fo': {
        const opts = colonList(value).map((o) => o.toLowerCase());
        const problem = foProblem(opts);
        if (problem === undefined) tags.fo = opts;
        else bad(name, value, problem);
        break;
      }
      case 'rf': {
        removed(name, value);
        const formats = colonList(value).map((f) => f.toLowerCase());
        if (formats.every((f) => f === 'afrf')) tags.rf = formats;
        else bad(name, value, 'the only report format defined is afrf');
        break;
      }
      case 'ri': {
        removed(name, value);
        if (/^[0-9]{1,10}$/.test(value) && Number(value) <= DMARC_RI_MAX) tags.ri = Number(value);
        else bad(name, value, 'want a number of seconds (32-bit unsigned integer)');
        break;
      }
      case 'rua':
      case 'ruf': {
        const uris = parseUriList(name, value, problems);
        reportUris[name] = uris;
        tags[name] = uris.map((u) => u.uri);
        break;
      }
      case 't': {
        const v = value.toLowerCase();
        if (v === 'y' || v === 'n') tags.t = v;
        else bad(name, value, 'want y or n');
        break;
      }
      case 'psd': {
        const v = value.toLowerCase();
        if (v === 'y' || v === 'n' || v === 'u') tags.psd = v;
        else bad(name, value, 'want y, n or u');
        break;
      }
      default:
        problems.push({ key: 'unknown-tag', tag: name, value, reason: 'unknown tag, ignored by receivers' });
    }
  }
  if (!seen.has('p')) {
    problems.push({ key: 'missing-policy', tag: 'p', value: '', reason: 'no p tag' });
  } else if (raw[0]?.name === 'v' && raw[1]?.name !== 'p') {
    const p = raw.find((t) => t.name === 'p');
    problems.push({
      key: 'policy-not-second',
      tag: 'p',
      value: p?.value ?? '',
      reason: `the tag after v is ${raw[1]?.name ?? 'none'}`,
    });
  }
  return { text, raw, tags, reportUris, present: [...seen], problems };
}

/**
 * At least one syntactically valid rua URI, whatever its scheme (RFC 7489 6.6.3 step 6,
 * RFC 9989 4.10.1: then a bad p, sp or np reads as p=none).
 */
export function hasValidRua(parsed: ParsedDmarcRecord): boolean {
  return parsed.reportUris.rua.some((u) => u.problem === undefined);
}

/** A p, sp or np tag whose value is not a policy (RFC 7489 6.6.3 step 6, RFC 9989 4.10.1). */
export function hasInvalidPolicyTag(parsed: ParsedDmarcRecord): boolean {
  return parsed.problems.some((p) => p.key === 'invalid-policy' || p.key === 'invalid-subdomain-policy');
}
