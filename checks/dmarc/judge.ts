/** The DMARC check's pure judgement: evidence in, findings out. No I/O here. */
import type { FindingResult } from '../../src/check.js';
import { hostName } from '../shared/dns.js';
import type { DmarcEvidence } from './collect.js';
import type { DmarcLookup, MethodOutcome } from './discover.js';
import type { DmarcFindingKey } from './findings.js';
import { decision, effectiveDmarc } from './policy.js';
import { dmarcVersionProblem, hasValidRua, type ParsedDmarcRecord, parseDmarcRecord } from './record.js';

const suggested = (domain: string): string =>
  `_dmarc.${domain}. TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@${domain}"`;

const LENIENT_VERSION = /^\s*v\s*=\s*DMARC1/i;

/** The version tag as written, e.g. "v=dmarc1". */
function writtenVersion(record: string): string {
  return LENIENT_VERSION.exec(record)?.[0].trim() ?? '';
}

/** The record with its version tag written as the RFCs require. */
function correctedVersion(record: string): string {
  return record.replace(LENIENT_VERSION, 'v=DMARC1');
}

/** pct as written, so "pct=150" is reported as such (the default 100 replaces it). */
function writtenPct(parsed: ParsedDmarcRecord): string | number {
  const raw = parsed.raw.find((t) => t.name === 'pct')?.value ?? '';
  return String(parsed.tags.pct) === raw ? parsed.tags.pct : raw;
}

function lookupEvidence(lk: DmarcLookup | undefined): Record<string, unknown> {
  return lk ? { lookup: lk } : {};
}

export function judgeDmarc(ev: DmarcEvidence): FindingResult<DmarcFindingKey>[] {
  const out: FindingResult<DmarcFindingKey>[] = [];
  const domain = hostName(ev.domain);
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

  // Records some receivers read as DMARC but the RFCs discard (at the names RFC 7489 reads).
  const discarded = relevant.flatMap((lk) => judgeDiscarded(lk, dec.kind === 'none'));
  out.push(...discarded);

  for (const lk of relevant) {
    if (lk.outcome !== 'multiple') continue;
    out.push({
      key: 'multiple-records',
      data: { domain: lk.domain, count: lk.dmarc.length },
      evidence: { lookup: lk, records: lk.dmarc },
    });
  }

  if (dec.kind === 'none' && discarded.length === 0) {
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

/** Version-tag near misses at one name: each discarded record, and why. RFC 7489 6.3, RFC 9989 4.7 */
function judgeDiscarded(lk: DmarcLookup, noPolicy: boolean): FindingResult<DmarcFindingKey>[] {
  const out: FindingResult<DmarcFindingKey>[] = [];
  const conditions = noPolicy ? { conditions: ['dmarc-missing' as const] } : {};
  for (const record of lk.txt) {
    const problem = dmarcVersionProblem(record);
    if (problem === undefined) continue;
    const base = { domain: lk.domain, record };
    if (problem === 'version-not-first') {
      out.push({
        key: 'version-not-first',
        data: { ...base, suggested: suggested(lk.domain) },
        evidence: { lookup: lk },
        ...conditions,
      });
      continue;
    }
    const corrected = `_dmarc.${lk.domain}. TXT "${correctedVersion(record)}"`;
    out.push({
      key: problem === 'version-case' ? 'version-case' : 'version-leading-space',
      data: { ...base, version: writtenVersion(record), corrected },
      evidence: { lookup: lk },
      ...conditions,
    });
  }
  return out;
}

function judgeRecord(
  ev: DmarcEvidence,
  record: string,
  policyDomain: string,
): FindingResult<DmarcFindingKey>[] {
  const out: FindingResult<DmarcFindingKey>[] = [];
  const domain = hostName(ev.domain);
  const parsed = parseDmarcRecord(record);
  const validRua = hasValidRua(parsed);
  const at = { record, name: `_dmarc.${policyDomain}` };
  for (const pr of parsed.problems) {
    const data = { domain: policyDomain, tag: pr.tag, value: pr.value, reason: pr.reason };
    switch (pr.key) {
      case 'invalid-policy':
      case 'invalid-subdomain-policy':
        out.push({
          key: pr.key,
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
      case 'policy-not-second':
        out.push({ key: pr.key, data: { ...data, after: parsed.raw[1]?.name ?? '' }, evidence: at });
        break;
      case 'report-uri-scheme':
        out.push({ key: pr.key, data: { ...data, scheme: pr.reason }, evidence: at });
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
    out.push({ key: 'pct-deprecated', data: { pct: writtenPct(parsed) }, evidence: at });
    if (parsed.tags.pct < 100 && effective.p !== null && effective.p !== 'none') {
      out.push({ key: 'pct-partial', data: { pct: parsed.tags.pct, policy: effective.p }, evidence: at });
    }
  }
  // t=y has no effect on a policy of none (RFC 9989 4.7).
  if (parsed.tags.t === 'y' && effective.p !== null && effective.p !== 'none') {
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

function judgeDisagreement(ev: DmarcEvidence): FindingResult<DmarcFindingKey>[] {
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
        domain: hostName(ev.domain),
        pslOrg: ev.orgDomainPsl ?? 'none',
        walkOrg: ev.orgDomainTreeWalk ?? 'none',
        pslPolicy: describe(ev.psl),
        walkPolicy: describe(ev.treeWalk),
      },
      evidence: { psl: ev.psl, treeWalk: ev.treeWalk, lookups: ev.lookups },
    },
  ];
}
