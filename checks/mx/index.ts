/**
 * Mail exchangers of the sending domains: the audited domain and, when it differs, the
 * MAIL FROM (envelope) domain. Receivers check that these exist (Yahoo: an SOA lookup of the
 * From and envelope domains; Postfix's reject_unknown_sender_domain: an MX or address) and
 * bounces and replies need somewhere to go. Null MX (RFC 7505) says the domain takes no mail,
 * and receivers may refuse mail from it (550 5.7.27).
 */
import type { Check } from '../../src/check.js';
import { evidenceAccessor } from '../shared/evidence.js';
import { collectMx, type MxEvidence } from './collect.js';
import { MX_FINDINGS, type MxFindingKey } from './findings.js';
import { judgeMx } from './judge.js';

export type { AddressLookup, LookupOutcome } from '../shared/dns.js';
export {
  type DomainRole,
  MX_MAX_HOSTS_CHECKED,
  type MxDomainEvidence,
  type MxEvidence,
  type MxHostEvidence,
  mailFromDomain,
  NULL_MX_PREFERENCE,
  sendingDomains,
} from './collect.js';
export { MX_FINDINGS, type MxFindingKey } from './findings.js';
export { judgeMx } from './judge.js';

export const mxCheck: Check<MxEvidence, MxFindingKey> = {
  id: 'mx',
  title: 'Mail exchangers (MX) of the sending domains',
  appliesTo: ['domain'],
  findings: MX_FINDINGS,
  collect: collectMx,
  judge: judgeMx,
};

export const mxEvidenceOf = evidenceAccessor<MxEvidence>('mx');
