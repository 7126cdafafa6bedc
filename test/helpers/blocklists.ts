/**
 * A lab world playing the default blocklists honestly: each list answers its documented test
 * entry (RFC 5782 5) and nothing else, so the reputation check believes it. Tests add their own
 * listings, refusals and faults on top (same zone format, src/lab/zone.ts). Nothing here is ever
 * asked of the real lists: the names are served by the lab or the in-memory resolver.
 */
import { stringify } from 'yaml';
import type { ZoneObject } from './memory-resolver.js';
import { LAB_TLD_SOA } from './tld-soa.js';

/** SURBL's test entry is on every sub-list: PH, MW, ABUSE and CR (8 + 16 + 64 + 128). */
export const SURBL_TEST_ANSWER = '127.0.0.216';
/** URIBL's test entry: black, grey and red (2 + 4 + 8). */
export const URIBL_TEST_ANSWER = '127.0.0.14';

export const HEALTHY_BLOCKLISTS: ZoneObject = {
  // The lists' TLDs exist, so the probe's canary believes a "not listed" (NXDOMAIN) under them.
  org: { SOA: LAB_TLD_SOA },
  com: { SOA: LAB_TLD_SOA },
  net: { SOA: LAB_TLD_SOA },
  '2.0.0.127.zen.spamhaus.org': { A: '127.0.0.2' },
  'dbltest.com.dbl.spamhaus.org': { A: '127.0.1.2' },
  '2.0.0.127.b.barracudacentral.org': { A: '127.0.0.2' },
  '2.0.0.127.bl.spamcop.net': { A: '127.0.0.2' },
  'test.surbl.org.multi.surbl.org': { A: SURBL_TEST_ANSWER },
  'test.uribl.com.multi.uribl.com': { A: URIBL_TEST_ANSWER },
};

/** `HEALTHY_BLOCKLISTS` plus the given entries (which win). */
export function blocklistWorld(extra: ZoneObject = {}): ZoneObject {
  return { ...HEALTHY_BLOCKLISTS, ...extra };
}

/** The same world as lab zone YAML, to append to a world written as text. */
export function healthyBlocklistsYaml(): string {
  return stringify(HEALTHY_BLOCKLISTS);
}
