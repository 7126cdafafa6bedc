/**
 * The DMARC check: discovers the sender domain's policy (RFC 7489 6.6.3 with the Public
 * Suffix List, and the RFC 9989 DNS tree walk), validates the record (RFC 7489 6.3/6.4,
 * RFC 9989 tags) and verifies external report destinations (RFC 7489 7.1).
 *
 * Severity choices: findings that change how receivers treat mail (no policy, a policy
 * they discard, reports they will not send) are errors or warnings; advice that does not
 * change acceptance is info. So `p=none` is info: Gmail, Yahoo and Microsoft accept it for
 * bulk senders, it only protects nothing. Missing aggregate reports (`no-rua`) is info too.
 *
 * The effective policy is the RFC 7489 one (exact name, then PSL organisational domain),
 * which is what receivers deploy today; when only the tree walk finds a record, that one
 * is used (source 'tree-walk') and the disagreement is reported.
 */
import type { Check, FindingResult, FindingSpec } from '../../src/check.js';
import { normalizeDomain, organisationalDomainPsl } from '../../src/orgdomain.js';
import type { DnsErrorKind, Resolver } from '../../src/probe/types.js';
import type { Target } from '../../src/report.js';
import { type DmarcDiscovery, type DmarcLookup, discoverDmarc, type MethodOutcome } from './discover.js';
import {
  type AlignmentMode,
  type DmarcPolicy,
  type DmarcTags,
  hasValidRua,
  isDmarcRecord,
  isHostName,
  type ParsedDmarcRecord,
  parseDmarcRecord,
} from './record.js';

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

export interface EffectiveDmarc {
  /** A DMARC policy applies to the domain. */
  found: boolean;
  /** A DNS error prevented deciding: treat as temperror, not as "no policy". */
  unknown: boolean;
  adkim: AlignmentMode;
  aspf: AlignmentMode;
  /** Policy applying to the domain itself (sp for a subdomain of the policy domain); null when none. */
  p: DmarcPolicy | null;
  policyDomain: string | null;
  source: DmarcSource | null;
}

/** The policy to apply, for the alignment code. Reads only the evidence. */
export function effectiveDmarc(evidence: DmarcEvidence): EffectiveDmarc {
  const unknown = decision(evidence).kind === 'unknown';
  const none: EffectiveDmarc = {
    found: false,
    unknown,
    adkim: 'r',
    aspf: 'r',
    p: null,
    policyDomain: null,
    source: null,
  };
  if (evidence.record === null || evidence.policyDomain === null) return none;
  const parsed = parseDmarcRecord(evidence.record);
  const p = appliedPolicy(evidence, parsed);
  if (p === null) return none;
  return {
    found: true,
    unknown: false,
    adkim: parsed.tags.adkim,
    aspf: parsed.tags.aspf,
    p,
    policyDomain: evidence.policyDomain,
    source: evidence.source,
  };
}

/**
 * RFC 7489 6.6.3: a record without a valid p is read as p=none when it has a valid rua,
 * else no DMARC processing applies. RFC 9989 reads a missing p as none; we follow it for
 * a missing p only. For a subdomain of the policy domain sp applies.
 */
function appliedPolicy(evidence: DmarcEvidence, parsed: ParsedDmarcRecord): DmarcPolicy | null {
  const tags = parsed.tags;
  const base: DmarcPolicy | null = tags.p ?? (parsed.present.includes('p') ? null : 'none');
  const p = base ?? (hasValidRua(parsed) ? 'none' : null);
  if (p === null) return null;
  if (evidence.policyDomain !== null && evidence.policyDomain !== normalizeDomain(evidence.domain)) {
    return tags.sp ?? p;
  }
  return p;
}

type Decision =
  | { kind: 'found' }
  | { kind: 'unknown'; at: string; error: string }
  | { kind: 'multiple'; at: string }
  | { kind: 'none' };

/** What the evidence says about whether a policy applies. */
function decision(ev: DmarcEvidence): Decision {
  if (ev.record !== null) return { kind: 'found' };
  const errorAt = (m: MethodOutcome): Decision => {
    const lk = ev.lookups.find((l) => l.domain === m.domain);
    return { kind: 'unknown', at: `_dmarc.${m.domain ?? ev.domain}`, error: lk?.error ?? 'error' };
  };
  if (ev.psl.status === 'error') return errorAt(ev.psl);
  if (ev.psl.status === 'multiple') return { kind: 'multiple', at: ev.psl.domain ?? ev.domain };
  if (ev.treeWalk.status === 'error') return errorAt(ev.treeWalk);
  return { kind: 'none' };
}

const suggested = (domain: string): string =>
  `_dmarc.${domain}. TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@${domain}"`;

const FINDINGS = {
  missing: {
    severity: 'error',
    title: 'No DMARC record',
    message:
      'No DMARC record at _dmarc.{domain}{orgNote}. Gmail, Yahoo and Microsoft require one from bulk senders.',
    fix: 'Publish: {record}',
    conditions: ['dmarc-missing'],
  },
  'multiple-records': {
    severity: 'error',
    title: 'Several DMARC records at one name',
    message:
      '_dmarc.{domain} has {count} records starting v=DMARC1: receivers discard them all and apply no DMARC policy (RFC 7489 6.6.3).',
    fix: 'Keep exactly one TXT record starting "v=DMARC1" at _dmarc.{domain}; merge the others into it.',
    conditions: ['dmarc-missing'],
  },
  'version-not-first': {
    severity: 'error',
    title: 'DMARC record does not start with v=DMARC1',
    message:
      'The TXT record at _dmarc.{domain} holds v=DMARC1 but not as its first tag, so receivers discard it (RFC 7489 6.3): "{record}".',
    fix: 'Rewrite it with v=DMARC1 first, e.g. {suggested}',
  },
  'invalid-policy': {
    severity: 'error',
    title: 'DMARC p tag has an invalid value',
    message:
      'p={value} in the record at _dmarc.{domain} is not none, quarantine or reject. {consequence} (RFC 7489 6.6.3)',
    fix: 'Set p=none, p=quarantine or p=reject in the record at _dmarc.{domain}.',
  },
  'missing-policy': {
    severity: 'warning',
    title: 'DMARC record has no p tag',
    message:
      'The record at _dmarc.{domain} has no p tag. RFC 9989 receivers read it as p=none; RFC 7489 receivers {rfc7489}.',
    fix: 'Add p=none (or quarantine, reject) right after v=DMARC1 at _dmarc.{domain}.',
  },
  'invalid-tag-value': {
    severity: 'warning',
    title: 'DMARC tag has an invalid value',
    message: 'Tag {tag} in the record at _dmarc.{domain}: "{value}": {reason}.',
    fix: 'Correct or remove {tag} in the record at _dmarc.{domain}.',
  },
  'unknown-tag': {
    severity: 'info',
    title: 'Unknown DMARC tag',
    message:
      'Tag {tag}={value} at _dmarc.{domain} is not defined by RFC 7489 or RFC 9989; receivers ignore it.',
    fix: 'Remove {tag} from the record, or check its spelling.',
  },
  'policy-none': {
    severity: 'info',
    title: 'DMARC policy is none (monitoring only)',
    message:
      'The policy applying to {domain} is p=none: accepted by Gmail, Yahoo and Microsoft, but receivers take no action on mail that fails DMARC.',
    fix: 'Once aggregate reports show all your mail passing, move to p=quarantine, then p=reject.',
  },
  'pct-partial': {
    severity: 'warning',
    title: 'DMARC policy applies to part of the mail only',
    message:
      'pct={pct}: the {policy} policy applies to {pct}% of failing mail, the rest is treated as p=none.',
    fix: 'Remove pct (default 100) once you are confident, or use t=y for testing (RFC 9989).',
  },
  'pct-deprecated': {
    severity: 'info',
    title: 'DMARC pct tag is dropped by RFC 9989',
    message:
      'The record uses pct={pct}; RFC 9989 (DMARCbis) removes pct and receivers following it ignore it.',
    fix: 'Use t=y instead of pct<100 while testing; remove pct otherwise.',
  },
  'testing-mode': {
    severity: 'info',
    title: 'DMARC policy is in testing mode (t=y)',
    message: 't=y: RFC 9989 receivers apply one level less than p={policy}.',
    fix: 'Remove t=y when testing is over.',
  },
  'no-rua': {
    severity: 'info',
    title: 'No DMARC aggregate reports requested',
    message:
      'The record at _dmarc.{domain} has no valid rua, so you get no aggregate reports of who sends as you.',
    fix: 'Add rua=mailto:dmarc-reports@{domain} to the record at _dmarc.{domain}.',
  },
  'bad-report-uri': {
    severity: 'warning',
    title: 'DMARC report URI is invalid',
    message: '{tag} URI "{value}" at _dmarc.{domain}: {reason}.',
    fix: 'Use mailto:address@domain URIs, comma-separated, e.g. rua=mailto:dmarc-reports@{domain}.',
  },
  'external-destination-unverified': {
    severity: 'warning',
    title: 'External DMARC report destination not authorised',
    message:
      '{tag} sends reports to {destination}, outside the organisation of {policyDomain}, but {name} has no v=DMARC1 record: receivers will not send reports there (RFC 7489 7.1).',
    fix: 'Ask the owner of {destination} to publish: {name}. TXT "v=DMARC1"',
  },
  'external-destination-dns-error': {
    severity: 'unknown',
    title: 'Could not verify an external DMARC report destination',
    message: 'The lookup of {name} failed ({error}); whether receivers will send reports there is unknown.',
    fix: 'Retry; if it persists, check the DNS servers of {destination}.',
  },
  'inherited-from-org-domain': {
    severity: 'info',
    title: 'DMARC policy inherited from a parent domain',
    message:
      '{domain} has no record of its own; the record at _dmarc.{policyDomain} applies ({method}), with its subdomain policy sp={sp}.',
    fix: 'Nothing to do if intended; publish _dmarc.{domain} to give {domain} its own policy.',
  },
  'psl-treewalk-disagree': {
    severity: 'warning',
    title: 'RFC 7489 and RFC 9989 receivers see different DMARC policies',
    message:
      'Public Suffix List: organisational domain {pslOrg}, policy from {pslPolicy}. DNS tree walk (RFC 9989): organisational domain {walkOrg}, policy from {walkPolicy}.',
    fix: 'Publish a record at _dmarc.{domain} (and psd=n at your organisational domain) so both methods agree.',
  },
  'dns-error': {
    severity: 'unknown',
    title: 'DMARC lookup failed',
    message: 'The lookup of {name} failed ({error}); the DMARC policy of {domain} could not be determined.',
    fix: 'Retry; if it persists, check the authoritative DNS servers of {domain}.',
    conditions: ['dmarc-temperror'],
  },
} satisfies Record<string, FindingSpec>;

export type DmarcFindingKey = keyof typeof FINDINGS;

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
        const txt =
          r.kind === 'ok' ? r.records.flatMap((x) => (x.type === 'TXT' ? [x.data.join('')] : [])) : [];
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

function lookupEvidence(lk: DmarcLookup | undefined): Record<string, unknown> {
  return lk ? { lookup: lk } : {};
}

export function judgeDmarc(ev: DmarcEvidence): FindingResult[] {
  const out: FindingResult[] = [];
  const domain = normalizeDomain(ev.domain);
  const dec = decision(ev);
  const relevant = ev.lookups.filter((l) => l.roles.includes('exact') || l.roles.includes('org-psl'));

  if (dec.kind === 'unknown') {
    const lk = ev.lookups.find((l) => l.name === dec.at);
    out.push({
      key: 'dns-error',
      data: { name: dec.at, error: dec.error, domain },
      evidence: { ...lookupEvidence(lk), lookups: ev.lookups },
    });
  }

  // Records discarded for a misplaced version tag (at the names RFC 7489 reads).
  for (const lk of relevant) {
    for (const rec of lk.misplacedVersion) {
      out.push({
        key: 'version-not-first',
        data: { domain: lk.domain, record: rec, suggested: suggested(lk.domain) },
        evidence: { lookup: lk },
        ...(dec.kind === 'none' ? { conditions: ['dmarc-missing' as const] } : {}),
      });
    }
  }

  for (const lk of relevant) {
    if (lk.outcome !== 'multiple') continue;
    out.push({
      key: 'multiple-records',
      data: { domain: lk.domain, count: lk.dmarc.length },
      evidence: { lookup: lk, records: lk.dmarc },
    });
  }

  if (dec.kind === 'none' && !out.some((f) => f.key === 'version-not-first')) {
    const orgNote =
      ev.orgDomainPsl && ev.orgDomainPsl !== domain
        ? ` nor at _dmarc.${ev.orgDomainPsl} (organisational domain)`
        : '';
    out.push({
      key: 'missing',
      data: { domain, orgNote, record: suggested(ev.orgDomainPsl ?? domain) },
      evidence: { lookups: ev.lookups },
    });
  }

  if (ev.record !== null && ev.policyDomain !== null)
    out.push(...judgeRecord(ev, ev.record, ev.policyDomain));

  out.push(...judgeDisagreement(ev));
  return out;
}

function judgeRecord(ev: DmarcEvidence, record: string, policyDomain: string): FindingResult[] {
  const out: FindingResult[] = [];
  const domain = normalizeDomain(ev.domain);
  const parsed = parseDmarcRecord(record);
  const validRua = hasValidRua(parsed);
  const at = { record, name: `_dmarc.${policyDomain}` };
  for (const pr of parsed.problems) {
    const data = { domain: policyDomain, tag: pr.tag, value: pr.value, reason: pr.reason };
    switch (pr.key) {
      case 'invalid-policy':
        out.push({
          key: 'invalid-policy',
          data: {
            ...data,
            consequence: validRua
              ? 'Receivers read the record as p=none because it has a valid rua'
              : 'With no valid rua either, receivers apply no DMARC policy at all',
          },
          evidence: at,
          ...(validRua ? {} : { conditions: ['dmarc-missing' as const] }),
        });
        break;
      case 'missing-policy':
        out.push({
          key: 'missing-policy',
          data: {
            ...data,
            rfc7489: validRua
              ? 'read it as p=none because it has a valid rua'
              : 'apply no DMARC policy at all',
          },
          evidence: at,
        });
        break;
      default:
        out.push({ key: pr.key, data, evidence: at });
    }
  }

  const effective = effectiveDmarc(ev);
  if (effective.p === 'none') {
    out.push({ key: 'policy-none', data: { domain }, evidence: { ...at, tags: parsed.tags } });
  }
  if (parsed.present.includes('pct')) {
    out.push({ key: 'pct-deprecated', data: { pct: parsed.tags.pct }, evidence: at });
    if (parsed.tags.pct < 100 && effective.p !== null && effective.p !== 'none') {
      out.push({ key: 'pct-partial', data: { pct: parsed.tags.pct, policy: effective.p }, evidence: at });
    }
  }
  if (parsed.tags.t === 'y') {
    out.push({ key: 'testing-mode', data: { policy: effective.p ?? 'none' }, evidence: at });
  }
  if (!validRua) out.push({ key: 'no-rua', data: { domain: policyDomain }, evidence: at });

  if (ev.source !== 'exact') {
    out.push({
      key: 'inherited-from-org-domain',
      data: {
        domain,
        policyDomain,
        sp: parsed.tags.sp ?? `${parsed.tags.p ?? 'none'} (from p)`,
        method: ev.source === 'tree-walk' ? 'RFC 9989 tree walk' : 'RFC 7489, Public Suffix List',
      },
      evidence: at,
    });
  }

  for (const a of ev.reportAuthorizations) {
    const data = { tag: a.tag, destination: a.destinationDomain, policyDomain, name: a.name };
    if (a.outcome === 'unauthorized') {
      out.push({ key: 'external-destination-unverified', data, evidence: { authorization: a } });
    } else if (a.outcome === 'error') {
      out.push({
        key: 'external-destination-dns-error',
        data: { ...data, error: a.error ?? 'error' },
        evidence: { authorization: a },
      });
    }
  }
  return out;
}

function describe(m: MethodOutcome): string {
  if (m.status === 'found') return `_dmarc.${m.domain}`;
  if (m.status === 'multiple') return `nowhere (several records at _dmarc.${m.domain})`;
  return m.status === 'error' ? 'unknown (DNS error)' : 'nowhere (no record)';
}

function judgeDisagreement(ev: DmarcEvidence): FindingResult[] {
  if (ev.psl.status === 'error' || ev.treeWalk.status === 'error') return [];
  const orgDiffers =
    ev.treeWalkComplete &&
    ev.orgDomainTreeWalk !== null &&
    ev.orgDomainPsl !== null &&
    ev.orgDomainTreeWalk !== ev.orgDomainPsl;
  const pslFound = ev.psl.status === 'found' ? ev.psl.domain : null;
  const walkFound = ev.treeWalk.status === 'found' ? ev.treeWalk.domain : null;
  if (!orgDiffers && pslFound === walkFound) return [];
  return [
    {
      key: 'psl-treewalk-disagree',
      data: {
        domain: normalizeDomain(ev.domain),
        pslOrg: ev.orgDomainPsl ?? 'none',
        walkOrg: ev.orgDomainTreeWalk ?? 'none',
        pslPolicy: describe(ev.psl),
        walkPolicy: describe(ev.treeWalk),
      },
      evidence: { psl: ev.psl, treeWalk: ev.treeWalk, lookups: ev.lookups },
    },
  ];
}

export const dmarcCheck: Check<DmarcEvidence> = {
  id: 'dmarc',
  title: 'DMARC policy',
  appliesTo: ['domain'],
  findings: FINDINGS,
  collect(target: Target, ctx) {
    return collectDmarc(target.domain, ctx.probe.dns, ctx.signal);
  },
  judge(evidence: DmarcEvidence) {
    return judgeDmarc(evidence);
  },
};
