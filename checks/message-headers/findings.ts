/** The published findings of the message-headers check. */
import type { FindingSpecs } from '../../src/check.js';

export const MESSAGE_HEADERS_FINDINGS = {
  'header-too-large': {
    severity: 'error',
    title: "Header block is larger than Gmail's 500 KB limit",
    message:
      'The header block is {size} ({bytes} bytes on the wire); Gmail refuses headers over {limit} in all.',
    fix: 'Remove repeated or oversized header fields (the largest is {largest}, {largestSize}) so the header stays under {limit}.',
    conditions: ['message-headers-over-gmail-limit'],
  },
  'too-many-fields': {
    severity: 'error',
    title: "More header fields than Gmail's limit of 5,000",
    message: 'The header has {count} fields ({top}); Gmail refuses more than {limit}.',
    fix: 'Stop repeating header fields: {top}.',
    conditions: ['message-headers-over-gmail-limit'],
  },
  'value-too-long': {
    severity: 'error',
    title: "A header value is longer than Gmail's 32 KB limit",
    message:
      '{name} has a {size} value ({bytes} bytes after the colon); Gmail refuses a single value over {limit} (To, Cc and References excepted).',
    fix: 'Shorten {name} below {limit}, or move its content into the body.',
    conditions: ['message-headers-over-gmail-limit'],
  },
  'message-id-too-long': {
    severity: 'error',
    title: "Message-ID is longer than Gmail's 500-character limit",
    message: 'The Message-ID value is {length} characters; Gmail refuses more than {limit}.',
    fix: 'Generate shorter Message-IDs, e.g. <random-id@your-domain> under {limit} characters.',
    conditions: ['message-headers-over-gmail-limit'],
  },
  'subject-too-long': {
    severity: 'error',
    title: "Subject is longer than Gmail's 998-character limit",
    message:
      'The Subject value is {length} characters as written (encoded); Gmail refuses more than {limit}.',
    fix: 'Shorten the Subject below {limit} characters (encoded-words count as written).',
    conditions: ['message-headers-over-gmail-limit'],
  },
  'name-too-long': {
    severity: 'error',
    title: "A header field name is longer than Gmail's 1 KB limit",
    message: 'A header field name is {bytes} bytes ({name}); Gmail refuses names over {limit}.',
    fix: 'Remove the field {name} or give it a short name.',
    conditions: ['message-headers-over-gmail-limit'],
  },
  'line-too-long': {
    severity: 'error',
    title: 'Header line longer than 998 characters (RFC 5322 2.1.1)',
    message:
      '{count} header lines exceed 998 characters; the longest is {longest} characters in {name} (line {line}).',
    fix: 'Fold {name} at whitespace (CRLF followed by a space) so every line stays under 998 characters, ideally 78.',
  },
  'line-over-78': {
    severity: 'info',
    title: 'Header lines longer than 78 characters (RFC 5322 2.1.1 recommends folding)',
    message:
      '{count} header lines exceed the recommended 78 characters (the longest is {longest}, in {name}).',
    fix: 'Fold long header fields at whitespace so lines stay under 78 characters.',
  },
} as const satisfies FindingSpecs;

export type MessageHeadersFindingKey = keyof typeof MESSAGE_HEADERS_FINDINGS;
