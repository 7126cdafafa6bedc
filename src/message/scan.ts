/**
 * One streaming pass over the message bytes: wire measurements (size with CRLF, line ends,
 * bare CR/LF, NULs, line lengths, SHA-256) and the MIME boundary walk (RFC 2046 5.1) that gives
 * each part its raw offset and size, which parsers do not report. Chunks are split into lines
 * with indexOf; only the start of a body line is held (enough to recognise a boundary), header
 * lines are held up to a bound, and the input itself is retained up to MAX_RETAINED_BYTES so
 * parts can be decoded later without a second read.
 */
import { createHash } from 'node:crypto';
import { IDENTITY_ENCODINGS, KNOWN_TRANSFER_ENCODINGS } from './decode.js';
import { parseHeaderBlock } from './header-block.js';
import { parseMimeValue } from './mime-params.js';
import { RetainedInput } from './retain.js';
import {
  type HeaderBlock,
  type LineRef,
  MAX_BOUNDARY_CHARS,
  MAX_EXAMPLES,
  MAX_HEADER_BLOCK_PARSED_BYTES,
  MAX_MIME_DEPTH,
  MAX_MIME_PARTS,
  MAX_PART_HEADER_BYTES,
  MAX_RETAINED_BYTES,
  type MimePart,
  type MimeProblem,
  type MimeProblemKind,
  RFC5322_MAX_LINE,
  type WireMeasure,
} from './types.js';

const LF = 0x0a;
const CR = 0x0d;
/**
 * Start of a body line held to recognise a boundary: "--", 70 boundary characters, "--" and
 * some transport padding (RFC 2046 5.1.1). A longer line is never taken as a boundary.
 */
const BOUNDARY_LINE_HEAD = 256;
/** Boundaries longer than RFC 2046 allows are still followed (receivers do), up to this. */
const MAX_BOUNDARY_FOLLOWED = 512;

/** A part being read: the top-level message, a part, or a part not recorded (beyond the bound). */
interface OpenPart {
  part?: MimePart;
  phase: 'header' | 'body' | 'preamble' | 'epilogue';
  /** The boundary while the multipart's close delimiter has not been seen. */
  boundary?: string;
  depth: number;
  path: string;
  childCount: number;
  startCumLf: number;
  header: Buffer[];
  headerHeld: number;
  headerCap: number;
  headerTruncated: boolean;
  /** Line number of the part's first header line. */
  headerLine: number;
  base64: boolean;
  invalidBase64: number;
  invalidBase64Example?: number;
}

export interface ScanResult {
  wire: WireMeasure;
  /** The top-level header block, parsed. */
  header: HeaderBlock;
  parts: MimePart[];
  partCount: number;
  maxDepth: number;
  problems: MimeProblem[];
  /** The input, when it fit in MAX_RETAINED_BYTES. */
  retained?: Buffer;
  /** Parsed header block of each recorded part (index = part index; 0 is `header`). */
  partHeaders: HeaderBlock[];
}

export class MessageScanner {
  private readonly hash = createHash('sha256');
  private readonly retained: RetainedInput | undefined;
  private total = 0;
  // Current line.
  private lineStart = 0;
  private lineLen = 0;
  private lineCr = 0;
  private lineNul = 0;
  private lineBadB64 = 0;
  private lineBadB64At = -1;
  private lastByte = -1;
  private head: Buffer[] = [];
  private headHeld = 0;
  private headCap = MAX_HEADER_BLOCK_PARSED_BYTES;
  // Totals.
  private lineNo = 1;
  private lfLines = 0;
  private crlfLines = 0;
  private cumLf = 0;
  private prevTerminator = 0;
  private prevWasLf = false;
  /** The line being handled ends in LF alone (its extra wire byte is counted after it). */
  private lineIsLf = false;
  private bareCr = 0;
  private readonly bareCrExamples: LineRef[] = [];
  private nul = 0;
  private readonly nulExamples: LineRef[] = [];
  private longestLine = 0;
  private bodyLong = 0;
  private readonly bodyLongExamples: LineRef[] = [];
  private headerBytes = -1;
  private headerWireBytes = 0;
  // MIME.
  private readonly chain: OpenPart[] = [];
  private readonly parts: MimePart[] = [];
  private readonly partHeaders: HeaderBlock[] = [];
  private partCount = 1;
  private maxDepth = 0;
  private readonly problems: MimeProblem[] = [];
  private readonly problemKinds = new Set<string>();

  /**
   * `whole`: the complete input when the caller already holds it (retained without a copy).
   * `expectedBytes`: the size of a streamed input when known (a file), so it is kept in one buffer.
   */
  constructor(
    private readonly whole?: Buffer,
    expectedBytes?: number,
  ) {
    if (!whole) this.retained = new RetainedInput(MAX_RETAINED_BYTES, expectedBytes);
    this.chain.push(this.openPart('', 0, 0, undefined));
  }

  push(chunk: Buffer): void {
    this.hash.update(chunk);
    this.retained?.add(chunk);
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(LF, pos);
      const end = nl < 0 ? chunk.length : nl;
      this.segment(chunk, pos, end);
      if (nl < 0) break;
      this.endLine(true);
      pos = nl + 1;
    }
    this.total += chunk.length;
  }

  finish(): ScanResult {
    if (this.lineLen > 0) this.endLine(false);
    const endCum = this.cumLf;
    while (this.chain.length > 0) {
      const open = this.chain.pop()!;
      if (open.boundary !== undefined) {
        this.problem('unterminated-multipart', open.path, `the boundary "${open.boundary}" is never closed`);
      }
      this.closePart(open, this.total, endCum);
    }
    const root = this.parts[0]!;
    const headerTerminated = this.headerBytes >= 0;
    if (!headerTerminated) {
      this.headerBytes = this.total;
      this.headerWireBytes = root.wireBytes;
    }
    const retained =
      this.whole && this.whole.length <= MAX_RETAINED_BYTES ? this.whole : this.retained?.result();
    const wire: WireMeasure = {
      bytes: this.total,
      wireBytes: this.total + this.lfLines,
      sha256: this.hash.digest('hex'),
      lines: this.lineNo - 1,
      lineEnding:
        this.lfLines > 0 && this.crlfLines > 0
          ? 'mixed'
          : this.lfLines > 0
            ? 'lf'
            : this.crlfLines > 0
              ? 'crlf'
              : 'none',
      lfLines: this.lfLines,
      crlfLines: this.crlfLines,
      bareLf: this.lfLines > 0 && this.crlfLines > 0 ? this.lfLines : 0,
      bareCr: this.bareCr,
      bareCrExamples: this.bareCrExamples,
      nulBytes: this.nul,
      nulExamples: this.nulExamples,
      headerBytes: this.headerBytes,
      headerWireBytes: this.headerWireBytes,
      headerTerminated,
      longestLine: this.longestLine,
      bodyLinesOver998: this.bodyLong,
      bodyLongLineExamples: this.bodyLongExamples,
      retained: retained !== undefined,
    };
    return {
      wire,
      header: this.partHeaders[0]!,
      parts: this.parts,
      partCount: this.partCount,
      maxDepth: this.maxDepth,
      problems: this.problems,
      ...(retained ? { retained } : {}),
      partHeaders: this.partHeaders,
    };
  }

  private segment(buf: Buffer, start: number, end: number): void {
    if (end <= start) return;
    const seg = buf.subarray(start, end);
    for (let i = seg.indexOf(0); i >= 0; i = seg.indexOf(0, i + 1)) {
      this.lineNul++;
    }
    for (let i = seg.indexOf(CR); i >= 0; i = seg.indexOf(CR, i + 1)) this.lineCr++;
    if (this.headHeld < this.headCap) {
      const take = seg.subarray(0, this.headCap - this.headHeld);
      this.head.push(take);
      this.headHeld += take.length;
    }
    const current = this.chain[this.chain.length - 1];
    if (current?.base64 && current.phase === 'body') {
      for (let i = 0; i < seg.length; i++) {
        const c = seg[i]!;
        // RFC 2045 6.8 alphabet, "=" padding, and whitespace (CR, SP, TAB) between lines.
        const ok =
          (c >= 0x41 && c <= 0x5a) ||
          (c >= 0x61 && c <= 0x7a) ||
          (c >= 0x30 && c <= 0x39) ||
          c === 0x2b ||
          c === 0x2f ||
          c === 0x3d ||
          c === CR ||
          c === 0x20 ||
          c === 0x09;
        if (!ok) {
          if (this.lineBadB64At < 0) this.lineBadB64At = this.lineLen + i;
          this.lineBadB64++;
        }
      }
    }
    this.lineLen += seg.length;
    this.lastByte = seg[seg.length - 1]!;
  }

  private endLine(terminated: boolean): void {
    const hasCr = terminated && this.lastByte === CR;
    const length = this.lineLen - (hasCr ? 1 : 0);
    const terminatorLen = terminated ? (hasCr ? 2 : 1) : 0;
    const ref = (): LineRef => ({ line: this.lineNo, offset: this.lineStart, length });
    const bareCr = this.lineCr - (hasCr ? 1 : 0);
    if (bareCr > 0) {
      this.bareCr += bareCr;
      if (this.bareCrExamples.length < MAX_EXAMPLES) this.bareCrExamples.push(ref());
    }
    if (this.lineNul > 0) {
      this.nul += this.lineNul;
      if (this.nulExamples.length < MAX_EXAMPLES) this.nulExamples.push(ref());
    }
    this.longestLine = Math.max(this.longestLine, length);
    if (this.headerBytes >= 0 && length > RFC5322_MAX_LINE) {
      this.bodyLong++;
      if (this.bodyLongExamples.length < MAX_EXAMPLES) this.bodyLongExamples.push(ref());
    }
    let head = this.head.length === 1 ? this.head[0]! : Buffer.concat(this.head, this.headHeld);
    if (hasCr && head.length === this.lineLen) head = head.subarray(0, head.length - 1);
    this.lineIsLf = terminated && !hasCr;
    this.onLine(head, length, terminated, terminatorLen);
    if (terminated) {
      if (hasCr) this.crlfLines++;
      else {
        this.lfLines++;
        this.cumLf++;
      }
    }
    this.prevTerminator = terminatorLen;
    this.prevWasLf = terminated && !hasCr;
    this.lineStart += this.lineLen + (terminated ? 1 : 0);
    this.lineNo++;
    this.lineLen = 0;
    this.lineCr = 0;
    this.lineNul = 0;
    this.lineBadB64 = 0;
    this.lineBadB64At = -1;
    this.head = [];
    this.headHeld = 0;
    const current = this.chain[this.chain.length - 1];
    this.headCap =
      current?.phase === 'header' ? Math.max(0, current.headerCap - current.headerHeld) : BOUNDARY_LINE_HEAD;
  }

  /** One line: `head` is its start (all of it unless longer than the cap), CR excluded. */
  private onLine(head: Buffer, length: number, terminated: boolean, terminatorLen: number): void {
    const nextStart = this.lineStart + this.lineLen + (terminated ? 1 : 0);
    const current = this.chain[this.chain.length - 1]!;
    if (this.matchBoundary(head, length, nextStart)) return;
    if (current.phase === 'header') {
      if (length === 0) {
        this.endHeader(current, nextStart, terminatorLen);
        return;
      }
      if (current.headerHeld + head.length + 2 > current.headerCap || head.length < length) {
        current.headerTruncated = true;
      } else {
        current.header.push(head, terminatorLen === 2 ? CRLF_BYTES : terminatorLen === 1 ? LF_BYTES : EMPTY);
        current.headerHeld += head.length + terminatorLen;
      }
      return;
    }
    if (current.phase === 'body' && current.base64 && this.lineBadB64 > 0) {
      if (current.invalidBase64Example === undefined) {
        current.invalidBase64Example = this.lineStart + this.lineBadB64At;
      }
      current.invalidBase64 += this.lineBadB64;
    }
  }

  /** A delimiter or close delimiter of an open multipart (innermost first). */
  private matchBoundary(head: Buffer, length: number, nextStart: number): boolean {
    if (length < 3 || head.length < length || head[0] !== 0x2d || head[1] !== 0x2d) return false;
    let text = head.toString('latin1', 2);
    text = text.replace(/[ \t]+$/, ''); // transport padding
    for (let k = this.chain.length - 1; k >= 0; k--) {
      const open = this.chain[k]!;
      const b = open.boundary;
      if (b === undefined) continue;
      const close = text === `${b}--`;
      if (!close && text !== b) continue;
      // The line end before the delimiter belongs to it (RFC 2046 5.1.1).
      const end = this.lineStart - this.prevTerminator;
      const endCum = this.cumLf - (this.prevWasLf ? 1 : 0);
      while (this.chain.length - 1 > k) {
        const inner = this.chain.pop()!;
        if (inner.boundary !== undefined) {
          this.problem(
            'unterminated-multipart',
            inner.path,
            `the boundary "${inner.boundary}" is never closed before its parent's next boundary`,
          );
        }
        this.closePart(inner, end, endCum);
      }
      if (close) {
        if (open.childCount === 0) this.problem('no-parts', open.path, 'the multipart has no body part');
        open.boundary = undefined;
        open.phase = 'epilogue';
      } else {
        open.phase = 'preamble';
        open.childCount++;
        this.chain.push(
          this.openChild(open, `${open.path ? `${open.path}.` : ''}${open.childCount}`, nextStart),
        );
      }
      return true;
    }
    return false;
  }

  private openChild(parent: OpenPart, path: string, start: number): OpenPart {
    this.partCount++;
    const recorded = parent.part !== undefined && this.parts.length < MAX_MIME_PARTS;
    if (!recorded && parent.part !== undefined) {
      this.problem('too-many-parts', path, `more than ${MAX_MIME_PARTS} parts: the rest are not inspected`);
    }
    return this.openPart(path, parent.depth + 1, start, recorded ? parent.part : undefined, !recorded);
  }

  private openPart(path: string, depth: number, start: number, parent?: MimePart, ghost = false): OpenPart {
    this.maxDepth = Math.max(this.maxDepth, depth);
    const open: OpenPart = {
      phase: ghost ? 'epilogue' : 'header',
      depth,
      path,
      childCount: 0,
      // A part starts after the current line, so that line's LF is already behind it.
      startCumLf: this.cumLf + (this.lineIsLf ? 1 : 0),
      header: [],
      headerHeld: 0,
      headerCap: depth === 0 ? MAX_HEADER_BLOCK_PARSED_BYTES : MAX_PART_HEADER_BYTES,
      headerTruncated: false,
      headerLine: this.lineNo + (depth === 0 ? 0 : 1),
      base64: false,
      invalidBase64: 0,
    };
    if (ghost) return open;
    const part: MimePart = {
      index: this.parts.length,
      path,
      depth,
      children: [],
      offset: start,
      bytes: 0,
      wireBytes: 0,
      headerBytes: 0,
      bodyOffset: start,
      bodyBytes: 0,
      contentType: 'text/plain',
      contentTypeDefaulted: true,
      transferEncoding: '7bit',
    };
    if (parent) {
      part.parent = parent.index;
      parent.children.push(part.index);
    }
    this.parts.push(part);
    open.part = part;
    return open;
  }

  /** The empty line ending a header: parse it and decide how to read the body. */
  private endHeader(open: OpenPart, bodyStart: number, terminatorLen: number): void {
    open.header.push(terminatorLen === 2 ? CRLF_BYTES : LF_BYTES);
    open.headerHeld += terminatorLen;
    if (open.depth === 0) {
      this.headerBytes = bodyStart;
      this.headerWireBytes = bodyStart + this.cumLf + (terminatorLen === 1 ? 1 : 0);
    }
    const part = open.part!;
    part.bodyOffset = bodyStart;
    part.headerBytes = bodyStart - part.offset;
    const block = this.parseHeader(open);
    open.phase = 'body';
    const parentType = part.parent !== undefined ? this.parts[part.parent]?.contentType : undefined;
    describePart(part, block, parentType);
    const ctePart = part.transferEncoding;
    if (!KNOWN_TRANSFER_ENCODINGS.has(ctePart)) {
      this.problem(
        'unknown-transfer-encoding',
        part.path,
        `Content-Transfer-Encoding "${ctePart}" is not defined`,
      );
    }
    open.base64 = ctePart === 'base64';
    const identity = IDENTITY_ENCODINGS.has(ctePart);
    if (part.contentType.startsWith('multipart/')) {
      if (!identity) {
        this.problem(
          'encoded-multipart',
          part.path,
          `a multipart must not be encoded (${ctePart}): RFC 2045 6.4`,
        );
      }
      const b = part.boundary;
      if (b === undefined || b === '') {
        this.problem(
          'multipart-without-boundary',
          part.path,
          `${part.contentType} has no boundary parameter`,
        );
      } else if (b.length > MAX_BOUNDARY_FOLLOWED) {
        this.problem('boundary-invalid', part.path, `the boundary is ${b.length} characters long`);
      } else if (open.depth >= MAX_MIME_DEPTH) {
        this.problem('nesting-too-deep', part.path, `multiparts nested deeper than ${MAX_MIME_DEPTH} levels`);
      } else {
        if (b.length > MAX_BOUNDARY_CHARS || /[^0-9A-Za-z'()+_,\-./:=? ]| $/.test(b)) {
          this.problem(
            'boundary-invalid',
            part.path,
            `the boundary "${b.slice(0, 80)}" breaks RFC 2046 5.1.1`,
          );
        }
        open.boundary = b;
        open.phase = 'preamble';
        open.base64 = false;
      }
    } else if ((part.contentType === 'message/rfc822' || part.contentType === 'message/global') && identity) {
      if (open.depth >= MAX_MIME_DEPTH) {
        this.problem('nesting-too-deep', part.path, `messages nested deeper than ${MAX_MIME_DEPTH} levels`);
      } else {
        open.phase = 'epilogue'; // its lines belong to the encapsulated message
        open.childCount++;
        this.chain.push(this.openChild(open, `${part.path ? `${part.path}.` : ''}1`, bodyStart));
      }
    }
  }

  private parseHeader(open: OpenPart): HeaderBlock {
    const part = open.part!;
    const bytes = Buffer.concat(open.header, open.headerHeld);
    open.header = [];
    if (open.headerTruncated && open.depth > 0) {
      this.problem('header-too-large', part.path, `the part header exceeds ${open.headerCap} bytes`);
    }
    const block = parseHeaderBlock(bytes, part.offset, open.headerLine, open.headerTruncated);
    this.partHeaders[part.index] = block;
    return block;
  }

  private closePart(open: OpenPart, end: number, endCumLf: number): void {
    const part = open.part;
    if (!part) return;
    if (open.phase === 'header') {
      // No empty line: the part is all header (RFC 2046 allows an empty part header, not this).
      part.headerBytes = Math.max(0, end - part.offset);
      part.bodyOffset = end;
      describePart(part, this.parseHeader(open), undefined);
    }
    part.bytes = Math.max(0, end - part.offset);
    part.wireBytes = part.bytes + Math.max(0, endCumLf - open.startCumLf);
    part.bodyBytes = Math.max(0, end - part.bodyOffset);
    if (open.invalidBase64 > 0) {
      this.problem(
        'invalid-base64',
        part.path,
        `${open.invalidBase64} characters outside the base64 alphabet (first at byte ${open.invalidBase64Example})`,
      );
    }
  }

  private problem(kind: MimeProblemKind, part: string, detail: string): void {
    // One problem per kind and part; too-many-parts and nesting-too-deep once per message.
    const key = kind === 'too-many-parts' || kind === 'nesting-too-deep' ? kind : `${kind} ${part}`;
    if (this.problemKinds.has(key) || this.problems.length >= MAX_MIME_PARTS) return;
    this.problemKinds.add(key);
    this.problems.push({ kind, part, detail });
  }
}

const CRLF_BYTES = Buffer.from('\r\n');
const LF_BYTES = Buffer.from('\n');
const EMPTY = Buffer.alloc(0);

/** Fill a part's type, encoding, disposition and name from its header (RFC 2045, 2183, 2231). */
function describePart(part: MimePart, block: HeaderBlock, parentType: string | undefined): void {
  const field = (key: string) => block.fields.find((f) => f.key === key)?.value;
  const ct = field('content-type');
  const parsed = ct !== undefined ? parseMimeValue(ct) : undefined;
  if (parsed && /^[a-z0-9!#$%&'*+.^_`{|}~-]+\/[a-z0-9!#$%&'*+.^_`{|}~-]+$/.test(parsed.value)) {
    part.contentType = parsed.value;
    part.contentTypeDefaulted = false;
  } else if (parentType === 'multipart/digest') {
    part.contentType = 'message/rfc822'; // RFC 2046 5.1.5
  }
  const params = parsed?.params ?? {};
  if (params['charset']) part.charset = params['charset'].toLowerCase();
  if (params['boundary'] !== undefined) part.boundary = params['boundary'];
  const cte = field('content-transfer-encoding');
  if (cte) part.transferEncoding = cte.trim().toLowerCase();
  const cd = field('content-disposition');
  const disposition = cd !== undefined ? parseMimeValue(cd) : undefined;
  if (disposition?.value) part.disposition = disposition.value;
  const filename = disposition?.params['filename'] ?? params['name'];
  if (filename !== undefined && filename !== '') part.filename = filename;
  const cid = field('content-id');
  if (cid) part.contentId = cid;
}
