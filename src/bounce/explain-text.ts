/**
 * What `explain` adds from the bounce classifier: the reply's own words read as `bounces` reads
 * them (a blocklist named in a 554 5.7.1, Exchange's RESOLVER.ADR under a 5.1.10, a provider named
 * by its host), and the provider codes outside the reply tables (Microsoft's 5.7.606) that the
 * classifier knows. The explanation itself (src/replies/explain.ts) stays with the tables.
 */
import type { ExplainExtra, ProviderCode } from '../replies/explain.js';
import { parseReply } from '../replies/explain.js';
import { CATEGORY_SPECS } from './categories.js';
import { classify, conditionsOf } from './classify.js';
import { PROVIDER_RULES } from './providers.js';
import { statusMatches } from './rules.js';
import type { BounceRecord } from './types.js';

/** What the classifier reads in a pasted reply, and the provider codes for its status. */
export function explainExtra(input: string): ExplainExtra {
  const { code, cls, subject, detail, text } = parseReply(input);
  const enhanced = `${cls}.${subject}.${detail}`;
  const extra: ExplainExtra = {};
  const codes = providerCodes(enhanced);
  if (codes.length > 0) extra.providerCodes = codes;
  if (text === '') return extra;
  const record: BounceRecord = {
    source: { path: 'explain' },
    kind: 'bounce-text',
    recipient: null,
    action: (code !== undefined ? code >= 500 : cls === '5') ? 'failed' : 'delayed',
    status: enhanced,
    replyCode: code ?? null,
    diagnostic: input.trim(),
    remoteMta: null,
    time: null,
    sender: null,
  };
  const withText = classify(record);
  const withoutText = classify({ ...record, diagnostic: null });
  // Only what the words change: the code alone is the explanation's own business.
  if (withText.category === withoutText.category && withText.provider === withoutText.provider) return extra;
  if (withText.category === 'unknown') return extra;
  extra.reading = {
    provider: withText.provider,
    category: withText.category,
    meaning: CATEGORY_SPECS[withText.category].meaning,
    conditions: [...conditionsOf(record)],
    checks: [...withText.checks],
    fix: withText.fix,
    addressAction: withText.addressAction,
  };
  return extra;
}

/** Provider rules (outside the reply tables) for this enhanced status, whatever the provider. */
function providerCodes(enhanced: string): ProviderCode[] {
  const out: ProviderCode[] = [];
  for (const rule of PROVIDER_RULES) {
    if (rule.provider === undefined || rule.status === undefined) continue;
    if (!statusMatches(rule.status, enhanced)) continue;
    out.push({
      provider: rule.provider,
      example: rule.example,
      category: rule.category,
      meaning: CATEGORY_SPECS[rule.category].meaning,
      fix: rule.fix ?? CATEGORY_SPECS[rule.category].fix,
      source: rule.source,
    });
  }
  return out;
}
