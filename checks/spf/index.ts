/**
 * The SPF check: a static audit of the domain's policy (the whole include/redirect tree and
 * its DNS cost) plus, for each sending IP given, a real check_host() evaluation.
 */
import type { Check } from '../../src/check.js';
import { evidenceAccessor } from '../shared/evidence.js';
import { collectSpf, type SpfEvidence } from './collect.js';
import { SPF_FINDINGS, type SpfFindingKey } from './findings.js';
import { judgeSpfCheck } from './judge.js';

export {
  auditSender,
  SPF_AUDIT_MAX_IPS,
  SPF_AUDIT_MAX_TRACE_LINES,
  type SpfEvidence,
  type SpfIpResult,
} from './collect.js';
export { SPF_FINDINGS, type SpfFindingKey } from './findings.js';
export {
  judgeSpf,
  judgeSpfCheck,
  SPF_BROAD_IP4_PREFIX,
  SPF_BROAD_IP6_PREFIX,
  SPF_LOOKUPS_NEAR_LIMIT,
} from './judge.js';
export { type SpfTreeNode, walkSpfTree } from './tree.js';

export const spfCheck: Check<SpfEvidence, SpfFindingKey> = {
  id: 'spf',
  title: 'SPF (RFC 7208)',
  appliesTo: ['domain'],
  findings: SPF_FINDINGS,
  collect: collectSpf,
  judge: judgeSpfCheck,
};

/** The spf check's evidence in a report, typed (undefined when it did not run). */
export const spfEvidenceOf = evidenceAccessor<SpfEvidence>('spf');
