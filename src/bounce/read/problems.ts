/**
 * What the readers could not read, counted: readBounces reports these through its summary
 * callback instead of throwing, so one bad file never hides the others' bounces.
 */
import { MAX_PROBLEM_EXAMPLES } from './limits.js';

export type ReadProblemKind =
  /** The path could not be opened or read (missing, permission, a device). */
  | 'unreadable'
  /** Binary content (NUL or control bytes): not a message, a log or JSON. */
  | 'binary'
  /** Text that no reader recognises (no bounce line, no message header, no JSON event). */
  | 'unrecognized'
  /** A message that is not a bounce (no report part, no recipient block, no bounce sender or subject). */
  | 'not-a-bounce'
  /** A multipart/report without a readable delivery-status part, or a status part without recipients. */
  | 'malformed-report'
  /** A bounce whose text names neither a status nor a reply code. */
  | 'no-status'
  /** A line longer than MAX_LINE_CHARS (cut there). */
  | 'line-too-long'
  /** A message longer than MAX_MESSAGE_BYTES (read up to there). */
  | 'message-too-large'
  /** A JSON value that does not parse, or is larger than MAX_JSON_VALUE_CHARS. */
  | 'json-invalid'
  /** A JSON value that is no known event (SES, SendGrid, Mailgun, journal). */
  | 'json-unknown-event'
  /** A bound on files, recipients or remembered queue ids was reached. */
  | 'limit-reached';

export interface ReadProblem {
  kind: ReadProblemKind;
  path: string;
  line?: number;
  detail: string;
}

export interface ReadSummary {
  /** Files (and standard input) opened. */
  files: number;
  records: number;
  /** Lines read from logs and NDJSON. */
  lines: number;
  problems: number;
  problemsByKind: Partial<Record<ReadProblemKind, number>>;
  /** The first MAX_PROBLEM_EXAMPLES problems. */
  examples: ReadProblem[];
}

/** Collects the counts of one readBounces run. */
export class ReadTally {
  files = 0;
  records = 0;
  lines = 0;
  private problems = 0;
  private readonly byKind: Partial<Record<ReadProblemKind, number>> = {};
  private readonly examples: ReadProblem[] = [];

  problem(kind: ReadProblemKind, path: string, detail: string, line?: number): void {
    this.problems++;
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
    if (this.examples.length < MAX_PROBLEM_EXAMPLES) {
      this.examples.push({ kind, path, ...(line !== undefined ? { line } : {}), detail });
    }
  }

  summary(): ReadSummary {
    return {
      files: this.files,
      records: this.records,
      lines: this.lines,
      problems: this.problems,
      problemsByKind: { ...this.byKind },
      examples: [...this.examples],
    };
  }
}

/** What a reader of one input needs: where it reads from, the year for dates without one, the tally. */
export interface ReadContext {
  path: string;
  /** RFC 3164 timestamps carry no year: this one is used. */
  year: number;
  tally: ReadTally;
  signal?: AbortSignal;
}
