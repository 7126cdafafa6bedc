/** The published findings of the message-size check. */
import type { FindingSpecs } from '../../src/check.js';

export const MESSAGE_SIZE_FINDINGS = {
  'over-gmail-limit': {
    severity: 'error',
    title: 'Message is larger than Gmail accepts (25 MB)',
    message:
      'The message is {size} on the wire ({wireBytes} bytes with CRLF line ends, after transfer encoding); Gmail refuses messages over {limit}.',
    fix: 'Move the {partSize} {part} to a link: the message is {size} on the wire, Gmail refuses over {limit}.',
    conditions: ['message-too-big-gmail'],
  },
  'over-microsoft-limit': {
    severity: 'error',
    title: "Message is larger than Exchange Online's default limit",
    message:
      'The message is {size} on the wire; Exchange Online refuses messages over {limit} by default (35 MB sent, 36 MB received; a tenant may raise it).',
    fix: 'Move the {partSize} {part} to a link: the message is {size} on the wire, Exchange Online refuses over {limit} by default.',
    conditions: ['message-too-big-microsoft'],
  },
  'near-limit': {
    severity: 'warning',
    title: 'Message is close to the smallest provider size limit',
    message:
      "The message is {size} on the wire, {percent}% of {provider}'s {limit} limit: a footer, a forward or re-encoding on the way can push it over.",
    fix: 'Move the {partSize} {part} to a link to keep headroom under {limit}.',
  },
} as const satisfies FindingSpecs;

export type MessageSizeFindingKey = keyof typeof MESSAGE_SIZE_FINDINGS;
