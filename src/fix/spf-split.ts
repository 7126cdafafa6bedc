/**
 * An SPF record that fits: one TXT answer of at most 512 octets (RFC 7208 3.4), or, when the
 * terms do not fit, runs of ranges moved to include: records at _spf1.DOMAIN, _spf2.DOMAIN...
 * Each moved run keeps its qualifier on the include ("-include:_spf2..." for "-ip4:..." terms),
 * so the first-match order of the record is unchanged.
 */

import { SPF_MAX_UDP_ANSWER_BYTES } from '../../checks/spf/tree.js';
import type { Qualifier } from '../../checks/spf/types.js';
import { MAX_CHARACTER_STRING_BYTES } from '../probe/wire.js';
import { type FlatItem, itemLookups, itemTerms } from './spf-flatten.js';

/** Include records a split may create (each costs a lookup, RFC 7208 4.6.4). */
export const SPF_SPLIT_MAX_PARTS = 8;
/** The end of every split part: it is only ever included, "-all" makes its "pass" set exact. */
const PART_END = '-all';

export interface SplitRecord {
  name: string;
  text: string;
}

export type SplitResult =
  | { ok: true; root: string; parts: SplitRecord[]; lookups: number }
  | { ok: false; reason: string };

/** Octets of a TXT record's data as the audit counts them: text plus a length octet per string. */
export function txtAnswerBytes(text: string): number {
  const bytes = Buffer.byteLength(text);
  return bytes + Math.max(1, Math.ceil(bytes / MAX_CHARACTER_STRING_BYTES));
}

const recordOf = (terms: readonly string[]): string => ['v=spf1', ...terms].join(' ');

/**
 * The record for `items` at `domain`, split when it does not fit beside the other TXT
 * records of the name (`otherBytes` of the answer are theirs).
 */
export function splitSpf(domain: string, items: readonly FlatItem[], otherBytes: number): SplitResult {
  const budget = SPF_MAX_UDP_ANSWER_BYTES - otherBytes;
  const whole = recordOf(items.flatMap(itemTerms));
  if (txtAnswerBytes(whole) <= budget)
    return { ok: true, root: whole, parts: [], lookups: itemLookups(items) };

  const parts: SplitRecord[] = [];
  const rootTerms: string[] = [];
  let lookups = itemLookups(items);
  const flush = (qualifier: Qualifier, terms: string[]) => {
    const name = `_spf${parts.length + 1}.${domain}`;
    parts.push({ name, text: recordOf([...terms, PART_END]) });
    rootTerms.push(`${qualifier === '+' ? '' : qualifier}include:${name}`);
    lookups++;
  };
  for (const item of items) {
    if (item.kind !== 'set') {
      rootTerms.push(...itemTerms(item));
      continue;
    }
    const bare = itemTerms({ ...item, qualifier: '+' });
    let chunk: string[] = [];
    for (const term of bare) {
      if (
        chunk.length > 0 &&
        txtAnswerBytes(recordOf([...chunk, term, PART_END])) > SPF_MAX_UDP_ANSWER_BYTES
      ) {
        flush(item.qualifier, chunk);
        chunk = [];
      }
      chunk.push(term);
    }
    if (chunk.length > 0) flush(item.qualifier, chunk);
    if (parts.length > SPF_SPLIT_MAX_PARTS)
      return { ok: false, reason: `the ranges need more than ${SPF_SPLIT_MAX_PARTS} include records` };
  }
  const root = recordOf(rootTerms);
  if (txtAnswerBytes(root) > budget)
    return {
      ok: false,
      reason: `the record at ${domain} stays over ${SPF_MAX_UDP_ANSWER_BYTES} octets even split`,
    };
  return { ok: true, root, parts, lookups };
}
