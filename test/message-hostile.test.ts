/**
 * Hostile messages through the whole message audit (offline): each gives a clear finding or
 * `unknown` and a report that validates, never a throw or a hang. The parts are tested closer
 * to their code (test/message/, test/checks/message-*); this is the end to end view.
 */
import { describe, expect, it } from 'vitest';
import { validateReport } from '../reports/schema.js';
import { auditMessage } from '../src/message-audit.js';
import type { Report } from '../src/report.js';
import { buildZip, deflatedZeros } from './message/archive-builders.js';

const HEAD = [
  'From: Shop <news@shop.example>',
  'To: reader@example.net',
  'Date: Mon, 07 Dec 2026 09:00:00 +0000',
  'Message-ID: <hostile.1@shop.example>',
].join('\r\n');

function withAttachment(name: string, data: Buffer, extraHeaders = ''): Buffer {
  const b64 = data.toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    `${HEAD}\r\nSubject: files\r\n${extraHeaders}MIME-Version: 1.0\r\n` +
      'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n' +
      '--b1\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n' +
      `--b1\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename="${name}"\r\n` +
      `Content-Transfer-Encoding: base64\r\n\r\n${b64}\r\n--b1--\r\n`,
    'latin1',
  );
}

async function offline(bytes: Buffer): Promise<Report> {
  const report = await auditMessage(bytes, { dns: false, fileName: 'hostile.eml' });
  expect(validateReport(report)).toEqual({ valid: true, errors: [] });
  for (const c of Object.values(report.checks)) expect(c.error, c.id).toBeUndefined();
  return report;
}

const ids = (r: Report, check: string) => (r.checks[check]?.findings ?? []).map((f) => f.id);

describe('hostile messages, end to end', () => {
  it('100,000 header fields: Gmail field limit (a hang would hit the test timeout)', async () => {
    const fields = Array.from({ length: 100_000 }, (_, i) => `X-F${i}: v`).join('\r\n');
    const r = await offline(Buffer.from(`${HEAD}\r\nSubject: many\r\n${fields}\r\n\r\nbody\r\n`));
    expect(ids(r, 'message-headers')).toContain('message-headers/too-many-fields');
  });

  it('NUL bytes in the header and body are format findings', async () => {
    const r = await offline(Buffer.from(`${HEAD}\r\nSubject: a\0b\r\n\r\nbo\0dy\r\n`, 'latin1'));
    expect(ids(r, 'message-format').some((id) => /nul/.test(id))).toBe(true);
  });

  it('an encoded Subject that decodes to CR LF and a new header stays one inert value', async () => {
    const injected = Buffer.from('hi\r\nBcc: victim@example.org\r\n\x1b[31m').toString('base64');
    const r = await offline(Buffer.from(`${HEAD}\r\nSubject: =?utf-8?b?${injected}?=\r\n\r\nbody\r\n`));
    expect(r.target.message?.subject).toContain('Bcc: victim@example.org');
    expect(ids(r, 'message-format')).not.toContain('message-format/subject-duplicate');
  });

  it('a zip that declares 1 GB for an entry, and a Content-Length of 1 GB: measured, not believed', async () => {
    const zip = buildZip([{ name: 'big.bin', data: 'small', declaredSize: 1024 ** 3, method: 'store' }]);
    const r = await offline(withAttachment('big.zip', zip, 'Content-Length: 1073741824\r\n'));
    expect(r.target.message?.bytes).toBeLessThan(10_000);
    expect(r.checks['message-size']?.status).toBe('pass');
    expect(r.checks['attachments']?.status).not.toBe('pass');
  });

  it('a zip bomb (64 MB of zeros in a small zip) is unknown, not clean, and is not inflated', async () => {
    const bomb = buildZip([{ name: 'zeros.bin', raw: deflatedZeros(64 * 1024 * 1024) }]);
    const before = process.memoryUsage().rss;
    const r = await offline(withAttachment('bomb.zip', bomb));
    expect(r.checks['attachments']?.status).toBe('unknown');
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('binary junk is read as a message without a header: findings, no crash', async () => {
    const junk = Buffer.alloc(200_000);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919 + 13) % 256;
    const r = await offline(junk);
    expect(ids(r, 'message-format')).toContain('message-format/from-missing');
  });
});
