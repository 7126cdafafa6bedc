/**
 * The resolver canary: before an answer of absence (NXDOMAIN, or NOERROR without data) is
 * believed, the run checks that its resolver tells the truth about something that must exist:
 * the top-level domain of the name asked (`com.` has an SOA record). A resolver that answers
 * NXDOMAIN, or NOERROR without the SOA, for a delegated TLD is lying (a captive portal, a
 * filtering or broken forwarder, a sandbox), and its answers of absence under that TLD become
 * errors of kind `unreliable`: every check already reports an error as "could not measure".
 *
 * Each TLD is asked once per run (the verdict is kept here, the answer in the run's cache), and
 * only when an answer of absence needs it. Names that have no TLD to ask are left alone: the
 * special-use names (RFC 6761, and the IANA registry it set up), the zones resolvers serve
 * themselves (RFC 6303), and names under a TLD the Public Suffix List's ICANN section does not
 * know (an NXDOMAIN for `.lan` or `.corp` is the truth). A canary that times out or fails
 * proves nothing either way: the answers stand.
 */

import { parse as parseDomain } from 'tldts';
import type { DnsResult, QueryOptions, Resolver, RRType } from './types.js';
import { normalizeName } from './wire.js';

/**
 * Special-use domain names: RFC 6761 6 and the IANA "Special-Use Domain Names" registry it set
 * up (RFC 6761 7: example, invalid, localhost, test; RFC 6762 local; RFC 7686 onion; RFC 8375
 * home.arpa; RFC 8880 ipv4only.arpa; RFC 9462 resolver.arpa; RFC 9476 alt; RFC 9665
 * service.arpa; RFC 9031 6tisch.arpa; RFC 6761 6.1 the private-address reverse zones).
 */
export const SPECIAL_USE_DOMAINS: readonly string[] = [
  'alt',
  'example',
  'example.com',
  'example.net',
  'example.org',
  'invalid',
  'local',
  'localhost',
  'onion',
  'test',
  '6tisch.arpa',
  'home.arpa',
  'ipv4only.arpa',
  'resolver.arpa',
  'service.arpa',
  '10.in-addr.arpa',
  ...Array.from({ length: 16 }, (_, i) => `${16 + i}.172.in-addr.arpa`),
  '168.192.in-addr.arpa',
  '170.0.0.192.in-addr.arpa',
  '171.0.0.192.in-addr.arpa',
  '254.169.in-addr.arpa',
  '8.e.f.ip6.arpa',
  '9.e.f.ip6.arpa',
  'a.e.f.ip6.arpa',
  'b.e.f.ip6.arpa',
];

/** The IPv6 reverse name of a prefix of 32 nibbles of zeros, then `last`: ::1 and :: (RFC 6303 4.3, 4.4). */
const IP6_HOST_ZONE = (last: string): string => `${last}.${'0.'.repeat(31)}ip6.arpa`;

/**
 * Zones a resolver answers itself, without asking anyone (RFC 6303 4, and RFC 7793 for
 * 100.64.0.0/10): its NXDOMAIN there is the truth, whatever it says of the TLD.
 */
export const LOCALLY_SERVED_ZONES: readonly string[] = [
  '0.in-addr.arpa',
  '127.in-addr.arpa',
  '2.0.192.in-addr.arpa',
  '100.51.198.in-addr.arpa',
  '113.0.203.in-addr.arpa',
  '255.255.255.255.in-addr.arpa',
  ...Array.from({ length: 64 }, (_, i) => `${64 + i}.100.in-addr.arpa`),
  IP6_HOST_ZONE('0'),
  IP6_HOST_ZONE('1'),
  'd.f.ip6.arpa',
  '8.b.d.0.1.0.0.2.ip6.arpa',
  'empty.as112.arpa',
];

const NO_CANARY_ZONES: ReadonlySet<string> = new Set([...SPECIAL_USE_DOMAINS, ...LOCALLY_SERVED_ZONES]);

/** The type whose record every delegated zone has at its apex. RFC 1035 3.3.13, RFC 1034 4.3.4 */
export const CANARY_TYPE: RRType = 'SOA';

/** Whether `name` (normalized) is a special-use name or lies in a zone resolvers serve themselves. */
export function isSpecialUseName(name: string): boolean {
  const labels = name.split('.');
  for (let i = 0; i < labels.length; i++) if (NO_CANARY_ZONES.has(labels.slice(i).join('.'))) return true;
  return false;
}

/**
 * The TLD whose SOA vouches for answers of absence about `name`, or undefined when there is
 * none to ask: a special-use or locally served name, a name under a TLD the Public Suffix
 * List's ICANN section does not know (it may truly not exist), or no name at all.
 */
export function canaryZoneOf(name: string): string | undefined {
  const n = normalizeName(name);
  if (n === '' || isSpecialUseName(n)) return undefined;
  const tld = n.slice(n.lastIndexOf('.') + 1);
  const parsed = parseDomain(tld, { extractHostname: false, validateHostname: false });
  return parsed.isIcann === true && parsed.publicSuffix === tld ? tld : undefined;
}

/** What the canary of one TLD showed. */
export type CanaryVerdict =
  | { kind: 'truthful' }
  /** `answer`: what the resolver said of the TLD's SOA. */
  | { kind: 'lying'; zone: string; answer: CanaryLie }
  /** The canary timed out or failed: proves nothing either way. */
  | { kind: 'unproven'; detail: string };

/** A resolver's lie about a TLD's SOA. */
export type CanaryLie = 'NXDOMAIN' | 'NOERROR with no answer';

/** What a canary answer of this kind says of the resolver, when it is a lie (else undefined). */
export function canaryLieOf(kind: DnsResult['kind']): CanaryLie | undefined {
  if (kind === 'nxdomain') return 'NXDOMAIN';
  return kind === 'nodata' ? 'NOERROR with no answer' : undefined;
}

/** The verdict of one answer to the canary question `<zone> SOA`. */
export function canaryVerdictOf(zone: string, answer: DnsResult): CanaryVerdict {
  if (answer.kind === 'error') return { kind: 'unproven', detail: `${answer.error}: ${answer.detail}` };
  const lie = canaryLieOf(answer.kind);
  return lie === undefined ? { kind: 'truthful' } : { kind: 'lying', zone, answer: lie };
}

/** The detail of an answer of absence the canary of `zone` disproved. */
export function unreliableDetail(lie: { zone: string; answer: CanaryLie }): string {
  return (
    `the resolver answered ${lie.answer} when asked for the SOA record of ${lie.zone}., a top-level domain ` +
    'that exists: its answers that a name or record does not exist are not believed'
  );
}

/** A canary question cut short by its asker: it says nothing, and is asked afresh. */
function wasAborted(verdict: CanaryVerdict): boolean {
  return verdict.kind === 'unproven' && verdict.detail.endsWith(': aborted');
}

/**
 * A Resolver in front of `inner` (the run's cache) that checks answers of absence with the
 * canary of their TLD. The canary question itself (`<tld> SOA`) is answered as the resolver
 * gave it, so a check can show what the resolver said.
 */
export function createCanaryResolver(inner: Resolver): Resolver & { clear(): void } {
  const verdicts = new Map<string, Promise<CanaryVerdict>>();

  async function verdictFor(zone: string, signal: AbortSignal | undefined): Promise<CanaryVerdict> {
    let pending = verdicts.get(zone);
    if (!pending) {
      pending = inner.query(zone, CANARY_TYPE, { signal }).then((answer) => canaryVerdictOf(zone, answer));
      verdicts.set(zone, pending);
    }
    const verdict = await pending;
    if (!wasAborted(verdict)) return verdict;
    // Whoever asked first gave up: forget it, and ask again unless we gave up too.
    if (verdicts.get(zone) === pending) verdicts.delete(zone);
    return signal?.aborted ? verdict : verdictFor(zone, signal);
  }

  async function query(name: string, type: RRType, options?: QueryOptions): Promise<DnsResult> {
    const result = await inner.query(name, type, options);
    if (result.kind !== 'nxdomain' && result.kind !== 'nodata') return result;
    // The absence is about the last name of a CNAME chain, not the one asked.
    const absent = result.cnameChain.at(-1) ?? result.name;
    const zone = canaryZoneOf(absent);
    if (zone === undefined || (absent === zone && type === CANARY_TYPE)) return result;
    const verdict = await verdictFor(zone, options?.signal);
    if (verdict.kind !== 'lying') return result;
    return {
      name: result.name,
      type: result.type,
      cnameChain: result.cnameChain,
      kind: 'error',
      error: 'unreliable',
      detail: unreliableDetail(verdict),
    };
  }

  return { query, clear: () => verdicts.clear() };
}
