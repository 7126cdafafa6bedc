/**
 * Reputation: the sending IPs, the sending domains (From, MAIL FROM, DKIM d=) and the domains a
 * sample message links to, looked up on the DNS blocklists receivers use (lists.ts), each
 * answer decoded by the list's own documentation. A refusal, an error or an undocumented answer
 * is unknown, never a listing; a list that fails its RFC 5782 5 test entries is not believed.
 */
import type { Check } from '../../src/check.js';
import { evidenceAccessor } from '../shared/evidence.js';
import { collectReputation, type ReputationEvidence } from './collect.js';
import { REPUTATION_FINDINGS, type ReputationFindingKey } from './findings.js';
import { judgeReputation } from './judge.js';

export {
  chosenLists,
  type ListHealth,
  type ListLookup,
  MAX_IPS_QUERIED,
  MAX_LINK_DOMAINS_QUERIED,
  type ReputationEvidence,
} from './collect.js';
export { DQS_KEY_MASK } from './decode.js';
export { REPUTATION_FINDINGS, type ReputationFindingKey } from './findings.js';
export { BLOCKLIST_IDS, BLOCKLISTS, type Blocklist, SPAMHAUS_FREE_QUERIES_PER_DAY } from './lists.js';
export { type SpamhausUsage, spamhausUsage } from './usage.js';

export const reputationCheck: Check<ReputationEvidence, ReputationFindingKey> = {
  id: 'reputation',
  title: 'Blocklists (IP and domain reputation)',
  appliesTo: ['domain'],
  findings: REPUTATION_FINDINGS,
  collect: collectReputation,
  judge: judgeReputation,
};

/** The reputation check's evidence in a report, typed (undefined when it did not run). */
export const reputationEvidenceOf = evidenceAccessor<ReputationEvidence>('reputation');
