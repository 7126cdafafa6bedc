/**
 * An MTA log read line by line: each line's syslog prefix (syslog.ts) taken off, then handed to
 * the Postfix, Exim and Sendmail readers in turn. One log may mix them (a syslog file).
 */
import type { BounceRecord } from '../types.js';
import { EximLogReader } from './exim-log.js';
import { PostfixLogReader } from './postfix-log.js';
import type { ReadContext } from './problems.js';
import { SendmailLogReader } from './sendmail-log.js';
import { type LogEntry, parseLogLine } from './syslog.js';

export class MtaLogReader {
  private readonly postfix = new PostfixLogReader();
  private readonly exim = new EximLogReader();
  private readonly sendmail = new SendmailLogReader();
  /** Lines one of the readers knew (an MTA's line, bounce or not). */
  recognized = 0;

  constructor(private readonly ctx: ReadContext) {}

  line(text: string, line: number): BounceRecord[] {
    return this.entry(parseLogLine(text, this.ctx.year), line);
  }

  entry(entry: LogEntry, line: number): BounceRecord[] {
    const source = { path: this.ctx.path, line };
    const records =
      this.postfix.read(entry, source) ?? this.exim.read(entry, source) ?? this.sendmail.read(entry, source);
    if (records) this.recognized++;
    return records ?? [];
  }

  /** Queue ids forgotten because of the bound (their sender or deferrals were lost). */
  get evicted(): number {
    return this.postfix.evicted;
  }
}
