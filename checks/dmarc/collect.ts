/**
 * What the DMARC check gathers: the policy discovery both ways receivers do it (discover.ts),
 * the record that applies, and whether each external report destination agreed to receive
 * reports (RFC 7489 7.1). All I/O goes through the given resolver.
 */
import { organisationalDomainPsl } from '../../src/orgdomain.js';
import type { DnsErrorKind, Resolver } from '../../src/probe/types.js';
import { txtTexts } from '../shared/dns.js';
import { type DmarcDiscovery, discoverDmarc, type MethodOutcome } from './discover.js';
import { type DmarcTags, isDmarcRecord, isHostName, parseDmarcRecord } from './record.js';

/** Our own bound on `_report._dmarc` lookups per record (rua and ruf together). */
export const DMARC_MAX_REPORT_AUTH_LOOKUPS = 10;

export interface ReportAuthorization {
  tag: 'rua' | 'ruf';
  uri: string;
  destinationDomain: string;
  /** `<policy-domain>._report._dmarc.<destination-domain>` (RFC 7489 7.1). */
  name: string;
  outcome: 'authorized' | 'unauthorized' | 'error';
  dns: 'ok' | 'nxdomain' | 'nodata' | 'error';
  error?: DnsErrorKind;
  txt: string[];
}

export type DmarcSource = 'exact' | 'org-psl' | 'tree-walk';

export interface DmarcEvidence extends DmarcDiscovery {
  /** Domain whose record applies (where it was found), null when none applies. */
  policyDomain: string | null;
  /** The applying record's text. */
  record: string | null;
  /** Its tags with defaults filled in. */
  tags: DmarcTags | null;
  source: DmarcSource | null;
  reportAuthorizations: ReportAuthorization[];
}

function chooseSource(d: DmarcDiscovery): { source: DmarcSource; outcome: MethodOutcome } | null {
  if (d.psl.status === 'found')
    return { source: d.psl.domain === d.domain ? 'exact' : 'org-psl', outcome: d.psl };
  if (d.psl.status === 'none' && d.treeWalk.status === 'found')
    return { source: 'tree-walk', outcome: d.treeWalk };
  return null;
}

async function authorizeDestinations(
  policyDomain: string,
  record: string,
  resolver: Resolver,
  signal: AbortSignal | undefined,
): Promise<ReportAuthorization[]> {
  const parsed = parseDmarcRecord(record);
  const policyOrg = organisationalDomainPsl(policyDomain) ?? policyDomain;
  const out: ReportAuthorization[] = [];
  const byDomain = new Map<string, Omit<ReportAuthorization, 'tag' | 'uri'>>();
  for (const tag of ['rua', 'ruf'] as const) {
    for (const u of parsed.reportUris[tag]) {
      if (u.scheme !== 'mailto' || !u.domain || !isHostName(u.domain)) continue;
      const destOrg = organisationalDomainPsl(u.domain) ?? u.domain;
      if (destOrg === policyOrg) continue;
      let result = byDomain.get(u.domain);
      if (!result) {
        if (byDomain.size >= DMARC_MAX_REPORT_AUTH_LOOKUPS) continue;
        const name = `${policyDomain}._report._dmarc.${u.domain}`;
        const r = await resolver.query(name, 'TXT', signal ? { signal } : {});
        const txt = txtTexts(r);
        result = {
          destinationDomain: u.domain,
          name,
          dns: r.kind,
          outcome: r.kind === 'error' ? 'error' : txt.some(isDmarcRecord) ? 'authorized' : 'unauthorized',
          txt,
        };
        if (r.kind === 'error') result.error = r.error;
        byDomain.set(u.domain, result);
      }
      out.push({ tag, uri: u.uri, ...result });
    }
  }
  return out;
}

export async function collectDmarc(
  domain: string,
  resolver: Resolver,
  signal?: AbortSignal,
): Promise<DmarcEvidence> {
  const d = await discoverDmarc(domain, resolver, signal);
  const chosen = chooseSource(d);
  if (!chosen || chosen.outcome.domain === undefined || chosen.outcome.record === undefined) {
    return { ...d, policyDomain: null, record: null, tags: null, source: null, reportAuthorizations: [] };
  }
  const policyDomain = chosen.outcome.domain;
  const record = chosen.outcome.record;
  return {
    ...d,
    policyDomain,
    record,
    tags: parseDmarcRecord(record).tags,
    source: chosen.source,
    reportAuthorizations: await authorizeDestinations(policyDomain, record, resolver, signal),
  };
}
