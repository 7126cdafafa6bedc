/**
 * Shapes of the provider reply tables. A row is data: which condition draws which reply
 * from which provider, how sure we are, and where the fact comes from.
 */
import type { Condition } from '../check.js';
import type { Provider } from '../report.js';

/** Month the provider pages behind the rows were last read. */
export const TABLES_CHECKED = '2026-11';

export interface ReplyRow {
  condition: Condition;
  provider: Provider;
  /** Basic SMTP reply code (RFC 5321 4.2), e.g. 421. */
  code: number;
  /** Enhanced status code (RFC 3463), e.g. "4.7.27". */
  enhanced: string;
  /**
   * What the reply says, close to the provider's published wording but shortened: providers
   * reword their pages often, so tools must match on `code` + `enhanced`, never on text.
   */
  text: string;
  permanent: boolean;
  /** Only drawn by bulk senders (the provider's own bulk threshold). */
  bulkOnly: boolean;
  /** documented: the provider publishes this code for this cause; inferred: our reading. */
  confidence: 'documented' | 'inferred';
  /** Where the fact comes from, without URLs. */
  source: string;
  /** YYYY-MM the source was last read. */
  checked: string;
  /** Other enhanced codes the provider publishes with the same text. */
  aliases?: string[];
}

/** A reply no condition of ours predicts, known only so that `explain` can describe it. */
export interface KnownCode {
  provider: Provider;
  code: number;
  enhanced: string;
  text: string;
  permanent: boolean;
  bulkOnly: boolean;
  confidence: 'documented' | 'inferred';
  source: string;
  checked: string;
  /** What usually causes it, for `explain`. */
  cause: string;
  /** What to do about it. */
  fix?: string;
  /** mail-preflight check ids that look at this cause, if any. */
  checks?: string[];
}
