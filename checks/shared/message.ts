/**
 * What the message checks share: how a check reaches the parsed message (ctx.message), its one
 * check shape, and how sizes are written in findings. Checks layer: src/message stays free of
 * engine imports.
 */
import type { Check, CollectContext, FindingResult, FindingSpecs } from '../../src/check.js';
import type { ParsedMessage } from '../../src/message/types.js';

/** The message of the audit; a message check run without one is a wiring error, not a finding. */
export function messageOf(ctx: CollectContext): ParsedMessage {
  if (!ctx.message) throw new Error('no message to check: message checks run from the message command');
  return ctx.message;
}

/**
 * A message check: its evidence is read from the parsed message (no I/O) and judged purely. It is
 * run by the message command on a parsed message: it applies when the audit has one.
 */
export function messageCheck<E, K extends string>(spec: {
  id: string;
  title: string;
  findings: FindingSpecs<K>;
  evidence: (message: ParsedMessage) => E;
  judge: (evidence: E) => FindingResult<K>[];
}): Check<E, K> {
  return {
    id: spec.id,
    title: spec.title,
    appliesTo: ['message'],
    findings: spec.findings,
    async collect(_target, ctx) {
      return spec.evidence(messageOf(ctx));
    },
    judge: (evidence) => spec.judge(evidence),
  };
}

export const MB = 1024 * 1024;
export const KB = 1024;

/** "33.4 MB", "512.0 KB", "900 bytes": one decimal, binary units (as the providers' limits are). */
export function formatBytes(bytes: number): string {
  if (bytes >= MB) return `${(bytes / MB).toFixed(1)} MB`;
  if (bytes >= KB) return `${(bytes / KB).toFixed(1)} KB`;
  return `${bytes} bytes`;
}
