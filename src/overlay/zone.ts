/**
 * The overlay zone: proposed RRsets by (name, type), as the stub client would return them.
 * Built from a master file (master-file.ts) or the project's YAML zone format (yaml.ts).
 */

import type { DnsRecord, RRType } from '../probe/types.js';

/** Records one overlay may hold; a large real zone has some thousands. */
export const MAX_OVERLAY_RECORDS = 50_000;

export interface OverlayZone {
  /** Where the records came from (a path or a label), for messages and the report. */
  file: string;
  /**
   * The zone's origin (normalized, no trailing dot): the SOA owner when the file has one, else
   * the origin it was read with or its first $ORIGIN; '' when none is known (then the zone
   * cannot be used as a complete zone).
   */
  origin: string;
  /** Records by rrsetKey(name, type); names normalized, records in file order; [] is NODATA. */
  rrsets: ReadonlyMap<string, readonly DnsRecord[]>;
  /** Every owner name the file gives records for. */
  names: ReadonlySet<string>;
  /** What was read but not used, or used with a caveat (file:line: ...). */
  warnings: readonly string[];
}

export function rrsetKey(name: string, type: RRType): string {
  return `${type} ${name}`;
}

/** Whether `name` is `origin` or below it (normalized names; '' is the root). */
export function isAtOrBelow(name: string, origin: string): boolean {
  return origin === '' || name === origin || name.endsWith(`.${origin}`);
}

/** Same data (the record's owner and TTL aside): RFC 2181 5 says an RRset holds no duplicates. */
export function sameRecordData(a: DnsRecord, b: DnsRecord): boolean {
  return a.type === b.type && JSON.stringify(a.data) === JSON.stringify(b.data);
}

/** Builds OverlayZones record by record: duplicates dropped, CNAME rules checked, sizes bounded. */
export class OverlayZoneBuilder {
  private readonly rrsets = new Map<string, DnsRecord[]>();
  private readonly names = new Set<string>();
  private readonly cnames = new Set<string>();
  private readonly others = new Set<string>();
  private count = 0;
  readonly warnings: string[] = [];

  constructor(readonly file: string) {}

  /** Adds one record; returns a reason when it may not be added (the caller names the line). */
  add(record: DnsRecord): string | undefined {
    const { name, type } = record;
    if (type === 'CNAME' ? this.others.has(name) || this.cnames.has(name) : this.cnames.has(name)) {
      return type === 'CNAME' && this.cnames.has(name)
        ? `${name} has a second CNAME (a name has at most one, RFC 1034 3.6.2)`
        : `${name} has a CNAME and other data (RFC 1034 3.6.2, RFC 2181 10.1)`;
    }
    const key = rrsetKey(name, type);
    const set = this.rrsets.get(key) ?? [];
    if (set.some((r) => sameRecordData(r, record))) {
      this.warnings.push(`${this.file}: duplicate ${type} record at ${name} dropped (RFC 2181 5)`);
      return undefined;
    }
    if (this.count >= MAX_OVERLAY_RECORDS) return `more than ${MAX_OVERLAY_RECORDS} records`;
    this.count++;
    set.push(record);
    this.rrsets.set(key, set);
    this.names.add(name);
    (type === 'CNAME' ? this.cnames : this.others).add(name);
    return undefined;
  }

  /** Declares (name, type) as an RRset with no records: the overlay answers NODATA for it. */
  declareEmpty(name: string, type: RRType): void {
    const key = rrsetKey(name, type);
    if (!this.rrsets.has(key)) this.rrsets.set(key, []);
    this.names.add(name);
  }

  /** Declares that `name` exists (with no records): it matters to a complete zone only. */
  declareName(name: string): void {
    this.names.add(name);
  }

  /** The zone; `origin` as defined on OverlayZone (the SOA owner wins when there is one). */
  build(origin: string, warnings: readonly string[] = []): OverlayZone {
    const soaOwners = [...this.rrsets.values()].flat().filter((r) => r.type === 'SOA');
    for (const set of this.rrsets.values()) {
      if (set.length > 1 && new Set(set.map((r) => r.ttl)).size > 1) {
        const first = set[0] as DnsRecord;
        this.warnings.push(
          `${this.file}: the ${first.type} records at ${first.name} have different TTLs (RFC 2181 5.2 wants one)`,
        );
      }
    }
    return {
      file: this.file,
      origin: soaOwners.length === 1 ? (soaOwners[0] as DnsRecord).name : origin,
      rrsets: this.rrsets,
      names: this.names,
      warnings: [...warnings, ...this.warnings],
    };
  }
}
