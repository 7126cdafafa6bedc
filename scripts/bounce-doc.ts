/**
 * The README's bounce category table, generated from the classifier's own tables (categories,
 * reply-table conditions, provider, status, text and code rules), so the docs cannot drift.
 * scripts/findings-doc.ts writes it between the bounce-categories markers (`npm run docs`).
 */
import { CATEGORY_SPECS } from '../src/bounce/categories.js';
import { CONDITION_CATEGORY, checksFor } from '../src/bounce/classify.js';
import { PROVIDER_RULES, PROVIDERS } from '../src/bounce/providers.js';
import {
  type BounceRule,
  CODE_RULES,
  GENERIC_STATUS_RULES,
  isGenericStatus,
  STATUS_RULES,
  STATUS_RULES_SOURCE,
  TEXT_RULES,
} from '../src/bounce/rules.js';
import { REPEATED_FULL_MAILBOX } from '../src/bounce/triage.js';
import type { BounceCategory } from '../src/bounce/types.js';
import { DEFAULT_WAVE_RULE, waveRuleText } from '../src/bounce/waves.js';
import { REPLY_TABLE, type ReplyRow } from '../src/replies/index.js';

/** Code examples shown per category; the rest are in the code. */
const MAX_CODE_EXAMPLES = 16;
/** Text examples shown per category. */
const MAX_TEXT_EXAMPLES = 1;

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A reply-table row as an example: "+ text" when the code alone does not select it (a broad
 * status such as 4.7.0, or a code shared with an earlier row of another category).
 */
function rowExample(row: ReplyRow): string {
  const key = (r: ReplyRow) => `${r.provider} ${r.code} ${r.enhanced}`;
  const first = REPLY_TABLE.find((r) => key(r) === key(row));
  const byCode =
    !isGenericStatus(row.enhanced) &&
    first !== undefined &&
    CONDITION_CATEGORY[first.condition]?.category === CONDITION_CATEGORY[row.condition]?.category;
  const also = row.aliases?.length ? ` (also ${row.aliases.join(', ')})` : '';
  return byCode ? `${key(row)}${also}` : `${key(row)}${also} + text`;
}

function codeExamples(category: BounceCategory): string[] {
  const fromTables = REPLY_TABLE.filter((r) => CONDITION_CATEGORY[r.condition]?.category === category).map(
    rowExample,
  );
  const fromRules = [...STATUS_RULES, ...GENERIC_STATUS_RULES, ...CODE_RULES, ...PROVIDER_RULES]
    .filter((r) => r.category === category)
    .map((r) => r.example);
  return [...new Set([...fromTables, ...fromRules])].slice(0, MAX_CODE_EXAMPLES);
}

function checksOf(category: BounceCategory): string[] {
  const rules: BounceRule[] = [...PROVIDER_RULES, ...STATUS_RULES, ...TEXT_RULES].filter(
    (r) => r.category === category,
  );
  const conditions = [
    ...REPLY_TABLE.filter((r) => CONDITION_CATEGORY[r.condition]?.category === category).map(
      (r) => r.condition,
    ),
    ...rules.flatMap((r) => r.conditions ?? []),
  ];
  return checksFor(conditions);
}

export function bounceCategoriesMarkdown(): string {
  const out = [
    'Generated from `src/bounce/` (`npm run docs`). Classification reads the enhanced status first and',
    'treats the basic code as the headline, in this order, first match wins: the provider reply tables',
    '(`src/replies/`), provider codes outside them, a specific status (' + STATUS_RULES_SOURCE + '),',
    'the diagnostic text, a broad status (detail 0, X.7.1), the basic code. Permanent means class 5',
    '(else the basic code; with neither, `Action: failed`).',
    '',
    '| category | meaning | example codes | permanent (5.x.x) | transient (4.x.x) | checks | fix |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const [category, spec] of Object.entries(CATEGORY_SPECS) as [
    BounceCategory,
    (typeof CATEGORY_SPECS)[BounceCategory],
  ][]) {
    const texts = TEXT_RULES.filter((r) => r.category === category)
      .slice(0, MAX_TEXT_EXAMPLES)
      .map((r) => r.example);
    const examples = [...codeExamples(category), ...texts].join(', ') || '-';
    const checks =
      checksOf(category)
        .map((c) => `\`${c}\``)
        .join(', ') || '-';
    out.push(
      `| \`${category}\` | ${cell(spec.meaning)} | ${cell(examples)} | ${spec.action.permanent} | ` +
        `${spec.action.transient} | ${checks} | ${cell(spec.fix)} |`,
    );
  }
  const days = REPEATED_FULL_MAILBOX.minSpanMs / 86_400_000;
  out.push(
    '',
    'Address actions: `suppress` (the address is gone), `retry` (send again later), `keep` (the address',
    'is fine: fix the message or the setup). The rules held to:',
    '',
    '- `552 5.3.4` (message too big) never suppresses the address, whatever the provider: the payload is what to fix.',
    '- `452 4.2.2` is a full but active mailbox: retry.',
    '- Gmail `552 5.2.2` means out of storage and inactive: suppress.',
    "- Other receivers' `552 5.2.2`: retry. RFC 3463 defines X.2.2 as a persistent transient condition and",
    '  most MTAs send class 5 only because their queue gave up, so one such bounce says nothing about the',
    `  account. A recipient whose mailbox is still full after ${REPEATED_FULL_MAILBOX.bounces} such bounces, spread over at least`,
    `  ${days} days when the times are known, is abandoned: suppressed from that bounce on.`,
    '- A permanent bounce no rule explains keeps the address: suppressing on a guess loses real readers.',
    '',
    `Waves: ${waveRuleText(DEFAULT_WAVE_RULE)} Bounces without a time are in no wave.`,
    '',
    'Providers, from the remote MTA host (then the reply text, then the recipient domain): ' +
      PROVIDERS.map((p) => `${p.id} (${p.hosts.join(', ')})`).join('; ') +
      '.',
  );
  return out.join('\n');
}
