/**
 * The DMARC fix: one valid record at the name that needs it. A new record starts safe,
 * p=none with aggregate reports to dmarc-reports@DOMAIN (an address of the domain itself, so
 * no external authorisation is needed; replace it by a mailbox you read). A broken record is
 * rewritten keeping every tag that is valid on its own (checked by the check's own parser),
 * v=DMARC1 first and p second (RFC 7489 6.3 / RFC 9989 4.7).
 */
import type { DmarcEvidence } from '../../checks/dmarc/index.js';
import { dmarcVersionProblem, hasMisplacedVersion, parseDmarcRecord } from '../../checks/dmarc/record.js';
import type { Finding } from '../report.js';
import { FIX_TTL, type Fix, type Remaining } from './types.js';

/** Findings the rewritten record clears; the others stay with their reason. */
const DMARC_FIXED = new Set([
  'missing',
  'multiple-records',
  'version-not-first',
  'version-case',
  'version-leading-space',
  'invalid-policy',
  'invalid-subdomain-policy',
  'policy-not-second',
  'missing-policy',
  'invalid-tag-value',
  'removed-tag',
  'unknown-tag',
  'bad-report-uri',
  'report-uri-scheme',
  'pct-deprecated',
  'no-rua',
]);

const DMARC_REMAINING: Readonly<Record<string, string>> = {
  'policy-none': 'a policy decision: raise p= to quarantine, then reject, once the reports are clean',
  'testing-mode': 'a policy decision: remove t=y once the reports are clean',
  'pct-partial': 'a policy decision: apply the policy to all mail once the reports are clean',
  'external-destination-unverified': "only the report destination's owner can publish the authorisation",
  'external-destination-dns-error': 'could not be measured (DNS error)',
  'inherited-from-org-domain': 'informational: the organisational domain applies',
  'psl-treewalk-disagree': 'informational: receivers differ in where they look',
  'dns-error': 'could not be measured (DNS error)',
};

export const placeholderRua = (domain: string): string => `mailto:dmarc-reports@${domain}`;

/** Whether `tag=value` is valid by itself, as the check's parser reads it. */
function validTag(name: string, value: string): boolean {
  const text = name === 'p' ? `v=DMARC1; p=${value}` : `v=DMARC1; p=none; ${name}=${value}`;
  return parseDmarcRecord(text).problems.length === 0;
}

/** The corrected record from the tags of `sources` (the first value of a tag wins). */
export function correctedDmarc(sources: readonly string[], domain: string): string {
  const tags = new Map<string, string>();
  for (const text of sources) {
    for (const part of text.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      const name = part.slice(0, eq).trim().toLowerCase();
      let value = part.slice(eq + 1).trim();
      if (name === 'v' || tags.has(name) || name === 'pct') continue;
      if (name === 'rua' || name === 'ruf') {
        value = value
          .split(',')
          .map((u) => u.trim())
          .filter((u) => validTag(name, u))
          .join(',');
        if (value === '') continue;
      }
      if (validTag(name, value)) tags.set(name, value);
    }
  }
  const p = tags.get('p') ?? 'none';
  tags.delete('p');
  if (!tags.has('rua')) tags.set('rua', placeholderRua(domain));
  return ['v=DMARC1', `p=${p}`, ...[...tags].map(([n, v]) => `${n}=${v}`)].join('; ');
}

const isDmarcLike = (t: string) =>
  dmarcVersionProblem(t) !== undefined || hasMisplacedVersion(t) || /^v=DMARC1/.test(t);

export function planDmarcFix(
  ev: DmarcEvidence,
  findings: readonly Finding[],
): { fix?: Fix; remaining: Remaining[] } {
  const remaining: Remaining[] = [];
  const claimed: string[] = [];
  for (const f of findings) {
    const key = f.id.slice('dmarc/'.length);
    if (DMARC_FIXED.has(key)) claimed.push(f.id);
    else remaining.push({ id: f.id, reason: DMARC_REMAINING[key] ?? 'no DNS fix' });
  }
  if (claimed.length === 0) return { remaining };
  // The name to write: where the applying record is, else where a broken one is, else the domain.
  const broken = ev.lookups.find(
    (l) =>
      l.outcome === 'multiple' ||
      l.misplacedVersion.length > 0 ||
      l.txt.some((t) => dmarcVersionProblem(t) !== undefined),
  );
  const domain = ev.policyDomain ?? broken?.domain ?? ev.domain;
  const lookup = ev.lookups.find((l) => l.domain === domain);
  const sources = [
    ...(ev.policyDomain === domain && ev.record ? [ev.record] : []),
    ...(lookup?.txt.filter(isDmarcLike) ?? []),
  ];
  const record = correctedDmarc(sources, domain);
  const others = lookup?.txt.filter((t) => !isDmarcLike(t)) ?? [];
  const notes = record.includes(placeholderRua(domain))
    ? [`reports go to ${placeholderRua(domain).slice('mailto:'.length)}: replace it with a mailbox you read`]
    : [];
  return {
    fix: {
      kind: 'dmarc',
      findings: claimed,
      records: [
        {
          name: `_dmarc.${domain}`,
          type: 'TXT',
          ttl: FIX_TTL,
          values: [record, ...others],
          comments: others.length > 0 ? ['the other TXT records at this name are kept'] : [],
        },
      ],
      warnings: [],
      notes,
    },
    remaining,
  };
}
