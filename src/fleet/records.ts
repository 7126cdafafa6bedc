/**
 * The DNS records an identity's report rests on (SPF include tree, DMARC, DKIM keys), for the
 * diff between two runs, and a digest of them kept in each row so a diff reads the two full
 * reports only when the records may have changed.
 */
import { createHash } from 'node:crypto';
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
  const spf = report.checks['spf']?.evidence as
    | {
        nodes?: {
          domain?: unknown;
          status?: unknown;
          spf?: unknown;
          record?: unknown;
          spfRecords?: unknown;
        }[];
      }
    | undefined;
  for (const node of asArray(spf?.nodes)) {
    if (typeof node.domain !== 'string' || node.status !== 'fetched') continue;
    if (node.spf === 'none') out.set(node.domain, { kind: 'spf', value: null });
    else if (node.spf === 'one' && typeof node.record === 'string')
      out.set(node.domain, { kind: 'spf', value: node.record });
    else if (node.spf === 'many' && Array.isArray(node.spfRecords))
      out.set(node.domain, { kind: 'spf', value: node.spfRecords.map(String).sort().join(' | ') });
  }
  const dmarc = report.checks['dmarc']?.evidence as
    | { lookups?: { name?: unknown; outcome?: unknown; dmarc?: unknown }[] }
    | undefined;
  for (const l of asArray(dmarc?.lookups)) {
    if (typeof l.name !== 'string' || l.outcome === 'error' || !Array.isArray(l.dmarc)) continue;
    out.set(l.name, { kind: 'dmarc', value: l.dmarc.length ? l.dmarc.map(String).sort().join(' | ') : null });
  }
  const dkim = report.checks['dkim']?.evidence as
    | { lookups?: { name?: unknown; outcome?: unknown; records?: unknown }[] }
    | undefined;
  for (const l of asArray(dkim?.lookups)) {
    if (typeof l.name !== 'string' || l.outcome === 'error' || !Array.isArray(l.records)) continue;
    const texts = l.records.map((r) => (Array.isArray(r) ? r.map(String).join('') : String(r))).sort();
    out.set(l.name, { kind: 'dkim', value: texts.length ? texts.join(' | ') : null });
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

function asArray<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}
