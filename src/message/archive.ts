/**
 * Looks inside archives (zip, tar, gzip), recursively and within fixed bounds, to list what a
 * receiver's scanner would find: every entry's name, size and content type. Nothing is written to
 * disk and entry names are never used as paths: a name like "../../x" or one with a NUL is
 * recorded as a finding, not followed. Whatever could not be seen (encrypted entries, a bound
 * reached, corrupt data, rar/7z) is listed in `notInspected`: an archive is never "clean" by
 * omission.
 */
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';
import yauzl from 'yauzl';
import { detectKind, type FileKind, KIND_INFO, SNIFF_HEAD_BYTES, zipFlavour } from './filetype.js';

/** Archives inside archives looked into: the attachment is level 1 (42.zip needs 6 levels to explode). */
export const ARCHIVE_MAX_DEPTH = 5;
/** Entries listed per message, over every archive and level (a zip can declare 65,535 or, zip64, billions). */
export const ARCHIVE_MAX_ENTRIES = 10_000;
/** Decompressed bytes read per message, over every archive and level. */
export const ARCHIVE_MAX_TOTAL_BYTES = 100 * 1024 * 1024;
/** Decompressed bytes held for one nested archive (it is inspected from memory). */
export const ARCHIVE_MAX_ENTRY_BYTES = 32 * 1024 * 1024;
/**
 * Compression ratio above which an entry is treated as a bomb and not decompressed (Apache POI's
 * ZipSecureFile uses the same 1:100 minimum inflate ratio); ordinary documents stay far below it.
 */
export const ARCHIVE_MAX_COMPRESSION_RATIO = 100;
/** Entries smaller than this decompressed are never bombs, whatever their ratio (a zeroed 64 KB file is fine). */
export const ARCHIVE_RATIO_MIN_BYTES = 1024 * 1024;
/** Wall-clock time for all archives of one message. */
export const ARCHIVE_TIME_BUDGET_MS = 10_000;

/** Why part of an archive was not seen. */
export type NotInspectedReason =
  | 'encrypted'
  | 'depth'
  | 'entries'
  | 'total-bytes'
  | 'entry-bytes'
  | 'compression-ratio'
  | 'time'
  | 'corrupt'
  | 'unsupported-format'
  | 'unsupported-compression';

/** Tricks in an entry name; the name is recorded as given and never used as a path. */
export type EntryNameProblem = 'parent-traversal' | 'absolute-path' | 'control-character' | 'bidi-control';

export interface ArchiveEntry {
  /** Names from the attachment down, one per archive level: ['inner.tar', 'bin/setup.exe']. */
  path: string[];
  /** Decompressed size: declared by the zip or tar header; for gzip, what was decompressed. */
  size: number;
  /** Zip only: the stored (compressed) size. */
  compressedSize?: number;
  /** From the content's magic bytes; absent when the content was not read (encrypted, empty, a bound). */
  kind?: FileKind;
  directory?: true;
  encrypted?: true;
  nameProblems?: EntryNameProblem[];
}

export interface NotInspected {
  /** The part not seen: [] is the attachment itself, else the path of an entry. */
  path: string[];
  reason: NotInspectedReason;
  detail: string;
}

export interface ArchiveInspection {
  format: 'zip' | 'tar' | 'gzip';
  /** For a zip: what its entries say it is (docx, jar, apk, ...); otherwise the format's kind. */
  kind: FileKind;
  /** Every entry seen, depth first, at every level. */
  entries: ArchiveEntry[];
  notInspected: NotInspected[];
}

/** What one message may spend on archives; shared by all its attachments. */
export interface ArchiveBudget {
  entries: number;
  bytes: number;
  deadline: number;
  signal?: AbortSignal;
}

export function createArchiveBudget(signal?: AbortSignal, now = Date.now()): ArchiveBudget {
  const budget: ArchiveBudget = { entries: 0, bytes: 0, deadline: now + ARCHIVE_TIME_BUDGET_MS };
  if (signal) budget.signal = signal;
  return budget;
}

/** Where an archive being read sits: its path from the attachment, its nesting level, and the shared state. */
interface Level {
  prefix: string[];
  /** 1 for the attachment itself. */
  depth: number;
  budget: ArchiveBudget;
  out: ArchiveInspection;
}

/** Records an entry (counted against the budget) with the tricks its name carries. */
function addEntry(level: Level, name: string, fields: Omit<ArchiveEntry, 'path'>): ArchiveEntry {
  const entry: ArchiveEntry = { path: [...level.prefix, name], ...fields };
  const problems = entryNameProblems(name);
  if (problems.length > 0) entry.nameProblems = problems;
  level.out.entries.push(entry);
  level.budget.entries++;
  return entry;
}

/** The archive format archive.ts can read for a kind, or undefined. */
export function inspectableFormat(kind: FileKind): ArchiveInspection['format'] | undefined {
  const format = KIND_INFO[kind].archive;
  return format === 'unsupported' ? undefined : format;
}

/**
 * Inspects `data` (the whole archive) as `format`. `name` is the archive's own file name (used
 * to name a gzip's content when its header carries none). Never throws for bad input.
 */
export async function inspectArchive(
  data: Buffer,
  format: ArchiveInspection['format'],
  name: string,
  budget: ArchiveBudget,
): Promise<ArchiveInspection> {
  const out: ArchiveInspection = { format, kind: format, entries: [], notInspected: [] };
  const kind = await inspectLevel(data, format, name, { prefix: [], depth: 1, budget, out });
  if (kind) out.kind = kind;
  return out;
}

export function entryNameProblems(name: string): EntryNameProblem[] {
  const problems: EntryNameProblem[] = [];
  const slashed = name.replace(/\\/g, '/');
  if (slashed.split('/').includes('..')) problems.push('parent-traversal');
  if (slashed.startsWith('/') || /^[a-zA-Z]:/.test(slashed)) problems.push('absolute-path');
  if (/[\x00-\x1f\x7f-\x9f]/.test(name)) problems.push('control-character');
  // Right-to-left overrides make "invoice\u202Efdp.exe" display as "invoiceexe.pdf".
  if (/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(name)) problems.push('bidi-control');
  return problems;
}

type BudgetReason = 'time' | 'entries' | 'total-bytes';

/** Why the budget forbids going on, or undefined. */
function budgetStop(budget: ArchiveBudget): BudgetReason | undefined {
  if (budget.signal?.aborted || Date.now() > budget.deadline) return 'time';
  if (budget.entries >= ARCHIVE_MAX_ENTRIES) return 'entries';
  if (budget.bytes >= ARCHIVE_MAX_TOTAL_BYTES) return 'total-bytes';
  return undefined;
}

const STOP_DETAIL: Record<BudgetReason, string> = {
  time: `the time budget of ${ARCHIVE_TIME_BUDGET_MS / 1000} s for archives ran out, or the run was stopped`,
  entries: `the limit of ${ARCHIVE_MAX_ENTRIES} archive entries per message was reached`,
  'total-bytes': `the limit of ${ARCHIVE_MAX_TOTAL_BYTES / 1024 / 1024} MB decompressed per message was reached`,
};

function stopped(path: string[], reason: BudgetReason): NotInspected {
  return { path, reason, detail: `not inspected further: ${STOP_DETAIL[reason]}` };
}

/** Inspects one archive level; returns the refined kind of a zip. */
async function inspectLevel(
  data: Buffer,
  format: ArchiveInspection['format'],
  name: string,
  level: Level,
): Promise<FileKind | undefined> {
  const { prefix, out } = level;
  const stop = budgetStop(level.budget);
  if (stop) {
    out.notInspected.push(stopped(prefix, stop));
    return undefined;
  }
  try {
    if (format === 'zip') return await inspectZip(data, level);
    if (format === 'tar') await inspectTar(data, level);
    else await inspectGzip(data, name, level);
  } catch (err) {
    out.notInspected.push({
      path: prefix,
      reason: 'corrupt',
      detail: `unreadable ${format}: ${errorText(err)}`,
    });
  }
  return undefined;
}

/**
 * After an entry's head was sniffed: when it is an archive, fetch its whole content (within the
 * bounds) and look inside. `readAll` fetches up to `limit` bytes and says whether that was all.
 */
async function descend(
  entry: ArchiveEntry,
  name: string,
  readAll: (limit: number) => Promise<{ data: Buffer; complete: boolean }>,
  level: Level,
): Promise<void> {
  const { depth, budget, out } = level;
  const kind = entry.kind ?? 'unknown';
  const archive = KIND_INFO[kind].archive;
  if (!archive) return;
  if (archive === 'unsupported') {
    const detail = `${KIND_INFO[kind].label}: its content cannot be inspected here`;
    out.notInspected.push({ path: entry.path, reason: 'unsupported-format', detail });
    return;
  }
  if (depth >= ARCHIVE_MAX_DEPTH) {
    const detail = `nested ${ARCHIVE_MAX_DEPTH} archives deep: deeper levels are not inspected`;
    out.notInspected.push({ path: entry.path, reason: 'depth', detail });
    return;
  }
  if (entry.size > ARCHIVE_MAX_ENTRY_BYTES) {
    const detail = `${entry.size} bytes decompressed, over the ${ARCHIVE_MAX_ENTRY_BYTES / 1024 / 1024} MB read per nested archive`;
    out.notInspected.push({ path: entry.path, reason: 'entry-bytes', detail });
    return;
  }
  const stop = budgetStop(budget);
  if (stop) {
    out.notInspected.push(stopped(entry.path, stop));
    return;
  }
  const limit = Math.min(ARCHIVE_MAX_ENTRY_BYTES, ARCHIVE_MAX_TOTAL_BYTES - budget.bytes);
  const { data, complete } = await readAll(limit);
  budget.bytes += data.length;
  if (!complete) {
    out.notInspected.push(stopped(entry.path, 'total-bytes'));
    return;
  }
  const refined = await inspectLevel(data, archive, name, { ...level, prefix: entry.path, depth: depth + 1 });
  if (refined) entry.kind = refined;
}

function ratioTooHigh(size: number, compressed: number): boolean {
  return size > ARCHIVE_RATIO_MIN_BYTES && size > compressed * ARCHIVE_MAX_COMPRESSION_RATIO;
}

function ratioDetail(size: number, compressed: number): string {
  const ratio = compressed > 0 ? `${Math.round(size / compressed)}:1` : 'unbounded';
  return `compression ratio ${ratio} (${size} bytes from ${compressed}) is over ${ARCHIVE_MAX_COMPRESSION_RATIO}:1: a decompression bomb is not opened`;
}

// ---- zip (yauzl) ----

async function inspectZip(data: Buffer, level: Level): Promise<FileKind> {
  const { prefix, budget, out } = level;
  // decodeStrings: false, because yauzl rejects the whole archive on a "../" name; we decode and
  // judge names ourselves so that such an entry is a finding and the rest is still inspected.
  const zip = await yauzl.fromBufferPromise(data, {
    lazyEntries: true,
    decodeStrings: false,
    validateEntrySizes: true,
  });
  zip.on('error', () => {}); // errors are taken from nextZipEntry's listener; none may go unhandled
  const names: string[] = [];
  try {
    for (;;) {
      const stop = budgetStop(budget);
      if (stop) {
        out.notInspected.push(stopped(prefix, stop));
        break;
      }
      let entry: yauzl.Entry | undefined;
      try {
        entry = await nextZipEntry(zip);
      } catch (err) {
        const text = errorText(err);
        const reason = /encrypt/i.test(text) ? 'encrypted' : 'corrupt';
        out.notInspected.push({
          path: prefix,
          reason,
          detail: `zip directory unreadable after ${names.length} entries: ${text}`,
        });
        break;
      }
      if (!entry) break;
      const name = yauzl.getFileNameLowLevel(
        entry.generalPurposeBitFlag,
        entry.fileNameRaw,
        entry.extraFields,
        true,
      );
      names.push(name);
      await inspectZipEntry(zip, entry, name, level);
    }
  } finally {
    zip.close();
  }
  return zipFlavour(names);
}

function nextZipEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const done = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (e: yauzl.Entry) => {
      done();
      resolve(e);
    };
    const onEnd = () => {
      done();
      resolve(undefined);
    };
    const onError = (err: Error) => {
      done();
      reject(err);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

async function inspectZipEntry(
  zip: yauzl.ZipFile,
  raw: yauzl.Entry,
  name: string,
  level: Level,
): Promise<void> {
  const { budget, out } = level;
  const entry = addEntry(level, name, { size: raw.uncompressedSize, compressedSize: raw.compressedSize });
  if (name.endsWith('/')) {
    entry.directory = true;
    return;
  }
  if (raw.isEncrypted()) {
    entry.encrypted = true;
    out.notInspected.push({
      path: entry.path,
      reason: 'encrypted',
      detail: 'password-protected: its content cannot be scanned',
    });
    return;
  }
  if (raw.uncompressedSize === 0) return;
  if (raw.compressionMethod !== 0 && raw.compressionMethod !== 8) {
    const detail = `compression method ${raw.compressionMethod} is not supported (stored and deflate are)`;
    out.notInspected.push({ path: entry.path, reason: 'unsupported-compression', detail });
    return;
  }
  if (ratioTooHigh(raw.uncompressedSize, raw.compressedSize)) {
    out.notInspected.push({
      path: entry.path,
      reason: 'compression-ratio',
      detail: ratioDetail(raw.uncompressedSize, raw.compressedSize),
    });
    return;
  }
  const read = (limit: number) => readZipEntry(zip, raw, limit);
  try {
    const head = await read(SNIFF_HEAD_BYTES);
    budget.bytes += head.data.length;
    entry.kind = detectKind(head.data);
    await descend(entry, name, read, level);
  } catch (err) {
    out.notInspected.push({
      path: entry.path,
      reason: 'corrupt',
      detail: `unreadable entry: ${errorText(err)}`,
    });
  }
}

async function readZipEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  limit: number,
): Promise<{ data: Buffer; complete: boolean }> {
  const stream = await new Promise<Readable>((resolve, reject) =>
    zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))),
  );
  // Breaking out of the loop destroys the stream: nothing past `limit` is inflated.
  return readCapped(stream, limit);
}

async function readCapped(stream: Readable, limit: number): Promise<{ data: Buffer; complete: boolean }> {
  const chunks: Buffer[] = [];
  let length = 0;
  let complete = true;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    length += chunk.length;
    if (length > limit) {
      complete = false;
      break;
    }
  }
  const data = Buffer.concat(chunks, length);
  return { data: data.length > limit ? data.subarray(0, limit) : data, complete };
}

// ---- tar (tar-stream) ----

async function inspectTar(data: Buffer, level: Level): Promise<void> {
  const { prefix, budget, out } = level;
  const extract = tarExtract();
  extract.end(data);
  // tar-stream's iterator: each entry must be read to its end before the next one arrives.
  for await (const stream of extract) {
    const stop = budgetStop(budget);
    if (stop) {
      out.notInspected.push(stopped(prefix, stop));
      stream.resume();
      break;
    }
    const header = stream.header;
    const entry = addEntry(level, header.name, { size: header.size ?? 0 });
    if (header.type === 'directory') entry.directory = true;
    const isFile = header.type === 'file' || header.type === 'contiguous-file';
    if (!isFile || entry.size === 0) {
      stream.resume();
      continue;
    }
    // Keep at most what could be inspected as a nested archive; the rest is drained from memory.
    const keep = Math.min(
      entry.size,
      ARCHIVE_MAX_ENTRY_BYTES,
      Math.max(0, ARCHIVE_MAX_TOTAL_BYTES - budget.bytes),
    );
    const content = await keepHead(stream, keep, (head) => inspectableFormat(detectKind(head)) !== undefined);
    entry.kind = detectKind(content.subarray(0, SNIFF_HEAD_BYTES));
    budget.bytes += Math.min(content.length, SNIFF_HEAD_BYTES);
    const readAll = async (limit: number) => ({
      data: content.subarray(0, limit),
      complete: content.length === entry.size && content.length <= limit,
    });
    await descend(entry, header.name, readAll, level);
  }
}

/** Reads a stream to its end, keeping only its first `keep` bytes. */
function keepHead(
  stream: NodeJS.EventEmitter,
  keep: number,
  wantAll: (head: Buffer) => boolean,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let limit = keep;
    let decided = keep <= SNIFF_HEAD_BYTES;
    stream.on('data', (chunk: Buffer) => {
      if (kept >= limit) return;
      const part = chunk.subarray(0, limit - kept);
      chunks.push(part);
      kept += part.length;
      // Once the head is in, only a nested archive is worth keeping whole.
      if (!decided && kept >= SNIFF_HEAD_BYTES) {
        decided = true;
        if (!wantAll(Buffer.concat(chunks, kept))) limit = kept;
      }
    });
    stream.on('end', () => resolve(Buffer.concat(chunks, kept)));
    stream.on('error', reject);
  });
}

// ---- gzip (node:zlib) ----

/** RFC 1952 2.3.1: FLG bits and the fixed header length. */
const GZIP_FLAG_EXTRA = 0x04;
const GZIP_FLAG_NAME = 0x08;
const GZIP_HEADER_BYTES = 10;
/** Longest FNAME read from a gzip header (it is NUL-terminated and unbounded by the format). */
const GZIP_MAX_NAME_BYTES = 1024;

async function inspectGzip(data: Buffer, name: string, level: Level): Promise<void> {
  const { budget, out } = level;
  const inner = gzipMemberName(data) ?? gzipContentName(name);
  const entry = addEntry(level, inner, { size: 0, compressedSize: data.length });
  const limit = Math.min(ARCHIVE_MAX_ENTRY_BYTES, Math.max(0, ARCHIVE_MAX_TOTAL_BYTES - budget.bytes));
  const gunzip = createGunzip();
  gunzip.end(data);
  const chunks: Buffer[] = [];
  let length = 0;
  let cut: NotInspected | undefined;
  for await (const chunk of gunzip as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    length += chunk.length;
    if (budgetStop(budget) === 'time') {
      cut = stopped(entry.path, 'time');
    } else if (ratioTooHigh(length, data.length)) {
      cut = { path: entry.path, reason: 'compression-ratio', detail: ratioDetail(length, data.length) };
    } else if (length > limit) {
      cut =
        limit < ARCHIVE_MAX_ENTRY_BYTES
          ? stopped(entry.path, 'total-bytes')
          : {
              path: entry.path,
              reason: 'entry-bytes',
              detail: `over the ${ARCHIVE_MAX_ENTRY_BYTES / 1024 / 1024} MB read per nested file`,
            };
    }
    if (cut) break;
  }
  const content = Buffer.concat(chunks, length);
  budget.bytes += content.length;
  entry.size = content.length;
  entry.kind = detectKind(content.subarray(0, SNIFF_HEAD_BYTES));
  if (cut) {
    out.notInspected.push(cut);
    return;
  }
  await descend(entry, inner, async () => ({ data: content, complete: true }), level);
}

/** The original file name stored in a gzip header (RFC 1952 2.3.1 FNAME), if any. */
function gzipMemberName(data: Buffer): string | undefined {
  if (data.length < GZIP_HEADER_BYTES) return undefined;
  const flags = data[3] ?? 0;
  if (!(flags & GZIP_FLAG_NAME)) return undefined;
  let at = GZIP_HEADER_BYTES;
  if (flags & GZIP_FLAG_EXTRA) at += 2 + data.readUInt16LE(Math.min(at, data.length - 2));
  const end = data.indexOf(0, at);
  if (end < 0 || end - at > GZIP_MAX_NAME_BYTES) return undefined;
  // RFC 1952: FNAME is ISO 8859-1.
  return data.subarray(at, end).toString('latin1') || undefined;
}

/** "x.tar.gz" holds "x.tar", "x.tgz" holds "x.tar", "x.gz" holds "x". */
function gzipContentName(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  if (/\.(tgz|taz)$/i.test(base)) return `${base.slice(0, -4)}.tar`;
  if (/\.(gz|gzip|z)$/i.test(base)) return base.replace(/\.(gz|gzip|z)$/i, '');
  return `${base || 'content'} (decompressed)`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
