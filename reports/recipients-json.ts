/**
 * The JSON of `mail-preflight recipients` (reports/schema/recipients-v1.json), written as the
 * check goes: the head, then one recipient per line as each result arrives, then the summary.
 * Keys are sorted (stableStringify), as in every JSON this tool writes.
 */
import type { RecipientResult, RecipientsSummary } from '../src/recipients/types.js';
import { stableStringify } from '../src/report.js';
import { TOOL_NAME, TOOL_VERSION } from '../src/version.js';

export const RECIPIENTS_SCHEMA_VERSION = '1.0.0';
export const RECIPIENTS_KIND = 'mail-preflight-recipients';

/** The text before the first recipient. */
export function recipientsJsonHead(): string {
  return `{\n  "kind": ${JSON.stringify(RECIPIENTS_KIND)},\n  "recipients": [`;
}

/** One recipient; `first` says whether a comma goes before it. */
export function recipientsJsonItem(result: RecipientResult, first: boolean): string {
  return `${first ? '' : ','}\n    ${stableStringify(result, 0)}`;
}

/** The text after the last recipient: the schema version, the summary and the tool. */
export function recipientsJsonTail(summary: RecipientsSummary, count: number): string {
  const rest = stableStringify({
    schemaVersion: RECIPIENTS_SCHEMA_VERSION,
    summary,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
  }).slice(2, -2);
  return `${count > 0 ? '\n  ' : ''}],\n${rest}\n}\n`;
}
