/**
 * Shapes of the provider reply tables. A row is data: which condition draws which reply
 * from which provider, how sure we are, and where the fact comes from.
 */
import type { Condition } from '../check.js';
import type { PredictedReply, Provider } from '../report.js';

/** Month the provider pages behind the rows were last read. */
export const TABLES_CHECKED = '2026-11';

/**
 * A row of a provider table: a predicted reply (its text close to the provider's published
 * wording but shortened: providers reword their pages often, so tools must match on `code` +
 * `enhanced`, never on text), the condition that draws it, and when its source was read.
 */
export interface ReplyRow extends Omit<PredictedReply, 'condition'> {
  condition: Condition;
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
