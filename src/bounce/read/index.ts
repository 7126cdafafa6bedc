/**
 * readBounces(): every bounce record in the given paths (files, directories read recursively,
 * maildir included, "-" for standard input), each input recognised by its content (detect.ts):
 * bounce messages (RFC 3464 reports and MTAs' plain-text bounces), mbox files, MTA logs
 * (Postfix, Exim, Sendmail; syslog, journal exports), ESP event exports (SES, SendGrid,
 * Mailgun; JSON or NDJSON). Streamed: memory stays flat whatever the size of a log. What cannot
 * be read is counted (ReadSummary through `onSummary`), never thrown.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { BounceRecord } from '../types.js';
import { detectFormat } from './detect.js';
import { espRecords } from './esp-events.js';
import { jsonObjects } from './json-values.js';
import { DETECT_BYTES, MAX_DIRECTORY_DEPTH, MAX_DIRECTORY_FILES, MAX_MESSAGE_BYTES } from './limits.js';
import { lineBatches } from './lines.js';
import { mboxMessages } from './mbox.js';
import { messageRecords } from './message.js';
import { MtaLogReader } from './mta-log.js';
import { type ReadContext, type ReadSummary, ReadTally } from './problems.js';
import { isoFromEpoch } from './text.js';

export type { ReadProblem, ReadProblemKind, ReadSummary } from './problems.js';

export interface ReadBouncesOptions {
  /** Year of RFC 3164 syslog timestamps, which have none (default: the current year, UTC). */
  year?: number;
  /** What "-" reads (default process.stdin). */
  stdin?: AsyncIterable<Buffer | string>;
  signal?: AbortSignal;
  /** Told once, after the last record, what was read and what could not be. */
  onSummary?: (summary: ReadSummary) => void;
}

/** Chunk size of file reads. */
const READ_CHUNK_BYTES = 1024 * 1024;

export async function* readBounces(
  paths: readonly string[],
  options: ReadBouncesOptions = {},
): AsyncGenerator<BounceRecord> {
  const tally = new ReadTally();
  const year = options.year ?? new Date().getUTCFullYear();
  const context = (path: string): ReadContext => ({
    path,
    year,
    tally,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    for (const path of paths) {
      if (path === '-') {
        yield* counted(readInput(asBuffers(options.stdin ?? process.stdin), context('-')), tally);
        continue;
      }
      for await (const file of inputFiles(path, tally)) {
        options.signal?.throwIfAborted();
        yield* counted(readInput(fileChunks(file), context(file)), tally);
      }
    }
  } finally {
    options.onSummary?.(tally.summary());
  }
}

async function* counted(
  records: AsyncIterable<BounceRecord>,
  tally: ReadTally,
): AsyncGenerator<BounceRecord> {
  for await (const r of records) {
    tally.records++;
    yield r;
  }
}

/** The file itself, or the files of a directory tree (sorted, bounded; symlinked directories not followed). */
async function* inputFiles(path: string, tally: ReadTally): AsyncGenerator<string> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (e) {
    tally.files++;
    tally.problem('unreadable', path, (e as Error).message);
    return;
  }
  if (!info.isDirectory()) {
    yield path;
    return;
  }
  let seen = 0;
  const walk = async function* (dir: string, depth: number): AsyncGenerator<string> {
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch (e) {
      tally.problem('unreadable', dir, (e as Error).message);
      return;
    }
    for (const name of names) {
      const full = join(dir, name);
      const entry = await lstat(full).catch(() => undefined);
      if (!entry) continue;
      if (entry.isDirectory()) {
        if (depth < MAX_DIRECTORY_DEPTH) yield* walk(full, depth + 1);
        else tally.problem('limit-reached', full, `nested deeper than ${MAX_DIRECTORY_DEPTH} directories`);
        continue;
      }
      const file = entry.isSymbolicLink() ? await stat(full).catch(() => undefined) : entry;
      if (!file?.isFile()) continue;
      if (++seen > MAX_DIRECTORY_FILES) {
        tally.problem('limit-reached', path, `more than ${MAX_DIRECTORY_FILES} files; the rest are not read`);
        return;
      }
      yield full;
    }
  };
  for await (const f of walk(path, 0)) {
    if (seen > MAX_DIRECTORY_FILES) return;
    yield f;
  }
}

async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  yield* createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }) as AsyncIterable<Buffer>;
}

async function* asBuffers(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  for await (const c of source) yield typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
}

/** One input, whatever it is: read failures and surprises become problems. */
async function* readInput(
  chunks: AsyncIterable<Buffer>,
  ctx: ReadContext,
  gunzipped = false,
): AsyncGenerator<BounceRecord> {
  if (!gunzipped) ctx.tally.files++;
  const it = chunks[Symbol.asyncIterator]();
  try {
    const { head, rest } = await peek(it);
    const format = detectFormat(head);
    switch (format) {
      case 'empty':
        return;
      case 'gzip':
        if (gunzipped) {
          ctx.tally.problem('binary', ctx.path, 'gzip inside gzip');
          return;
        }
        yield* readInput(gunzip(rest), ctx, true);
        return;
      case 'binary':
        ctx.tally.problem('binary', ctx.path, 'binary content: not a message, log or JSON');
        return;
      case 'json':
        yield* readJson(rest, ctx);
        return;
      case 'mbox':
        yield* readMbox(rest, ctx);
        return;
      case 'message':
        yield* readMessage(rest, ctx);
        return;
      case 'log':
        yield* readLog(rest, ctx);
        return;
    }
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    ctx.tally.problem('unreadable', ctx.path, (e as Error).message);
  } finally {
    await it.return?.();
  }
}

/** The first DETECT_BYTES (or all, if shorter), and the whole stream again. */
async function peek(it: AsyncIterator<Buffer>): Promise<{ head: Buffer; rest: AsyncIterable<Buffer> }> {
  const got: Buffer[] = [];
  let n = 0;
  let done = false;
  while (n < DETECT_BYTES) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    got.push(r.value);
    n += r.value.length;
  }
  const head = Buffer.concat(got);
  const rest = async function* (): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    while (!done) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  };
  return { head, rest: rest() };
}

async function* gunzip(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const z = createGunzip();
  const feed = (async () => {
    try {
      for await (const c of chunks) if (!z.write(c)) await new Promise((r) => z.once('drain', r));
      z.end();
    } catch (e) {
      z.destroy(e as Error);
    }
  })();
  yield* z as AsyncIterable<Buffer>;
  await feed;
}

async function* readLog(chunks: AsyncIterable<Buffer>, ctx: ReadContext): AsyncGenerator<BounceRecord> {
  const log = new MtaLogReader(ctx);
  let line = 0;
  const onCut = () => ctx.tally.problem('line-too-long', ctx.path, 'a line was cut at the bound', line + 1);
  for await (const batch of lineBatches(chunks, onCut)) {
    ctx.signal?.throwIfAborted();
    ctx.tally.lines += batch.length;
    for (const text of batch) {
      line++;
      const records = log.line(text, line);
      for (const r of records) yield r;
    }
  }
  if (log.recognized === 0 && line > 0) {
    ctx.tally.problem('unrecognized', ctx.path, 'no line of a known MTA (Postfix, Exim, Sendmail)');
  }
  if (log.evicted > 0) {
    ctx.tally.problem(
      'limit-reached',
      ctx.path,
      `${log.evicted} queue ids forgotten: their senders are unknown`,
    );
  }
}

async function* readJson(chunks: AsyncIterable<Buffer>, ctx: ReadContext): AsyncGenerator<BounceRecord> {
  const log = new MtaLogReader(ctx);
  const problem = (detail: string, line: number) => ctx.tally.problem('json-invalid', ctx.path, detail, line);
  for await (const batch of jsonObjects(decoded(chunks), problem)) {
    ctx.signal?.throwIfAborted();
    ctx.tally.lines += batch.length;
    for (const { value, line } of batch) {
      const journal = journalEntry(value);
      const records = journal ? log.entry(journal, line) : espRecords(value, { path: ctx.path, line });
      if (records === null)
        ctx.tally.problem(
          'json-unknown-event',
          ctx.path,
          'no SES, SendGrid, Mailgun, Postmark, SparkPost, Mailjet, Mandrill, Brevo or journal event',
          line,
        );
      else for (const r of records) yield r;
    }
  }
}

async function* decoded(chunks: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const d = new StringDecoder('utf8');
  for await (const c of chunks) yield d.write(c);
  const end = d.end();
  if (end) yield end;
}

/** `journalctl -o json`: MESSAGE (a string, or its bytes as numbers), SYSLOG_IDENTIFIER, time in microseconds. */
function journalEntry(
  value: unknown,
): { time: string | null; program: string | null; message: string } | null {
  if (typeof value !== 'object' || value === null || !('MESSAGE' in value)) return null;
  const v = value as Record<string, unknown>;
  const m = v.MESSAGE;
  const message =
    typeof m === 'string'
      ? m
      : Array.isArray(m) && m.every((b) => typeof b === 'number')
        ? Buffer.from(m as number[]).toString('utf8')
        : '';
  const program =
    typeof v.SYSLOG_IDENTIFIER === 'string'
      ? v.SYSLOG_IDENTIFIER
      : typeof v._COMM === 'string'
        ? v._COMM
        : null;
  return { time: isoFromEpoch(v.__REALTIME_TIMESTAMP, 'us'), program, message };
}

async function* readMessage(chunks: AsyncIterable<Buffer>, ctx: ReadContext): AsyncGenerator<BounceRecord> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const c of chunks) {
    if (size + c.length > MAX_MESSAGE_BYTES) {
      parts.push(c.subarray(0, MAX_MESSAGE_BYTES - size));
      ctx.tally.problem('message-too-large', ctx.path, `read up to ${MAX_MESSAGE_BYTES} bytes`);
      break;
    }
    parts.push(c);
    size += c.length;
  }
  yield* messageRecords(Buffer.concat(parts), { path: ctx.path }, ctx);
}

async function* readMbox(chunks: AsyncIterable<Buffer>, ctx: ReadContext): AsyncGenerator<BounceRecord> {
  for await (const m of mboxMessages(chunks)) {
    ctx.signal?.throwIfAborted();
    if (m.truncated)
      ctx.tally.problem('message-too-large', ctx.path, `read up to ${MAX_MESSAGE_BYTES} bytes`, m.line);
    yield* messageRecords(m.bytes, { path: ctx.path, line: m.line }, ctx);
  }
}
