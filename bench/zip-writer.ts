/**
 * A minimal zip writer for the message benchmark (APPNOTE 6.3.10: local headers, central
 * directory, end record; no zip64, no encryption). Entries are produced one at a time, so a
 * 30 MB archive is streamed to its file and never held: only the central directory (~80 bytes
 * an entry) stays in memory.
 */
import { crc32, deflateRawSync } from 'node:zlib';

/** APPNOTE 4.3.7, 4.3.12, 4.3.16: record signatures. */
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY_SIGNATURE = 0x06054b50;
/** APPNOTE 4.4.3: version needed to extract, 2.0 (deflate). */
const VERSION_NEEDED = 20;
/** APPNOTE 4.4.4 bit 11: the name is UTF-8. */
const FLAG_UTF8_NAME = 0x0800;
/** APPNOTE 4.4.5: stored and deflated. */
const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;
/** MS-DOS date 2026-01-05 10:00:00 (APPNOTE 4.4.6): fixed, so the archive is reproducible. */
const DOS_TIME = (10 << 11) | (0 << 5);
const DOS_DATE = ((2026 - 1980) << 9) | (1 << 5) | 5;
/** Without zip64 (APPNOTE 4.3.14) an archive holds at most 65,535 entries and 4 GiB. */
export const ZIP_MAX_ENTRIES = 0xffff;

export interface ZipEntryInput {
  name: string;
  data: Buffer;
  /** Deflate the data (text) or store it (already compressed: PDF streams, images). */
  deflate: boolean;
}

/** Builds an archive entry by entry; `add` and `finish` return the bytes to write next. */
export class ZipWriter {
  private offset = 0;
  private count = 0;
  /** Central directory records and their names, in entry order. */
  private readonly central: Buffer[] = [];

  get bytesWritten(): number {
    return this.offset;
  }

  get entries(): number {
    return this.count;
  }

  /** Bytes an entry named `name` adds besides its (compressed) data. */
  static overhead(name: string): number {
    const n = Buffer.byteLength(name);
    return 30 + n + 46 + n;
  }

  add(entry: ZipEntryInput): Buffer {
    if (this.count >= ZIP_MAX_ENTRIES) throw new Error('zip: too many entries without zip64');
    const name = Buffer.from(entry.name, 'utf8');
    const stored = entry.deflate ? deflateRawSync(entry.data) : entry.data;
    const method = entry.deflate ? METHOD_DEFLATED : METHOD_STORED;
    const crc = crc32(entry.data);
    // APPNOTE 4.3.7 and 4.3.12: both records carry the same run of fields, from "version
    // needed to extract" to the name's length; the central one has "version made by" before it.
    const fields = (record: Buffer, at: number) => {
      record.writeUInt16LE(VERSION_NEEDED, at);
      record.writeUInt16LE(FLAG_UTF8_NAME, at + 2);
      record.writeUInt16LE(method, at + 4);
      record.writeUInt16LE(DOS_TIME, at + 6);
      record.writeUInt16LE(DOS_DATE, at + 8);
      record.writeUInt32LE(crc, at + 10);
      record.writeUInt32LE(stored.length, at + 14);
      record.writeUInt32LE(entry.data.length, at + 18);
      record.writeUInt16LE(name.length, at + 22);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER_SIGNATURE, 0);
    fields(local, 4);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_HEADER_SIGNATURE, 0);
    central.writeUInt16LE(VERSION_NEEDED, 4); // version made by
    fields(central, 6);
    central.writeUInt32LE(this.offset, 42);
    this.central.push(central, name);
    this.count++;
    const out = Buffer.concat([local, name, stored]);
    this.offset += out.length;
    return out;
  }

  /** The central directory and its end record. */
  finish(): Buffer {
    const directory = Buffer.concat(this.central);
    const count = this.count;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY_SIGNATURE, 0);
    end.writeUInt16LE(count, 8);
    end.writeUInt16LE(count, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(this.offset, 16);
    const out = Buffer.concat([directory, end]);
    this.offset += out.length;
    return out;
  }
}
