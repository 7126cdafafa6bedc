/**
 * Issue 4: every SMTP fault, seen through a whole audit (lab DNS -> MX -> a misbehaving
 * server on loopback), gives a clear mx-tls finding and no hang. Timeouts are shortened so a
 * silent server costs half a second, not the audit's default ten.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { validateReport } from '../../reports/schema.js';
import { audit, createDnsProbe } from '../../src/index.js';
import { type LabHandle, startLab } from '../../src/lab/index.js';
import { type SmtpFault, type SmtpLabHandle, startSmtpFaultServer } from '../../src/lab/smtp.js';
import { createSmtpProber } from '../../src/probe/smtp.js';

const FAULTS: readonly SmtpFault[] = [
  'slow-banner',
  'endless-banner',
  'garbage-banner',
  'garbage-ehlo',
  'long-line',
  'fat-banner',
  'silent',
  'drop-after-ehlo',
  'tls-drop',
  'tls-junk',
  'tls-stall',
  'starttls-454',
  'reject-banner',
];

const FAST = { connectMs: 1000, bannerMs: 500, replyMs: 500, tlsMs: 500, quitMs: 200, totalMs: 3000 };

describe('SMTP faults through a whole audit', () => {
  const stops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await Promise.all(stops.map((s) => s()));
  });

  FAULTS.forEach((fault, i) => {
    it(`${fault}: a clear mx-tls finding, never a pass, never a hang`, async () => {
      const address = `127.0.0.${110 + i}`;
      const server: SmtpLabHandle = await startSmtpFaultServer(fault, { host: address, delayMs: 5000 });
      stops.push(() => server.stop());
      const domain = `${fault}.example`;
      const lab: LabHandle = await startLab({
        [domain]: { MX: `10 mx.${domain}` },
        [`mx.${domain}`]: { A: address },
      });
      stops.push(() => lab.stop());
      const probe = createDnsProbe({ servers: [lab], timeoutMs: 300, tries: 1 });
      probe.smtp = createSmtpProber({
        port: server.port,
        timeouts: FAST,
        resolveAddress: async () => address,
      });
      const t0 = Date.now();
      const report = await audit({ domain }, { probe, checks: ['mx-tls'] });
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(validateReport(report).errors).toEqual([]);
      const check = report.checks['mx-tls'];
      expect(check?.error).toBeUndefined();
      expect(check?.status).not.toBe('pass');
      const findings = check?.findings ?? [];
      expect(findings.length).toBeGreaterThan(0);
      // The finding names the host and says what went wrong.
      expect(findings.some((f) => f.message.includes(`mx.${domain}`))).toBe(true);
      // A server that never got as far as STARTTLS must not be reported as lacking it.
      if (!['starttls-454', 'tls-drop', 'tls-junk', 'tls-stall'].includes(fault)) {
        expect(findings.map((f) => f.id)).not.toContain('mx-tls/no-starttls');
      }
    });
  });
});
