/**
 * parseMessage(): the one place a message's bytes are read (streamed, bounded), giving the
 * ParsedMessage every message check judges. See types.ts for what it holds.
 */
import { fstatSync, ReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { parseAddressField } from './address.js';
import { parseDateTime } from './date-time.js';
import { decodeTransfer } from './decode.js';
import { parseMsgId } from './msg-id.js';
import { MessageScanner, type ScanResult } from './scan.js';
import {
  type AttachmentPart,
  type HeaderBlock,
  MAX_URL_SCAN_BYTES,
  type MessageFields,
  type MimePart,
  type ParsedMessage,
  type ParseOptions,
  type UrlDomains,
} from './types.js';
import { UrlCollector } from './urls.js';

export type MessageSource = Buffer | Uint8Array | AsyncIterable<Buffer | Uint8Array | string> | Readable;

/** Largest piece of a Buffer input handed to the scanner at once (keeps abort checks frequent). */
const BUFFER_SLICE = 4 * 1024 * 1024;

export async function parseMessage(
  source: MessageSource,
  options: ParseOptions = {},
): Promise<ParsedMessage> {
  const { signal } = options;
  if (source instanceof Uint8Array) {
    const buf = asBuffer(source);
    const scanner = new MessageScanner(buf);
    for (let i = 0; i < buf.length; i += BUFFER_SLICE) {
      signal?.throwIfAborted();
      scanner.push(buf.subarray(i, i + BUFFER_SLICE));
    }
    return buildMessage(scanner.finish(), options);
  }
  const scanner = new MessageScanner(undefined, fileSizeOf(source));
  for await (const chunk of source as AsyncIterable<Buffer | Uint8Array | string>) {
    signal?.throwIfAborted();
    scanner.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : asBuffer(chunk));
  }
  return buildMessage(scanner.finish(), options);
}

/**
 * The size of a file being streamed (createReadStream), so the scanner keeps it in one buffer
 * allocated once; undefined for other streams, or when the file cannot be stat'ed (the read reports it).
 */
function fileSizeOf(source: MessageSource): number | undefined {
  if (!(source instanceof ReadStream)) return undefined;
  try {
    if (typeof source.path === 'string') return statSync(source.path).size;
    const fd = (source as ReadStream & { fd?: unknown }).fd;
    return typeof fd === 'number' ? fstatSync(fd).size : undefined;
  } catch {
    return undefined;
  }
}

/** A view, not a copy: a 40 MB message must not be held twice. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Synchronous form for bytes already in memory (tests, the demo). */
export function parseMessageBytes(bytes: Buffer | string, options: ParseOptions = {}): ParsedMessage {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const scanner = new MessageScanner(buf);
  scanner.push(buf);
  return buildMessage(scanner.finish(), options);
}

function buildMessage(scan: ScanResult, options: ParseOptions): ParsedMessage {
  const fields = messageFields(scan.header);
  const attachments = attachmentParts(scan);
  const urls = urlDomains(scan, attachments);
  const from = scan.header.fields.find((f) => f.key === 'from');
  const messageId = scan.header.fields.find((f) => f.key === 'message-id');
  return {
    summary: {
      ...(options.fileName !== undefined ? { fileName: options.fileName } : {}),
      bytes: scan.wire.bytes,
      wireBytes: scan.wire.wireBytes,
      sha256: scan.wire.sha256,
      ...(messageId ? { messageId: messageId.value } : {}),
      ...(from ? { from: from.decoded } : {}),
      ...(fields.subject !== undefined ? { subject: fields.subject } : {}),
      links: urls,
    },
    wire: scan.wire,
    header: scan.header,
    fields,
    mime: { parts: scan.parts, partCount: scan.partCount, maxDepth: scan.maxDepth, problems: scan.problems },
    attachments,
    urls,
    smtputf8: options.smtputf8 ?? false,
    raw: () => scan.retained,
  };
}

/** RFC 5322 3.6 fields, each parsed from its first occurrence (duplicates are counted in `counts`). */
export function messageFields(header: HeaderBlock): MessageFields {
  const first = new Map<string, string>();
  const dkimSignatures: string[] = [];
  for (const f of header.fields) {
    if (!first.has(f.key)) first.set(f.key, f.value);
    if (f.key === 'dkim-signature') dkimSignatures.push(f.value);
  }
  const out: MessageFields = { dkimSignatures };
  const get = (key: string) => first.get(key);
  const from = get('from');
  if (from !== undefined) out.from = parseAddressField(from, 'mailbox-list');
  const sender = get('sender');
  if (sender !== undefined) out.sender = parseAddressField(sender, 'mailbox');
  const replyTo = get('reply-to');
  if (replyTo !== undefined) out.replyTo = parseAddressField(replyTo, 'address-list');
  const to = get('to');
  if (to !== undefined) out.to = parseAddressField(to, 'address-list');
  const cc = get('cc');
  if (cc !== undefined) out.cc = parseAddressField(cc, 'address-list');
  const bcc = get('bcc');
  if (bcc !== undefined) out.bcc = parseAddressField(bcc, 'optional-address-list');
  const date = get('date');
  if (date !== undefined) out.date = parseDateTime(date);
  const messageId = get('message-id');
  if (messageId !== undefined) out.messageId = parseMsgId(messageId);
  const subject = header.fields.find((f) => f.key === 'subject');
  if (subject) out.subject = subject.decoded;
  const returnPath = get('return-path');
  if (returnPath !== undefined) out.returnPath = returnPath;
  const lu = get('list-unsubscribe');
  if (lu !== undefined) out.listUnsubscribe = lu;
  const lup = get('list-unsubscribe-post');
  if (lup !== undefined) out.listUnsubscribePost = lup;
  return out;
}

/** A leaf that is text meant to be read (not a file): the body the recipient sees. */
function isBodyText(p: MimePart): boolean {
  return (
    (p.contentType === 'text/plain' || p.contentType === 'text/html') &&
    p.disposition !== 'attachment' &&
    p.filename === undefined
  );
}

function attachmentParts(scan: ScanResult): AttachmentPart[] {
  const out: AttachmentPart[] = [];
  for (const p of scan.parts) {
    if (p.children.length > 0 || p.contentType.startsWith('multipart/') || isBodyText(p)) continue;
    const isFile =
      p.disposition === 'attachment' ||
      p.filename !== undefined ||
      !(p.contentType.startsWith('text/') || p.contentType.startsWith('message/'));
    if (!isFile) continue;
    out.push({
      index: p.index,
      path: p.path,
      ...(p.filename !== undefined ? { filename: p.filename } : {}),
      contentType: p.contentType,
      ...(p.disposition !== undefined ? { disposition: p.disposition } : {}),
      transferEncoding: p.transferEncoding,
      encodedBytes: p.bodyBytes,
      wireBytes: p.wireBytes,
      content: () => decodedBody(scan, p),
    });
  }
  return out;
}

/** The body of a part with its transfer encoding undone, from the retained input. */
function decodedBody(scan: ScanResult, p: MimePart, maxEncoded = Number.POSITIVE_INFINITY): Buffer {
  if (!scan.retained) throw new Error('the message was too large to keep in memory; parts cannot be decoded');
  const end = p.bodyOffset + Math.min(p.bodyBytes, maxEncoded);
  return decodeTransfer(scan.retained.subarray(p.bodyOffset, end), p.transferEncoding);
}

function urlDomains(scan: ScanResult, attachments: AttachmentPart[]): UrlDomains {
  const collector = new UrlCollector();
  if (!scan.retained) return collector.result();
  const files = new Set(attachments.map((a) => a.index));
  for (const p of scan.parts) {
    if (p.children.length > 0 || files.has(p.index) || !isBodyText(p)) continue;
    // base64 grows 4/3: read enough encoded bytes for MAX_URL_SCAN_BYTES decoded.
    const body = decodedBody(scan, p, Math.ceil((MAX_URL_SCAN_BYTES * 4) / 3) + 4);
    collector.add(decodeText(body.subarray(0, MAX_URL_SCAN_BYTES), p.charset), p.contentType === 'text/html');
  }
  return collector.result();
}

function decodeText(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}
