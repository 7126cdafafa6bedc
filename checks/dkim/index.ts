/**
 * The DKIM key check: looks up `<selector>._domainkey.<domain>` for the selectors the user
 * gave plus a built-in discovery list, then judges each key record (RFC 6376 3.6.1) and
 * measures the key (RFC 8301, RFC 8463).
 *
 * What is measured and what is not: selectors cannot be listed from DNS, so "no key at the
 * selectors tried" never proves the domain has no DKIM. Only selectors the user says they
 * sign with are measured claims; so the 'dkim-cannot-pass' condition is raised only for
 * findings about user-given selectors (a broken key at a merely discovered selector may
 * belong to a retired setup while mail is signed with a selector we did not guess).
 */
import type { Check } from '../../src/check.js';
import { evidenceAccessor } from '../shared/evidence.js';
import { collectDkim, type DkimEvidence } from './collect.js';
import { DKIM_FINDINGS, type DkimFindingKey } from './findings.js';
import { judgeDkim } from './judge.js';

export { analyzeSelector, type SelectorAnalysis, type SelectorStatus } from './analyze.js';
export {
  DKIM_KEY_LABEL,
  DKIM_LOOKUP_CONCURRENCY,
  DKIM_MAX_USER_SELECTORS,
  type DkimEvidence,
  type DkimLookupOutcome,
  type DkimSelectorLookup,
} from './collect.js';
export { DKIM_FINDINGS, type DkimFindingKey } from './findings.js';
export { type DkimOutcome, dkimOutcome, judgeDkim } from './judge.js';
export {
  type DkimKeyRecord,
  decodeBase64,
  measurePublicKey,
  parseDkimKeyRecord,
  parseTagList,
} from './key.js';
export { DKIM_DISCOVERY_SELECTORS, isValidSelector } from './selectors.js';

export const dkimCheck: Check<DkimEvidence, DkimFindingKey> = {
  id: 'dkim',
  title: 'DKIM keys',
  appliesTo: ['domain'],
  findings: DKIM_FINDINGS,
  collect: collectDkim,
  judge: judgeDkim,
};

/** The dkim check's evidence in a report, typed (undefined when it did not run). */
export const dkimEvidenceOf = evidenceAccessor<DkimEvidence>('dkim');
