/**
 * DANE for SMTP (RFC 7672): TLSA records at `_25._tcp.<mx>` pin the certificate (or its issuer)
 * each MX host serves. Senders that do DANE (Postfix, Exim, many providers) then require TLS
 * with a matching certificate, and refuse to deliver to a host whose certificate matches none
 * of its usable records: a certificate renewed without updating TLSA loses inbound mail.
 *
 * What is measured: the TLSA RRset of every MX host (bounded), whether the resolver validated
 * it (the AD flag; this tool does not validate DNSSEC itself, so with a non-validating
 * resolver it says so instead of guessing), which records are usable, and whether a usable
 * record matches the chain the host presented to the SMTP probe (see tlsa.ts for the matching
 * rules and their limits). Not measured: the DNSSEC status of the MX and address records
 * (RFC 7672 2.2.1-2.2.2), TLSA base domains reached through CNAMEs (2.2.3).
 *
 * The chain matched is the one the SMTP probe recorded (src/probe/smtp.ts): node's verifier
 * may complete it from the probe's trust store (system CAs or --ca-file), so a DANE-TA
 * certificate the server omitted but the store holds counts as presented here, while a DANE
 * sender (which ignores the store) would not find it.
 */
import type { Check } from '../../src/check.js';
import { evidenceAccessor } from '../shared/evidence.js';
import { collectDane, type DaneEvidence } from './collect.js';
import { DANE_FINDINGS, type DaneFindingKey } from './findings.js';
import { judgeDane } from './judge.js';

export type { DaneEvidence, DaneHostEvidence, DaneSmtpEvidence } from './collect.js';
export { DANE_FINDINGS, type DaneFindingKey } from './findings.js';
export { judgeDane } from './judge.js';

export const daneCheck: Check<DaneEvidence, DaneFindingKey> = {
  id: 'dane',
  title: 'DANE: TLSA records of the MX hosts',
  appliesTo: ['domain'],
  findings: DANE_FINDINGS,
  collect: collectDane,
  judge: judgeDane,
};

export const daneEvidenceOf = evidenceAccessor<DaneEvidence>('dane');
