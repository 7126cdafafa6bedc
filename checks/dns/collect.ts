/**
 * What the dns check gathers: the canary of each top-level domain the target's names lie
 * under, i.e. the resolver's answer for that TLD's SOA record (src/probe/canary.ts). The probe
 * asks the same question before it believes an answer of absence, and the run's cache shares
 * it: the check adds no packet to a run whose probe already asked.
 */
import type { CollectContext } from '../../src/check.js';
import { CANARY_TYPE, canaryZoneOf } from '../../src/probe/canary.js';
import type { Target } from '../../src/report.js';
import { type DetailedOutcome, detailedOutcome, hostName } from '../shared/dns.js';

export interface DnsCanaryEvidence {
  /** The TLD asked, e.g. 'com'. */
  zone: string;
  /** The target's names under it. */
  names: string[];
  /** The resolver's answer for `<zone> SOA`. */
  soa: DetailedOutcome;
}

export interface DnsEvidence {
  canaries: DnsCanaryEvidence[];
  /**
   * The target's names with no TLD to ask: special-use names (RFC 6761: .example, .test...),
   * zones resolvers serve themselves (RFC 6303), TLDs the Public Suffix List does not know.
   */
  unchecked: string[];
}

/** The target's own names: its domain, HELO name, MAIL FROM domain and DKIM domain. */
function targetNames(target: Target): string[] {
  const mailFromDomain = target.mailFrom?.includes('@') ? target.mailFrom.split('@').pop() : target.mailFrom;
  const names = [target.domain, target.helo, mailFromDomain, target.dkimDomain];
  return [...new Set(names.flatMap((n) => (n === undefined || n.trim() === '' ? [] : [hostName(n)])))];
}

export async function collectDns(target: Target, ctx: CollectContext): Promise<DnsEvidence> {
  const byZone = new Map<string, string[]>();
  const unchecked: string[] = [];
  for (const name of targetNames(target)) {
    const zone = canaryZoneOf(name);
    if (zone === undefined) unchecked.push(name);
    else byZone.set(zone, [...(byZone.get(zone) ?? []), name]);
  }
  const canaries = await Promise.all(
    [...byZone].map(async ([zone, names]) => {
      const answer = await ctx.probe.dns.query(zone, CANARY_TYPE, { signal: ctx.signal });
      return { zone, names, soa: detailedOutcome(answer) };
    }),
  );
  return { canaries, unchecked };
}
