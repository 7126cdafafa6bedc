/**
 * The message benchmark's parts, small and fast (no timing assertions): the generator writes a
 * message of exactly the asked size that parses, with the attachment it was asked for (PDF-like,
 * or a zip of many files the attachments check inspects), DKIM-signed so that it verifies with
 * LF and with CRLF line ends; and the measurement helper returns figures, in this process and
 * from a forked worker.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTable, rssBound, runWorker } from '../../bench/message.js';
import { BENCH_FROM_DOMAIN, base64Size, writeMessage } from '../../bench/message-gen.js';
import { auditOptions, BENCH_SENDER, measureAudit } from '../../bench/message-worker.js';
import type { AttachmentsEvidence } from '../../checks/attachments/collect.js';
import { type LabHandle, startLab } from '../../src/lab/index.js';
import { parseMessage } from '../../src/message/parse.js';
import { auditMessage } from '../../src/message-audit.js';

const MB = 1024 * 1024;
const SIZE = 2 * MB;
const ATTACHMENT = 1_000_000;

const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const key = {
  domain: BENCH_FROM_DOMAIN,
  selector: 'bench1',
  privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
};
const publicKey = pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

let dir: string;
let lab: LabHandle;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mp-bench-message-test-'));
  lab = await startLab(
    [
      `${BENCH_FROM_DOMAIN}: {TXT: "v=spf1 ip4:${BENCH_SENDER.ips[0]} -all"}`,
      `bench1._domainkey.${BENCH_FROM_DOMAIN}: {TXT: [["v=DKIM1; k=rsa; p=", "${publicKey}"]]}`,
    ].join('\n'),
  );
});
afterAll(async () => {
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('message generator', () => {
  it('writes a PDF-like attachment into a message of exactly the asked size, which parses', async () => {
    const file = join(dir, 'pdf-lf.eml');
    const m = await writeMessage(file, {
      bytes: SIZE,
      attachment: { kind: 'pdf', bytes: ATTACHMENT },
      eol: 'lf',
    });
    expect(m).toMatchObject({ bytes: SIZE, attachmentBytes: ATTACHMENT, signed: false });
    const parsed = await parseMessage(createReadStream(file));
    expect(parsed.wire.bytes).toBe(SIZE);
    expect(parsed.wire.lineEnding).toBe('lf');
    expect(parsed.mime.problems).toEqual([]);
    expect(parsed.fields.from?.mailboxes[0]?.domain).toBe(BENCH_FROM_DOMAIN);
    expect(parsed.attachments).toHaveLength(1);
    const [attachment] = parsed.attachments;
    expect(attachment).toMatchObject({ filename: m.attachmentName, contentType: 'application/pdf' });
    // RFC 2046 5.1.1: the line end before the closing boundary belongs to the boundary.
    expect(attachment?.encodedBytes).toBe(base64Size(ATTACHMENT, '\n') - 1);
    const content = attachment?.content();
    expect(content?.length).toBe(ATTACHMENT);
    expect(content?.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('writes a zip of many files (and a nested zip) that the attachments check inspects', async () => {
    const file = join(dir, 'zip-crlf.eml');
    const m = await writeMessage(file, {
      bytes: SIZE,
      attachment: { kind: 'zip', bytes: ATTACHMENT },
      eol: 'crlf',
    });
    expect(m.bytes).toBe(SIZE);
    expect(m.zipEntries).toBeGreaterThan(10);
    const report = await auditMessage(createReadStream(file), { dns: false, checks: ['attachments'] });
    const evidence = report.checks['attachments']?.evidence as AttachmentsEvidence;
    const [facts] = evidence.attachments;
    expect(facts).toMatchObject({ bytes: ATTACHMENT, kind: 'zip' });
    expect(facts?.archive?.notInspected).toEqual([]);
    // Every file of the outer zip, and the 20 of the nested one.
    expect(facts?.archive?.entries.length).toBe((m.zipEntries ?? 0) + 20);
    expect(facts?.archive?.entries.some((e) => e.path.length === 2)).toBe(true);
  });

  for (const eol of ['crlf', 'lf'] as const) {
    it(`DKIM-signs the message (${eol}) so that it verifies against the key in the lab`, async () => {
      const file = join(dir, `signed-${eol}.eml`);
      const m = await writeMessage(file, {
        bytes: SIZE,
        attachment: { kind: 'pdf', bytes: ATTACHMENT },
        eol,
        dkim: key,
      });
      expect(m).toMatchObject({ bytes: SIZE, signed: true });
      const report = await auditMessage(createReadStream(file), {
        ...auditOptions({ file, mode: 'lab', lab: { host: lab.host, port: lab.port } }),
        checks: ['dkim-signature', 'unsubscribe'],
      });
      expect(report.checks['dkim-signature']?.status).toBe('pass');
      expect(report.checks['unsubscribe']?.status).toBe('pass');
    });
  }

  it('refuses a size that cannot hold the attachment', async () => {
    await expect(
      writeMessage(join(dir, 'small.eml'), {
        bytes: 1000,
        attachment: { kind: 'pdf', bytes: 2000 },
        eol: 'lf',
      }),
    ).rejects.toThrow(/cannot hold/);
  });
});

describe('measurement', () => {
  it('measureAudit returns the figures of an audit in this process', async () => {
    const file = join(dir, 'pdf-lf.eml');
    const r = await measureAudit({ file, mode: 'offline' });
    expect(r.type).toBe('result');
    for (const n of [r.elapsedMs, r.cpuMs, r.peakRss, r.startRss]) {
      expect(Number.isFinite(n)).toBe(true);
      expect(n).toBeGreaterThan(0);
    }
    expect(r.peakRss).toBeGreaterThanOrEqual(r.startRss);
    expect(r.checks['message-size']).toBeDefined();
    expect(['pass', 'warn', 'fail', 'unknown']).toContain(r.status);
  });

  it('a forked worker measures its own process and reports back', async () => {
    const file = join(dir, 'signed-lf.eml');
    const r = await runWorker({ file, mode: 'lab', lab: { host: lab.host, port: lab.port } }, [
      '--import',
      'tsx',
    ]);
    expect(r.peakRss).toBeGreaterThan(0);
    expect(r.checks['dkim-signature']).toBe('pass');
  });

  it('the bound is 3 x the size + 150 MB, and the table says whether it holds', () => {
    expect(rssBound(40 * MB)).toBe(270 * MB);
    const table = formatTable([
      {
        case: 'pdf-lf',
        via: 'library',
        mode: 'offline',
        bytes: 40 * MB,
        elapsedMs: 800,
        cpuMs: 900,
        peakRss: 150 * MB,
        startRss: 60 * MB,
        bound: 270 * MB,
        holds: true,
        status: 'fail',
      },
    ]);
    expect(table).toContain(
      '| pdf-lf | library | offline | 40.0 MB | 0.80 s | 0.90 s | 150.0 MB | 60.0 MB | 270.0 MB | yes |',
    );
  });
});
