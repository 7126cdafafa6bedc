/**
 * DMARC policy discovery, both ways receivers do it:
 *
 * - RFC 7489 6.6.3: `_dmarc.<domain>`, and when that holds no DMARC record, the
 *   organisational domain's `_dmarc.<org>` found with the Public Suffix List.
 * - RFC 9989 (DMARCbis) "DNS Tree Walk": `_dmarc.<domain>`, then successively shorter
 *   names up to the root, jumping to the 7 rightmost labels first when the name has 8 or
 *   more, so at most 8 queries. The policy is the first DMARC record found; the
 *   organisational domain is the first record with psd=n, or the name one label below the
 *   first record with psd=y, or else the found record with the fewest labels.
 *
 * A lookup that fails (timeout, SERVFAIL...) stops the method it belongs to: what lies
 * beyond it cannot be decided, and the caller reports unknown, never "missing".
 */
import { organisationalDomainPsl } from '../../src/orgdomain.js';
import type { DnsErrorKind, DnsResult, Resolver } from '../../src/probe/types.js';
import { hostName, txtTexts } from '../shared/dns.js';
import { hasMisplacedVersion, isDmarcRecord, parseDmarcRecord } from './record.js';

/** The tree walk starts at the domain, then jumps to this many labels when it has more. RFC 9989, DNS Tree Walk */
export const DMARC_TREE_WALK_JUMP_LABELS = 7;
/** Hence at most this many queries per walk: the domain itself plus 7 shorter names. RFC 9989, DNS Tree Walk */
export const DMARC_TREE_WALK_MAX_QUERIES = DMARC_TREE_WALK_JUMP_LABELS + 1;
/** Our own bound on TXT records read at one name (hostile zones). */
export const DMARC_MAX_TXT_RECORDS = 50;

export type LookupRole = 'exact' | 'org-psl' | 'tree-walk';

export interface DmarcLookup {
  /** The domain the policy would belong to. */
  domain: string;
  /** The name queried: `_dmarc.<domain>`. */
  name: string;
  /** Which discovery methods asked this question. */
  roles: LookupRole[];
  /** DNS outcome of the TXT query. */
  dns: 'ok' | 'nxdomain' | 'nodata' | 'error';
  error?: DnsErrorKind;
  detail?: string;
  /** DMARC outcome at this name: one record, none, several (all discarded), or unknown. */
  outcome: 'found' | 'none' | 'multiple' | 'error';
  /** Every TXT record at the name, its strings joined (RFC 7489 6.6.3 step 2). */
  txt: string[];
  /** The TXT records that are DMARC records (starting v=DMARC1). */
  dmarc: string[];
  /** Records holding v=DMARC1 but not as the first tag: discarded by receivers. */
  misplacedVersion: string[];
  cnameChain?: string[];
}

/** What one discovery method concluded. `domain` is where it was decided. */
export interface MethodOutcome {
  status: 'found' | 'none' | 'multiple' | 'error';
  domain?: string;
  record?: string;
}

export interface DmarcDiscovery {
  domain: string;
  orgDomainPsl: string | null;
  /** Null when the walk found no record, or could not finish (see treeWalkComplete). */
  orgDomainTreeWalk: string | null;
  /** False when a DNS error stopped the walk before it could decide the organisational domain. */
  treeWalkComplete: boolean;
  /** RFC 7489 6.6.3 (exact name, then PSL organisational domain). */
  psl: MethodOutcome;
  /** RFC 9989 tree walk (first record found). */
  treeWalk: MethodOutcome;
  /** Every lookup made, in order, once per name. */
  lookups: DmarcLookup[];
}

/** Names (without `_dmarc.`) the RFC 9989 tree walk queries for `domain`, in order. */
export function treeWalkNames(domain: string): string[] {
  const d = hostName(domain);
  if (d === '') return [];
  const labels = d.split('.');
  const names = [d];
  const next =
    labels.length >= DMARC_TREE_WALK_JUMP_LABELS + 1 ? DMARC_TREE_WALK_JUMP_LABELS : labels.length - 1;
  for (let n = next; n >= 1; n--) names.push(labels.slice(-n).join('.'));
  return names;
}

/** Classify one TXT answer at `_dmarc.<domain>`. Pure, so tests and replays can use it. */
export function lookupFromResult(domain: string, result: DnsResult, role: LookupRole): DmarcLookup {
  const base = { domain, name: `_dmarc.${domain}`, roles: [role] };
  if (result.kind === 'error') {
    return {
      ...base,
      dns: 'error',
      error: result.error,
      detail: result.detail,
      outcome: 'error',
      txt: [],
      dmarc: [],
      misplacedVersion: [],
    };
  }
  const txt = txtTexts(result).slice(0, DMARC_MAX_TXT_RECORDS);
  const dmarc = txt.filter(isDmarcRecord);
  const out: DmarcLookup = {
    ...base,
    dns: result.kind,
    outcome: dmarc.length === 1 ? 'found' : dmarc.length > 1 ? 'multiple' : 'none',
    txt,
    dmarc,
    misplacedVersion: txt.filter(hasMisplacedVersion),
  };
  if (result.cnameChain.length > 0) out.cnameChain = [...result.cnameChain];
  return out;
}

/** Organisational domain per the tree walk, from the lookups along it (RFC 9989). */
function treeWalkOrgDomain(
  domain: string,
  walk: DmarcLookup[],
): { org: string | null; complete: boolean; stoppedAt?: number } {
  const labels = domain.split('.');
  let fewest: string | null = null;
  for (const [i, lk] of walk.entries()) {
    if (lk.outcome === 'error') return { org: null, complete: false };
    if (lk.outcome !== 'found') continue;
    const psd = parseDmarcRecord(lk.dmarc[0] ?? '').tags.psd;
    if (psd === 'n') return { org: lk.domain, complete: true, stoppedAt: i };
    if (psd === 'y') {
      // The walk stops here. A PSD record on the domain itself leaves no name below it:
      // the domain is then its own organisational domain (the record with fewest labels).
      if (lk.domain === domain) return { org: domain, complete: true, stoppedAt: i };
      const n = lk.domain.split('.').length + 1;
      return { org: labels.slice(-n).join('.'), complete: true, stoppedAt: i };
    }
    fewest = lk.domain;
  }
  return { org: fewest, complete: true };
}

/**
 * Discover the DMARC policy of `domain` both ways. All I/O goes through `resolver`; each
 * name is asked once. Stops a method at its first DNS error.
 */
export async function discoverDmarc(
  domainIn: string,
  resolver: Resolver,
  signal?: AbortSignal,
): Promise<DmarcDiscovery> {
  const domain = hostName(domainIn);
  const lookups: DmarcLookup[] = [];
  const byName = new Map<string, DmarcLookup>();
  const ask = async (d: string, role: LookupRole): Promise<DmarcLookup> => {
    const known = byName.get(d);
    if (known) {
      if (!known.roles.includes(role)) known.roles.push(role);
      return known;
    }
    const result = await resolver.query(`_dmarc.${d}`, 'TXT', signal ? { signal } : {});
    const lk = lookupFromResult(d, result, role);
    byName.set(d, lk);
    lookups.push(lk);
    return lk;
  };

  const orgDomainPsl = organisationalDomainPsl(domain);

  // RFC 7489 6.6.3.
  const exact = await ask(domain, 'exact');
  let psl: MethodOutcome;
  if (exact.outcome === 'found') psl = { status: 'found', domain, record: exact.dmarc[0] ?? '' };
  else if (exact.outcome === 'none' && orgDomainPsl !== null && orgDomainPsl !== domain) {
    const org = await ask(orgDomainPsl, 'org-psl');
    psl =
      org.outcome === 'found'
        ? { status: 'found', domain: orgDomainPsl, record: org.dmarc[0] ?? '' }
        : { status: org.outcome, domain: orgDomainPsl };
  } else psl = { status: exact.outcome, domain };

  // A failed first lookup leaves nothing to decide: stop before spending more timeouts.
  if (exact.outcome === 'error') {
    return {
      domain,
      orgDomainPsl,
      orgDomainTreeWalk: null,
      treeWalkComplete: false,
      psl,
      treeWalk: { status: 'error', domain },
      lookups,
    };
  }

  // RFC 9989 tree walk. Several records at one name are discarded and the walk goes on.
  exact.roles.push('tree-walk');
  const walk: DmarcLookup[] = [exact];
  let treeWalk: MethodOutcome | undefined =
    exact.outcome === 'found' ? { status: 'found', domain, record: exact.dmarc[0] ?? '' } : undefined;
  for (const d of treeWalkNames(domain).slice(1)) {
    const done = treeWalkOrgDomain(domain, walk);
    if (!done.complete || done.stoppedAt !== undefined) break;
    const lk = await ask(d, 'tree-walk');
    walk.push(lk);
    if (treeWalk === undefined) {
      if (lk.outcome === 'error') treeWalk = { status: 'error', domain: d };
      else if (lk.outcome === 'found') treeWalk = { status: 'found', domain: d, record: lk.dmarc[0] ?? '' };
    }
  }
  const org = treeWalkOrgDomain(domain, walk);
  return {
    domain,
    orgDomainPsl,
    orgDomainTreeWalk: org.org,
    treeWalkComplete: org.complete,
    psl,
    treeWalk: treeWalk ?? { status: 'none' },
    lookups,
  };
}
