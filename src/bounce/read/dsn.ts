/**
 * The machine-readable part of a delivery status notification (RFC 3464 2.1: a
 * message/delivery-status body): per-message fields, an empty line, then one block of
 * per-recipient fields per recipient. One pass over the lines: 10,000 recipients stay linear.
 */
import type { BounceRecord, BounceSource } from '../types.js';
import { MAX_DSN_RECIPIENTS } from './limits.js';
import { bounceRecord, dsnAction } from './record.js';
import { untyped } from './text.js';

/** One block of fields, lower-case names, the first occurrence of each (folds unwrapped). */
export type FieldBlock = Map<string, string>;

export interface DeliveryStatus {
  perMessage: FieldBlock;
  recipients: FieldBlock[];
  /** Recipient blocks past MAX_DSN_RECIPIENTS, counted only. */
  omitted: number;
}

/** RFC 3464 2.1 / RFC 822 3.1: "name: value" with continuation lines starting with white space. */
export function parseDeliveryStatus(text: string): DeliveryStatus {
  const blocks: FieldBlock[] = [];
  let omitted = 0;
  let block: FieldBlock | undefined;
  let name: string | undefined;
  const lines = text.split(/\r?\n/);
  for (const line of lines) {
    if (line.trim() === '') {
      if (block) {
        if (blocks.length <= MAX_DSN_RECIPIENTS) blocks.push(block);
        else omitted++;
      }
      block = undefined;
      name = undefined;
      continue;
    }
    if ((line[0] === ' ' || line[0] === '\t') && block && name !== undefined) {
      // Only the first occurrence is kept: a continuation belongs to it only when it is that one.
      const v = block.get(name);
      if (v !== undefined && block.get(`\0${name}`) === undefined) block.set(name, `${v} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    block ??= new Map();
    name = line.slice(0, colon).trim().toLowerCase();
    if (block.has(name)) {
      // A repeated field (header injection, or a broken MTA): keep the first, mark it closed.
      block.set(`\0${name}`, '');
      continue;
    }
    block.set(name, line.slice(colon + 1).trim());
  }
  if (block) {
    if (blocks.length <= MAX_DSN_RECIPIENTS) blocks.push(block);
    else omitted++;
  }
  const [perMessage = new Map(), ...recipients] = blocks;
  // A DSN without per-message fields still has recipients (Final-Recipient marks one).
  if (perMessage.has('final-recipient')) return { perMessage: new Map(), recipients: blocks, omitted };
  return { perMessage, recipients, omitted };
}

/** The records of a parsed delivery-status part; `sender` and `time` fill what the blocks lack. */
export function dsnRecords(
  status: DeliveryStatus,
  source: BounceSource,
  fallback: { sender: string | null; time: string | null },
  dateOf: (value: string) => string | null,
): BounceRecord[] {
  const arrival = status.perMessage.get('arrival-date');
  const postfixSender = status.perMessage.get('x-postfix-sender');
  const sender = fallback.sender ?? untyped(postfixSender ?? null);
  return status.recipients.map((r, i) => {
    const when = r.get('last-attempt-date') ?? arrival;
    return bounceRecord({ ...source, part: i }, 'dsn', {
      // RFC 3464 2.3.2: Final-Recipient is required; Original-Recipient is the fallback we have.
      recipient: untyped(r.get('final-recipient') ?? r.get('original-recipient') ?? null),
      action: dsnAction(r.get('action')),
      status: r.get('status') ?? null,
      diagnostic: untyped(r.get('diagnostic-code') ?? null),
      remoteMta: untyped(r.get('remote-mta') ?? null),
      time: (when ? dateOf(when) : null) ?? fallback.time,
      sender,
    });
  });
}
