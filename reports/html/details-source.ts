/** Where the page's per-identity details come from, and the key -> Report lookup over it. */
import type { FleetIdentityRow } from '../../src/fleet/summary.js';
import type { Report } from '../../src/report.js';

/**
 * Where per-identity details come from: a lookup by identity key (the fleet runner reads
 * reports/<key>.json on demand, so only one report is in memory at a time), or an iterable of
 * reports (matched to rows by key, or by target when given bare).
 */
export type DetailsSource =
  | ((key: string) => Report | undefined)
  | Iterable<Report | { key: string; report: Report }>;

/** A key -> Report lookup over either form of DetailsSource; failures read as "no details". */
export function detailLookup(
  source: DetailsSource | undefined,
  rows: readonly FleetIdentityRow[],
): (key: string) => Report | undefined {
  if (source === undefined) return () => undefined;
  if (typeof source === 'function') {
    return (key) => {
      try {
        return source(key);
      } catch {
        return undefined;
      }
    };
  }
  // Iterable: keep only the reports of rows shown, matched by key or, when bare, by domain and
  // the order of rows with that domain (identity keys hash the target; see src/fleet/key.ts).
  const wanted = new Set(rows.map((r) => r.key));
  const byDomain = new Map<string, string[]>();
  for (const r of rows) {
    const list = byDomain.get(r.domain) ?? [];
    list.push(r.key);
    byDomain.set(r.domain, list);
  }
  const found = new Map<string, Report>();
  for (const item of source) {
    if ('report' in item && 'key' in item && typeof item.key === 'string') {
      if (wanted.has(item.key)) found.set(item.key, item.report);
      continue;
    }
    const report = item as Report;
    const candidates = byDomain.get(report.target?.domain) ?? [];
    const match = candidates.find((k) => !found.has(k) && sameTarget(rows, k, report));
    if (match !== undefined) found.set(match, report);
  }
  return (key) => found.get(key);
}

function sameTarget(rows: readonly FleetIdentityRow[], key: string, report: Report): boolean {
  const row = rows.find((r) => r.key === key);
  if (!row?.target) return true;
  return JSON.stringify(canonicalTarget(row.target)) === JSON.stringify(canonicalTarget(report.target));
}

function canonicalTarget(t: Report['target']): unknown {
  return [
    t.domain,
    [...(t.ips ?? [])].sort(),
    t.helo,
    t.mailFrom,
    t.dkimDomain,
    [...(t.dkimSelectors ?? [])].sort(),
    t.profile,
  ];
}
