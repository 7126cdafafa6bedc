/**
 * A zip writer for the demo's attachment (yauzl, which the attachments check reads with, only
 * reads): stored entries, no compression, no zip64 (APPNOTE.TXT 4.3).
 */
import { crc32 } from 'node:zlib';

/** APPNOTE.TXT 4.3.7, 4.3.12, 4.3.16: local header, central header and end record sizes. */
const LOCAL_HEADER_BYTES = 30;
const CENTRAL_HEADER_BYTES = 46;
const END_RECORD_BYTES = 22;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const END_RECORD_SIGNATURE = 0x06054b50;
/** Where the fields both headers share begin (the central header has "version made by" first). */
const LOCAL_SHARED_AT = 4;
const CENTRAL_SHARED_AT = 6;
/** APPNOTE.TXT 4.4.3: version 2.0 needed to extract; 4.4.4 bit 11: names are UTF-8. */
const VERSION = 20;
const UTF8_NAMES = 0x0800;

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/**
 * The fields local and central headers share, from `at`: version needed, flags, method (0:
 * stored), time and date (0), CRC-32, compressed and uncompressed size, name length.
 */
function writeSharedFields(header: Buffer, at: number, crc: number, size: number, nameBytes: number): void {
  header.writeUInt16LE(VERSION, at);
  header.writeUInt16LE(UTF8_NAMES, at + 2);
  header.writeUInt32LE(crc, at + 10);
  header.writeUInt32LE(size, at + 14);
  header.writeUInt32LE(size, at + 18);
  header.writeUInt16LE(nameBytes, at + 22);
}

/** A zip archive of stored (uncompressed) entries. */
export function storedZip(entries: readonly ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(entry.data);
    const local = Buffer.alloc(LOCAL_HEADER_BYTES);
    local.writeUInt32LE(LOCAL_HEADER_SIGNATURE, 0);
    writeSharedFields(local, LOCAL_SHARED_AT, crc, entry.data.length, name.length);
    const head = Buffer.alloc(CENTRAL_HEADER_BYTES);
    head.writeUInt32LE(CENTRAL_HEADER_SIGNATURE, 0);
    head.writeUInt16LE(VERSION, 4); // version made by
    writeSharedFields(head, CENTRAL_SHARED_AT, crc, entry.data.length, name.length);
    head.writeUInt32LE(offset, 42); // offset of the local header
    parts.push(local, name, entry.data);
    central.push(head, name);
    offset += local.length + name.length + entry.data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(END_RECORD_BYTES);
  end.writeUInt32LE(END_RECORD_SIGNATURE, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}
