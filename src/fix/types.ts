/** The fix plan: records to publish for an audit's findings, and what no record can fix. */

/** One RRset to publish: it replaces the RRset of that name and type (what an overlay does). */
export interface FixRecord {
  /** Absolute name, lower case, without the trailing dot. */
  name: string;
  type: 'TXT' | 'MX';
  ttl: number;
  /** TXT: each record's text (split into character-strings when rendered); MX: "pref exchange". */
  values: string[];
  /** Lines of explanation rendered as comments above the RRset. */
  comments: string[];
  /**
   * Rendered commented out and left out of the re-audit: a record that works only after
   * something outside DNS is done (the MTA-STS TXT record before its policy file is served).
   */
  inactive?: boolean;
}

export interface Fix {
  /** What it is: 'spf', 'dmarc', 'tls-rpt', 'mta-sts', 'null-mx'. */
  kind: string;
  /** The finding ids (check/key) it is meant to clear. */
  findings: string[];
  records: FixRecord[];
  /** Warnings written into the fragment (flattened ranges go stale). */
  warnings: string[];
  /** What the fix changed that a reader should know (dropped terms...). */
  notes: string[];
  /** The MTA-STS policy file's text, served at https://mta-sts.DOMAIN/.well-known/mta-sts.txt. */
  policyText?: string;
}

/** A finding no record of this plan clears, and why. */
export interface Remaining {
  id: string;
  reason: string;
}

export interface FixPlan {
  domain: string;
  /** When the plan was made (flattened ranges are as of then). */
  createdAt: string;
  fixes: Fix[];
  remaining: Remaining[];
}

/** TTL of proposed records: short, so a correction spreads quickly. */
export const FIX_TTL = 3600;
