/**
 * How a message check reaches the parsed message, and how sizes are written in its findings.
 */
import type { CollectContext } from '../check.js';
import type { ParsedMessage } from './types.js';

/** The message of the audit; a message check run without one is a wiring error, not a finding. */
export function messageOf(ctx: CollectContext): ParsedMessage {
  if (!ctx.message) throw new Error('no message to check: message checks run from the message command');
  return ctx.message;
}

export const MB = 1024 * 1024;
export const KB = 1024;

/** "33.4 MB", "512.0 KB", "900 bytes": one decimal, binary units (as the providers' limits are). */
export function formatBytes(bytes: number): string {
  if (bytes >= MB) return `${(bytes / MB).toFixed(1)} MB`;
  if (bytes >= KB) return `${(bytes / KB).toFixed(1)} KB`;
  return `${bytes} bytes`;
}
