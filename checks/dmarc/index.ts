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
import type { Check } from '../../src/check.js';
import { evidenceAccessor } from '../shared/evidence.js';
import { collectDmarc, type DmarcEvidence } from './collect.js';
import { DMARC_FINDINGS, type DmarcFindingKey } from './findings.js';
import { judgeDmarc } from './judge.js';

export {
  collectDmarc,
  DMARC_MAX_REPORT_AUTH_LOOKUPS,
  type DmarcEvidence,
  type DmarcSource,
  type ReportAuthorization,
} from './collect.js';
export { DMARC_FINDINGS, type DmarcFindingKey } from './findings.js';
export { judgeDmarc } from './judge.js';
export { type EffectiveDmarc, effectiveDmarc } from './policy.js';

export const dmarcCheck: Check<DmarcEvidence, DmarcFindingKey> = {
  id: 'dmarc',
  title: 'DMARC policy',
  appliesTo: ['domain'],
  findings: DMARC_FINDINGS,
  collect: (target, ctx) => collectDmarc(target.domain, ctx.probe.dns, ctx.signal),
  judge: judgeDmarc,
};

/** The dmarc check's evidence in a report, typed (undefined when it did not run). */
export const dmarcEvidenceOf = evidenceAccessor<DmarcEvidence>('dmarc');
