/**
 * Text lines from a byte stream, in batches (one per chunk, so a 2 GB log costs one await per
 * chunk, not per line), each line bounded: a longer line is cut at `maxChars`, the rest of it
 * skipped, and `onCut` told. Memory is one chunk plus one bounded partial line.
 */
import { StringDecoder } from 'node:string_decoder';
import { MAX_LINE_CHARS } from './limits.js';

export async function* lineBatches(
  chunks: AsyncIterable<Buffer>,
  onCut: () => void,
  maxChars = MAX_LINE_CHARS,
): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  /** Inside a line that was already cut: drop up to its end. */
  let skipping = false;
  const take = (line: string, out: string[]): void => {
    const l = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (l.length > maxChars) {
      onCut();
      out.push(l.slice(0, maxChars));
    } else out.push(l);
  };
  for await (const chunk of chunks) {
    const text = carry + decoder.write(chunk);
    const out: string[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      if (skipping) skipping = false;
      else take(text.slice(start, nl), out);
      start = nl + 1;
    }
    carry = text.slice(start);
    if (carry.length > maxChars) {
      if (!skipping) {
        onCut();
        out.push(carry.slice(0, maxChars));
        skipping = true;
      }
      carry = '';
    }
    if (out.length > 0) yield out;
  }
  const rest = carry + decoder.end();
  if (rest !== '' && !skipping) {
    const out: string[] = [];
    take(rest, out);
    yield out;
  }
}
