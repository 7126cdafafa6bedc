/** The published findings of the message-format check (RFC 5322, RFC 2045/2046, RFC 6532). */
import type { FindingSpecs } from '../../src/check.js';

export const MESSAGE_FORMAT_FINDINGS = {
  'from-missing': {
    severity: 'error',
    title: 'No From field (RFC 5322 3.6)',
    message:
      'The message has no From field; RFC 5322 3.6 requires exactly one, and Gmail refuses messages without it.',
    fix: 'Add one From field with the sending address, e.g. "From: Name <news@your-domain>".',
    conditions: ['message-not-rfc5322'],
  },
  'from-duplicate': {
    severity: 'error',
    title: 'More than one From field (RFC 5322 3.6)',
    message:
      'The message has {count} From fields; RFC 5322 3.6 allows exactly one, and Gmail refuses repeated From.',
    fix: 'Emit a single From field (several authors go in one field, with a Sender).',
    conditions: ['message-not-rfc5322'],
  },
  'from-invalid': {
    severity: 'error',
    title: 'From is not a valid mailbox list (RFC 5322 3.6.2, 3.4)',
    message: 'From "{value}" is not a valid mailbox list: {error}.',
    fix: 'Write From as "Display Name <local@domain>" (quote a display name with commas or dots).',
    conditions: ['message-not-rfc5322'],
  },
  'sender-missing': {
    severity: 'error',
    title: 'Several From mailboxes but no Sender (RFC 5322 3.6.2)',
    message:
      'From names {count} mailboxes; RFC 5322 3.6.2 then requires a Sender field naming the one who sent it.',
    fix: 'Add "Sender: <the sending mailbox>", or keep a single mailbox in From.',
  },
  'address-invalid': {
    severity: 'error',
    title: 'An address field is not valid (RFC 5322 3.6.2, 3.6.3, 3.4)',
    message: '{field} "{value}" is not valid: {error}.',
    fix: 'Write {field} as a comma-separated list of "Name <local@domain>" or plain addresses.',
  },
  'date-missing': {
    severity: 'error',
    title: 'No Date field (RFC 5322 3.6)',
    message: 'The message has no Date field; RFC 5322 3.6 requires exactly one (orig-date).',
    fix: 'Add "Date:" with the time of sending, e.g. "Date: Mon, 7 Dec 2026 10:00:00 +0000".',
  },
  'date-invalid': {
    severity: 'error',
    title: 'Date is not a valid date-time (RFC 5322 3.3)',
    message: 'Date "{value}" is not a valid RFC 5322 date-time: {error}.',
    fix: 'Write the Date as "Mon, 7 Dec 2026 10:00:00 +0000" (day name optional, numeric zone).',
  },
  'message-id-missing': {
    severity: 'error',
    title: 'No Message-ID field (RFC 5322 3.6.4)',
    message:
      'The message has no Message-ID; RFC 5322 3.6.4 says every message should have one, and Gmail refuses messages without it.',
    fix: 'Add "Message-ID: <unique-id@your-domain>" (most sending libraries do this when asked).',
    conditions: ['message-not-rfc5322'],
  },
  'message-id-invalid': {
    severity: 'error',
    title: 'Message-ID is not a valid msg-id (RFC 5322 3.6.4)',
    message: 'Message-ID "{value}" is not a valid msg-id: {error}.',
    fix: 'Write the Message-ID as "<unique-id@your-domain>": angle brackets, one "@", no spaces.',
    conditions: ['message-not-rfc5322'],
  },
  'message-id-duplicate': {
    severity: 'error',
    title: 'More than one Message-ID field (RFC 5322 3.6)',
    message:
      'The message has {count} Message-ID fields; RFC 5322 3.6 allows at most one, and Gmail refuses repeated Message-ID.',
    fix: 'Emit a single Message-ID (a template or relay adding its own must replace, not append).',
    conditions: ['message-not-rfc5322'],
  },
  'subject-duplicate': {
    severity: 'error',
    title: 'More than one Subject field (RFC 5322 3.6)',
    message:
      'The message has {count} Subject fields; RFC 5322 3.6 allows at most one, and Gmail refuses repeated Subject.',
    fix: 'Emit a single Subject field.',
    conditions: ['message-not-rfc5322'],
  },
  'duplicate-field': {
    severity: 'error',
    title: 'A single-instance field appears more than once (RFC 5322 3.6)',
    message: '{field} appears {count} times; RFC 5322 3.6 allows it at most once.',
    fix: 'Emit {field} once (merge the addresses of repeated To/Cc/Bcc into one field).',
  },
  'obsolete-syntax': {
    severity: 'info',
    title: 'Obsolete syntax in a header field (RFC 5322 section 4)',
    message: 'Obsolete syntax in {fields}: RFC 5322 section 4 says it must not be generated.',
    fix: 'Generate the fields in the current syntax (e.g. 4-digit years, numeric zones, no spaces around dots).',
  },
  'raw-8bit-header': {
    severity: 'error',
    title: 'Raw 8-bit bytes in header fields without SMTPUTF8 (RFC 5322 2.2, RFC 6532)',
    message:
      '{count} header fields hold raw 8-bit bytes ({fields}); without SMTPUTF8 header fields must be US-ASCII.',
    fix: 'Encode non-ASCII text with RFC 2047 encoded-words (=?UTF-8?B?...?=), or send with SMTPUTF8.',
  },
  'nul-bytes': {
    severity: 'error',
    title: 'NUL bytes in the message (RFC 5322 2.3, RFC 2045 2.7)',
    message:
      'The message holds {count} NUL bytes (first on line {line}); they are never allowed in mail text, even 8bit.',
    fix: 'Send binary content base64-encoded in an attachment; strip NUL bytes from text.',
  },
  'bare-cr': {
    severity: 'error',
    title: 'Bare CR in the message (RFC 5322 2.3)',
    message:
      '{count} CR characters are not followed by LF (first on line {line}); CR and LF may only appear together.',
    fix: 'Normalise line ends to CRLF before sending.',
  },
  'bare-lf': {
    severity: 'error',
    title: 'Bare LF among CRLF line ends (RFC 5322 2.3)',
    message:
      '{count} lines end in LF alone in a message that otherwise uses CRLF; CR and LF may only appear together.',
    fix: 'Normalise line ends to CRLF before sending.',
  },
  'malformed-header-line': {
    severity: 'error',
    title: 'Header line that is not a field (RFC 5322 2.2)',
    message:
      '{count} header lines are not "name: value" fields ({reason}, line {line}: "{text}"); receivers may cut the header there.',
    fix: 'Remove the stray line; if it comes from user input in a header (header injection), strip CR and LF from that input.',
  },
  'multipart-without-boundary': {
    severity: 'error',
    title: 'Multipart without a boundary (RFC 2046 5.1.1)',
    message: 'Part {part}: {detail}; its body cannot be split into parts.',
    fix: 'Give the multipart a boundary parameter that occurs in no part, as MIME libraries do.',
  },
  'unterminated-multipart': {
    severity: 'error',
    title: 'Multipart never closed (RFC 2046 5.1.1)',
    message: 'Part {part}: {detail} (no "--boundary--" line); the message was probably cut short.',
    fix: 'Send the complete message: it must end each multipart with its close delimiter.',
  },
  'bad-transfer-encoding': {
    severity: 'error',
    title: 'Bad Content-Transfer-Encoding (RFC 2045 6)',
    message: 'Part {part}: {detail}.',
    fix: 'Use 7bit, 8bit, quoted-printable or base64 for leaves, and 7bit/8bit/binary for multiparts.',
  },
  'invalid-base64': {
    severity: 'error',
    title: 'Base64 part with invalid characters (RFC 2045 6.8)',
    message: 'Part {part}: {detail}; receivers may drop or mangle the content.',
    fix: 'Re-encode the part with a standard base64 encoder (76-character lines).',
  },
  'boundary-invalid': {
    severity: 'warning',
    title: 'Boundary breaks RFC 2046 5.1.1',
    message: 'Part {part}: {detail}.',
    fix: "Use a boundary of 1 to 70 characters from the RFC 2046 set (letters, digits, '()+_,-./:=?).",
  },
  'empty-multipart': {
    severity: 'warning',
    title: 'Multipart with no parts (RFC 2046 5.1.1)',
    message: 'Part {part}: {detail}.',
    fix: 'Remove the empty multipart or give it at least one part.',
  },
  'mime-too-complex': {
    severity: 'warning',
    title: 'MIME structure beyond the inspected bounds',
    message: 'Part {part}: {detail}.',
    fix: 'Flatten the message: a few parts, nested a few levels at most.',
  },
  'body-line-too-long': {
    severity: 'warning',
    title: 'Body line longer than 998 characters (RFC 5322 2.1.1)',
    message:
      '{count} body lines exceed 998 characters (the first is line {line}, {length} characters); relays may break them, which breaks DKIM.',
    fix: 'Send long text as quoted-printable or base64 (both wrap lines at 76 characters).',
  },
} as const satisfies FindingSpecs;

export type MessageFormatFindingKey = keyof typeof MESSAGE_FORMAT_FINDINGS;
