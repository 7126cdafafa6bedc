/**
 * What the DKIM check gathers: the TXT answer at `<selector>._domainkey.<domain>` for each
 * selector the user gave plus the discovery list (selectors.ts). All I/O goes through the
 * probe's resolver; the lookups are kept as answered, judged later.
 */
import pLimit from 'p-limit';
import type { CollectContext } from '../../src/check.js';
import type { DnsErrorKind, DnsResult } from '../../src/probe/types.js';
import type { Target } from '../../src/report.js';
import { hostName, MAX_NAME_BYTES } from '../shared/dns.js';
import { DKIM_DISCOVERY_SELECTORS, discoveryProvider, isValidSelector } from './selectors.js';

/** Not a protocol limit: bound on user-given selectors queried per run (hostile config). */
export const DKIM_MAX_USER_SELECTORS = 64;
/** Not a protocol limit: selector lookups in flight at once for one domain. */
export const DKIM_LOOKUP_CONCURRENCY = 8;
/** The fixed label under which selectors live: RFC 6376 3.6.2.1. */
export const DKIM_KEY_LABEL = '_domainkey';

export type DkimLookupOutcome = 'ok' | 'nxdomain' | 'nodata' | 'error';

/** One selector's TXT lookup, as gathered (plain JSON, replayable). */
export interface DkimSelectorLookup {
  /** Lower-cased selector. */
  selector: string;
  /** The name queried: `<selector>._domainkey.<domain>`. */
  name: string;
  /** Given by the user (a measured claim) rather than tried by discovery. */
  userGiven: boolean;
  /** Who uses this selector, when it is in the discovery list. */
  provider?: string;
  outcome: DkimLookupOutcome;
  error?: DnsErrorKind;
  detail?: string;
  /** CNAMEs followed from `name` (e.g. Microsoft 365's delegation to onmicrosoft.com). */
  cnameChain: string[];
  /** The TXT records at the final owner, each as its list of strings. */
  records: string[][];
}

export interface DkimEvidence {
  /** The signing domain (d=): target.dkimDomain ?? target.domain. */
  domain: string;
  /** User-given selectors tried, lower-cased, deduplicated. */
  userSelectors: string[];
  /** User-given selectors not tried because they are not valid DNS names. */
  invalidSelectors: string[];
  /** User-given selectors beyond DKIM_MAX_USER_SELECTORS, not tried. */
  userSelectorsDropped: number;
  /** Discovery selectors tried (the built-in list minus the user-given ones). */
  discoverySelectors: string[];
  lookups: DkimSelectorLookup[];
}

function lookupFromResult(
  base: Pick<DkimSelectorLookup, 'selector' | 'name' | 'userGiven' | 'provider'>,
  r: DnsResult,
): DkimSelectorLookup {
  const out: DkimSelectorLookup = { ...base, outcome: r.kind, cnameChain: [...r.cnameChain], records: [] };
  if (r.kind === 'error') {
    out.error = r.error;
    out.detail = r.detail;
  } else if (r.kind === 'ok') {
    for (const rec of r.records) if (rec.type === 'TXT') out.records.push([...rec.data]);
    // A CNAME chain ending in an owner without TXT data comes back ok but empty.
    if (out.records.length === 0) out.outcome = 'nodata';
  }
  return out;
}

export async function collectDkim(target: Target, ctx: CollectContext): Promise<DkimEvidence> {
  const domain = hostName(target.dkimDomain ?? target.domain);
  const given = target.dkimSelectors ?? [];
  const seen = new Set<string>();
  const userSelectors: string[] = [];
  const invalidSelectors: string[] = [];
  for (const raw of given.slice(0, DKIM_MAX_USER_SELECTORS)) {
    const s = hostName(raw);
    if (seen.has(s)) continue;
    seen.add(s);
    if (isValidSelector(s)) userSelectors.push(s);
    else invalidSelectors.push(s);
  }
  // A fleet run with known selectors turns discovery off (target.dkimDiscovery === false).
  const discoverySelectors =
    target.dkimDiscovery === false
      ? []
      : DKIM_DISCOVERY_SELECTORS.map((d) => d.selector).filter((s) => !seen.has(s));

  const limit = pLimit(DKIM_LOOKUP_CONCURRENCY);
  const jobs = [
    ...userSelectors.map((selector) => ({ selector, userGiven: true })),
    ...discoverySelectors.map((selector) => ({ selector, userGiven: false })),
  ];
  const lookups = await Promise.all(
    jobs.map(({ selector, userGiven }) =>
      limit(async (): Promise<DkimSelectorLookup> => {
        const name = `${selector}.${DKIM_KEY_LABEL}.${domain}`;
        const base: Pick<DkimSelectorLookup, 'selector' | 'name' | 'userGiven' | 'provider'> = {
          selector,
          name,
          userGiven,
        };
        const provider = discoveryProvider(selector);
        if (provider !== undefined) base.provider = provider;
        const fail = (error: DnsErrorKind, detail: string): DkimSelectorLookup => ({
          ...base,
          outcome: 'error',
          error,
          detail,
          cnameChain: [],
          records: [],
        });
        if (name.length > MAX_NAME_BYTES)
          return fail('malformed', `name longer than ${MAX_NAME_BYTES} characters`);
        if (ctx.signal.aborted) return fail('timeout', 'check deadline reached before the lookup');
        return lookupFromResult(base, await ctx.probe.dns.query(name, 'TXT', { signal: ctx.signal }));
      }),
    ),
  );
  return {
    domain,
    userSelectors,
    invalidSelectors,
    userSelectorsDropped: Math.max(0, given.length - DKIM_MAX_USER_SELECTORS),
    discoverySelectors,
    lookups,
  };
}
