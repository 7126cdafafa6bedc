/**
 * The authentication outcome: can SPF pass for the sending IPs and the MAIL FROM domain, can
 * DKIM pass for the d= domain, and does either align with the From domain under the DMARC
 * record's aspf/adkim (RFC 7489 3.1). Judged from the evidence the spf, dkim and dmarc checks
 * collected: no I/O here, and an input that could not be measured makes the answer unknown.
 */
import type { DerivedCheck } from '../../src/check.js';
import { evidenceAccessor } from '../shared/evidence.js';
import { ALIGNMENT_FINDINGS, type AlignmentFindingKey } from './findings.js';
import { type AuthenticationEvidence, judgeAuthentication } from './judge.js';

export { ALIGNMENT_FINDINGS, type AlignmentFindingKey } from './findings.js';
export { type AuthenticationEvidence, judgeAuthentication, type Tristate } from './judge.js';

export const alignmentCheck: DerivedCheck<AuthenticationEvidence, AlignmentFindingKey> = {
  id: 'alignment',
  title: 'Authentication outcome and DMARC alignment',
  findings: ALIGNMENT_FINDINGS,
  reportSection: 'authentication',
  derive: judgeAuthentication,
};

/** The alignment check's evidence in a report (also its `authentication` section), typed. */
export const alignmentEvidenceOf = evidenceAccessor<AuthenticationEvidence>('alignment');
