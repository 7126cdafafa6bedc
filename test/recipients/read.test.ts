/** The list reader on the variants ESPs export: BOM, separators, CRLF, quotes, UTF-16, huge lines. */
import { describe, expect, it } from 'vitest';
import {
  type InputFormat,
  type InputRecord,
  MAX_RECORD_CHARS,
  readRecipientRecords,
} from '../../src/recipients/read.js';
import { chunksOf } from './helpers.js';

async function read(parts: (string | Uint8Array)[], column?: string) {
  const records: InputRecord[] = [];
  let format: InputFormat | undefined;
  for await (const r of readRecipientRecords(chunksOf(...parts), {
    ...(column !== undefined ? { column } : {}),
    onFormat: (f) => {
      format = f;
    },
  }))
    records.push(r);
  return { records, format, addresses: records.map((r) => r.address) };
}

const bytes = (s: string) => new TextEncoder().encode(s);

describe('reading a recipient list', () => {
  it('one address per line, LF, CRLF and CR; blank lines skipped; lines counted', async () => {
    const { records, format } = await read(['a@x.com\r\n\r\nb@x.com\nc@x.com\rd@x.com']);
    expect(format).toEqual({ format: 'lines', encoding: 'utf-8' });
    expect(records.map((r) => [r.line, r.address])).toEqual([
      [1, 'a@x.com'],
      [3, 'b@x.com'],
      [4, 'c@x.com'],
      [5, 'd@x.com'],
    ]);
  });

  it('a single "Email" header makes a one-column CSV; a UTF-8 BOM is dropped', async () => {
    const { addresses, format } = await read([bytes('\ufeffEmail\na@x.com\n')]);
    expect(format).toMatchObject({ format: 'csv', column: 'Email', encoding: 'utf-8' });
    expect(addresses).toEqual(['a@x.com']);
  });

  it('sniffs ; and tab separators from the header, and finds the email column anywhere', async () => {
    const semi = await read(['Name;E-Mail;City\r\nAnn;a@x.com;Paris\r\n']);
    expect(semi.format).toMatchObject({ separator: ';', column: 'E-Mail' });
    expect(semi.addresses).toEqual(['a@x.com']);
    const tab = await read(['id\temail\n1\t b@x.com \n']);
    expect(tab.format).toMatchObject({ separator: '\t' });
    expect(tab.addresses).toEqual(['b@x.com']);
  });

  it('RFC 4180: quoted fields with "" escapes, separators and line breaks inside; lines still counted', async () => {
    const { records } = await read([
      'note,email\n"multi\r\nline, with comma","a@x.com"\n"say ""hi""",b@x.com\nlast,c@x.com\n',
    ]);
    expect(records.map((r) => [r.line, r.address])).toEqual([
      [2, 'a@x.com'],
      [4, 'b@x.com'],
      [5, 'c@x.com'],
    ]);
  });

  it('chunk boundaries anywhere (CRLF split, quotes split, multi-byte UTF-8 split)', async () => {
    const text = 'email,n\r\n"ü@x.com","a\r\nb"\r\nz@x.com,1\r\n';
    const all = bytes(text);
    for (let cut = 1; cut < all.length; cut++) {
      const { addresses } = await read([all.slice(0, cut), all.slice(cut)]);
      expect(addresses).toEqual(['ü@x.com', 'z@x.com']);
    }
  });

  it.each([
    ['"Email Address","First Name"\r\n"a@example.com","A"\r\n', 'Email Address'],
    ['Name;E-Mail-Adresse\r\nA;a@example.com\r\n', 'E-Mail-Adresse'],
    ['nom,Courriel\na,a@example.com\n', 'Courriel'],
    ['Name,Mail\nA,a@example.com\n', 'Mail'],
  ])('finds the address column of an ESP or address-book export: %j', async (csv, column) => {
    const { records, format } = await read([csv]);
    expect(format).toMatchObject({ format: 'csv', column });
    expect(records.map((r) => r.address)).toEqual(['a@example.com']);
  });

  it('--column picks a column by name; a missing column is a clear error', async () => {
    expect((await read(['mail,other\na@x.com,b@x.com\n'], 'OTHER')).addresses).toEqual(['b@x.com']);
    await expect(read(['name,city\nann,paris\n'])).rejects.toThrow(
      /no email column.*"name", "city".*--column/,
    );
    await expect(read(['name,city\n'], 'mail')).rejects.toThrow(/no column named "mail"/);
  });

  it('a short record is an invalid record, not a crash', async () => {
    const { records } = await read(['name,email\nann\n']);
    expect(records[0]?.error?.reason).toBe('input/missing-column');
  });

  it('UTF-16 LE and BE with a BOM are decoded; without a BOM it is a clear error', async () => {
    const le = Buffer.from('\ufeffemail\r\na@x.com\r\n', 'utf16le');
    expect((await read([le])).format).toMatchObject({ encoding: 'utf-16le', format: 'csv' });
    expect((await read([le])).addresses).toEqual(['a@x.com']);
    const be = Buffer.from(le).swap16();
    expect((await read([be])).addresses).toEqual(['a@x.com']);
    await expect(read([Buffer.from('email\na@x.com\n', 'utf16le')])).rejects.toThrow(
      /UTF-16 without a byte-order mark/,
    );
  });

  it('a 10 MB line is one invalid record with a preview; the lines after it are read', async () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const chunk = 64 * 1024;
    const parts = ['a@x.com\n'];
    for (let i = 0; i < huge.length; i += chunk) parts.push(huge.slice(i, i + chunk));
    parts.push('\nb@x.com\n');
    const { records } = await read(parts);
    expect(records).toHaveLength(3);
    expect(records[1]?.error?.reason).toBe('input/record-too-long');
    expect(records[1]?.error?.detail).toContain(String(MAX_RECORD_CHARS));
    expect(records[1]?.address).toHaveLength(80);
    expect(records[2]).toEqual({ line: 3, address: 'b@x.com' });
  });

  it('an unclosed quote in a huge CSV record does not swallow the rest of the file', async () => {
    const parts = ['email\n"', 'y'.repeat(MAX_RECORD_CHARS + 10), '\nb@x.com\n'];
    const { records } = await read(parts);
    expect(records.map((r) => r.error?.reason ?? r.address)).toEqual(['input/record-too-long', 'b@x.com']);
  });
});
