/**
 * The JSON objects of a stream, one at a time: NDJSON (one per line), one object, a top-level
 * array of objects (a SendGrid webhook batch), or several of these one after the other. Objects
 * are cut out by bracket depth (strings and escapes respected) and parsed one by one, so a 2 GB
 * array costs one object of memory. Each comes with the line it starts on.
 */
import { MAX_JSON_VALUE_CHARS } from './limits.js';

export interface JsonValue {
  value: unknown;
  line: number;
}

export type JsonProblem = (detail: string, line: number) => void;

export async function* jsonObjects(
  chunks: AsyncIterable<string>,
  problem: JsonProblem,
): AsyncGenerator<JsonValue[]> {
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** Depth at which the objects we return start (0, or 1 inside a top-level array). */
  let base = 0;
  let line = 1;
  /** The object being cut out: its pieces so far, where it started, whether it grew too big. */
  let pieces: string[] | null = null;
  let size = 0;
  let startLine = 0;
  let tooBig = false;
  /** Garbage at the top level: skip to the end of the line (one problem per line). */
  let skippingLine = false;
  /**
   * NDJSON: the first object began and ended on one line at the top level. From then on a line
   * end closes whatever is open (JSON strings hold no raw line ends), so one broken line costs
   * one line, not the rest of the file.
   */
  let ndjson: boolean | undefined;

  for await (const chunk of chunks) {
    const out: JsonValue[] = [];
    let from = -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 0x0a) {
        line++;
        skippingLine = false;
        if (ndjson && (depth > 0 || inString)) {
          problem('the line ends inside a JSON object', line - 1);
          depth = 0;
          base = 0;
          inString = false;
          escaped = false;
          pieces = null;
          from = -1;
          continue;
        }
      }
      if (skippingLine) continue;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) inString = false;
        continue;
      }
      if (c === 0x22) {
        if (depth === 0) {
          problem('a string outside any object', line);
          skippingLine = true;
        } else inString = true;
      } else if (c === 0x7b || c === 0x5b) {
        if (depth === base && c === 0x7b) {
          pieces = [];
          size = 0;
          from = i;
          startLine = line;
          tooBig = false;
        }
        if (depth === 0 && c === 0x5b) base = 1;
        depth++;
      } else if (c === 0x7d || c === 0x5d) {
        if (depth === 0) {
          problem('a closing bracket without an opening one', line);
          skippingLine = true;
          continue;
        }
        depth--;
        if (depth === 0) base = 0;
        if (pieces && depth === base && c === 0x7d) {
          const text = pieces.join('') + chunk.slice(Math.max(from, 0), i + 1);
          ndjson ??= base === 0 && startLine === line;
          if (tooBig || size + (i + 1 - Math.max(from, 0)) > MAX_JSON_VALUE_CHARS) {
            problem(`an object over ${MAX_JSON_VALUE_CHARS} characters`, startLine);
          } else {
            try {
              out.push({ value: JSON.parse(text), line: startLine });
            } catch (e) {
              problem((e as Error).message, startLine);
            }
          }
          pieces = null;
          from = -1;
        }
      } else if (
        depth === 0 &&
        c !== 0x20 &&
        c !== 0x09 &&
        c !== 0x0d &&
        c !== 0x0a &&
        c !== 0x2c &&
        c !== 0xfeff
      ) {
        problem('text outside any JSON object', line);
        skippingLine = true;
      }
    }
    if (pieces) {
      const rest = chunk.slice(Math.max(from, 0));
      size += rest.length;
      if (size > MAX_JSON_VALUE_CHARS) tooBig = true;
      else pieces.push(rest);
      if (tooBig) pieces.length = 0;
    }
    if (out.length > 0) yield out;
  }
  if (pieces || depth > 0) problem('the input ends inside a JSON value', line);
}
