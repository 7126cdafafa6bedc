/**
 * Bounce triage (issue 11): what one bounce says, read from whatever the sender has (an RFC 3464
 * delivery status notification, a non-standard bounce message, an MTA log line, an ESP event),
 * and what it means once classified. Readers (src/bounce/read/) produce BounceRecords; the
 * classifier (src/bounce/classify.ts) turns each into a ClassifiedBounce; the summary
 * (src/bounce/summary.ts) counts them and finds waves.
 */

/** Where a record came from: the path as given, and a line (logs, NDJSON) or a part index. */
export interface BounceSource {
  path: string;
  /** 1-based line of a log or NDJSON file. */
  line?: number;
  /** 0-based index of the message in an mbox, or of the recipient block in a DSN. */
  part?: number;
}

/** RFC 3464 2.3.3 Action, or what a log or event says in its own words, mapped onto it. */
export type BounceAction = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded' | 'unknown';

export type BounceInputKind =
  | 'dsn'
  | 'bounce-text'
  | 'postfix-log'
  | 'exim-log'
  | 'sendmail-log'
  | 'ses'
  | 'sendgrid'
  | 'mailgun'
  | 'postmark'
  | 'sparkpost'
  | 'mailjet'
  | 'mandrill'
  | 'brevo';

/** One bounce as its source states it: nothing is invented (a missing status stays null). */
export interface BounceRecord {
  source: BounceSource;
  kind: BounceInputKind;
  /** The final recipient's address, lower-cased domain; null when the source names none. */
  recipient: string | null;
  action: BounceAction;
  /** RFC 3463 enhanced status as given ("5.1.1"); null when there is none. Never made up from replyCode. */
  status: string | null;
  /** RFC 5321 basic reply code (550), or null. */
  replyCode: number | null;
  /** The receiver's (or MTA's) text, unfolded to one line, bounded. */
  diagnostic: string | null;
  /** The remote MTA's host name (or address) when known. */
  remoteMta: string | null;
  /** When it happened (ISO 8601), when the source says. */
  time: string | null;
  /** The envelope sender or the original message's From address, when known. */
  sender: string | null;
}

export type BounceCategory =
  | 'recipient-unknown'
  | 'recipient-domain'
  | 'mailbox-full'
  | 'mailbox-inactive'
  | 'message-too-big'
  | 'message-blocked-content'
  | 'message-format'
  | 'spam-content'
  | 'authentication'
  | 'ptr'
  | 'tls'
  | 'reputation'
  | 'blocklisted'
  | 'rate-limited'
  | 'policy'
  | 'protocol'
  | 'network'
  | 'system-transient'
  | 'expired'
  | 'unknown';

export type AuthenticationFailure = 'spf' | 'dkim' | 'dmarc' | 'alignment' | 'unauthenticated';

/** What to do with the recipient address: it is gone, try again, or it is fine (fix the message or setup). */
export type AddressAction = 'suppress' | 'retry' | 'keep';

export interface ClassifiedBounce extends BounceRecord {
  /** gmail, yahoo, microsoft, ... from the remote MTA or the diagnostic; null when unknown. */
  provider: string | null;
  category: BounceCategory;
  /** For category authentication: which mechanism failed. */
  authentication?: AuthenticationFailure;
  permanent: boolean;
  addressAction: AddressAction;
  /** What to change (in the setup or the message), one sentence. */
  fix: string;
  /** Preflight checks (and finding ids) that see this cause, e.g. ['spf'] for 4.7.27. */
  checks: string[];
  /** Finding ids (check/key) whose specs raise the cause, e.g. 'spf/no-record' for 4.7.27; absent when none. */
  findings?: string[];
  /** The domain of `sender`, lower-case: the sending domain the summary groups by. */
  sendingDomain: string | null;
}
