/**
 * The DNS records an identity's report rests on (SPF include tree, DMARC, DKIM keys), for the
 * diff between two runs, and a digest of them kept in each row so a diff reads the two full
 * reports only when the records may have changed.
 */
import { createHash } from 'node:crypto';
import { dkimEvidenceOf } from '../../checks/dkim/index.js';
import { dmarcEvidenceOf } from '../../checks/dmarc/index.js';
import { spfEvidenceOf } from '../../checks/spf/index.js';
import type { Report } from '../report.js';
import type { RecordChange } from './summary.js';

export interface RecordValue {
  kind: RecordChange['kind'];
  value: string | null;
}

/**
 * The DNS records a report rests on, by name: SPF (every record of the include tree that was
 * measured), DMARC (every `_dmarc` name asked), DKIM (every selector asked). Names whose
 * answer could not be measured are left out, so a timeout never reads as a removed record.
 */
export function recordsOfReport(report: Report): Map<string, RecordValue> {
  const out = new Map<string, RecordValue>();
  // The report may be read back from disk (an older run): every list and field is checked
  // before use, so a missing one leaves its records out instead of throwing.
  for (const node of listOf(spfEvidenceOf(report)?.nodes)) {
    if (typeof node.domain !== 'string' || node.status !== 'fetched') continue;
    if (node.spf === 'none') out.set(node.domain, { kind: 'spf', value: null });
    else if (node.spf === 'one' && typeof node.record === 'string')
      out.set(node.domain, { kind: 'spf', value: node.record });
    else if (node.spf === 'many' && Array.isArray(node.spfRecords))
      out.set(node.domain, { kind: 'spf', value: sortedTexts(node.spfRecords) });
  }
  for (const l of listOf(dmarcEvidenceOf(report)?.lookups)) {
    if (typeof l.name !== 'string' || l.outcome === 'error' || !Array.isArray(l.dmarc)) continue;
    out.set(l.name, { kind: 'dmarc', value: l.dmarc.length ? sortedTexts(l.dmarc) : null });
  }
  for (const l of listOf(dkimEvidenceOf(report)?.lookups)) {
    if (typeof l.name !== 'string' || l.outcome === 'error' || !Array.isArray(l.records)) continue;
    // Each record is its list of TXT strings; a record kept as one string is read as it is.
    const texts = l.records.map((r: string[] | string) => (Array.isArray(r) ? r.join('') : String(r)));
    out.set(l.name, { kind: 'dkim', value: texts.length ? sortedTexts(texts) : null });
  }
  return out;
}

/**
 * A digest of `recordsOfReport(report)`: two reports with the same digest rest on the same
 * records (sha-256, first 128 bits, over the records sorted by name).
 */
export function recordsDigest(report: Report): string {
  const entries = [...recordsOfReport(report)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex').slice(0, 32);
}

/** A list of the evidence, or none when the report (from disk) lacks it. */
function listOf<T>(value: readonly T[] | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}

/** Record texts in a stable order, one value (a copy: the evidence is not reordered). */
function sortedTexts(texts: readonly string[]): string {
  return [...texts].sort().join(' | ');
}
