/**
 * DKIM signature verification (RFC 6376 3.4-3.7, 5.4, 6.1; RFC 8301; RFC 8463) on node:crypto,
 * pure: the message bytes and the key record texts come in, a verdict per signature goes out.
 * Fetching the key is the collect step's job (through the run's probe, so a timeout is unknown).
 *
 * The message is verified as it travels on the wire: lines end in CRLF. A file stored with bare
 * LF line ends is read as if each LF were CRLF, as an MTA would send it.
 */
import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { decodeBase64, parseDkimKeyRecord, parseTagList } from '../dkim/index.js';

/** Signatures verified per message; more are listed as not verified. */
export const DKIM_MAX_SIGNATURES = 10;
/** Header names one h= may list (RFC 6376 sets no limit; real signers list 10-30). */
export const DKIM_MAX_SIGNED_HEADERS = 200;
/** RFC 8301 3.2: verifiers MUST NOT accept RSA keys shorter than 1024 bits. */
export const DKIM_VERIFY_MIN_RSA_BITS = 1024;
/** RFC 8463 4: an Ed25519 public key is 32 raw bytes. */
const ED25519_RAW_KEY_BYTES = 32;
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export type Canonicalization = 'simple' | 'relaxed';

/** What a DKIM-Signature says (its tags, parsed), or why it could not be read. */
export interface DkimSignatureTags {
  /** d= (lower-case). */
  domain: string;
  /** s=. */
  selector: string;
  /** a=, lower-case: rsa-sha256, ed25519-sha256, rsa-sha1, ... */
  algorithm: string;
  header: Canonicalization;
  body: Canonicalization;
  /** h=, lower-case, in order. */
  signedHeaders: string[];
  /** i= (the AUID), when given. */
  identity?: string;
  /** l=, when given: only this many octets of the canonical body are signed. */
  bodyLength?: number;
  /** t=, seconds since the epoch. */
  timestamp?: number;
  /** x=, seconds since the epoch. */
  expiration?: number;
  /** bh= (base64, FWS removed). */
  bodyHash: string;
  /** b= (base64, FWS removed). */
  signature: string;
}

export type SignatureParse = { ok: true; tags: DkimSignatureTags } | { ok: false; problem: string };

/** One header field as it stands in the message: its name and all its raw lines (with CRLFs). */
export interface RawHeaderField {
  name: string;
  /** The whole field as on the wire: `Name: value\r\n` with any folded lines. */
  raw: string;
}

/** A message split on the wire: header fields in order, and the body. */
export interface WireMessage {
  fields: RawHeaderField[];
  body: Buffer;
}

/** RFC 6376 3.5, 6.1.1: the tags a signature must have, and their rules. */
export function parseDkimSignature(value: string): SignatureParse {
  const list = parseTagList(value);
  if (!list.ok) return { ok: false, problem: list.error.message };
  const tag = (n: string) => list.tags.find((t) => t.name === n)?.value;
  for (const required of ['v', 'a', 'b', 'bh', 'd', 'h', 's']) {
    if (tag(required) === undefined) return { ok: false, problem: `the ${required}= tag is missing` };
  }
  if (tag('v') !== '1') return { ok: false, problem: `v=${tag('v')} is not 1 (RFC 6376 3.5)` };
  const c = (tag('c') ?? 'simple/simple').toLowerCase().split('/');
  const header = c[0];
  const body = c[1] ?? 'simple';
  if (c.length > 2 || !isCanon(header) || !isCanon(body))
    return { ok: false, problem: `c=${tag('c')} is not a known canonicalization` };
  const signedHeaders = (tag('h') as string)
    .split(':')
    .map((h) => h.replace(/[ \t\r\n]+/g, '').toLowerCase())
    .filter((h) => h !== '');
  if (signedHeaders.length > DKIM_MAX_SIGNED_HEADERS)
    return {
      ok: false,
      problem: `h= lists ${signedHeaders.length} headers (more than ${DKIM_MAX_SIGNED_HEADERS})`,
    };
  const num = (n: string): number | undefined | null => {
    const v = tag(n);
    if (v === undefined) return undefined;
    return /^[0-9]{1,76}$/.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : null;
  };
  const bodyLength = num('l');
  const timestamp = num('t');
  const expiration = num('x');
  for (const [n, v] of [
    ['l', bodyLength],
    ['t', timestamp],
    ['x', expiration],
  ] as const)
    if (v === null) return { ok: false, problem: `${n}=${tag(n)} is not a number` };
  const domain = (tag('d') as string).toLowerCase();
  const out: DkimSignatureTags = {
    domain,
    selector: tag('s') as string,
    algorithm: (tag('a') as string).toLowerCase(),
    header,
    body,
    signedHeaders,
    bodyHash: (tag('bh') as string).replace(/[ \t\r\n]+/g, ''),
    signature: (tag('b') as string).replace(/[ \t\r\n]+/g, ''),
  };
  const identity = tag('i');
  if (identity !== undefined) {
    out.identity = identity;
    // RFC 6376 3.5 i=: the domain part must be d= or a subdomain of it.
    const auidDomain = identity.slice(identity.lastIndexOf('@') + 1).toLowerCase();
    if (auidDomain !== domain && !auidDomain.endsWith(`.${domain}`))
      return { ok: false, problem: `i=${identity} is not in d=${domain} or a subdomain (RFC 6376 3.5)` };
  }
  if (typeof bodyLength === 'number') out.bodyLength = bodyLength;
  if (typeof timestamp === 'number') out.timestamp = timestamp;
  if (typeof expiration === 'number') out.expiration = expiration;
  // RFC 6376 3.5 h=: From MUST be signed; 6.1.1: a signature without it is ignored.
  if (!signedHeaders.includes('from'))
    return { ok: false, problem: 'h= does not include From (RFC 6376 5.4)' };
  return { ok: true, tags: out };
}

function isCanon(s: string | undefined): s is Canonicalization {
  return s === 'simple' || s === 'relaxed';
}

/**
 * The header fields and body of a message on the wire. Bare LF line ends count as CRLF; the
 * header ends at the first empty line (none: the whole message is header, the body empty). Only
 * the header is copied into CRLF form; the body stays the bytes as given (a view, never a copy of
 * a 40 MB message) and hashCanonicalBody reads its line ends the same way.
 */
export function splitWireMessage(bytes: Buffer): WireMessage {
  const lines = new WireLines(bytes);
  let headEnd = bytes.length;
  let bodyStart = bytes.length;
  for (let line = lines.next(); line !== undefined; line = lines.next()) {
    if (line.end === line.start && line.terminated) {
      headEnd = line.start;
      bodyStart = lines.position;
      break;
    }
  }
  const head = toCrlf(bytes.subarray(0, headEnd)).toString('latin1');
  const fields: RawHeaderField[] = [];
  for (const line of head.split(/(?<=\r\n)/)) {
    if (line === '') continue;
    const last = fields[fields.length - 1];
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) last.raw += line;
    else {
      const colon = line.indexOf(':');
      fields.push({ name: (colon < 0 ? line : line.slice(0, colon)).trim().toLowerCase(), raw: line });
    }
  }
  return { fields, body: bytes.subarray(bodyStart) };
}

/**
 * The lines of a message as SMTP carries them: a line ends at CRLF, or at a bare LF or a lone CR,
 * each read as CRLF (what toCrlf would make of it), without copying the bytes.
 */
export class WireLines {
  private pos = 0;
  /** Next CR and LF at or after `pos` (bytes.length: none), cached so each is searched once. */
  private cr = -1;
  private lf = -1;

  constructor(private readonly bytes: Buffer) {}

  /** Where the next line starts. */
  get position(): number {
    return this.pos;
  }

  /** The next line's content [start, end), and whether a line end follows it. */
  next(): { start: number; end: number; terminated: boolean } | undefined {
    const bytes = this.bytes;
    const start = this.pos;
    if (start >= bytes.length) return undefined;
    if (this.cr < start) this.cr = indexOrEnd(bytes, 0x0d, start);
    if (this.lf < start) this.lf = indexOrEnd(bytes, 0x0a, start);
    if (this.lf <= this.cr) {
      // LF first: a CR right before it would have come first, so this is a bare LF (or the end).
      this.pos = Math.min(this.lf + 1, bytes.length);
      return { start, end: this.lf, terminated: this.lf < bytes.length };
    }
    this.pos = this.cr + 1 === this.lf ? this.lf + 1 : this.cr + 1; // CRLF, or a lone CR
    return { start, end: this.cr, terminated: true };
  }
}

function indexOrEnd(bytes: Buffer, byte: number, from: number): number {
  const i = bytes.indexOf(byte, from);
  return i < 0 ? bytes.length : i;
}

/** Bare LF (and a lone CR) become CRLF; a buffer that is all CRLF already is returned as is. */
export function toCrlf(bytes: Buffer): Buffer {
  let bare = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x0a && bytes[i - 1] !== 0x0d) bare++;
    else if (b === 0x0d && bytes[i + 1] !== 0x0a) bare++;
  }
  if (bare === 0) return bytes;
  const out = Buffer.allocUnsafe(bytes.length + bare);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === 0x0a && bytes[i - 1] !== 0x0d) out[o++] = 0x0d;
    out[o++] = b;
    if (b === 0x0d && bytes[i + 1] !== 0x0a) out[o++] = 0x0a;
  }
  return out.subarray(0, o);
}

/** RFC 6376 3.4.1 / 3.4.2: one header field in canonical form (with its CRLF). */
export function canonicalHeader(field: RawHeaderField, c: Canonicalization): string {
  if (c === 'simple') return field.raw.endsWith('\r\n') ? field.raw : `${field.raw}\r\n`;
  const colon = field.raw.indexOf(':');
  // trim() below drops the WSP before the colon; a /[ \t]+$/ here was quadratic on long runs.
  const name = field.raw.slice(0, colon < 0 ? field.raw.length : colon).toLowerCase();
  const value = (colon < 0 ? '' : field.raw.slice(colon + 1))
    .replace(/\r\n(?=[ \t])/g, '')
    .replace(/\r\n$/, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ /, '')
    .replace(/ $/, '');
  return `${name.trim()}:${value}\r\n`;
}

/**
 * RFC 6376 3.4.3 / 3.4.4: the canonical body, hashed as it is produced (a 40 MB body is not
 * copied). Line ends are read as on the wire (WireLines: a bare LF or lone CR is a CRLF).
 * Returns the hash of the first `limit` octets and the canonical length.
 */
export function hashCanonicalBody(
  body: Buffer,
  c: Canonicalization,
  algorithm: 'sha256' | 'sha1',
  limit?: number,
): { hash: string; length: number } {
  const hash = createHash(algorithm);
  let length = 0;
  let pendingEmpty = 0; // empty lines held back: trailing ones are dropped (3.4.3, 3.4.4)
  const emit = (chunk: Buffer | string) => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    if (limit !== undefined) {
      const room = limit - length;
      if (room > 0) hash.update(room >= buf.length ? buf : buf.subarray(0, room));
    } else hash.update(buf);
    length += buf.length;
  };
  let sawAny = false;
  const lines = new WireLines(body);
  for (let at = lines.next(); at !== undefined; at = lines.next()) {
    let line = body.subarray(at.start, at.end);
    if (c === 'relaxed') line = relaxLine(line);
    if (line.length === 0) {
      pendingEmpty++;
      continue;
    }
    for (; pendingEmpty > 0; pendingEmpty--) emit('\r\n');
    emit(line);
    emit('\r\n'); // a last line without CRLF gets one (3.4.3; 3.4.4 for a non-empty body)
    sawAny = true;
  }
  // simple: an empty body is one CRLF (3.4.3); relaxed: an empty body stays empty (3.4.4).
  if (!sawAny && c === 'simple') emit('\r\n');
  return { hash: hash.digest('base64'), length };
}

/** RFC 6376 3.4.4: WSP runs become one SP; WSP at the end of the line goes. */
function relaxLine(line: Buffer): Buffer {
  let needs = false;
  for (let i = 0; i < line.length; i++) {
    const b = line[i];
    if (
      b === 0x09 ||
      (b === 0x20 && (i + 1 === line.length || line[i + 1] === 0x20 || line[i + 1] === 0x09))
    ) {
      needs = true;
      break;
    }
  }
  if (!needs) return line;
  return Buffer.from(
    line
      .toString('latin1')
      .replace(/[ \t]+/g, ' ')
      .replace(/ $/, ''),
    'latin1',
  );
}

/**
 * RFC 6376 5.4.2: for each name in h=, the last instance not yet used, bottom up; a name with no
 * (more) instances contributes nothing.
 */
export function selectSignedFields(fields: RawHeaderField[], signedHeaders: string[]): RawHeaderField[] {
  const used = new Set<number>();
  const out: RawHeaderField[] = [];
  for (const name of signedHeaders) {
    for (let i = fields.length - 1; i >= 0; i--) {
      if (used.has(i) || fields[i]?.name !== name) continue;
      used.add(i);
      out.push(fields[i] as RawHeaderField);
      break;
    }
  }
  return out;
}

/** RFC 6376 3.7: the signature's own field, with the value of b= emptied, no final CRLF. */
export function signatureFieldForHash(field: RawHeaderField, c: Canonicalization): string {
  const emptied: RawHeaderField = {
    name: field.name,
    raw: field.raw.replace(/((?:^|;)[ \t\r\n]*b[ \t\r\n]*=)[^;]*/i, (m, head: string) => {
      // `bh=` also starts with b: only the tag named exactly "b" is emptied.
      return /bh[ \t\r\n]*=$/i.test(head) ? m : `${head}${m.endsWith('\r\n') ? '\r\n' : ''}`;
    }),
  };
  return canonicalHeader(emptied, c).replace(/\r\n$/, '');
}

export type VerifyStatus = 'pass' | 'fail' | 'permerror' | 'temperror';

export interface SignatureVerdict {
  status: VerifyStatus;
  /** Why, when not pass: body hash, signature, key, expiry, algorithm... */
  reason?: string;
  /** RFC 8301 / 8463 key measurement: rsa bits or ed25519. */
  keyType?: string;
  keyBits?: number;
  /** Canonical body length (l= is compared with it). */
  canonicalBodyLength?: number;
  /** t=y in the key record: the domain is testing DKIM (RFC 6376 3.6.1). */
  testing?: boolean;
}

/**
 * Verifies one parsed signature of a message against the key record texts found at
 * `<s>._domainkey.<d>` (TXT strings joined). `now` (seconds) judges x=.
 */
export function verifySignature(
  message: WireMessage,
  signatureField: RawHeaderField,
  tags: DkimSignatureTags,
  keyRecords: string[],
  now: number,
): SignatureVerdict {
  const hashName =
    tags.algorithm === 'rsa-sha256' || tags.algorithm === 'ed25519-sha256' ? 'sha256' : undefined;
  if (tags.algorithm === 'rsa-sha1')
    return { status: 'permerror', reason: 'rsa-sha1 is not accepted by verifiers (RFC 8301 3.1)' };
  if (hashName === undefined) return { status: 'permerror', reason: `unknown algorithm a=${tags.algorithm}` };
  if (tags.expiration !== undefined && tags.timestamp !== undefined && tags.expiration < tags.timestamp)
    return { status: 'permerror', reason: 'x= is before t= (RFC 6376 3.5)' };
  const body = hashCanonicalBody(message.body, tags.body, hashName, tags.bodyLength);
  const measured = { canonicalBodyLength: body.length };
  if (tags.bodyLength !== undefined && tags.bodyLength > body.length)
    return {
      status: 'fail',
      reason: `l=${tags.bodyLength} is longer than the body (${body.length} octets)`,
      ...measured,
    };
  if (body.hash !== tags.bodyHash) return { status: 'fail', reason: 'body hash did not verify', ...measured };
  if (keyRecords.length === 0) return { status: 'permerror', reason: 'no key record', ...measured };
  if (keyRecords.length > 1)
    return { status: 'permerror', reason: `${keyRecords.length} key records at the selector`, ...measured };
  const parsed = parseDkimKeyRecord(keyRecords[0] as string);
  if (!parsed.ok) return { status: 'permerror', reason: `key record: ${parsed.error.message}`, ...measured };
  const record = parsed.record;
  const keyInfo = { testing: record.testing };
  if (record.revoked)
    return { status: 'permerror', reason: 'the key is revoked (p= empty)', ...measured, ...keyInfo };
  const wantType = tags.algorithm.startsWith('ed25519') ? 'ed25519' : 'rsa';
  if (record.keyType !== wantType)
    return {
      status: 'permerror',
      reason: `key k=${record.keyType} does not match a=${tags.algorithm}`,
      ...measured,
    };
  if (record.hashAlgorithms && !record.hashAlgorithms.includes(hashName))
    return { status: 'permerror', reason: `key h= does not allow ${hashName}`, ...measured };
  const key = publicKeyOf(wantType, record.publicKey);
  if (typeof key === 'string') return { status: 'permerror', reason: key, ...measured, ...keyInfo };
  const sizeInfo = { keyType: wantType, keyBits: key.bits };
  if (wantType === 'rsa' && key.bits < DKIM_VERIFY_MIN_RSA_BITS)
    return {
      status: 'permerror',
      reason: `${key.bits}-bit RSA key (verifiers refuse under ${DKIM_VERIFY_MIN_RSA_BITS}, RFC 8301 3.2)`,
      ...measured,
      ...keyInfo,
      ...sizeInfo,
    };
  const data = Buffer.from(
    selectSignedFields(message.fields, tags.signedHeaders)
      .map((f) => canonicalHeader(f, tags.header))
      .join('') + signatureFieldForHash(signatureField, tags.header),
    'latin1',
  );
  const sig = decodeBase64(tags.signature);
  if (sig === undefined) return { status: 'permerror', reason: 'b= is not base64', ...measured };
  let ok: boolean;
  try {
    ok =
      wantType === 'rsa'
        ? cryptoVerify('sha256', data, key.key, sig)
        : cryptoVerify(null, createHash('sha256').update(data).digest(), key.key, sig); // RFC 8463 3
  } catch (err) {
    return { status: 'fail', reason: `signature check failed: ${(err as Error).message}`, ...measured };
  }
  if (!ok)
    return {
      status: 'fail',
      reason: 'signature did not verify (headers changed?)',
      ...measured,
      ...keyInfo,
      ...sizeInfo,
    };
  if (tags.expiration !== undefined && tags.expiration < now)
    return {
      status: 'fail',
      reason: `the signature expired (x=${tags.expiration})`,
      ...measured,
      ...keyInfo,
      ...sizeInfo,
    };
  return { status: 'pass', ...measured, ...keyInfo, ...sizeInfo };
}

function publicKeyOf(type: 'rsa' | 'ed25519', base64: string): { key: KeyObject; bits: number } | string {
  const der = decodeBase64(base64);
  if (der === undefined) return 'p= is not base64';
  try {
    if (type === 'ed25519') {
      if (der.length !== ED25519_RAW_KEY_BYTES)
        return `Ed25519 key is ${der.length} bytes, not 32 (RFC 8463 4)`;
      const key = createPublicKey({
        key: Buffer.concat([ED25519_SPKI_PREFIX, der]),
        format: 'der',
        type: 'spki',
      });
      return { key, bits: 256 };
    }
    for (const format of ['spki', 'pkcs1'] as const) {
      try {
        const key = createPublicKey({ key: der, format: 'der', type: format });
        if (key.asymmetricKeyType !== 'rsa') return `p= holds a ${key.asymmetricKeyType} key, not RSA`;
        return { key, bits: key.asymmetricKeyDetails?.modulusLength ?? 0 };
      } catch {}
    }
    return 'p= is not an RSA public key';
  } catch (err) {
    return `p= is not a usable key: ${(err as Error).message}`;
  }
}
