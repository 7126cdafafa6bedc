/**
 * Reverse DNS of the sending IPs: a PTR exists, its name resolves back to the IP
 * (forward-confirmed reverse DNS, FCrDNS), the name does not look like dynamic/generic
 * space, and the HELO name fits. Gmail, Yahoo and Microsoft all require valid forward and
 * reverse DNS for sending IPs (see /work/shared/reference/provider-replies.md).
 */
import type { Check } from '../../src/check.js';
import { evidenceAccessor } from '../shared/evidence.js';
import { collectPtr, type PtrEvidence } from './collect.js';
import { PTR_FINDINGS, type PtrFindingKey } from './findings.js';
import { judgePtr } from './judge.js';

export type { LookupOutcome } from '../shared/dns.js';
export {
  type ForwardLookup,
  PTR_MAX_NAMES_CHECKED,
  type PtrEvidence,
  type PtrIpEvidence,
} from './collect.js';
export { PTR_FINDINGS, type PtrFindingKey } from './findings.js';

export const ptrCheck: Check<PtrEvidence, PtrFindingKey> = {
  id: 'ptr',
  title: 'Reverse DNS of sending IPs',
  appliesTo: ['ip'],
  findings: PTR_FINDINGS,
  collect: collectPtr,
  judge: judgePtr,
};

/** The ptr check's evidence in a report, typed (undefined when it did not run). */
export const ptrEvidenceOf = evidenceAccessor<PtrEvidence>('ptr');
