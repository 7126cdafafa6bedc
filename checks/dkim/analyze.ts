/**
 * One selector's key record judged on its own (RFC 6376 3.6.1, RFC 8301, RFC 8463): its
 * status and the findings about it. Pure; shared by the judge and dkimOutcome() so they agree.
 */
import type { FindingResult } from '../../src/check.js';
import type { DkimSelectorLookup } from './collect.js';
import type { DkimFindingKey } from './findings.js';
import {
  DKIM_RSA_MIN_BITS,
  DKIM_RSA_RECOMMENDED_BITS,
  type DkimKeyRecord,
  type DkimTag,
  type KeyMeasurement,
  measurePublicKey,
  parseDkimKeyRecord,
  parseTagList,
} from './key.js';

/** How one selector stands once its record is judged. */
export type SelectorStatus =
  | 'valid'
  | 'no-key'
  | 'dns-error'
  | 'revoked'
  /** Published but no verifier will (reliably) accept signatures with it. */
  | 'unusable';

export interface SelectorAnalysis {
  lookup: DkimSelectorLookup;
  status: SelectorStatus;
  /** The record text(s): TXT strings joined without spaces (RFC 6376 3.6.2.2). */
  texts: string[];
  /** TXT records ignored at a discovered selector because they are not DKIM key records. */
  ignoredTexts: string[];
  record?: DkimKeyRecord;
  key?: KeyMeasurement;
  /** Per-selector findings, without the case conditions (judge adds those). */
  findings: FindingResult<DkimFindingKey>[];
}

/**
 * Whether a TXT record is meant as a DKIM key: at a discovered selector, anything else
 * (e.g. a wildcard SPF record answering every name) is not a key, not a broken key.
 */
function looksLikeDkimKey(text: string): boolean {
  const list = parseTagList(text);
  if (list.ok) return list.tags.some((t) => t.name === 'p' || (t.name === 'v' && t.value === 'DKIM1'));
  return /(^|;)\s*(v\s*=\s*DKIM1|p\s*=)/.test(text);
}

/** Rebuild a record with the tags changed: the exact record to publish in a fix. */
function rebuild(tags: readonly DkimTag[], change: Record<string, string | undefined>): string {
  const out: string[] = [];
  for (const t of tags) {
    if (t.name in change) {
      const v = change[t.name];
      if (v !== undefined) out.push(`${t.name}=${v}`);
    } else {
      out.push(`${t.name}=${t.value}`);
    }
  }
  return out.join('; ');
}

/** Judge one selector's lookup: pure. Shared by judge() and dkimOutcome() so they agree. */
export function analyzeSelector(lookup: DkimSelectorLookup): SelectorAnalysis {
  const allTexts = lookup.records.map((strings) => strings.join(''));
  const texts = lookup.userGiven ? allTexts : allTexts.filter(looksLikeDkimKey);
  const ignoredTexts = lookup.userGiven ? [] : allTexts.filter((t) => !looksLikeDkimKey(t));
  const a: SelectorAnalysis = { lookup, status: 'valid', texts, ignoredTexts, findings: [] };
  if (lookup.outcome === 'error') return { ...a, status: 'dns-error' };
  if (texts.length === 0) return { ...a, status: 'no-key' };

  const ev = {
    selector: lookup.selector,
    name: lookup.name,
    userGiven: lookup.userGiven,
    cnameChain: lookup.cnameChain,
  };
  const base = { selector: lookup.selector, name: lookup.name };
  const add = (key: DkimFindingKey, data: Record<string, string | number | boolean>, extra = {}) =>
    a.findings.push({ key, data: { ...base, ...data }, evidence: { ...ev, ...extra } });

  if (allTexts.length > 1) {
    add('multiple-records', { count: allTexts.length }, { records: allTexts });
    return { ...a, status: 'unusable' };
  }
  const text = texts[0]!;
  const parsed = parseDkimKeyRecord(text);
  if (!parsed.ok) {
    add('invalid-record', { reason: parsed.error.message, tag: parsed.error.tag ?? '' }, { record: text });
    return { ...a, status: 'unusable' };
  }
  const record = parsed.record;
  a.record = record;
  const recEv = { record: text, keyType: record.keyType };
  if (record.revoked) {
    add(lookup.userGiven ? 'key-revoked' : 'revoked-key-discovered', {}, recEv);
    return { ...a, status: 'revoked' };
  }
  if (record.keyType !== 'rsa' && record.keyType !== 'ed25519') {
    add('unknown-key-type', { keyType: record.keyType }, recEv);
    return { ...a, status: 'unusable' };
  }
  const key = measurePublicKey(record.keyType, record.publicKey);
  a.key = key;
  if (!key.ok) {
    add('invalid-key', { reason: key.message, keyType: record.keyType }, recEv);
    return { ...a, status: 'unusable' };
  }
  const keyEv = { ...recEv, bits: key.bits, ...(key.keyType === 'rsa' ? { format: key.format } : {}) };
  let status: SelectorStatus = 'valid';
  if (key.keyType === 'rsa' && key.bits < DKIM_RSA_MIN_BITS) {
    add('key-too-short', { bits: key.bits }, keyEv);
    status = 'unusable';
  } else if (key.keyType === 'rsa' && key.bits < DKIM_RSA_RECOMMENDED_BITS) {
    add('key-weak', { bits: key.bits }, keyEv);
  }
  if (record.hashAlgorithms !== undefined) {
    const known = record.hashAlgorithms.filter((h) => h === 'sha1' || h === 'sha256');
    const hashes = record.hashAlgorithms.join(':');
    if (known.length === 0 || (key.keyType === 'ed25519' && !known.includes('sha256'))) {
      // Unknown algorithms are ignored (RFC 6376 3.6.1); ed25519-sha256 is the only Ed25519 one (RFC 8463 3).
      add(
        'invalid-record',
        { reason: `h=${hashes} allows no hash algorithm usable with k=${key.keyType}`, tag: 'h' },
        keyEv,
      );
      status = 'unusable';
    } else if (!known.includes('sha256')) {
      add('sha1-only', { hashes, suggested: rebuild(record.tags, { h: undefined }) }, keyEv);
    }
  }
  if (!record.serviceTypes.includes('*') && !record.serviceTypes.includes('email')) {
    add(
      'service-type-excludes-email',
      { services: record.serviceTypes.join(':'), suggested: rebuild(record.tags, { s: undefined }) },
      keyEv,
    );
    status = 'unusable';
  }
  if (record.testing) {
    const flags = record.flags.filter((f) => f !== 'y');
    add(
      'testing-mode',
      { suggested: rebuild(record.tags, { t: flags.length ? flags.join(':') : undefined }) },
      keyEv,
    );
    if (status === 'valid') status = 'unusable';
  }
  return { ...a, status };
}
