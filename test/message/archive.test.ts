import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ARCHIVE_MAX_DEPTH,
  ARCHIVE_MAX_ENTRIES,
  type ArchiveInspection,
  createArchiveBudget,
  entryNameProblems,
  inspectArchive,
} from '../../src/message/archive.js';
import { buildTar, buildZip, deflatedZeros, gzip, PDF, peExecutable } from './archive-builders.js';

const inspect = (data: Buffer, format: ArchiveInspection['format'], name = 'a.zip') =>
  inspectArchive(data, format, name, createArchiveBudget());
const paths = (i: ArchiveInspection) => i.entries.map((e) => e.path.join(' > '));
const reasons = (i: ArchiveInspection) => i.notInspected.map((n) => `${n.path.join(' > ')}: ${n.reason}`);

describe('zip', () => {
  it('lists entries with sizes and content types', async () => {
    const zip = buildZip([
      { name: 'docs/', method: 'store' },
      { name: 'docs/invoice.pdf', data: PDF },
      { name: 'setup.exe', data: peExecutable(), method: 'store' },
    ]);
    const i = await inspect(zip, 'zip');
    expect(i.entries).toEqual([
      { path: ['docs/'], size: 0, compressedSize: 0, directory: true },
      { path: ['docs/invoice.pdf'], size: PDF.length, compressedSize: expect.any(Number), kind: 'pdf' },
      { path: ['setup.exe'], size: 256, compressedSize: 256, kind: 'windows-executable' },
    ]);
    expect(i.notInspected).toEqual([]);
    expect(i.kind).toBe('zip');
  });

  it('recurses: zip in zip in zip with an exe at the bottom', async () => {
    const inner = buildZip([{ name: 'setup.exe', data: peExecutable() }]);
    const middle = buildZip([{ name: 'inner.zip', data: inner }]);
    const outer = buildZip([{ name: 'middle.zip', data: middle }]);
    const i = await inspect(outer, 'zip');
    expect(paths(i)).toEqual(['middle.zip', 'middle.zip > inner.zip', 'middle.zip > inner.zip > setup.exe']);
    expect(i.entries[2]?.kind).toBe('windows-executable');
    expect(i.notInspected).toEqual([]);
  });

  it('stops at the depth bound and says so', async () => {
    let zip = buildZip([{ name: 'setup.exe', data: peExecutable() }]);
    for (let level = 0; level < ARCHIVE_MAX_DEPTH + 2; level++)
      zip = buildZip([{ name: `l${level}.zip`, data: zip }]);
    const i = await inspect(zip, 'zip');
    expect(i.entries).toHaveLength(ARCHIVE_MAX_DEPTH);
    expect(i.notInspected).toHaveLength(1);
    expect(i.notInspected[0]?.reason).toBe('depth');
    expect(i.notInspected[0]?.path).toHaveLength(ARCHIVE_MAX_DEPTH);
    expect(paths(i).some((p) => p.endsWith('setup.exe'))).toBe(false);
  });

  it('does not inflate a zip bomb (declared ratio over the cap)', async () => {
    const bomb = buildZip([{ name: 'zeros.bin', raw: deflatedZeros(64 * 1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(200_000);
    const started = Date.now();
    const i = await inspect(bomb, 'zip');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(i.entries[0]).toMatchObject({ path: ['zeros.bin'], size: 64 * 1024 * 1024 });
    expect(i.entries[0]?.kind).toBeUndefined();
    expect(reasons(i)).toEqual(['zeros.bin: compression-ratio']);
    expect(i.notInspected[0]?.detail).toMatch(/bomb/);
  });

  it('a bomb whose header lies about its size stops at the declared size (corrupt, not inflated)', async () => {
    const liar = buildZip([{ name: 'small.txt', raw: deflatedZeros(16 * 1024 * 1024), declaredSize: 1000 }]);
    const i = await inspect(liar, 'zip');
    expect(reasons(i)).toEqual(['small.txt: corrupt']);
  });

  it('bounds 100,000 entries: stops at the entry limit, fast', async () => {
    const entries = Array.from({ length: 100_000 }, (_, n) => ({
      name: `f${n}.txt`,
      method: 'store' as const,
    }));
    const zip = buildZip(entries);
    const started = Date.now();
    const i = await inspect(zip, 'zip');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(i.entries).toHaveLength(ARCHIVE_MAX_ENTRIES);
    expect(reasons(i)).toEqual([': entries']);
  });

  it('records path tricks in names as findings, never as paths, and goes on', async () => {
    const zip = buildZip([
      { name: '../../etc/cron.d/x', data: 'x' },
      { name: '/abs/path.txt', data: 'x' },
      { name: 'C:\\Windows\\evil.dll', data: 'x' },
      { name: Buffer.from('nul\0.txt', 'latin1'), data: 'x' },
      { name: 'invoice\u202efdp.exe', data: 'x' },
      { name: 'fine.txt', data: 'x' },
    ]);
    const i = await inspect(zip, 'zip');
    expect(i.entries.map((e) => e.nameProblems ?? [])).toEqual([
      ['parent-traversal'],
      ['absolute-path'],
      ['absolute-path'],
      ['control-character'],
      ['bidi-control'],
      [],
    ]);
    expect(i.entries[2]?.path).toEqual(['C:\\Windows\\evil.dll']);
    expect(i.notInspected).toEqual([]);
  });

  it('encrypted entries: names listed, content unknown', async () => {
    const zip = buildZip([
      { name: 'inner.zip', data: 'secret', method: 'store', encrypted: true },
      { name: 'readme.txt', data: 'hello' },
    ]);
    const i = await inspect(zip, 'zip');
    expect(i.entries[0]).toMatchObject({ path: ['inner.zip'], encrypted: true });
    expect(i.entries[0]?.kind).toBeUndefined();
    expect(reasons(i)).toEqual(['inner.zip: encrypted']);
  });

  it('corrupt zip: unknown, with what was seen', async () => {
    const zip = buildZip([{ name: 'a.txt', data: 'hello' }]);
    const i = await inspect(zip.subarray(0, zip.length - 10), 'zip');
    expect(reasons(i)).toEqual([': corrupt']);
    expect(i.notInspected[0]?.detail).toMatch(/unreadable zip/);
  });

  it('unsupported nested formats (rar) are unknown', async () => {
    const zip = buildZip([{ name: 'x.rar', data: Buffer.from('Rar!\x1a\x07\x01\x00....', 'latin1') }]);
    const i = await inspect(zip, 'zip');
    expect(i.entries[0]?.kind).toBe('rar');
    expect(reasons(i)).toEqual(['x.rar: unsupported-format']);
  });

  it('refines the kind from the entries (docx)', async () => {
    const docx = buildZip([
      { name: '[Content_Types].xml', data: '<Types/>' },
      { name: 'word/document.xml', data: '<w:document/>' },
    ]);
    expect((await inspect(docx, 'zip')).kind).toBe('ooxml-word');
    const outer = await inspect(buildZip([{ name: 'report.docx', data: docx }]), 'zip');
    expect(outer.entries[0]?.kind).toBe('ooxml-word');
  });
});

describe('tar and gzip', () => {
  it('.js in a tar.gz', async () => {
    const tgz = gzip(
      await buildTar([
        { name: 'pkg/index.js', data: 'alert(1)' },
        { name: 'pkg/README', data: 'hi' },
      ]),
    );
    const i = await inspect(tgz, 'gzip', 'pkg.tar.gz');
    expect(paths(i)).toEqual(['pkg.tar', 'pkg.tar > pkg/index.js', 'pkg.tar > pkg/README']);
    expect(i.entries[0]?.kind).toBe('tar');
    expect(i.notInspected).toEqual([]);
  });

  it('names a .tgz content .tar and a .gz content by the stored FNAME or the name', async () => {
    const tgz = gzip(await buildTar([{ name: 'a.exe', data: peExecutable() }]));
    expect(paths(await inspect(tgz, 'gzip', 'x.tgz'))).toEqual(['x.tar', 'x.tar > a.exe']);
    expect(paths(await inspect(gzip(PDF), 'gzip', 'doc.pdf.gz'))).toEqual(['doc.pdf']);
  });

  it('gzip bomb: stops at the ratio cap', async () => {
    const bomb = gzip(Buffer.alloc(64 * 1024 * 1024));
    const i = await inspect(bomb, 'gzip', 'zeros.gz');
    expect(reasons(i)).toEqual(['zeros: compression-ratio']);
  });

  it('corrupt gzip and corrupt tar are unknown', async () => {
    const truncated = gzip(PDF).subarray(0, 20);
    expect(reasons(await inspect(truncated, 'gzip', 'x.gz'))).toEqual([': corrupt']);
    const tar = await buildTar([{ name: 'a.txt', data: 'hello' }]);
    tar.write('garbage!', 148, 'latin1'); // the header checksum field
    expect(reasons(await inspect(tar, 'tar', 'x.tar'))).toEqual([': corrupt']);
  });

  it('zip inside tar inside gzip', async () => {
    const zip = buildZip([{ name: 'run.bat', data: '@echo off' }]);
    const tgz = gzip(await buildTar([{ name: 'bundle.zip', data: zip }]));
    const i = await inspect(tgz, 'gzip', 'b.tgz');
    expect(paths(i)).toEqual(['b.tar', 'b.tar > bundle.zip', 'b.tar > bundle.zip > run.bat']);
  });
});

describe('budget', () => {
  it('the entry bound is shared: a tar stops where the message budget ends', async () => {
    const budget = createArchiveBudget();
    budget.entries = ARCHIVE_MAX_ENTRIES - 2;
    const tar = await buildTar(Array.from({ length: 5 }, (_, n) => ({ name: `f${n}.txt`, data: 'x' })));
    const i = await inspectArchive(tar, 'tar', 'x.tar', budget);
    expect(paths(i)).toEqual(['f0.txt', 'f1.txt']);
    expect(reasons(i)).toEqual([': entries']);
  });

  it('a 30 MB file inside a zip or a tar: only its head is read', async () => {
    const big = randomBytes(30 * 1024 * 1024);
    const budget = createArchiveBudget();
    const zip = await inspectArchive(
      buildZip([{ name: 'video.mp4', data: big, method: 'store' }]),
      'zip',
      'v.zip',
      budget,
    );
    expect(zip.entries[0]).toMatchObject({ size: big.length, kind: 'unknown' });
    const tar = await inspectArchive(
      await buildTar([{ name: 'video.mp4', data: big }]),
      'tar',
      'v.tar',
      budget,
    );
    expect(tar.entries[0]).toMatchObject({ size: big.length, kind: 'unknown' });
    expect(budget.bytes).toBeLessThan(1024 * 1024);
  });

  it('an expired time budget inspects nothing and says so', async () => {
    const budget = createArchiveBudget(undefined, Date.now() - 60_000);
    const i = await inspectArchive(buildZip([{ name: 'a.txt', data: 'x' }]), 'zip', 'a.zip', budget);
    expect(i.entries).toEqual([]);
    expect(reasons(i)).toEqual([': time']);
  });

  it('an aborted signal stops inspection', async () => {
    const ac = new AbortController();
    ac.abort();
    const i = await inspectArchive(
      buildZip([{ name: 'a.txt', data: 'x' }]),
      'zip',
      'a.zip',
      createArchiveBudget(ac.signal),
    );
    expect(reasons(i)).toEqual([': time']);
  });
});

describe('entryNameProblems', () => {
  it.each<[string, string[]]>([
    ['a/b/c.txt', []],
    ['a/../../b', ['parent-traversal']],
    ['..\\..\\b', ['parent-traversal']],
    ['/etc/passwd', ['absolute-path']],
    ['\\\\server\\share', ['absolute-path']],
    ['c:evil', ['absolute-path']],
    ['tab\there', ['control-character']],
    ['a..b/c', []],
  ])('%j', (name, problems) => {
    expect(entryNameProblems(name)).toEqual(problems);
  });
});
