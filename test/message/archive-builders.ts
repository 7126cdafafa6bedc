/**
 * Test-only archive builders: yauzl only reads, so zips are written here by hand (APPNOTE.TXT
 * 4.3: local headers, central directory, end record; zip64 end records past 65,535 entries),
 * with knobs for the hostile cases (encryption flag, lying sizes). Tar via tar-stream's pack,
 * gzip via node:zlib.
 */
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

export interface ZipEntrySpec {
  name: string | Buffer;
  data?: Buffer | string;
  /** Deflate (default) or store. */
  method?: 'deflate' | 'store';
  /** Set the "encrypted" flag (bit 0) and prefix a 12-byte traditional encryption header. */
  encrypted?: boolean;
  /** Declared uncompressed size, when it should lie. */
  declaredSize?: number;
  /** Already deflated data (with `uncompressedSize`): for bombs built without holding the zeros twice. */
  raw?: { deflated: Buffer; uncompressedSize: number; crc: number };
}

const UTF8_FLAG = 0x0800;
const ENCRYPTED_FLAG = 0x0001;
const MAX_16 = 0xffff;

/** A little-endian header: signature, then [offset, width in bytes, value] fields. */
function header(length: number, signature: number, fields: readonly [number, 2 | 4, number][]): Buffer {
  const b = Buffer.alloc(length);
  b.writeUInt32LE(signature, 0);
  for (const [at, width, value] of fields) {
    if (width === 2) b.writeUInt16LE(value, at);
    else b.writeUInt32LE(value, at);
  }
  return b;
}

export function buildZip(entries: readonly ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = typeof e.name === 'string' ? Buffer.from(e.name, 'utf8') : e.name;
    const data = typeof e.data === 'string' ? Buffer.from(e.data) : (e.data ?? Buffer.alloc(0));
    const method = e.raw ? 8 : e.method === 'store' ? 0 : 8;
    let body = e.raw ? e.raw.deflated : method === 8 ? deflateRawSync(data) : data;
    if (e.encrypted) body = Buffer.concat([Buffer.alloc(12, 0x5a), body]);
    const crc = e.raw ? e.raw.crc : crc32(data);
    const size = e.declaredSize ?? (e.raw ? e.raw.uncompressedSize : data.length);
    const flags = UTF8_FLAG | (e.encrypted ? ENCRYPTED_FLAG : 0);
    // APPNOTE 4.3.7 (local header) and 4.3.12 (central header): the same fields at other offsets.
    const local = header(30, 0x04034b50, [
      [4, 2, 20],
      [6, 2, flags],
      [8, 2, method],
      [14, 4, crc],
      [18, 4, body.length],
      [22, 4, size],
      [26, 2, name.length],
    ]);
    const central = header(46, 0x02014b50, [
      [4, 2, 20],
      [6, 2, 20],
      [8, 2, flags],
      [10, 2, method],
      [16, 4, crc],
      [20, 4, body.length],
      [24, 4, size],
      [28, 2, name.length],
      [42, 4, offset],
    ]);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const tail: Buffer[] = [];
  const count = entries.length;
  if (count > MAX_16) {
    // APPNOTE 4.3.14/4.3.15: zip64 end of central directory record and locator.
    const z64 = Buffer.alloc(56);
    z64.writeUInt32LE(0x06064b50, 0);
    z64.writeBigUInt64LE(44n, 4);
    z64.writeUInt16LE(45, 12);
    z64.writeUInt16LE(45, 14);
    z64.writeBigUInt64LE(BigInt(count), 24);
    z64.writeBigUInt64LE(BigInt(count), 32);
    z64.writeBigUInt64LE(BigInt(cd.length), 40);
    z64.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + cd.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(z64, locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(Math.min(count, MAX_16), 8);
  eocd.writeUInt16LE(Math.min(count, MAX_16), 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, ...tail, eocd]);
}

/** `size` zero bytes deflated without holding them (for bombs). */
export function deflatedZeros(size: number): { deflated: Buffer; uncompressedSize: number; crc: number } {
  const zeros = Buffer.alloc(size);
  return { deflated: deflateRawSync(zeros, { level: 9 }), uncompressedSize: size, crc: crc32(zeros) };
}

export async function buildTar(
  entries: readonly { name: string; data?: Buffer | string }[],
): Promise<Buffer> {
  const p = pack();
  for (const e of entries)
    p.entry({ name: e.name }, typeof e.data === 'string' ? Buffer.from(e.data) : (e.data ?? Buffer.alloc(0)));
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export function gzip(data: Buffer): Buffer {
  return gzipSync(data);
}

/** A minimal PE: MZ header whose e_lfanew points at "PE\0\0". */
export function peExecutable(): Buffer {
  const b = Buffer.alloc(256);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  return b;
}

export const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
