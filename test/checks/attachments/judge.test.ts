import { describe, expect, it } from 'vitest';
import {
  ATTACHMENTS_FINDINGS,
  type AttachmentsEvidence,
  attachmentsCheck,
  FINDINGS_LISTED_PER_ATTACHMENT,
} from '../../../checks/attachments/index.js';
import { renderTemplate } from '../../../src/check.js';
import type { ArchiveEntry } from '../../../src/message/archive.js';
import type { AttachmentFacts } from '../../../src/message/attachments.js';

const target = { domain: 'example.com', ips: [], profile: 'transactional' as const };

const facts = (f: Partial<AttachmentFacts>): AttachmentFacts => ({
  index: 0,
  encodedBytes: 1400,
  bytes: 1000,
  ...f,
});
const ev = (attachments: AttachmentFacts[], count = attachments.length): AttachmentsEvidence => ({
  count,
  attachments,
  notDescribed: 0,
});
const zipOf = (
  entries: ArchiveEntry[],
  notInspected: NonNullable<AttachmentFacts['archive']>['notInspected'] = [],
) => ({
  format: 'zip' as const,
  kind: 'zip' as const,
  entries,
  notInspected,
});

const judge = (e: AttachmentsEvidence) => attachmentsCheck.judge(e, target);
const keys = (e: AttachmentsEvidence) => judge(e).map((f) => f.key);
const messages = (e: AttachmentsEvidence) =>
  judge(e).map((f) => renderTemplate(ATTACHMENTS_FINDINGS[f.key].message, f.data));

describe('attachments judge', () => {
  it('no attachments: no findings', () => {
    expect(judge(ev([]))).toEqual([]);
  });

  it.each<[string, AttachmentFacts, string[]]>([
    ['pdf named .pdf', facts({ filename: 'invoice.pdf', kind: 'pdf' }), []],
    ['text without a signature', facts({ filename: 'notes.txt', kind: 'unknown' }), []],
    ['tar.gz is not blocked', facts({ filename: 'site.tar.gz', kind: 'gzip' }), []],
    ['.exe', facts({ filename: 'setup.exe', kind: 'windows-executable' }), ['blocked-extension']],
    ['upper case .EXE', facts({ filename: 'SETUP.EXE', kind: 'windows-executable' }), ['blocked-extension']],
    ['.js script (no signature)', facts({ filename: 'app.js', kind: 'unknown' }), ['blocked-extension']],
    ['.ex_ (compressed installer)', facts({ filename: 'setup.ex_' }), ['blocked-extension']],
    [
      'PE named .pdf',
      facts({ filename: 'invoice.pdf', kind: 'windows-executable' }),
      ['disguised-executable'],
    ],
    ['PE without a name', facts({ kind: 'windows-executable' }), ['disguised-executable']],
    ['jar named .docx', facts({ filename: 'cv.docx', kind: 'jar' }), ['disguised-executable']],
    ['PNG named .pdf', facts({ filename: 'scan.pdf', kind: 'png' }), ['type-mismatch']],
    ['docx named .zip', facts({ filename: 'cv.zip', kind: 'ooxml-word' }), []],
    ['content not read', facts({ filename: 'x.pdf' }), []],
  ])('%s', (_name, a, expected) => {
    expect(keys(ev([a]))).toEqual(expected);
  });

  it.each<[string, string, string]>([
    [
      'double extension',
      'invoice.pdf.exe',
      ', hidden by a double extension that shows a harmless type first',
    ],
    ['trailing dot', 'setup.exe.', ', hidden by trailing dots or spaces, which Windows drops'],
    ['trailing spaces', 'setup.exe   ', ', hidden by trailing dots or spaces, which Windows drops'],
    ['NUL', 'setup.exe\u0000.pdf', ', hidden by a NUL character, where many programs cut the name'],
    [
      'RFC 2231 left encoded',
      "utf-8''setup%2Eexe",
      ', hidden by an encoded name (RFC 2231 or RFC 2047) that decodes to it',
    ],
    [
      'RFC 2047 left encoded',
      '=?utf-8?B?c2V0dXAuZXhl?=',
      ', hidden by an encoded name (RFC 2231 or RFC 2047) that decodes to it',
    ],
    [
      'RFC 2047 Q split words',
      '=?iso-8859-1?Q?setup?= =?iso-8859-1?Q?=2Eexe?=',
      ', hidden by an encoded name (RFC 2231 or RFC 2047) that decodes to it',
    ],
    [
      'right-to-left override',
      'invoice\u202efdp.exe',
      ', hidden by a right-to-left override character that makes it display reversed',
    ],
    ['plain', 'setup.exe', ''],
  ])('name trick: %s', (_name, filename, trick) => {
    const [f] = judge(ev([facts({ filename })]));
    expect(f?.key).toBe('blocked-extension');
    expect(f?.data?.['extension']).toBe('exe');
    expect(f?.data?.['trick']).toBe(trick);
  });

  it('shows hostile names escaped', () => {
    const [m] = messages(ev([facts({ filename: 'setup.exe\u0000.pdf', bytes: 2048 })]));
    expect(m).toBe(
      'The attachment `setup.exe\\u0000.pdf` (2.0 KB, content not read) has the extension .exe, hidden by a ' +
        'NUL character, where many programs cut the name: Gmail refuses messages with such files (552 5.7.0).',
    );
  });

  it('in an archive: blocked names, disguised content, directories skipped, unsafe names', () => {
    const a = facts({
      filename: 'bundle.zip',
      kind: 'zip',
      archive: zipOf([
        { path: ['tools.exe/'], size: 0, directory: true },
        { path: ['tools.exe/run.vbs'], size: 120, kind: 'unknown' },
        { path: ['docs/cv.pdf'], size: 4096, kind: 'windows-executable' },
        { path: ['docs/scan.pdf'], size: 4096, kind: 'png' },
        { path: ['../x.txt'], size: 1, kind: 'unknown', nameProblems: ['parent-traversal'] },
      ]),
    });
    expect(messages(ev([a]))).toEqual([
      '`bundle.zip > tools.exe/run.vbs` (120 bytes, no known signature) has the extension .vbs: Gmail refuses ' +
        'such files also inside archives (552 5.7.0).',
      '`bundle.zip > docs/cv.pdf` is named .pdf but its content is a Windows executable (PE/MZ) (4.0 KB). ' +
        'Receivers judge files by content: Gmail refuses executables whatever their name (552 5.7.0, inferred ' +
        'from its blocked types).',
      '`bundle.zip > ../x.txt` has an unsafe name (parent-traversal): an extractor could write outside its ' +
        'folder or show a false name, and scanners may refuse the archive.',
    ]);
  });

  it('caps findings per attachment and says how many more', () => {
    const entries = Array.from({ length: 15 }, (_, n): ArchiveEntry => ({ path: [`a${n}.exe`], size: 10 }));
    const found = judge(ev([facts({ filename: 'many.zip', kind: 'zip', archive: zipOf(entries) })]));
    expect(found).toHaveLength(FINDINGS_LISTED_PER_ATTACHMENT);
    expect(found[FINDINGS_LISTED_PER_ATTACHMENT - 1]?.data?.['more']).toBe(
      ' 5 more like it in `many.zip` are not listed.',
    );
    expect(found[0]?.data?.['more']).toBe('');
  });

  it('password-protected archive holding archives: blocked', () => {
    const a = facts({
      filename: 'locked.zip',
      kind: 'zip',
      archive: zipOf(
        [
          { path: ['inner.7z'], size: 10, encrypted: true },
          { path: ['report.pdf'], size: 10, encrypted: true },
        ],
        [
          {
            path: ['inner.7z'],
            reason: 'encrypted',
            detail: 'password-protected: its content cannot be scanned',
          },
          {
            path: ['report.pdf'],
            reason: 'encrypted',
            detail: 'password-protected: its content cannot be scanned',
          },
        ],
      ),
    });
    expect(keys(ev([a]))).toEqual(['encrypted-archive-with-archive', 'not-inspected']);
    expect(messages(ev([a]))[1]).toBe(
      'Part of `locked.zip` (1000 bytes, zip archive) could not be inspected: `locked.zip > inner.7z`: ' +
        'password-protected: its content cannot be scanned; `locked.zip > report.pdf`: password-protected: its ' +
        'content cannot be scanned. What it holds there is unknown.',
    );
  });

  it('count: 250 is fine, 251 is over the Exchange Online limit', () => {
    expect(keys(ev([], 250))).toEqual([]);
    expect(keys(ev([], 251))).toEqual(['too-many-attachments']);
  });

  it('parts beyond the read bound are unknown', () => {
    expect(keys({ count: 1200, attachments: [], notDescribed: 200 })).toEqual([
      'too-many-attachments',
      'parts-not-inspected',
    ]);
  });
});
