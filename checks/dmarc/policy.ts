/**
 * Which DMARC policy applies to the audited domain, read from the check's evidence only:
 * shared by the judge and the alignment check so both read the same policy.
 */
import { hostName } from '../shared/dns.js';
import type { DmarcEvidence, DmarcSource } from './collect.js';
import type { MethodOutcome } from './discover.js';
import {
  type AlignmentMode,
  type DmarcPolicy,
  hasInvalidPolicyTag,
  hasValidRua,
  type ParsedDmarcRecord,
  parseDmarcRecord,
} from './record.js';

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
 * RFC 7489 6.6.3 step 6, RFC 9989 4.10.1: a record with an invalid p, sp or np is read as
 * p=none when it has a syntactically valid rua, else no DMARC processing applies. A missing p
 * reads as p=none (RFC 9989 4.7). For a subdomain of the policy domain sp applies.
 */
function appliedPolicy(evidence: DmarcEvidence, parsed: ParsedDmarcRecord): DmarcPolicy | null {
  const tags = parsed.tags;
  if (hasInvalidPolicyTag(parsed)) return hasValidRua(parsed) ? 'none' : null;
  const p = tags.p ?? 'none';
  if (evidence.policyDomain !== null && evidence.policyDomain !== hostName(evidence.domain)) {
    return tags.sp ?? p;
  }
  return p;
}

export type Decision =
  | { kind: 'found' }
  | { kind: 'unknown'; at: string; error: string }
  | { kind: 'multiple'; at: string }
  | { kind: 'none' };

/** What the evidence says about whether a policy applies. */
export function decision(ev: DmarcEvidence): Decision {
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
