/**
 * Whether the run's DNS resolver tells the truth about what must exist (the SOA of the target's
 * top-level domain). A lying resolver would make every missing record a false verdict; the
 * probe then reports answers of absence as `unreliable` errors, and this check says why, once.
 */
import type { Check } from '../../src/check.js';
import { evidenceAccessor } from '../shared/evidence.js';
import { collectDns, type DnsEvidence } from './collect.js';
import { DNS_FINDINGS, type DnsFindingKey } from './findings.js';
import { judgeDns } from './judge.js';

export type { DnsCanaryEvidence, DnsEvidence } from './collect.js';
export { DNS_FINDINGS, type DnsFindingKey } from './findings.js';

export const dnsCheck: Check<DnsEvidence, DnsFindingKey> = {
  id: 'dns',
  title: 'DNS resolver tells the truth',
  appliesTo: ['domain'],
  findings: DNS_FINDINGS,
  collect: collectDns,
  judge: judgeDns,
};

/** The dns check's evidence in a report, typed (undefined when it did not run). */
export const dnsEvidenceOf = evidenceAccessor<DnsEvidence>('dns');

/** The id of the finding a renderer or the fleet shows once, above everything else. */
export const RESOLVER_UNRELIABLE_ID = 'dns/resolver-unreliable';
