/**
 * Usage terms at fleet scale: how many queries a run sends the Spamhaus lists, against the free
 * use limit (SPAMHAUS_FREE_QUERIES_PER_DAY). Each distinct IP and registered domain is asked once
 * per run (the probe's cache), plus the lists' test entries once; the estimate counts the same.
 */
import type { ReputationSettings } from '../../src/check.js';
import { organisationalDomainPsl } from '../../src/orgdomain.js';
import type { Target } from '../../src/report.js';
import { chosenLists, MAX_IPS_QUERIED } from './collect.js';
import { SPAMHAUS_FREE_QUERIES_PER_DAY } from './lists.js';

/** Queries of one list's health probe: the entry that must be listed and the one that must not. */
const HEALTH_QUERIES_PER_LIST = 2;

export interface SpamhausUsage {
  /** A-record queries the run would send to the Spamhaus lists (TXT of listings not counted). */
  queries: number;
  limit: number;
  /** Over the free-use limit without a DQS key. */
  overFreeUse: boolean;
}

/** The Spamhaus queries a run over `targets` would send, or undefined when no Spamhaus list is asked. */
export function spamhausUsage(
  targets: readonly Target[],
  settings: ReputationSettings | undefined,
): SpamhausUsage | undefined {
  const spamhaus = chosenLists(settings).lists.filter((l) => l.freeQueriesPerDay !== undefined);
  if (spamhaus.length === 0) return undefined;
  const ips = new Set<string>();
  const domains = new Set<string>();
  for (const t of targets) {
    for (const ip of t.ips.slice(0, MAX_IPS_QUERIED)) ips.add(ip);
    for (const d of [t.domain, t.mailFrom, t.dkimDomain]) {
      const org = d !== undefined ? organisationalDomainPsl(d) : null;
      if (org !== null) domains.add(org);
    }
  }
  let queries = 0;
  for (const l of spamhaus) queries += HEALTH_QUERIES_PER_LIST + (l.kind === 'ip' ? ips.size : domains.size);
  return {
    queries,
    limit: SPAMHAUS_FREE_QUERIES_PER_DAY,
    overFreeUse: settings?.dqsKey === undefined && queries > SPAMHAUS_FREE_QUERIES_PER_DAY,
  };
}
