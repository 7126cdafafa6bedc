/**
 * auditMessage(): a message signed in the test, its sending domain served by the loopback DNS
 * lab. The domain audit is fed from the message (Return-Path, DKIM d= and s=), the message
 * checks run beside it, and the report carries target.message and validates against the schema.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateReport } from '../reports/schema.js';
import { type LabHandle, startLab } from '../src/lab/index.js';
import { auditMessage } from '../src/message-audit.js';
import { MESSAGE_CHECK_IDS } from '../src/registry.js';
import { shopKey, shopZone, signedShopMessage } from './helpers/shop-message.js';

const { publicKey, privateKey } = shopKey();

let lab: LabHandle;
beforeAll(async () => {
  lab = await startLab(shopZone(publicKey));
});
afterAll(async () => {
  await lab.stop();
});

function signedMessage(): Promise<Buffer> {
  return signedShopMessage(privateKey);
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
    expect(report.schemaVersion).toBe('1.2.0');
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
