/**
 * "SMTP probing is off" is said one way by every check that probes over SMTP: smtpOff()
 * (checks/shared/smtp.ts) gives the reason. tls and mx-tls measure nothing else, so they are
 * skipped with it; mta-sts and dane judge DNS and HTTPS too, so they run and mark each MX host
 * not probed, with the same reason where their published evidence carries one.
 */
import { describe, expect, it } from 'vitest';
import { daneCheck } from '../../../checks/dane/index.js';
import { type MtaStsEvidence, mtaStsCheck, mxTlsVerdict } from '../../../checks/mta-sts/index.js';
import { mxTlsCheck } from '../../../checks/mx-tls/index.js';
import { SMTP_OFF, smtpOff } from '../../../checks/shared/smtp.js';
import { SMTP_OFF as TLS_SMTP_OFF, tlsCheck } from '../../../checks/tls/index.js';
import type { Check } from '../../../src/check.js';
import type { Probe } from '../../../src/probe/types.js';
import type { Target } from '../../../src/report.js';
import { runAudit } from '../../../src/runner.js';
import { mxWorld } from '../mx/mx-world.js';

const target: Target = {
  domain: 'example.com',
  ips: ['192.0.2.9'],
  helo: 'out.example.com',
  profile: 'bulk',
};
const POLICY = 'version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 604800\n';

function probeWithoutSmtp(): Probe {
  return mxWorld(
    {
      'example.com': { MX: ['10 mx1.example.com'] },
      'mx1.example.com': { A: ['192.0.2.1'] },
      'out.example.com': { A: ['192.0.2.9'] },
      '_mta-sts.example.com': { TXT: ['v=STSv1; id=1'] },
    },
    POLICY,
  ).probe;
}

describe('SMTP probing off: one reason, said the same way by every SMTP-probing check', () => {
  it('smtpOff gives the one reason, the one tls re-exports', () => {
    const probe = probeWithoutSmtp();
    expect(smtpOff(probe)).toBe(SMTP_OFF);
    expect(smtpOff({ ...probe, smtp: { probe: async () => ({}) as never } })).toBeUndefined();
    expect(TLS_SMTP_OFF).toBe(SMTP_OFF);
  });

  it('tls and mx-tls are skipped with it; mta-sts and dane mark each MX host not probed', async () => {
    const checks = [tlsCheck, mxTlsCheck, mtaStsCheck, daneCheck] as Check<unknown>[];
    const report = await runAudit(target, { probe: probeWithoutSmtp(), checks });
    for (const id of ['tls', 'mx-tls']) {
      expect(report.checks[id]?.status).toBe('skipped');
      expect(report.checks[id]?.evidence).toEqual({ skipped: SMTP_OFF });
    }

    const sts = report.checks['mta-sts'];
    const stsEvidence = sts?.evidence as MtaStsEvidence;
    expect(stsEvidence.smtpAvailable).toBe(false);
    expect(stsEvidence.mxTls).toEqual([{ host: 'mx1.example.com', probed: false }]);
    expect(stsEvidence.mxTls.map((e) => mxTlsVerdict(e))).toEqual([{ verdict: 'unknown', reason: SMTP_OFF }]);
    expect(sts?.findings.map((f) => f.id)).toContain('mta-sts/mx-tls-not-checked');

    const dane = report.checks.dane;
    const daneEvidence = dane?.evidence as { hosts: { smtp?: { status: string } }[] };
    expect(daneEvidence.hosts.map((h) => h.smtp)).toEqual([{ status: 'skipped' }]);
    expect(dane?.findings.map((f) => f.id)).toContain('dane/match-not-checked');
  });

  it('collect() alone (no runner) records the same reason in tls and mx-tls evidence', async () => {
    const ctx = { probe: probeWithoutSmtp(), signal: new AbortController().signal };
    expect((await tlsCheck.collect(target, ctx)).skipped).toBe(SMTP_OFF);
    expect((await mxTlsCheck.collect(target, ctx)).skipped).toBe(SMTP_OFF);
  });
});
