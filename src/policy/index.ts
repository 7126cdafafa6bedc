/** The policy file: the organisation's expectations (findings of their own) and waivers. */
export {
  type ApplyPolicyOptions,
  applyPolicy,
  gating,
  POLICY_CHECK_ID,
  POLICY_CHECK_TITLE,
  policySelectors,
  waiverExpired,
  waiverMatches,
} from './apply.js';
export {
  inScope,
  judgeExpectations,
  matchesDomain,
  POLICY_FINDING_TITLES,
  type PolicyFindingKey,
} from './judge.js';
export {
  DEFAULT_POLICY_FILE,
  MAX_EXPECT_BLOCKS,
  MAX_LIST_ITEMS,
  MAX_POLICY_BYTES,
  MAX_WAIVER_DAYS,
  MAX_WAIVERS,
  parsePolicy,
  type ReadPolicyOptions,
  readPolicyFile,
} from './parse.js';
export type { DmarcStrength, ExpectationBlock, ExpectationSeverity, Policy, Waiver } from './types.js';
