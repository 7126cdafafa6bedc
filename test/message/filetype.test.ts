import { describe, expect, it } from 'vitest';
import {
  compareExtension,
  detectKind,
  extensionOf,
  type FileKind,
  hasPeHeader,
  zipFlavour,
} from '../../src/message/filetype.js';
import { buildTar, buildZip, gzip, PDF, peExecutable } from './archive-builders.js';

const at = (offset: number, magic: string | Buffer, total = offset + 64) => {
  const b = Buffer.alloc(total);
  (typeof magic === 'string' ? Buffer.from(magic, 'latin1') : magic).copy(b, offset);
  return b;
};
const hex = (s: string) => Buffer.from(s, 'hex');

describe('detectKind', () => {
  it.each<[string, Buffer, FileKind]>([
    ['zip', buildZip([{ name: 'a.txt', data: 'hi' }]), 'zip'],
    ['empty zip', hex('504b0506000000000000000000000000000000000000'), 'zip'],
    ['gzip', gzip(Buffer.from('hello')), 'gzip'],
    ['rar 4', Buffer.from('Rar!\x1a\x07\x00rest', 'latin1'), 'rar'],
    ['rar 5', Buffer.from('Rar!\x1a\x07\x01\x00rest', 'latin1'), 'rar'],
    ['7z', hex('377abcaf271c0004'), '7z'],
    ['PE', peExecutable(), 'windows-executable'],
    ['ELF', Buffer.from('\x7fELF\x02\x01\x01', 'latin1'), 'elf'],
    ['Mach-O 64', hex('cffaedfe07000001'), 'mach-o'],
    ['Mach-O fat', hex('cafebabe00000002'), 'mach-o'],
    ['Java class (same magic, version 52)', hex('cafebabe00000034'), 'java-class'],
    ['PDF', PDF, 'pdf'],
    ['PDF after junk', Buffer.concat([Buffer.from('garbage\n'), PDF]), 'pdf'],
    ['OLE2', hex('d0cf11e0a1b11ae10000'), 'ole2'],
    ['ISO 9660', at(32769, 'CD001'), 'iso9660'],
    ['DMG (koly trailer)', Buffer.concat([Buffer.alloc(4096), at(0, 'koly', 512)]), 'dmg'],
    ['PNG', hex('89504e470d0a1a0a0000'), 'png'],
    ['JPEG', hex('ffd8ffe000104a464946'), 'jpeg'],
    ['GIF', Buffer.from('GIF89a....'), 'gif'],
    ['shell script', Buffer.from('#!/bin/sh\nrm -rf /\n'), 'script'],
    ['Windows shortcut', hex('4c0000000114020000000000c000000000000046ffff'), 'windows-shortcut'],
    ['CAB', Buffer.from('MSCF\0\0\0\0rest', 'latin1'), 'cab'],
    ['HTML', Buffer.from('\ufeff  <!DOCTYPE html><html>'), 'html'],
    ['plain text', Buffer.from('Dear customer,\nthanks.'), 'unknown'],
    ['empty', Buffer.alloc(0), 'unknown'],
  ])('%s', (_name, data, kind) => {
    expect(detectKind(data)).toBe(kind);
  });

  it('tar by the ustar magic at 257', async () => {
    expect(detectKind(await buildTar([{ name: 'a.txt', data: 'x' }]))).toBe('tar');
  });

  it('tells a PE program from a bare MZ stub', () => {
    expect(hasPeHeader(peExecutable())).toBe(true);
    expect(hasPeHeader(Buffer.from('MZ\0\0'))).toBe(false);
  });
});

describe('zipFlavour', () => {
  it.each<[string, string[], FileKind]>([
    ['docx', ['[Content_Types].xml', '_rels/.rels', 'word/document.xml'], 'ooxml-word'],
    ['xlsx', ['[Content_Types].xml', 'xl/workbook.xml'], 'ooxml-excel'],
    ['pptx', ['[Content_Types].xml', 'ppt/presentation.xml'], 'ooxml-powerpoint'],
    ['jar', ['META-INF/MANIFEST.MF', 'com/x/Main.class'], 'jar'],
    ['apk', ['AndroidManifest.xml', 'classes.dex', 'META-INF/MANIFEST.MF'], 'apk'],
    ['appx', ['AppxManifest.xml', '[Content_Types].xml'], 'appx'],
    ['appxbundle', ['AppxMetadata/AppxBundleManifest.xml'], 'appxbundle'],
    ['plain zip', ['photos/a.jpg', 'notes.txt'], 'zip'],
  ])('%s', (_name, names, kind) => {
    expect(zipFlavour(names)).toBe(kind);
  });
});

describe('extension against content', () => {
  it.each<[string, FileKind, string, ReturnType<typeof compareExtension>]>([
    ['pdf named .pdf', 'pdf', 'pdf', 'consistent'],
    ['PE named .pdf', 'windows-executable', 'pdf', 'disguised'],
    ['PE without extension', 'windows-executable', '', 'disguised'],
    ['PE named .dat', 'windows-executable', 'dat', 'disguised'],
    ['PE named .exe', 'windows-executable', 'exe', 'consistent'],
    ['jar named .zip', 'jar', 'zip', 'consistent'],
    ['jar named .docx', 'jar', 'docx', 'disguised'],
    ['docx named .zip', 'ooxml-word', 'zip', 'consistent'],
    ['docx named .xlsx', 'ooxml-word', 'xlsx', 'mismatch'],
    ['PNG named .pdf', 'png', 'pdf', 'mismatch'],
    ['PDF named .txt', 'pdf', 'txt', 'mismatch'],
    ['PDF with an unknown extension', 'pdf', 'xyz', 'consistent'],
    ['unknown content named .pdf', 'unknown', 'pdf', 'consistent'],
    ['lnk named .pdf', 'windows-shortcut', 'pdf', 'disguised'],
    ['ISO named .img', 'iso9660', 'img', 'consistent'],
  ])('%s', (_name, kind, ext, verdict) => {
    expect(compareExtension(kind, ext)).toBe(verdict);
  });

  it('extensionOf takes the last extension, lower case, of the last path segment', () => {
    expect(extensionOf('invoice.PDF.Exe')).toBe('exe');
    expect(extensionOf('dir.d/README')).toBe('');
    expect(extensionOf('.bashrc')).toBe('');
    expect(extensionOf('a\\b.js')).toBe('js');
  });
});
