/**
 * A message parsed once at the edge (issue 10): byte-exact measurements of the wire form, the
 * header fields with the RFC 5322 fields checks judge, the MIME tree with raw offsets and
 * sizes, the attachment parts (decoded lazily) and the URL domains of the text parts. Message
 * checks read this; none of them sees the bytes again.
 *
 * Offsets and `bytes` are in the bytes as given (a file stored with LF line ends included);
 * `wireBytes` is the same span as SMTP carries it, every line ending in CRLF (RFC 5321 2.3.8).
 */

/** Bytes of the input kept in memory for decoding parts later; beyond it parts are measured only. */
export const MAX_RETAINED_BYTES = 256 * 1024 * 1024;
/** Header block bytes (top level) parsed into fields; beyond it the block is measured only. */
export const MAX_HEADER_BLOCK_PARSED_BYTES = 8 * 1024 * 1024;
/** Header fields parsed; 100,000 fields stay linear. Further fields are counted, not kept. */
export const MAX_HEADER_FIELDS_PARSED = 200_000;
/** Header block bytes of one MIME part parsed (a part header is a few hundred bytes). */
export const MAX_PART_HEADER_BYTES = 256 * 1024;
/** MIME parts recorded; Microsoft allows 250 attachments, so this leaves room. */
export const MAX_MIME_PARTS = 2_000;
/** Multipart nesting followed; deeper multiparts are measured as opaque leaves. */
export const MAX_MIME_DEPTH = 32;
/** RFC 2046 5.1.1: a boundary is 1 to 70 characters. */
export const MAX_BOUNDARY_CHARS = 70;
/** Registrable URL domains listed; further ones are counted. */
export const MAX_URL_DOMAINS = 500;
/** Decoded text (HTML or plain) scanned for URLs per part. */
export const MAX_URL_SCAN_BYTES = 8 * 1024 * 1024;
/** Mailboxes kept per address field (To with thousands of recipients is counted beyond it). */
export const MAX_MAILBOXES_KEPT = 1_000;
/** Examples kept per kind of fault (offending lines, invalid characters, ...). */
export const MAX_EXAMPLES = 5;

/** RFC 5322 2.1.1: a line MUST be at most 998 characters, excluding the CRLF. */
export const RFC5322_MAX_LINE = 998;
/** RFC 5322 2.1.1: a line SHOULD be at most 78 characters, excluding the CRLF. */
export const RFC5322_RECOMMENDED_LINE = 78;

export type LineEnding = 'crlf' | 'lf' | 'mixed' | 'none';

/** A line (1-based number, byte offset of its start) given as an example of a fault. */
export interface LineRef {
  line: number;
  offset: number;
  length?: number;
}

export interface WireMeasure {
  /** Size of the input as given. */
  bytes: number;
  /** Size on the wire: every line ending in CRLF (an LF-only line costs one byte more). */
  wireBytes: number;
  /** SHA-256 (hex) of the bytes as given. */
  sha256: string;
  lines: number;
  /** The line ending of the file: all CRLF, all LF, a mix, or a single line without one. */
  lineEnding: LineEnding;
  /** Lines ending in LF alone (each adds a byte on the wire). */
  lfLines: number;
  crlfLines: number;
  /** LF without CR in a file that otherwise uses CRLF (RFC 5322 2.3: CR and LF only together). */
  bareLf: number;
  /** CR not followed by LF, anywhere. */
  bareCr: number;
  bareCrExamples: LineRef[];
  /** NUL bytes (RFC 5322 2.3 forbids them; RFC 2045 2.7 too, even in 8bit). */
  nulBytes: number;
  nulExamples: LineRef[];
  /** Raw size of the top-level header block, up to and including the empty line that ends it. */
  headerBytes: number;
  headerWireBytes: number;
  /** Whether the header block ends with an empty line (else the whole message is header). */
  headerTerminated: boolean;
  longestLine: number;
  /** Lines of the body (after the top-level header) longer than RFC5322_MAX_LINE. */
  bodyLinesOver998: number;
  bodyLongLineExamples: LineRef[];
  /** False when the input exceeded MAX_RETAINED_BYTES: parts are measured, not decodable. */
  retained: boolean;
}

/** One header field as written, with its measurements. */
export interface HeaderField {
  /** Position among the header fields (0-based). */
  index: number;
  /** The name as written (case kept). */
  name: string;
  /** Lower-case name, for lookups. */
  key: string;
  /** The value after the colon, unfolded (CRLF before WSP removed), bytes read as UTF-8. */
  value: string;
  /** RFC 2047 encoded-words decoded, for display; equals `value` when there are none. */
  decoded: string;
  offset: number;
  line: number;
  /** Bytes of the whole field as given: name, colon, value, folds, final line end. */
  rawBytes: number;
  /** Bytes after the colon as given, folds included, final line end excluded. */
  valueBytes: number;
  /** Bytes after the colon once unfolded. */
  unfoldedValueBytes: number;
  /** Physical lines the field spans. */
  lineCount: number;
  /** Longest physical line of the field, line end excluded. */
  longestLine: number;
  /** Bytes >= 0x80 (raw 8-bit; RFC 6532 allows UTF-8 only with SMTPUTF8). */
  eightBit: boolean;
  /** A NUL byte in the field. */
  nul: boolean;
  /** RFC 5322 4.5.8 obsolete syntax: whitespace between the name and the colon. */
  obsWhitespaceBeforeColon: boolean;
}

/** A header line that is neither a field nor a continuation (no colon, or an invalid name). */
export interface MalformedHeaderLine extends LineRef {
  /** First characters of the line, escaped. */
  text: string;
  reason: 'no-colon' | 'invalid-name' | 'leading-continuation';
}

export interface HeaderBlock {
  fields: HeaderField[];
  /** Fields seen in total (fields beyond MAX_HEADER_FIELDS_PARSED are counted only). */
  fieldCount: number;
  /** Count per lower-case name. */
  counts: Record<string, number>;
  malformed: MalformedHeaderLine[];
  malformedCount: number;
  /** Fields were left unparsed because the block exceeded a bound. */
  truncated: boolean;
}

/** One mailbox of an address field. */
export interface Mailbox {
  /** Display name, RFC 2047 decoded. */
  name?: string;
  address: string;
  local: string;
  domain: string;
}

/**
 * An RFC 5322 3.4 address field, parsed strictly. `valid` means the value matches the grammar
 * (obsolete syntax of section 4.4 included; `obsolete` says so).
 */
export interface AddressField {
  valid: boolean;
  obsolete: boolean;
  /** Why it is invalid, for the finding text. */
  error?: string;
  mailboxes: Mailbox[];
  mailboxCount: number;
  /** Group syntax (display-name ":" ... ";") used. */
  groups: number;
  /** Non-ASCII UTF-8 in the address (RFC 6532: needs SMTPUTF8). */
  utf8: boolean;
}

export interface MsgIdField {
  valid: boolean;
  obsolete: boolean;
  error?: string;
  /** The msg-id with its angle brackets, CFWS removed. */
  id?: string;
  /** Characters of the value (Gmail limits Message-ID to 500). */
  length: number;
}

export interface DateField {
  valid: boolean;
  obsolete: boolean;
  error?: string;
  /** ISO 8601 form of the date-time, when valid. */
  iso?: string;
}

/** The fields RFC 5322 3.6 and the providers' rules name, parsed. Absent when not present. */
export interface MessageFields {
  from?: AddressField;
  sender?: AddressField;
  replyTo?: AddressField;
  to?: AddressField;
  cc?: AddressField;
  bcc?: AddressField;
  date?: DateField;
  messageId?: MsgIdField;
  /** Decoded Subject (RFC 2047). */
  subject?: string;
  returnPath?: string;
  listUnsubscribe?: string;
  listUnsubscribePost?: string;
  /** Raw values (unfolded as written, not decoded) of each DKIM-Signature, for the DKIM check. */
  dkimSignatures: string[];
}

export type MimeProblemKind =
  | 'multipart-without-boundary'
  | 'boundary-invalid'
  | 'unterminated-multipart'
  | 'no-parts'
  | 'unknown-transfer-encoding'
  | 'encoded-multipart'
  | 'invalid-base64'
  | 'nesting-too-deep'
  | 'too-many-parts'
  | 'header-too-large';

export interface MimeProblem {
  kind: MimeProblemKind;
  /** Path of the part concerned ('' is the message itself, '1.2' the second child of the first). */
  part: string;
  detail: string;
}

export interface MimePart {
  index: number;
  /** IMAP-style path: '' for the message, '1', '1.2', ... */
  path: string;
  depth: number;
  parent?: number;
  children: number[];
  /** Offset of the part's first header byte in the input. */
  offset: number;
  /** Header and body as given, the line end before the next boundary excluded (RFC 2046 5.1.1). */
  bytes: number;
  wireBytes: number;
  headerBytes: number;
  /** Offset and size of the body (after the empty line ending the part header). */
  bodyOffset: number;
  bodyBytes: number;
  /** Lower-case type/subtype; RFC 2045 5.2 default text/plain (message/rfc822 in a digest). */
  contentType: string;
  /** No (valid) Content-Type: the default applies. */
  contentTypeDefaulted: boolean;
  charset?: string;
  boundary?: string;
  /** Lower-case Content-Transfer-Encoding; '7bit' when absent (RFC 2045 6.1). */
  transferEncoding: string;
  disposition?: string;
  /** File name from Content-Disposition filename or Content-Type name (RFC 2231, RFC 2047 decoded). */
  filename?: string;
  contentId?: string;
}

/**
 * An attachment or inline non-text part, for the attachments check. `content()` decodes the
 * transfer encoding from the retained input on each call (nothing is cached: a 30 MB attachment is
 * decoded only when asked, once per call); it throws when the input was too large to retain.
 */
export interface AttachmentPart {
  /** Index of the part in `mime.parts`. */
  index: number;
  path: string;
  filename?: string;
  contentType: string;
  disposition?: string;
  transferEncoding: string;
  /** Body bytes as given (encoded). */
  encodedBytes: number;
  /** Wire size of the whole part (header and encoded body). */
  wireBytes: number;
  content(): Buffer;
}

export interface MimeTree {
  parts: MimePart[];
  /** Parts seen in total (beyond MAX_MIME_PARTS they are counted only). */
  partCount: number;
  maxDepth: number;
  problems: MimeProblem[];
}

export interface UrlDomains {
  /** Registrable domains (tldts), sorted, at most MAX_URL_DOMAINS. */
  domains: string[];
  /** Hosts that are IP addresses. */
  ipHosts: string[];
  /** Distinct URLs seen (href/src attributes and bare http(s) URLs), at most MAX_URLS_SCANNED. */
  urlCount: number;
  /** Distinct domains not listed because of the bound. */
  omitted: number;
}

/** What the report's `target.message` shows. */
export interface MessageSummary {
  fileName?: string;
  /** Registrable domains linked from the HTML and text parts (for reputation checks). */
  links: UrlDomains;
  bytes: number;
  wireBytes: number;
  sha256: string;
  messageId?: string;
  from?: string;
  subject?: string;
}

export interface ParsedMessage {
  summary: MessageSummary;
  wire: WireMeasure;
  header: HeaderBlock;
  fields: MessageFields;
  mime: MimeTree;
  attachments: AttachmentPart[];
  urls: UrlDomains;
  /** The message will be sent with SMTPUTF8 (RFC 6531): raw UTF-8 in headers is then allowed. */
  smtputf8: boolean;
  /** The bytes as given (DKIM verification needs them whole); undefined past MAX_RETAINED_BYTES. */
  raw(): Buffer | undefined;
}

export interface ParseOptions {
  /** File name for the summary (the caller's, e.g. `campaign.eml`). */
  fileName?: string;
  /** The sending MTA uses SMTPUTF8 (default false). */
  smtputf8?: boolean;
  signal?: AbortSignal;
}
