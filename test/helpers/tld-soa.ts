/**
 * A lab world that tells the truth about top-level domains. The probe believes an answer of
 * absence under a real TLD only when the resolver gives that TLD's SOA (src/probe/canary.ts);
 * a lab playing an honest recursive resolver for names under .com or .org must therefore
 * serve `com.` and `org.` with their SOA, as the root zone's delegations give them.
 */
import { type Zone, type ZoneNode, zoneFromObject } from '../../src/lab/index.js';
import { canaryZoneOf } from '../../src/probe/canary.js';

/** The SOA a TLD gives in a lab: any values do, the canary asks only that one exists. */
export const LAB_TLD_SOA = 'a.nic.lab hostmaster.nic.lab 1 1800 900 604800 86400';

/**
 * `zone` plus an SOA at each TLD its names lie under that the canary would ask about, and at
 * `alsoTlds` (TLDs of names its records point to but it does not hold, e.g. `a:foobar.com`).
 */
export function withTldSoas(zone: Zone, alsoTlds: readonly string[] = []): Zone {
  const tlds = new Set<string>(alsoTlds.filter((tld) => !zone.nodes.get(tld)?.rrsets.has('SOA')));
  for (const name of zone.nodes.keys()) {
    const tld = canaryZoneOf(name);
    if (tld !== undefined && !zone.nodes.get(tld)?.rrsets.has('SOA')) tlds.add(tld);
  }
  if (tlds.size === 0) return zone;
  const soas = zoneFromObject(Object.fromEntries([...tlds].map((tld) => [tld, { SOA: LAB_TLD_SOA }])));
  // A new Zone (the lab indexes each Zone object once): the world's nodes, then the TLDs'.
  const nodes = new Map<string, ZoneNode>(zone.nodes);
  for (const [name, node] of soas.nodes) nodes.set(name, node);
  return { ...zone, nodes };
}
