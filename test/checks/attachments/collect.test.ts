import { describe, expect, it } from 'vitest';
import {
  ATTACHMENTS_FINDINGS,
  ATTACHMENTS_MAX_DESCRIBED,
  attachmentsCheck,
  MICROSOFT_MAX_ATTACHMENTS,
} from '../../../checks/attachments/index.js';
import { type CollectContext, type FindingSpec, renderTemplate } from '../../../src/check.js';
import { ARCHIVE_MAX_DEPTH } from '../../../src/message/archive.js';
import type { AttachmentInput } from '../../../src/message/attachments.js';
import type { ParsedMessage } from '../../../src/message/types.js';
import { predictReplies } from '../../../src/replies/index.js';
import type { Target } from '../../../src/report.js';
import {
  buildTar,
  buildZip,
  deflatedZeros,
  gzip,
  PDF,
  peExecutable,
} from '../../message/archive-builders.js';

const target: Target = { domain: 'example.com', ips: [], profile: 'transactional' };

function part(filename: string | undefined, data: Buffer, index = 0): AttachmentInput {
  const input: AttachmentInput = {
    index,
    contentType: 'application/octet-stream',
    disposition: 'attachment',
    encodedBytes: Math.ceil(data.length / 3) * 4,
    content: async () => data,
  };
  if (filename !== undefined) input.filename = filename;
  return input;
}

async function run(attachments: AttachmentInput[]) {
  const ctx = {
    probe: undefined as never,
    signal: new AbortController().signal,
    message: { attachments } as unknown as ParsedMessage,
  } as CollectContext;
  const evidence = await attachmentsCheck.collect(target, ctx);
  // Evidence must survive a JSON round trip (record/replay).
  const replayed = JSON.parse(JSON.stringify(evidence));
  const findings = attachmentsCheck.judge(replayed, target);
  const rendered = findings.map((f) => {
    const spec: FindingSpec = ATTACHMENTS_FINDINGS[f.key];
    return {
      key: f.key,
      message: renderTemplate(spec.message, f.data),
      fix: renderTemplate(spec.fix, f.data),
      replies: predictReplies([...(spec.conditions ?? []), ...(f.conditions ?? [])], 'bulk').map(
        (r) => `${r.provider} ${r.code} ${r.enhanced} ${r.confidence}`,
      ),
    };
  });
  return { evidence, findings, rendered, keys: findings.map((f) => f.key) };
}

describe('attachments collect + judge', () => {
  it('a message without attachments: nothing to judge', async () => {
    expect((await run([])).evidence).toEqual({ count: 0, attachments: [], notDescribed: 0 });
  });

  it('no message in the context is a wiring error (the check becomes unknown), not "no attachments"', async () => {
    const ctx = { probe: undefined as never, signal: new AbortController().signal };
    await expect(attachmentsCheck.collect(target, ctx)).rejects.toThrow(/no message to check/);
  });

  it('clean pdf: described, no findings', async () => {
    const r = await run([part('invoice.pdf', PDF)]);
    expect(r.keys).toEqual([]);
    expect(r.evidence.attachments).toEqual([
      {
        index: 0,
        filename: 'invoice.pdf',
        contentType: 'application/octet-stream',
        disposition: 'attachment',
        encodedBytes: Math.ceil(PDF.length / 3) * 4,
        bytes: PDF.length,
        kind: 'pdf',
      },
    ]);
  });

  it('.exe attached directly: blocked, Gmail 552 5.7.0 documented', async () => {
    const r = await run([part('setup.exe', peExecutable())]);
    expect(r.rendered).toEqual([
      {
        key: 'blocked-extension',
        message:
          'The attachment `setup.exe` (256 bytes, Windows executable (PE/MZ)) has the extension .exe: Gmail ' +
          'refuses messages with such files (552 5.7.0).',
        fix: 'Remove `setup.exe` from the message, or share it via a link (a cloud drive or your website) instead.',
        replies: ['gmail 552 5.7.0 documented'],
      },
    ]);
  });

  it('.exe inside a zip: names the path and the container', async () => {
    const zip = buildZip([
      { name: 'docs/readme.txt', data: 'hi' },
      { name: 'bin/setup.exe', data: peExecutable() },
    ]);
    const r = await run([part('outer.zip', zip)]);
    expect(r.keys).toEqual(['blocked-in-archive']);
    expect(r.rendered[0]?.message).toBe(
      '`outer.zip > bin/setup.exe` (256 bytes, Windows executable (PE/MZ)) has the extension .exe: Gmail ' +
        'refuses such files also inside archives (552 5.7.0).',
    );
    expect(r.rendered[0]?.fix).toBe(
      'Remove `setup.exe` from `outer.zip`, or share it via a link instead of attaching it.',
    );
  });

  it('.js inside a tar.gz', async () => {
    const tgz = gzip(await buildTar([{ name: 'site/app.js', data: 'alert(1)' }]));
    const r = await run([part('site.tar.gz', tgz)]);
    expect(r.keys).toEqual(['blocked-in-archive']);
    expect(r.rendered[0]?.message).toMatch(
      /^`site\.tar\.gz > site\.tar > site\/app\.js` \(8 bytes, no known signature\)/,
    );
    expect(r.rendered[0]?.fix).toBe(
      'Remove `app.js` from `site.tar.gz > site.tar`, or share it via a link instead of attaching it.',
    );
  });

  it('zip in zip in zip with an .exe at the bottom', async () => {
    const inner = buildZip([{ name: 'setup.exe', data: peExecutable() }]);
    const outer = buildZip([{ name: 'b.zip', data: buildZip([{ name: 'c.zip', data: inner }]) }]);
    const r = await run([part('a.zip', outer)]);
    expect(r.keys).toEqual(['blocked-in-archive']);
    expect(r.rendered[0]?.message).toMatch(/^`a\.zip > b\.zip > c\.zip > setup\.exe`/);
    expect(r.rendered[0]?.fix).toMatch(/^Remove `setup\.exe` from `a\.zip > b\.zip > c\.zip`/);
  });

  it('nesting deeper than the bound: unknown, not clean', async () => {
    let zip = buildZip([{ name: 'setup.exe', data: peExecutable() }]);
    for (let n = 0; n < ARCHIVE_MAX_DEPTH + 1; n++) zip = buildZip([{ name: `n${n}.zip`, data: zip }]);
    const r = await run([part('deep.zip', zip)]);
    expect(r.keys).toEqual(['not-inspected']);
    expect(r.rendered[0]?.message).toMatch(/nested 5 archives deep/);
    expect(r.rendered[0]?.replies).toEqual([]);
  });

  it('zip bomb: unknown with the ratio, not inflated', async () => {
    const bomb = buildZip([{ name: 'data.bin', raw: deflatedZeros(64 * 1024 * 1024) }]);
    const r = await run([part('bomb.zip', bomb)]);
    expect(r.keys).toEqual(['not-inspected']);
    expect(r.rendered[0]?.message).toMatch(/compression ratio \d+:1 .* over 100:1: a decompression bomb/);
    expect(r.rendered[0]?.fix).toMatch(/decompression bombs/);
  });

  it('100,000 entries: bounded, unknown for the rest', async () => {
    const zip = buildZip(
      Array.from({ length: 100_000 }, (_, n) => ({ name: `f${n}.txt`, method: 'store' as const })),
    );
    const r = await run([part('many.zip', zip)]);
    expect(r.keys).toEqual(['not-inspected']);
    expect(r.rendered[0]?.message).toMatch(/limit of 10000 archive entries per message/);
  });

  it('path traversal names: warning naming the trick', async () => {
    const zip = buildZip([{ name: '../../startup/run.txt', data: 'x' }]);
    const r = await run([part('t.zip', zip)]);
    expect(r.rendered.map((f) => [f.key, f.message])).toEqual([
      [
        'unsafe-entry-name',
        '`t.zip > ../../startup/run.txt` has an unsafe name (parent-traversal): an extractor could write ' +
          'outside its folder or show a false name, and scanners may refuse the archive.',
      ],
    ]);
  });

  it('encrypted zip holding a zip: blocked (documented) and unknown content', async () => {
    const zip = buildZip([{ name: 'payload.zip', data: 'secret', method: 'store', encrypted: true }]);
    const r = await run([part('locked.zip', zip)]);
    expect(r.keys).toEqual(['encrypted-archive-with-archive', 'not-inspected']);
    expect(r.rendered[0]?.message).toMatch(
      /^`locked\.zip` holds password-protected archives \(`locked\.zip > payload\.zip`\)/,
    );
    expect(r.rendered[0]?.replies).toEqual(['gmail 552 5.7.0 documented']);
  });

  it('encrypted zip of documents: unknown only', async () => {
    const zip = buildZip([{ name: 'report.pdf', data: 'secret', method: 'store', encrypted: true }]);
    const r = await run([part('locked.zip', zip)]);
    expect(r.keys).toEqual(['not-inspected']);
    expect(r.rendered[0]?.message).toMatch(/password-protected/);
  });

  it('corrupt zip: unknown', async () => {
    const zip = buildZip([{ name: 'a.txt', data: 'hello' }]);
    const r = await run([part('broken.zip', zip.subarray(0, zip.length - 8))]);
    expect(r.keys).toEqual(['not-inspected']);
    expect(r.rendered[0]?.fix).toMatch(/damaged/);
  });

  it('rar by magic: unknown', async () => {
    const r = await run([part('files.rar', Buffer.from('Rar!\x1a\x07\x01\x00....', 'latin1'))]);
    expect(r.keys).toEqual(['not-inspected']);
    expect(r.rendered[0]?.message).toBe(
      'Part of `files.rar` (12 bytes, RAR archive) could not be inspected: `files.rar`: RAR archive: its content ' +
        'cannot be inspected here. What it holds there is unknown.',
    );
  });

  it('PE named .pdf: disguised executable, Gmail 552 5.7.0 inferred', async () => {
    const r = await run([part('invoice.pdf', peExecutable())]);
    expect(r.rendered).toEqual([
      {
        key: 'disguised-executable',
        message:
          '`invoice.pdf` is named .pdf but its content is a Windows executable (PE/MZ) (256 bytes). Receivers ' +
          'judge files by content: Gmail refuses executables whatever their name (552 5.7.0, inferred from its ' +
          'blocked types).',
        fix:
          'Remove `invoice.pdf` from the message, or share it via a link; if it should be a document, export the ' +
          'document again.',
        replies: ['gmail 552 5.7.0 inferred'],
      },
    ]);
  });

  it('content that cannot be decoded: unknown', async () => {
    const broken: AttachmentInput = {
      index: 0,
      filename: 'x.pdf',
      encodedBytes: 10,
      content: async () => {
        throw new Error('bad base64');
      },
    };
    const r = await run([broken]);
    expect(r.keys).toEqual(['not-inspected']);
    expect(r.rendered[0]?.message).toMatch(/could not be decoded: bad base64/);
  });

  it('more than 250 attachments: Microsoft limit; past the read bound, unknown', async () => {
    const many = Array.from({ length: ATTACHMENTS_MAX_DESCRIBED + 5 }, (_, n) => part(`p${n}.pdf`, PDF, n));
    const r = await run(many);
    expect(r.keys).toEqual(['too-many-attachments', 'parts-not-inspected']);
    expect(r.rendered[0]?.message).toBe(
      `The message has ${ATTACHMENTS_MAX_DESCRIBED + 5} attachments and inline parts; Exchange Online accepts at most ${MICROSOFT_MAX_ATTACHMENTS}.`,
    );
    expect(r.rendered[0]?.replies).toEqual([]);
    expect(r.evidence.attachments).toHaveLength(ATTACHMENTS_MAX_DESCRIBED);
  });
});
