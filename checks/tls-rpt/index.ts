/**
 * SMTP TLS Reporting (RFC 8460): `_smtp._tls.<domain>` TXT tells senders where to report TLS
 * failures when they deliver to the domain. Optional on its own, but a domain that publishes
 * MTA-STS or DANE should publish it: without reports, a broken certificate or policy silently
 * costs inbound mail (RFC 8461 and RFC 7672 both point at it).
 */
import type { Check } from '../../src/check.js';
import { evidenceAccessor } from '../shared/evidence.js';
import { collectTlsRpt, type TlsRptEvidence } from './collect.js';
import { TLS_RPT_FINDINGS, type TlsRptFindingKey } from './findings.js';
import { judgeTlsRpt } from './judge.js';

export { MTA_STS_PREFIX, type TlsRptEvidence } from './collect.js';
export { TLS_RPT_FINDINGS, type TlsRptFindingKey } from './findings.js';
export { judgeTlsRpt } from './judge.js';

export const tlsRptCheck: Check<TlsRptEvidence, TlsRptFindingKey> = {
  id: 'tls-rpt',
  title: 'SMTP TLS Reporting (TLS-RPT)',
  appliesTo: ['domain'],
  findings: TLS_RPT_FINDINGS,
  collect: collectTlsRpt,
  judge: judgeTlsRpt,
};

export const tlsRptEvidenceOf = evidenceAccessor<TlsRptEvidence>('tls-rpt');
