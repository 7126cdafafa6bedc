/**
 * Realistic campaign messages of an exact size for the message benchmark, streamed to a file
 * (never held as one string or Buffer): a multipart/mixed message with a text and an HTML part
 * (the HTML pads the message to the asked size) and one base64 attachment, either PDF-like bytes
 * or a zip of many files (documents, images, notes and a nested zip: an archive to inspect).
 * Optionally DKIM-signed (relaxed/relaxed, rsa-sha256) by mailauth's signer, which reads the
 * message as a stream and keeps only the header block and the hash states.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, rmSync, statSync, type WriteStream } from 'node:fs';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { dkimSign } from 'mailauth';
import { ZipWriter } from './zip-writer.js';

export type AttachmentKind = 'pdf' | 'zip';
export type LineEnd = 'crlf' | 'lf';

export interface DkimSigningKey {
  domain: string;
  selector: string;
  /** PKCS#8 PEM. */
  privateKey: string;
}

export interface MessageSpec {
  /** Size of the file, exactly. */
  bytes: number;
  /** The attachment's decoded size, exactly (base64 makes it ~4/3 of this in the message). */
  attachment: { kind: AttachmentKind; bytes: number };
  eol: LineEnd;
  dkim?: DkimSigningKey;
  /** Seeds the attachment's pseudo-random bytes (default 1): the same spec gives the same file. */
  seed?: number;
}

export interface GeneratedMessage {
  file: string;
  bytes: number;
  attachmentName: string;
  attachmentBytes: number;
  /** Files in the zip (its nested zip's entries not counted); undefined for a PDF. */
  zipEntries?: number;
  signed: boolean;
}

/** The domain the messages come from; the benchmark's lab serves it. */
export const BENCH_FROM_DOMAIN = 'shop.example';
/** RFC 2045 6.8: encoded lines are at most 76 characters; 57 bytes make exactly 76. */
const BASE64_LINE_CHARS = 76;
const BASE64_LINE_BYTES = 57;
/** Read size of the attachment file while encoding: whole lines only. */
const ENCODE_READ_BYTES = BASE64_LINE_BYTES * 1024;
/** Length of an HTML filler line (RFC 5322 2.1.1 recommends 78 at most). */
const HTML_LINE_CHARS = 76;
/** One PDF stream object's data; pseudo-random bytes look like compressed content. */
const PDF_STREAM_BYTES = 64 * 1024;
/** Sizes of the zip's files: documents and images (stored) and notes (deflated). */
const ZIP_BINARY_ENTRY_BYTES = 48 * 1024;
const ZIP_TEXT_ENTRY_BYTES = 16 * 1024;
/** The nested zip: small text files, placed early in the outer archive. */
const NESTED_ZIP_ENTRIES = 20;
const NESTED_ZIP_POSITION = 10;
/** Largest write handed to the file stream at once. */
const WRITE_CHUNK_BYTES = 1024 * 1024;
const MIXED_BOUNDARY = '=_mixed_bench_0001';
const ALT_BOUNDARY = '=_alt_bench_0001';
/** Fixed signing time: the t= tag (and so the signature's length) does not vary between runs. */
const SIGN_TIME = new Date('2026-01-05T10:00:00Z');
const SIGNED_HEADERS = [
  'from',
  'to',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'list-unsubscribe',
  'list-unsubscribe-post',
  'content-type',
];

/** Deterministic pseudo-random bytes: AES-128-CTR keystream of a key derived from the seed. */
export class ByteStream {
  private readonly cipher;
  constructor(seed: number) {
    const key = createHash('sha256').update(`mail-preflight bench ${seed}`).digest().subarray(0, 16);
    this.cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  }
  next(n: number): Buffer {
    return this.cipher.update(Buffer.alloc(n));
  }
}

/** A file written through its stream with back-pressure honoured. */
class Sink {
  private readonly ws: WriteStream;
  written = 0;
  constructor(path: string) {
    this.ws = createWriteStream(path);
  }
  async write(data: Buffer | string): Promise<void> {
    const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    for (let i = 0; i < buf.length; i += WRITE_CHUNK_BYTES) {
      const piece = buf.subarray(i, i + WRITE_CHUNK_BYTES);
      this.written += piece.length;
      if (!this.ws.write(piece)) await once(this.ws, 'drain');
    }
  }
  async copyFrom(path: string): Promise<void> {
    for await (const chunk of createReadStream(path)) await this.write(chunk as Buffer);
  }
  async close(): Promise<void> {
    this.ws.end();
    await once(this.ws, 'finish');
  }
}

/** Writes a PDF-like file of exactly `bytes` bytes: a PDF header, stream objects, a trailer. */
export async function writePdfLike(path: string, bytes: number, seed: number): Promise<void> {
  const random = new ByteStream(seed);
  const header = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const trailer = 'trailer\n<< /Size 1 /Root 1 0 R >>\nstartxref\n0\n%%EOF\n';
  if (bytes < header.length + trailer.length)
    throw new Error(`a PDF needs at least ${header.length + trailer.length} bytes`);
  const sink = new Sink(path);
  await sink.write(header);
  const objectHead = (n: number, length: number) =>
    `${n} 0 obj\n<< /Length ${length} /Filter /FlateDecode >>\nstream\n`;
  const objectTail = '\nendstream\nendobj\n';
  for (let n = 1; ; n++) {
    const rest = bytes - sink.written - trailer.length;
    if (rest <= 0) break;
    const overhead = objectHead(n, PDF_STREAM_BYTES).length + objectTail.length;
    if (rest <= overhead) {
      // Too little room for another object: a comment line fills it.
      await sink.write(rest === 1 ? '\n' : `%${'x'.repeat(rest - 2)}\n`);
      break;
    }
    const length = Math.min(PDF_STREAM_BYTES, rest - overhead);
    await sink.write(objectHead(n, length));
    await sink.write(random.next(length));
    await sink.write(objectTail);
  }
  await sink.write(trailer);
  await sink.close();
}

/** The files of the benchmark's zip, by position: documents, photos, notes in turn. */
function zipEntry(i: number, random: ByteStream): { name: string; data: Buffer; deflate: boolean } {
  const n = String(i).padStart(5, '0');
  switch (i % 3) {
    case 0:
      return {
        name: `docs/report-${n}.pdf`,
        data: pdfLikeBytes(ZIP_BINARY_ENTRY_BYTES, random),
        deflate: false,
      };
    case 1: {
      const data = random.next(ZIP_BINARY_ENTRY_BYTES);
      data.set([0xff, 0xd8, 0xff, 0xe0], 0); // JPEG SOI + APP0
      return { name: `photos/photo-${n}.jpg`, data, deflate: false };
    }
    default:
      return { name: `notes/note-${n}.txt`, data: noteText(i, ZIP_TEXT_ENTRY_BYTES), deflate: true };
  }
}

function pdfLikeBytes(length: number, random: ByteStream): Buffer {
  const data = random.next(length);
  data.write('%PDF-1.7\n', 0, 'latin1');
  return data;
}

function noteText(i: number, length: number): Buffer {
  const line = `Note ${i}: order ${(i * 7919) % 100_000} shipped to store ${i % 97}, stock ${(i * 31) % 1000}.\n`;
  return Buffer.from(line.repeat(Math.ceil(length / line.length)).slice(0, length), 'latin1');
}

function nestedZip(random: ByteStream): Buffer {
  const zip = new ZipWriter();
  const parts: Buffer[] = [];
  for (let i = 0; i < NESTED_ZIP_ENTRIES; i++) {
    parts.push(
      i % 2 === 0
        ? zip.add({ name: `old/note-${i}.txt`, data: noteText(i, ZIP_TEXT_ENTRY_BYTES), deflate: true })
        : zip.add({
            name: `old/scan-${i}.pdf`,
            data: pdfLikeBytes(ZIP_TEXT_ENTRY_BYTES, random),
            deflate: false,
          }),
    );
  }
  parts.push(zip.finish());
  return Buffer.concat(parts);
}

/**
 * Writes a zip of exactly `bytes` bytes holding many files (and one nested zip), entry by entry;
 * the last entry is stored with the length that makes the size exact. Returns its entry count.
 */
export async function writeZipOfMany(path: string, bytes: number, seed: number): Promise<number> {
  const random = new ByteStream(seed);
  const zip = new ZipWriter();
  const sink = new Sink(path);
  const END_RECORD = 22;
  let central = 0;
  const projected = () => zip.bytesWritten + central + END_RECORD;
  for (let i = 0; ; i++) {
    const entry =
      i === NESTED_ZIP_POSITION
        ? { name: 'archive/2025.zip', data: nestedZip(random), deflate: false }
        : zipEntry(i, random);
    const overhead = ZipWriter.overhead(entry.name);
    // The next entry may be deflated to less than its size; leave room for it stored.
    if (projected() + overhead + entry.data.length + ZipWriter.overhead('last.bin') > bytes) break;
    central += 46 + Buffer.byteLength(entry.name);
    await sink.write(zip.add(entry));
  }
  const last = 'docs/appendix.pdf';
  const room = bytes - projected() - ZipWriter.overhead(last);
  if (room < 0) throw new Error(`a zip of ${bytes} bytes is too small`);
  await sink.write(zip.add({ name: last, data: pdfLikeBytes(room, random), deflate: false }));
  await sink.write(zip.finish());
  await sink.close();
  return zip.entries;
}

/** Base64 of `n` bytes in lines of 76 characters, each ending in `eol`. */
export function base64Size(n: number, eol: string): number {
  const chars = 4 * Math.ceil(n / 3);
  return chars + Math.ceil(chars / BASE64_LINE_CHARS) * eol.length;
}

async function writeBase64(sink: Sink, path: string, eol: string): Promise<void> {
  let carry = Buffer.alloc(0);
  const emit = async (bytes: Buffer) => {
    const text = bytes.toString('base64');
    const lines: string[] = [];
    for (let i = 0; i < text.length; i += BASE64_LINE_CHARS) lines.push(text.slice(i, i + BASE64_LINE_CHARS));
    await sink.write(lines.join(eol) + eol);
  };
  for await (const chunk of createReadStream(path, { highWaterMark: ENCODE_READ_BYTES })) {
    const bytes = carry.length > 0 ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    const whole = bytes.length - (bytes.length % BASE64_LINE_BYTES);
    if (whole > 0) await emit(bytes.subarray(0, whole));
    carry = Buffer.from(bytes.subarray(whole));
  }
  if (carry.length > 0) await emit(carry);
}

/** The message around the HTML filler and the attachment, in the spec's line ending. */
function messageFrame(spec: MessageSpec, attachmentName: string) {
  const e = spec.eol === 'crlf' ? '\r\n' : '\n';
  const lines = (...l: string[]) => l.map((x) => x + e).join('');
  const contentType = spec.attachment.kind === 'pdf' ? 'application/pdf' : 'application/zip';
  const header = lines(
    `Return-Path: <bounce@bounce.${BENCH_FROM_DOMAIN}>`,
    `From: Shop <news@${BENCH_FROM_DOMAIN}>`,
    'To: reader@example.net',
    'Subject: Winter catalogue 2026',
    'Date: Mon, 05 Jan 2026 10:00:00 +0000',
    `Message-ID: <bench-${spec.seed ?? 1}-${spec.bytes}@${BENCH_FROM_DOMAIN}>`,
    'MIME-Version: 1.0',
    `List-Unsubscribe: <https://${BENCH_FROM_DOMAIN}/u/1>, <mailto:unsubscribe@${BENCH_FROM_DOMAIN}>`,
    'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    `Content-Type: multipart/mixed; boundary="${MIXED_BOUNDARY}"`,
  );
  const beforeFiller =
    header +
    lines(
      '',
      'This is a multi-part message in MIME format.',
      `--${MIXED_BOUNDARY}`,
      `Content-Type: multipart/alternative; boundary="${ALT_BOUNDARY}"`,
      '',
      `--${ALT_BOUNDARY}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 7bit',
      '',
      'Our winter catalogue is attached.',
      `Browse it online: https://${BENCH_FROM_DOMAIN}/catalogue/2026`,
      `--${ALT_BOUNDARY}`,
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: 7bit',
      '',
      '<!DOCTYPE html>',
      '<html><body>',
      `<p>Our winter catalogue is attached. <a href="https://${BENCH_FROM_DOMAIN}/catalogue/2026">Browse it online</a>.</p>`,
    );
  const afterFiller = lines(
    '</body></html>',
    `--${ALT_BOUNDARY}--`,
    `--${MIXED_BOUNDARY}`,
    `Content-Type: ${contentType}; name="${attachmentName}"`,
    `Content-Disposition: attachment; filename="${attachmentName}"`,
    'Content-Transfer-Encoding: base64',
    '',
  );
  const end = lines(`--${MIXED_BOUNDARY}--`);
  return { eol: e, header, beforeFiller, afterFiller, end };
}

/** `bytes` bytes of HTML: catalogue lines, the last one partial (it runs into `</body>`). */
async function writeFiller(sink: Sink, bytes: number, eol: string): Promise<void> {
  let remaining = bytes;
  const batch: string[] = [];
  let batchBytes = 0;
  for (let i = 1; remaining > 0; i++) {
    const item = `<p>Item ${i}: <a href="https://${BENCH_FROM_DOMAIN}/p/${i}">winter item ${i}</a>`;
    const line = `${item}${'.'.repeat(Math.max(0, HTML_LINE_CHARS - item.length - 4))}</p>${eol}`;
    const piece = line.length <= remaining ? line : 'x'.repeat(remaining);
    batch.push(piece);
    batchBytes += piece.length;
    remaining -= piece.length;
    if (batchBytes >= WRITE_CHUNK_BYTES) {
      await sink.write(batch.join(''));
      batch.length = 0;
      batchBytes = 0;
    }
  }
  await sink.write(batch.join(''));
}

/** Bare LF becomes CRLF (what the message is on the wire, and what is signed). */
export class LfToCrlf extends Transform {
  private lastWasCr = false;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let bare = 0;
    for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1))
      if (!(i > 0 ? chunk[i - 1] === 0x0d : this.lastWasCr)) bare++;
    const out = bare === 0 ? chunk : Buffer.allocUnsafe(chunk.length + bare);
    if (bare > 0) {
      let o = 0;
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i] as number;
        if (b === 0x0a && !(i > 0 ? chunk[i - 1] === 0x0d : this.lastWasCr)) out[o++] = 0x0d;
        out[o++] = b;
      }
    }
    if (chunk.length > 0) this.lastWasCr = chunk[chunk.length - 1] === 0x0d;
    done(null, out);
  }
}

async function signatureHeader(input: Readable | string, key: DkimSigningKey, eol: string): Promise<string> {
  const result = await dkimSign(input, {
    canonicalization: 'relaxed/relaxed',
    algorithm: 'rsa-sha256',
    signTime: SIGN_TIME,
    // mailauth reads the list as one colon-separated string (its typings say string[]).
    headerList: SIGNED_HEADERS.join(':'),
    signatureData: [{ signingDomain: key.domain, selector: key.selector, privateKey: key.privateKey }],
  } as unknown as Parameters<typeof dkimSign>[1]);
  if (result.errors && result.errors.length > 0)
    throw new Error(`DKIM signing failed: ${String(result.errors[0])}`);
  return result.signatures.replace(/\r\n/g, eol);
}

/** Writes the message of `spec` to `file` (temporary files beside it are removed). */
export async function writeMessage(file: string, spec: MessageSpec): Promise<GeneratedMessage> {
  const seed = spec.seed ?? 1;
  const attachmentName = spec.attachment.kind === 'pdf' ? 'catalogue-2026.pdf' : 'store-archive-2025.zip';
  const attachmentFile = `${file}.attachment`;
  const unsignedFile = `${file}.unsigned`;
  try {
    let zipEntries: number | undefined;
    if (spec.attachment.kind === 'zip')
      zipEntries = await writeZipOfMany(attachmentFile, spec.attachment.bytes, seed);
    else await writePdfLike(attachmentFile, spec.attachment.bytes, seed);
    const frame = messageFrame(spec, attachmentName);
    // The signature's length does not depend on the body (bh= and b= are fixed-length), so a
    // signature over the same header block and a short body gives it.
    const signatureBytes = spec.dkim
      ? (
          await signatureHeader(
            `${frame.header}${frame.eol}x${frame.eol}`.replace(/\r?\n/g, '\r\n'),
            spec.dkim,
            frame.eol,
          )
        ).length
      : 0;
    const fixed =
      signatureBytes +
      frame.beforeFiller.length +
      frame.afterFiller.length +
      base64Size(spec.attachment.bytes, frame.eol) +
      frame.end.length;
    const filler = spec.bytes - fixed;
    if (filler < 0)
      throw new Error(
        `a ${spec.bytes}-byte message cannot hold a ${spec.attachment.bytes}-byte attachment (needs ${fixed})`,
      );
    const body = new Sink(spec.dkim ? unsignedFile : file);
    await body.write(frame.beforeFiller);
    await writeFiller(body, filler, frame.eol);
    await body.write(frame.afterFiller);
    await writeBase64(body, attachmentFile, frame.eol);
    await body.write(frame.end);
    await body.close();
    if (spec.dkim) {
      const source = createReadStream(unsignedFile);
      const signature = await signatureHeader(
        spec.eol === 'lf' ? source.pipe(new LfToCrlf()) : source,
        spec.dkim,
        frame.eol,
      );
      if (signature.length !== signatureBytes)
        throw new Error('the DKIM signature changed length between passes');
      const out = new Sink(file);
      await out.write(signature);
      await out.copyFrom(unsignedFile);
      await out.close();
    }
    const bytes = statSync(file).size;
    if (bytes !== spec.bytes) throw new Error(`generated ${bytes} bytes, not ${spec.bytes}`);
    return {
      file,
      bytes,
      attachmentName,
      attachmentBytes: spec.attachment.bytes,
      ...(zipEntries !== undefined ? { zipEntries } : {}),
      signed: spec.dkim !== undefined,
    };
  } finally {
    rmSync(attachmentFile, { force: true });
    rmSync(unsignedFile, { force: true });
  }
}
