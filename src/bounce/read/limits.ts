/**
 * Every bound of the bounce readers, in one place. A bound that is reached is counted as a
 * problem (see ReadSummary), never a crash: the readers go on with what fits.
 */

/** Characters of one log or NDJSON line read; a longer line is cut there and counted. */
export const MAX_LINE_CHARS = 64 * 1024;
/** Characters kept of a diagnostic (RFC 5321 4.5.3.1.5: a reply line is 512 octets; multi-line replies are longer). */
export const MAX_DIAGNOSTIC_CHARS = 2_000;
/** RFC 5321 4.5.3.1.1-2: local part 64 octets, domain 255, plus "@". */
export const MAX_ADDRESS_CHARS = 320;
/** Bytes of one bounce message read (a bounce carrying a 40 MB original is cut: the report comes first). */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
/** Characters of a bounce's human-readable text searched for recipients and replies. */
export const MAX_BOUNCE_TEXT_CHARS = 256 * 1024;
/** Recipient blocks read from one DSN (RFC 3464 sets no limit; 10,000 must stay linear). */
export const MAX_DSN_RECIPIENTS = 100_000;
/** Files read from one directory tree (maildir included). */
export const MAX_DIRECTORY_FILES = 100_000;
/** Directory nesting followed (maildir++ folders are two levels). */
export const MAX_DIRECTORY_DEPTH = 16;
/** Queue ids (Postfix, Sendmail) or message ids (Exim) whose sender and deferrals are remembered. */
export const MAX_TRACKED_MESSAGES = 200_000;
/** Deferred recipients remembered per queued message (for "expired" lines). */
export const MAX_DEFERRED_PER_MESSAGE = 1_000;
/** Characters of one JSON value (an event, a journal entry, an SNS envelope). */
export const MAX_JSON_VALUE_CHARS = 16 * 1024 * 1024;
/** Bytes read to decide what a file is. */
export const DETECT_BYTES = 64 * 1024;
/** Problem examples kept in the summary (all problems are counted). */
export const MAX_PROBLEM_EXAMPLES = 20;
