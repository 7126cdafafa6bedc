/**
 * The facts about each attachment and inline part of a message that the `attachments` check
 * judges: its name as given, its size, what its content is, and what archives hold. The parts
 * come in as AttachmentInput (mapped from the message parser's parts by the caller), so this
 * module does not depend on the parser.
 */
import {
  type ArchiveBudget,
  type ArchiveInspection,
  inspectArchive,
  inspectableFormat,
  type NotInspected,
} from './archive.js';
import { detectKind, type FileKind, hasPeHeader, KIND_INFO } from './filetype.js';

/** One attachment or inline part, as the message parser found it. */
export interface AttachmentInput {
  /** Position among the message's parts (0-based), to name a part without a file name. */
  index: number;
  /** Decoded file name (Content-Disposition filename or Content-Type name), as the parser gives it. */
  filename?: string;
  contentType?: string;
  disposition?: 'attachment' | 'inline' | string;
  /** Bytes of the part's body on the wire, after transfer encoding (base64 adds about a third). */
  encodedBytes: number;
  /** The decoded content. */
  content: () => Promise<Buffer>;
}

export interface AttachmentFacts {
  index: number;
  filename?: string;
  contentType?: string;
  disposition?: string;
  encodedBytes: number;
  /** Decoded size; absent when the content could not be decoded. */
  bytes?: number;
  /** What the content is (a zip refined by its entries: docx, jar, apk, ...). */
  kind?: FileKind;
  /** For an MZ executable: whether it has a PE header (a Windows program) or is a bare DOS one. */
  peHeader?: boolean;
  /** What a zip, tar or gzip holds. */
  archive?: ArchiveInspection;
  /** What of the attachment itself could not be seen (undecodable content, a rar or 7z). */
  notInspected?: NotInspected[];
}

/** Reads one part and inspects it; archives spend from the message's shared `budget`. Never throws. */
export async function describeAttachment(
  input: AttachmentInput,
  budget: ArchiveBudget,
): Promise<AttachmentFacts> {
  const facts: AttachmentFacts = { index: input.index, encodedBytes: input.encodedBytes };
  if (input.filename !== undefined) facts.filename = input.filename;
  if (input.contentType !== undefined) facts.contentType = input.contentType;
  if (input.disposition !== undefined) facts.disposition = input.disposition;
  let content: Buffer;
  try {
    content = await input.content();
  } catch (err) {
    const detail = `the content could not be decoded: ${err instanceof Error ? err.message : String(err)}`;
    facts.notInspected = [{ path: [], reason: 'corrupt', detail }];
    return facts;
  }
  facts.bytes = content.length;
  const kind = detectKind(content);
  facts.kind = kind;
  if (kind === 'windows-executable') facts.peHeader = hasPeHeader(content);
  const format = inspectableFormat(kind);
  if (format) {
    facts.archive = await inspectArchive(content, format, input.filename ?? '', budget);
    facts.kind = facts.archive.kind;
  } else if (KIND_INFO[kind].archive === 'unsupported') {
    const detail = `${KIND_INFO[kind].label}: its content cannot be inspected here`;
    facts.notInspected = [{ path: [], reason: 'unsupported-format', detail }];
  }
  return facts;
}
