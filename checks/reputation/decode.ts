/**
 * The pure half of a blocklist lookup: the name asked (RFC 5782 2.1 and 2.4), the zone with or
 * without a Spamhaus DQS key (and its masked spelling for evidence), and what the answer's
 * A records mean. A refusal is never a listing, and an answer the list does not document is
 * "unexpected" (unknown), never a listing.
 */
import { parseIp, reverseName } from '../../src/ip.js';
import type { Blocklist, CodeMeaning, ListKind } from './lists.js';

/** What the evidence shows instead of a DQS key: the key never reaches a report or a log. */
export const DQS_KEY_MASK = '<key>';

/**
 * The query prefix of an item: an IPv4 address as its octets reversed, an IPv6 address as its
 * 32 nibbles reversed (RFC 5782 2.1, 2.4: the reverse-DNS form without in-addr.arpa/ip6.arpa),
 * a domain as it is. Undefined when the item is not of the list's kind.
 */
export function queryPrefix(item: string, kind: ListKind): string | undefined {
  const ip = parseIp(item);
  if (kind === 'ip') {
    if (!ip) return undefined;
    return reverseName(ip).replace(/\.(in-addr|ip6)\.arpa$/, '');
  }
  return ip ? undefined : item.toLowerCase().replace(/\.$/, '');
}

export interface ZoneNames {
  /** The zone asked. */
  zone: string;
  /** The zone as evidence shows it (a DQS key masked). */
  shown: string;
}

/** The list's zone: the DQS form when a key is given and the list has one. */
export function zoneOf(list: Blocklist, dqsKey: string | undefined): ZoneNames {
  if (dqsKey !== undefined && list.dqsZone !== undefined) {
    return { zone: `${dqsKey}.${list.dqsZone}`, shown: `${DQS_KEY_MASK}.${list.dqsZone}` };
  }
  return { zone: list.zone, shown: list.zone };
}

/** What one answer of a list means. */
export type Decoded =
  | { state: 'listed'; codes: string[]; meanings: CodeMeaning[] }
  | { state: 'refused'; code: string; reason: string }
  | { state: 'unexpected'; codes: string[] };

/**
 * The meaning of the A records a list answered (non-empty). A refusal code anywhere wins (the
 * whole answer is a refusal); then every record must be documented, else the answer is
 * unexpected: one undocumented record makes the answer unreadable, never "listed".
 */
export function decodeAnswer(list: Blocklist, addresses: readonly string[]): Decoded {
  for (const a of addresses) {
    const reason = refusalReason(list, a);
    if (reason !== undefined) return { state: 'refused', code: a, reason };
  }
  const meanings: CodeMeaning[] = [];
  for (const a of addresses) {
    const m = meaningsOf(list, a);
    if (m === undefined || m.length === 0) return { state: 'unexpected', codes: [...addresses] };
    meanings.push(...m);
  }
  if (meanings.length === 0) return { state: 'unexpected', codes: [...addresses] };
  return { state: 'listed', codes: [...addresses], meanings };
}

function refusalReason(list: Blocklist, address: string): string | undefined {
  const exact = list.refusals[address];
  if (exact !== undefined) return exact;
  if (list.refusalPrefixes?.some((p) => address.startsWith(p))) return 'an error code of the list';
  if (list.decoding.type === 'bitmask' && list.refusalBit !== undefined) {
    const last = lastOctetOf127(address);
    if (last !== undefined && (last & list.refusalBit) !== 0) return 'query refused or blocked by the list';
  }
  return undefined;
}

function meaningsOf(list: Blocklist, address: string): CodeMeaning[] | undefined {
  const d = list.decoding;
  if (d.type === 'codes') {
    const m = d.codes[address];
    return m ? [m] : undefined;
  }
  // Bitmask lists: 127.0.0.X; the middle octets are reserved and ignored (SURBL lists page).
  const last = lastOctetOf127(address);
  if (last === undefined || last === 0) return undefined;
  const known = d.bits.reduce((mask, b) => mask | b.bit, 0);
  if ((last & ~known) !== 0) return undefined;
  return d.bits
    .filter((b) => (last & b.bit) !== 0)
    .map((b) => ({ category: d.category, meaning: b.meaning }));
}

/** The last octet of a 127.x.x.x address, or undefined for anything else. */
function lastOctetOf127(address: string): number | undefined {
  const m = /^127\.\d{1,3}\.\d{1,3}\.(\d{1,3})$/.exec(address);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n <= 255 ? n : undefined;
}
