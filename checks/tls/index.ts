/**
 * TLS of the sending hosts: every --ip, and the addresses of the --helo name when it
 * resolves. Gmail and Yahoo require bulk senders to send over TLS (421 4.7.29 / 550 5.7.29).
 * The probe can only see a host's inbound side (its port 25), so a host without STARTTLS
 * there is taken as a sign that it does not use TLS when it sends either: the predicted
 * replies are inferred, not documented for this measurement.
 */
import type { Check } from '../../src/check.js';
import { evidenceAccessor } from '../shared/evidence.js';
import { smtpOff } from '../shared/smtp.js';
import { collectTls, type TlsEvidence } from './collect.js';
import { TLS_FINDINGS, type TlsFindingKey } from './findings.js';
import { judgeTls } from './judge.js';

export { probeWithBudget, SMTP_OFF } from '../shared/smtp.js';
export {
  TLS_BUDGET_MS,
  TLS_MAX_HELO_ADDRESSES,
  TLS_MAX_HOSTS,
  type TlsEvidence,
  type TlsHostEvidence,
} from './collect.js';
export { TLS_FINDINGS, type TlsFindingKey } from './findings.js';
export { judgeTls } from './judge.js';

export const tlsCheck: Check<TlsEvidence, TlsFindingKey> = {
  id: 'tls',
  title: 'STARTTLS and certificates of the sending hosts',
  // The HELO name alone is enough to find a sending host, so the check runs for any target
  // and says itself when there is nothing to probe.
  appliesTo: ['domain', 'ip'],
  findings: TLS_FINDINGS,
  skip: (target, probe) => {
    const off = smtpOff(probe);
    if (off !== undefined) return off;
    if (target.ips.length === 0 && target.helo === undefined) return 'no sending host given (--ip or --helo)';
    return undefined;
  },
  collect: collectTls,
  judge: judgeTls,
};

export const tlsEvidenceOf = evidenceAccessor<TlsEvidence>('tls');
