/**
 * auditMessage(): a message signed in the test, its sending domain served by the loopback DNS
 * lab. The domain audit is fed from the message (Return-Path, DKIM d= and s=), the message
 * checks run beside it, and the report carries target.message and validates against the schema.
 */
import { generateKeyPairSync } from 'node:crypto';
import { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateReport } from '../reports/schema.js';
import { type LabHandle, startLab } from '../src/lab/index.js';
import { auditMessage } from '../src/message-audit.js';
import { MESSAGE_CHECK_IDS } from '../src/registry.js';

const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicKey = key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const privateKey = key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

let lab: LabHandle;
beforeAll(async () => {
  lab = await startLab(
    [
      'shop.example:',
      '  SOA: "ns.shop.example hostmaster.shop.example 1 7200 3600 1209600 300"',
      '  MX: "10 mx.shop.example"',
      '  TXT: "v=spf1 ip4:192.0.2.10 -all"',
      'mx.shop.example: {A: 192.0.2.25}',
      'bounce.shop.example: {TXT: "v=spf1 ip4:192.0.2.10 -all", MX: "10 mx.shop.example"}',
      '_dmarc.shop.example: {TXT: "v=DMARC1; p=reject; rua=mailto:d@shop.example"}',
      `s1._domainkey.shop.example: {TXT: [["v=DKIM1; k=rsa; p=", "${publicKey}"]]}`,
      '10.2.0.192.in-addr.arpa: {PTR: out.shop.example}',
      'out.shop.example: {A: 192.0.2.10}',
    ].join('\n'),
  );
});
afterAll(async () => {
  await lab.stop();
});

async function signedMessage(extra: Record<string, unknown> = {}): Promise<Buffer> {
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    dkim: { domainName: 'shop.example', keySelector: 's1', privateKey },
  });
  const info = await transport.sendMail({
    from: 'Shop <news@shop.example>',
    to: 'reader@example.net',
    subject: 'Winter sale',
    text: 'Everything must go: https://shop.example/sale',
    envelope: { from: 'bounce@bounce.shop.example', to: 'reader@example.net' },
    headers: { 'Return-Path': '<bounce@bounce.shop.example>' },
    list: { unsubscribe: { url: 'https://shop.example/u/1', comment: 'Unsubscribe' } },
    ...extra,
  });
  return info.message as Buffer;
}

function options() {
  return {
    resolvers: [`${lab.host}:${lab.port}`],
    timeoutMs: 300,
    tries: 1,
    noSmtp: true,
    ips: ['192.0.2.10'],
    helo: 'out.shop.example',
    fileName: 'winter.eml',
  };
}

describe('auditMessage', () => {
  it('audits the From domain as the message shows it, and the message itself', async () => {
    const bytes = await signedMessage();
    const report = await auditMessage(bytes, options());
    expect(validateReport(report)).toEqual({ valid: true, errors: [] });
    expect(report.schemaVersion).toBe('1.1.0');
    expect(report.target).toMatchObject({
      domain: 'shop.example',
      mailFrom: 'bounce.shop.example',
      dkimSelectors: ['s1'],
      dkimDiscovery: false,
      message: { fileName: 'winter.eml', bytes: bytes.length, subject: 'Winter sale' },
    });
    expect(report.target.message?.sha256).toMatch(/^[0-9a-f]{64}$/);
    // URL domains of the text parts, for the reputation checks to come.
    expect(report.target.message?.links).toMatchObject({ domains: ['shop.example'], urlCount: 1 });
    for (const id of [...MESSAGE_CHECK_IDS, 'spf', 'dmarc', 'dkim', 'alignment'])
      expect(report.checks[id], id).toBeDefined();
    expect(report.checks['dkim-signature']?.status).toBe('pass');
    const auth = report.checks['alignment']?.evidence as { dkim: { canPass: unknown; reason: string } };
    expect(auth.dkim.canPass).toBe(true);
    expect(auth.dkim.reason).toMatch(/signature by d=shop\.example \(s=s1\) verifies/);
    expect(report.checks['spf']?.status).toBe('pass');
  });

  it('a message changed after signing: dkim-signature fails and alignment rests on SPF alone', async () => {
    const bytes = Buffer.from(
      (await signedMessage()).toString('latin1').replace('Everything', 'Nothing'),
      'latin1',
    );
    const report = await auditMessage(Readable.from([bytes]), options());
    expect(report.checks['dkim-signature']?.findings.map((f) => f.id)).toEqual(['dkim-signature/all-fail']);
    const auth = report.checks['alignment']?.evidence as { dkim: { canPass: unknown; reason: string } };
    expect(auth.dkim).toMatchObject({
      canPass: false,
      reason: "none of the message's DKIM signatures verifies",
    });
    expect(report.predictedReplies.some((r) => r.enhanced === '5.7.30' || r.enhanced === '4.7.30')).toBe(
      true,
    );
  });

  it('--no-dns: only the message checks run, and DKIM keys are unknown, not missing', async () => {
    const report = await auditMessage(await signedMessage(), { dns: false, fileName: 'winter.eml' });
    expect(validateReport(report).valid).toBe(true);
    expect(Object.keys(report.checks).sort()).toEqual([...MESSAGE_CHECK_IDS].sort());
    expect(report.checks['dkim-signature']?.findings.map((f) => f.id)).toEqual([
      'dkim-signature/key-unknown',
    ]);
    expect(report.timing.dns.queriesSent).toBe(0);
  });

  it('a message without a readable From: the message checks still run, the domain audit does not', async () => {
    const raw = Buffer.from('Subject: no sender\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\n\r\nHi\r\n');
    const report = await auditMessage(raw, options());
    expect(validateReport(report).valid).toBe(true);
    expect(report.checks['spf']).toBeUndefined();
    expect(report.checks['message-format']?.findings.map((f) => f.id)).toContain(
      'message-format/from-missing',
    );
  });

  it('an unknown --check is a usage error', async () => {
    await expect(auditMessage(Buffer.from('x'), { dns: false, checks: ['nope'] })).rejects.toThrow(
      /unknown check/,
    );
  });
});
