/**
 * STARTTLS and certificates of the MX hosts of the audited domain: the inbound side, where
 * bounces and replies arrive. Opportunistic senders deliver over any TLS (or none), but
 * senders that verify (MTA-STS enforce, DANE) refuse an expired, untrusted or wrongly named
 * certificate, and a host without STARTTLS receives everything in clear.
 */
import type { Check } from '../../src/check.js';
import { evidenceAccessor } from '../shared/evidence.js';
import { smtpOff } from '../shared/smtp.js';
import { collectMxTls, type MxTlsEvidence, type MxTlsHost } from './collect.js';
import { MX_TLS_FINDINGS, type MxTlsFindingKey } from './findings.js';
import { judgeMxTls } from './judge.js';

export {
  MX_TLS_BUDGET_MS,
  MX_TLS_MAX_HOSTS,
  type MxTlsEvidence,
  type MxTlsHost,
  type MxTlsLookup,
} from './collect.js';
export { MX_TLS_FINDINGS, type MxTlsFindingKey } from './findings.js';
export { judgeMxTls } from './judge.js';

export const mxTlsCheck: Check<MxTlsEvidence, MxTlsFindingKey> = {
  id: 'mx-tls',
  title: 'STARTTLS and certificates of the MX hosts',
  appliesTo: ['domain'],
  findings: MX_TLS_FINDINGS,
  skip: (_target, probe) => smtpOff(probe),
  collect: collectMxTls,
  judge: judgeMxTls,
};

export const mxTlsEvidenceOf = evidenceAccessor<MxTlsEvidence>('mx-tls');

/** The MX hosts with their probe results, for checks that judge the same hosts (mta-sts, dane). */
export function mxHostsOf(evidence: MxTlsEvidence): MxTlsHost[] {
  return evidence.hosts;
}
