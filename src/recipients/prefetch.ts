/**
 * The list's domains first: a second, independent read of a recipient list file, on a worker
 * thread, that finds the domains ahead of the per-address work so that their DNS questions are
 * asked at the speed of the resolver rather than at the speed of the per-address judgement.
 *
 * The per-address pass (check.ts) stays the one source of truth: the prefetch only starts the
 * same DomainJudge lookups earlier, so every domain is still judged once and every address is
 * still judged by its own parse. The worker is deliberately simple and lenient in what it
 * skips: a record it cannot read cheaply (quotes in a CSV row, a U-label domain, an over-long
 * line, anything not a plain ASCII host name) is left to the main pass, which asks for it as
 * before. It is an optimisation only: any failure of it (a file that cannot be opened, a worker
 * that dies) ends it quietly and the run goes on as without it.
 *
 * Bounded: the worker reads 1 MiB at a time and drops lines over MAX_PREFETCH_LINE_BYTES; it
 * remembers at most MAX_PREFETCH_SEEN domains (then forgets them all: a repeat is only a cache
 * hit in the judge); it sends PREFETCH_BATCH domains at a time and waits for an acknowledgement
 * before the next batch, which the caller withholds while its DNS queue or its unconsumed
 * lookups are full.
 */
import { Worker } from 'node:worker_threads';
import type { InputFormat } from './read.js';

/** Domains per message from the worker. */
export const PREFETCH_BATCH = 512;
/** Distinct domains the worker remembers before it forgets them all. */
export const MAX_PREFETCH_SEEN = 500_000;
/** Lines longer than this (bytes) are skipped by the worker (the main pass reports them). */
export const MAX_PREFETCH_LINE_BYTES = 65_536;

/** What the worker is told: the file and the format the main pass found in its first line. */
interface PrefetchWorkerData {
  path: string;
  csv: boolean;
  /** The separator's byte (CSV). */
  separator: number;
  /** The address column's index (CSV). */
  column: number;
  batch: number;
  maxSeen: number;
  maxLine: number;
}

/**
 * The worker's code, plain JavaScript run with `eval` (no module loading, so it runs the same
 * from the TypeScript sources, the tests and the compiled package). It imports nothing of ours.
 */
const WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const d = workerData;
const NL = 10, CR = 13, AT = 64, QUOTE = 34, SPACE = 32, TAB = 9, DOT = 46, DASH = 45;
let stopped = false;
let ack = null;
parentPort.on('message', (m) => {
  if (m === 'stop') stopped = true;
  if (ack) { const a = ack; ack = null; a(); }
});
const seen = new Set();
let batch = [];
async function flush() {
  if (batch.length === 0) return;
  const out = batch;
  batch = [];
  await new Promise((resolve) => { ack = resolve; parentPort.postMessage(out); });
}
function domainOf(buf, s, e) {
  while (s < e && (buf[s] === SPACE || buf[s] === TAB)) s++;
  while (e > s && (buf[e - 1] === SPACE || buf[e - 1] === TAB)) e--;
  let at = e - 1;
  while (at >= s && buf[at] !== AT) at--;
  const ds = at + 1;
  if (at < s || ds >= e || e - ds > 253) return undefined;
  // A plain ASCII host name of two labels or more (LDH, 1-63 octets a label), else undefined.
  let upper = false, label = 0, dots = 0, prev = DOT;
  for (let i = ds; i < e; i++) {
    const c = buf[i];
    if (c === DOT) {
      if (label === 0 || prev === DASH) return undefined;
      label = 0;
      dots++;
    } else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) label++;
    else if (c >= 65 && c <= 90) { label++; upper = true; }
    else if (c === DASH && label > 0) label++;
    else return undefined;
    if (label > 63) return undefined;
    prev = c;
  }
  if (label === 0 || prev === DASH || dots === 0) return undefined;
  const name = buf.latin1Slice(ds, e);
  return upper ? name.toLowerCase() : name;
}
let inQuotes = false;
let header = d.csv;
function line(buf, s, e) {
  if (e > s && buf[e - 1] === CR) e--;
  if (header) { header = false; return undefined; }
  if (!d.csv) return domainOf(buf, s, e);
  // Searches stay inside the line (a Buffer's indexOf would scan to the end of the chunk).
  let quotes = 0;
  for (let i = s; i < e; i++) if (buf[i] === QUOTE) quotes++;
  if (inQuotes || quotes > 0) {
    if (quotes % 2 === 1) inQuotes = !inQuotes;
    return undefined;
  }
  let fs = s;
  for (let i = 0; i < d.column; i++) {
    while (fs < e && buf[fs] !== d.separator) fs++;
    if (fs >= e) return undefined;
    fs++;
  }
  let fe = fs;
  while (fe < e && buf[fe] !== d.separator) fe++;
  return domainOf(buf, fs, fe);
}
async function main() {
  let fd;
  try { fd = openSync(d.path, 'r'); } catch { parentPort.postMessage({ done: true, lines: 0 }); return; }
  const size = 1 << 20;
  let buf = Buffer.allocUnsafe(size + d.maxLine);
  let carry = 0;
  let skipping = false;
  let lines = 0;
  let first = true;
  try {
    for (;;) {
      if (stopped) break;
      const n = readSync(fd, buf, carry, size, null);
      const end = carry + n;
      let s = 0;
      if (first && end >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) s = 3;
      first = false;
      for (;;) {
        const nl = buf.indexOf(NL, s);
        if (nl < 0 || nl >= end) break;
        lines++;
        if (skipping) skipping = false;
        else if (nl - s <= d.maxLine) {
          const name = line(buf, s, nl);
          if (name !== undefined && !seen.has(name)) {
            if (seen.size >= d.maxSeen) seen.clear();
            seen.add(name);
            batch.push(name);
            if (batch.length >= d.batch) await flush();
            if (stopped) break;
          }
        }
        s = nl + 1;
      }
      if (n === 0) {
        if (s < end && !skipping) {
          lines++;
          const name = line(buf, s, end);
          if (name !== undefined && !seen.has(name)) batch.push(name);
        }
        break;
      }
      carry = end - s;
      if (carry > d.maxLine) { carry = 0; skipping = true; }
      else buf.copy(buf, 0, s, end);
    }
    await flush();
  } finally {
    closeSync(fd);
  }
  parentPort.postMessage({ done: true, lines });
}
main().catch(() => parentPort.postMessage({ done: true, lines: -1 }));
`;

export interface PrefetchOptions {
  /** The list file (read again, from its start, by the worker). */
  path: string;
  /** The format the main pass found (utf-8 only: other encodings are not prefetched). */
  format: InputFormat;
  /** New domains (lower case, ASCII host names): start their lookups, resolve when the next batch may come. */
  onDomains: (domains: string[]) => void | Promise<void>;
  signal?: AbortSignal;
}

export interface Prefetch {
  /** Resolves when the worker has read the whole file, stopped, or failed (never rejects). */
  done: Promise<{ lines: number }>;
  /** True until `done` resolves. */
  readonly active: boolean;
  stop(): void;
}

/** Starts the prefetch, or returns undefined when the format is not one it reads. */
export function startPrefetch(options: PrefetchOptions): Prefetch | undefined {
  const { format } = options;
  if (format.encoding !== 'utf-8') return undefined;
  const csv = format.format === 'csv';
  if (
    csv &&
    (format.separator === undefined || format.separator.length !== 1 || format.columnIndex === undefined)
  )
    return undefined;
  const data: PrefetchWorkerData = {
    path: options.path,
    csv,
    separator: csv ? (format.separator as string).charCodeAt(0) : 0,
    column: format.columnIndex ?? 0,
    batch: PREFETCH_BATCH,
    maxSeen: MAX_PREFETCH_SEEN,
    maxLine: MAX_PREFETCH_LINE_BYTES,
  };
  let active = true;
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: data });
  } catch {
    return undefined;
  }
  const stop = (): void => {
    if (!active) return;
    worker.postMessage('stop');
    void worker.terminate();
  };
  const onAbort = (): void => stop();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const done = new Promise<{ lines: number }>((resolve) => {
    let lines = 0;
    const finish = (): void => {
      if (!active) return;
      active = false;
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ lines });
    };
    worker.on('message', (message: string[] | { done: true; lines: number }) => {
      if (!Array.isArray(message)) {
        lines = message.lines;
        void worker.terminate();
        finish();
        return;
      }
      Promise.resolve()
        .then(() => options.onDomains(message))
        .catch(() => stop())
        .finally(() => {
          if (active) worker.postMessage('ack');
        });
    });
    worker.on('error', finish);
    worker.on('exit', finish);
  });
  return {
    done,
    get active() {
      return active;
    },
    stop,
  };
}
