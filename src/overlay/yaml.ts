/**
 * The project's YAML zone format (src/lab/zone.ts, the lab's and the tests' worlds) as an
 * overlay. An empty list (`TXT: []`) declares the RRset empty: the overlay answers NODATA for
 * it, which is how a YAML overlay removes a live record. Fault markers (TIMEOUT, SERVFAIL...)
 * are for labs, not for proposed records, and are refused; `$latency` and `AD` are ignored.
 */

import { parseZoneYaml, ZoneError, type ZoneRecord } from '../lab/zone.js';
import type { DnsRecord } from '../probe/types.js';
import { canonicalIpv6 } from './master-file.js';
import { ZoneFileError } from './tokens.js';
import { type OverlayZone, OverlayZoneBuilder } from './zone.js';

/** Reads a YAML zone as an overlay; throws ZoneFileError (a UsageError) naming the file. */
export function parseOverlayYaml(
  text: string,
  options: { file?: string; origin?: string } = {},
): OverlayZone {
  const file = options.file ?? 'overlay';
  const fail = (reason: string): never => {
    // The YAML reader reports owners, not lines: line 0 says "somewhere in the file".
    throw new ZoneFileError(file, 0, reason);
  };
  let zone: ReturnType<typeof parseZoneYaml>;
  try {
    zone = parseZoneYaml(text);
  } catch (err) {
    if (err instanceof ZoneError) return fail(err.message);
    throw err;
  }
  const builder = new OverlayZoneBuilder(file);
  const warnings: string[] = [];
  if (zone.latencyMs !== undefined || zone.ad !== undefined)
    warnings.push(`${file}: $latency and $ad are ignored in an overlay`);
  for (const node of zone.nodes.values()) {
    if (node.fault) fail(`${node.name}: ${node.fault} is a lab fault, not a record an overlay can propose`);
    if (node.ad !== undefined)
      warnings.push(`${file}: AD at ${node.name} is ignored (overlay answers are never validated)`);
    if (node.rrsets.size === 0) builder.declareName(node.name);
    for (const [type, rrset] of node.rrsets) {
      if (!Array.isArray(rrset))
        return fail(`${node.name} ${type}: ${rrset} is a lab fault, not a record an overlay can propose`);
      if (rrset.length === 0) builder.declareEmpty(node.name, type);
      for (const record of rrset) {
        const refused = builder.add(toDnsRecord(node.name, node.ttl, record));
        if (refused) fail(refused);
      }
    }
  }
  return builder.build(options.origin ?? commonSuffix([...zone.nodes.keys()]), warnings);
}

/** The record as the stub client would decode it from the wire. */
function toDnsRecord(name: string, ttl: number, r: ZoneRecord): DnsRecord {
  switch (r.type) {
    case 'TXT':
    case 'SPF':
      return { type: r.type, name, ttl, data: r.data.map((s) => s.toString('utf8')) };
    case 'AAAA':
      return { type: r.type, name, ttl, data: canonicalIpv6(r.data) };
    default:
      return { ...r, name, ttl } as DnsRecord;
  }
}

/** The longest common suffix of whole labels of the names ('' when they share none). */
export function commonSuffix(names: readonly string[]): string {
  if (names.length === 0) return '';
  let labels = (names[0] as string).replace(/^\*\./, '').split('.');
  for (const name of names.slice(1)) {
    const other = name.split('.');
    let k = 0;
    while (
      k < labels.length &&
      k < other.length &&
      labels[labels.length - 1 - k] === other[other.length - 1 - k]
    )
      k++;
    labels = labels.slice(labels.length - k);
  }
  return labels.join('.');
}
