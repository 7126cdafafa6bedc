/**
 * The README's recipient reason table, generated from src/recipients/reasons.ts (the one list
 * of reasons), so the docs cannot drift. scripts/findings-doc.ts writes it between the
 * recipient-reasons markers (`npm run docs`).
 */
import { RECIPIENT_REASONS, type ReasonSpec } from '../src/recipients/reasons.js';

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function recipientReasonsMarkdown(): string {
  const rows = Object.entries(RECIPIENT_REASONS as Record<string, ReasonSpec>).map(([id, spec]) => {
    const reply = spec.reply
      ? `${[spec.reply.code, spec.reply.enhanced].filter(Boolean).join(' ')} (${spec.reply.confidence})`
      : '';
    return `| \`${id}\` | ${spec.status} | ${cell(spec.meaning)} | ${cell(spec.source)} | ${cell(reply)} |`;
  });
  return ['| reason | status | meaning | source | predicted reply |', '|---|---|---|---|---|', ...rows].join(
    '\n',
  );
}
