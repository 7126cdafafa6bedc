/**
 * MTA-STS (RFC 8461) of the audited domain: the `_mta-sts` TXT record, the policy served at
 * https://mta-sts.<domain>/.well-known/mta-sts.txt, the MX hosts it allows and, in enforce
 * mode, whether every MX host passes TLS with a valid certificate. A domain that enforces
 * MTA-STS with a broken MX certificate loses inbound mail (bounces and replies included).
 *
 * These are inbound problems: they predict no reply to the domain's own outgoing mail, so no
 * finding raises a Condition.
 */
import type { Check } from '../../src/check.js';
import { evidenceAccessor } from '../shared/evidence.js';
import { collectMtaSts, type MtaStsEvidence } from './collect.js';
import { MTA_STS_FINDINGS, type MtaStsFindingKey } from './findings.js';
import { judgeMtaSts } from './judge.js';

export {
  type LookupOutcome,
  MTA_STS_MAX_MX_HOSTS,
  type MtaStsEvidence,
  type MxTlsEvidence,
  policyUrl,
} from './collect.js';
export { MTA_STS_FINDINGS, type MtaStsFindingKey } from './findings.js';
export { judgeMtaSts, mxTlsVerdict } from './judge.js';

export const mtaStsCheck: Check<MtaStsEvidence, MtaStsFindingKey> = {
  id: 'mta-sts',
  title: 'MTA-STS policy (inbound TLS enforcement)',
  appliesTo: ['domain'],
  findings: MTA_STS_FINDINGS,
  collect: collectMtaSts,
  judge: judgeMtaSts,
};

export const mtaStsEvidenceOf = evidenceAccessor<MtaStsEvidence>('mta-sts');
