/**
 * `mail-preflight recipients FILE`: check a recipient list before a campaign (syntax, the
 * domains' mail setup through DNS, typos, role, disposable and duplicate addresses) in one
 * streamed pass, and print text, JSON (reports/schema/recipients-v1.json) or CSV. JSON and CSV
 * are written as results arrive; the text report at the end. No mailbox is probed over SMTP.
 *
 * Exit codes, as for bounces: 0 whenever the check ran, whatever the addresses are, unless
 * --fail-on: 1 when an address is at or above it. 64: bad usage or an unreadable list.
 */

import { once } from 'node:events';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  openSync,
  readSync,
  statSync,
  type WriteStream,
} from 'node:fs';
import { recipientsCsvHeader, recipientsCsvRow } from '../../reports/recipients-csv.js';
import { recipientsJsonHead, recipientsJsonItem, recipientsJsonTail } from '../../reports/recipients-json.js';
import { MAX_TEXT_ADDRESSES, renderRecipientsText } from '../../reports/recipients-text.js';
import { UsageError } from '../errors.js';
import { type FleetProgress, ProgressReporter, progressMode } from '../fleet/progress.js';
import {
  checkRecipients,
  RecipientInputError,
  type RecipientResult,
  type RecipientStatus,
} from '../index.js';
import { sectionHelp, sharedWithAuditHelp } from './help.js';
import type { StdinSource } from './message.js';
import { parseCommand } from './parse.js';
import { EXIT_FINDINGS, EXIT_OK } from './report-output.js';

/** The argument that names standard input. */
const STDIN_ARG = '-';
/** Bytes read at a time when counting a file's lines for the progress total. */
const LINE_COUNT_CHUNK_BYTES = 1 << 20;

export const RECIPIENTS_HELP = `Recipients:
  mail-preflight recipients FILE [options]
                          check a recipient list before sending: syntax, the domains'
                          MX/null MX/addresses through DNS, typos, role, disposable and
                          duplicate addresses. FILE is a CSV with a header (column "email"
                          or --column) or one address per line; "-" is stdin. No mailbox
                          is probed over SMTP (RCPT TO): receivers treat that as abuse.

Recipients options:
${sectionHelp('recipients')}${sharedWithAuditHelp('recipients', 'recipients')}
  Exit code 0 whenever the check ran, whatever the addresses; with --fail-on, 1 when an
  address is at or above it. 64: bad usage or a list that cannot be read.
`;

export interface RecipientsCommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  stdin?: StdinSource;
}

/** Statuses that make --fail-on fail. */
const FAILING: Record<'undeliverable' | 'risky', ReadonlySet<RecipientStatus>> = {
  undeliverable: new Set(['invalid', 'undeliverable']),
  risky: new Set(['invalid', 'undeliverable', 'risky', 'unknown']),
};

/** Line breaks in a file (the progress total); the list is read again by the check. */
function countLines(path: string): number {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(LINE_COUNT_CHUNK_BYTES);
  let lines = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      for (let at = buf.indexOf(10, 0); at >= 0 && at < n; at = buf.indexOf(10, at + 1)) lines++;
    }
  } finally {
    closeSync(fd);
  }
  return lines + 1;
}

/** Where the output goes: stdout, or a file written with back-pressure. */
interface Sink {
  write(s: string): void | Promise<void>;
  close(): Promise<void>;
}

function sinkOf(path: string | undefined, io: RecipientsCommandIo): Sink {
  if (path === undefined) return { write: (s) => io.stdout(s), close: async () => {} };
  let stream: WriteStream;
  try {
    // Fails at once on a bad path: open it synchronously first.
    closeSync(openSync(path, 'w'));
    stream = createWriteStream(path);
  } catch (err) {
    throw new UsageError(`cannot write ${path}: ${(err as Error).message}`);
  }
  return {
    write: async (s) => {
      if (!stream.write(s)) await once(stream, 'drain');
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
      }),
  };
}

export async function recipientsCommand(
  args: string[],
  io: RecipientsCommandIo,
  help: string,
): Promise<number> {
  const { values, positionals } = parseCommand('recipients', args);
  if (values.help) {
    io.stdout(help);
    return EXIT_OK;
  }
  if (positionals.length !== 1)
    throw new UsageError(`recipients takes one FILE (or - for stdin), got ${positionals.length}`);
  const path = positionals[0] as string;
  let input: AsyncIterable<Uint8Array | string>;
  let total: number | undefined;
  if (path === STDIN_ARG) input = io.stdin ?? process.stdin;
  else {
    try {
      if (!statSync(path).isFile()) throw new Error('not a file');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(
        `cannot read ${path}: ${code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`,
      );
    }
    input = createReadStream(path);
  }
  const format = values.json ? 'json' : (values.format ?? 'text');
  const toStdout = values.output === undefined;
  // A bar redrawn on stderr would tear output streamed to the same terminal.
  const quiet = Boolean(values.quiet) || (toStdout && format !== 'text' && io.isTty);
  const mode = progressMode({ isTty: io.isTty, env: io.env, quiet });
  if (mode !== 'quiet' && path !== STDIN_ARG) total = countLines(path);
  const reporter = new ProgressReporter({
    write: io.stderr,
    mode,
    labels: { name: 'recipients', failed: 'not ok' },
  });
  const progress: FleetProgress = {
    total: total ?? 0,
    done: 0,
    resumed: 0,
    failures: 0,
    startedAtMs: Date.now(),
  };

  const sink = sinkOf(values.output, io);
  const listed: RecipientResult[] = [];
  let count = 0;
  let failed = false;
  const failing = values['fail-on'] !== undefined ? FAILING[values['fail-on']] : undefined;
  if (format === 'json') await sink.write(recipientsJsonHead());
  if (format === 'csv') await sink.write(recipientsCsvHeader());
  let summary: Awaited<ReturnType<typeof checkRecipients>>;
  try {
    summary = await checkRecipients(input, {
      ...(values.column !== undefined ? { column: values.column } : {}),
      ...(values['no-dns'] ? { noDns: true } : {}),
      // A regular file is read a second time by a worker that starts its domains' lookups early.
      ...(path !== STDIN_ARG ? { prefetchFile: path } : {}),
      probeOptions: {
        ...(values.resolver ? { resolvers: values.resolver } : {}),
        ...(values.timeout !== undefined ? { timeoutMs: values.timeout } : {}),
        noSmtp: true,
      },
      onResult: async (r) => {
        if (failing?.has(r.status)) failed = true;
        progress.done++;
        progress.total = Math.max(progress.total, progress.done);
        if (r.status !== 'ok') progress.failures++;
        reporter.update(progress);
        if (format === 'json') await sink.write(recipientsJsonItem(r, count === 0));
        else if (format === 'csv') await sink.write(recipientsCsvRow(r));
        else if (r.status !== 'ok' && listed.length < MAX_TEXT_ADDRESSES) listed.push(r);
        count++;
      },
    });
  } catch (err) {
    await sink.close();
    if (err instanceof RecipientInputError) throw new UsageError(`${path}: ${err.message}`);
    throw err;
  }
  progress.total = progress.done;
  reporter.finish(progress);
  if (format === 'json') await sink.write(recipientsJsonTail(summary, count));
  else if (format === 'text') await sink.write(renderRecipientsText(summary, listed));
  await sink.close();
  if (!toStdout) io.stderr(`mail-preflight: ${format} recipient check written to ${values.output}\n`);
  return failed ? EXIT_FINDINGS : EXIT_OK;
}
