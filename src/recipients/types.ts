/** The shapes of a recipient list check: one result per address, and the run's summary. */
import type { DnsCounters } from '../probe/types.js';

/**
 * What a sender should do with an address. `invalid`: it is not an address (fix or drop);
 * `undeliverable`: its domain takes no mail, a send would hard-bounce; `risky`: it may be
 * delivered but something is wrong (a likely typo, a role account, a disposable domain, a
 * duplicate); `unknown`: the domain could not be measured (timeout, SERVFAIL); `ok`.
 */
export type RecipientStatus = 'ok' | 'invalid' | 'undeliverable' | 'risky' | 'unknown';

export const RECIPIENT_STATUSES: readonly RecipientStatus[] = [
  'ok',
  'invalid',
  'undeliverable',
  'risky',
  'unknown',
];

/** How sure the predicted reply is: `documented` by the MTA or receiver, or `likely` from how MTAs behave. */
export type ReplyConfidence = 'documented' | 'likely';

/** The reply a send to the address would draw: from the receiver, or the sending MTA's own bounce. */
export interface PredictedRecipientReply {
  /** SMTP reply code when there is an SMTP reply ("550"); absent when the MTA bounces on its own. */
  code?: string;
  /** The enhanced status code (RFC 3463), e.g. "5.1.10". */
  enhanced: string;
  text: string;
  /** Who documents it (an RFC section, an MTA's documentation). */
  source: string;
  confidence: ReplyConfidence;
}

/** What the DNS said of a domain, as evidence. */
export interface DomainEvidence {
  /** MX lookup outcome: ok, nxdomain, nodata, error (with the error kind), or skipped. */
  mx: string;
  /** The MX hosts looked at, by preference, and what their addresses are. */
  hosts?: { host: string; preference: number; addresses: string; detail?: string }[];
  /** Implicit MX (RFC 5321 5.1): the domain's own A/AAAA outcome. */
  implicit?: string;
  /** Resolver error detail when it could not be measured. */
  detail?: string;
}

export interface RecipientEvidence {
  /** The record's line in the input (where the record starts; 1-based). */
  line: number;
  /** Other reasons that apply besides the primary one, in precedence order. */
  otherReasons?: string[];
  /** The local part needs SMTPUTF8 at every hop (RFC 6531 3.2). */
  smtputf8?: boolean;
  /** The domain as written when it was an IDN (U-labels). */
  unicodeDomain?: string;
  domain?: DomainEvidence;
  /** A human sentence on the primary reason. */
  detail?: string;
}

export interface RecipientResult {
  /** The address as given (a long record is cut to a preview). */
  address: string;
  /** The local part as given @ the A-label domain, lower-cased; absent when invalid. */
  normalized?: string;
  /** The domain in A-labels, lower case; absent when it could not be read. */
  domain?: string;
  status: RecipientStatus;
  /** Stable reason id (see src/recipients/reasons.ts). */
  reason: string;
  predictedReply?: PredictedRecipientReply;
  /** A likely intended address for a typo: a suggestion, never applied. */
  suggestion?: string;
  evidence: RecipientEvidence;
}

export interface DomainTally {
  domain: string;
  /** Addresses at the domain that were not ok. */
  addresses: number;
  status: RecipientStatus;
  reason: string;
}

export interface RecipientsSummary {
  /** Records read (addresses, blank lines excluded). */
  total: number;
  byStatus: Record<RecipientStatus, number>;
  /** Count per reason id, sorted by id. */
  byReason: Record<string, number>;
  /** Domains with the most addresses that were not ok (bounded). */
  worstDomains: DomainTally[];
  /** Distinct domains whose mail setup was looked up. */
  domainsChecked: number;
  /** How the input was read: `csv` (with its separator and column) or `lines`. */
  input: { format: 'csv' | 'lines'; separator?: string; column?: string; encoding: string };
  /** The run's DNS counters (questions sent, cache hits...); absent with noDns. */
  dns?: DnsCounters;
  elapsedMs: number;
}
