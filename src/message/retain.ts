/**
 * The streamed input kept for decoding parts and verifying DKIM later, in one buffer that grows
 * as chunks arrive. A list of chunks joined at the end held the message twice at that moment,
 * and left the ~640 freed 64 KB chunks of a 40 MB file to the allocator, which seldom gives such
 * memory back: the peak RSS of the parse was ~2.2x the message. Copied into one buffer, each chunk
 * is garbage at once and its memory is reused for the next; with the expected size known (a
 * file), the buffer is allocated once.
 */

/** First capacity when the size is not known (standard input); it doubles from there. */
const INITIAL_CAPACITY = 1024 * 1024;

export class RetainedInput {
  private buffer: Buffer | undefined;
  /** The first chunk, kept by reference: input given in one chunk is never copied. */
  private first: Buffer | undefined;
  private length = 0;
  private dropped = false;

  /**
   * `limit`: beyond it nothing is kept (the parts are then measured, not decodable).
   * `expectedBytes`: the input's size when known; more or less input still works.
   */
  constructor(
    private readonly limit: number,
    private readonly expectedBytes?: number,
  ) {}

  add(chunk: Buffer): void {
    if (this.dropped) return;
    const need = this.length + chunk.length;
    if (need > this.limit) {
      this.dropped = true;
      this.buffer = undefined;
      this.first = undefined;
      return;
    }
    if (this.buffer === undefined && this.first === undefined && this.expectedBytes === undefined) {
      this.first = chunk;
      this.length = need;
      return;
    }
    if (this.buffer === undefined || need > this.buffer.length) this.grow(need);
    chunk.copy(this.buffer as Buffer, this.length);
    this.length = need;
  }

  /** The input, or undefined when it exceeded the limit. */
  result(): Buffer | undefined {
    if (this.dropped) return undefined;
    if (this.first !== undefined) return this.first;
    return (this.buffer ?? Buffer.alloc(0)).subarray(0, this.length);
  }

  private grow(need: number): void {
    const wanted =
      this.buffer === undefined && this.first === undefined && this.expectedBytes !== undefined
        ? Math.max(need, this.expectedBytes)
        : Math.max(need, INITIAL_CAPACITY, 2 * (this.buffer?.length ?? 0));
    // Pages of a large allocation are only resident once written: spare capacity costs no RSS.
    const next = Buffer.allocUnsafeSlow(Math.min(this.limit, wanted));
    if (this.first !== undefined) this.first.copy(next, 0);
    else this.buffer?.copy(next, 0, 0, this.length);
    this.first = undefined;
    this.buffer = next;
  }
}
