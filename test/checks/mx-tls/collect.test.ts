/**
 * mx-tls through the real SMTP probe against loopback servers (src/lab/smtp.ts) and the lab
 * DNS: every case a clear finding, none a hang.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MxTlsEvidence, mxHostsOf } from '../../../checks/mx-tls/index.js';
import { validateReport } from '../../../reports/schema.js';
import { audit } from '../../../src/index.js';
import { type LabHandle, startLab } from '../../../src/lab/index.js';
import { type SmtpWorld, startSmtpWorld } from '../tls/smtp-world.js';

const HOSTS = {
  good: '127.0.0.41',
  plain: '127.0.0.42',
  self: '127.0.0.43',
  expired: '127.0.0.44',
  wrong: '127.0.0.45',
  closed: '127.0.0.46',
  refuse: '127.0.0.47',
  junk: '127.0.0.48',
  garbage: '127.0.0.49',
  expiring: '127.0.0.50',
};

const ZONE: Record<string, unknown> = {
  'null.example': { MX: '0 .' },
  'nomx.example': { A: '192.0.2.1' },
  'two.example': { MX: ['10 mx.good.example', '20 mx.plain.example'] },
  'noaddr.example': { MX: '10 mx.nowhere.example' },
  'mx.nowhere.example': { TXT: 'no address here' },
};
for (const [name, address] of Object.entries(HOSTS)) {
  ZONE[`${name}.example`] = { MX: `10 mx.${name}.example` };
  ZONE[`mx.${name}.example`] = { A: address };
}

let lab: LabHandle;
let world: SmtpWorld;

beforeAll(async () => {
  lab = await startLab(ZONE, { host: '127.0.0.1', port: 0 });
  world = await startSmtpWorld({
    [HOSTS.good]: { kind: 'good', names: ['mx.good.example'] },
    [HOSTS.plain]: { kind: 'plain' },
    [HOSTS.self]: { kind: 'self-signed', names: ['mx.self.example'] },
    [HOSTS.expired]: { kind: 'expired', names: ['mx.expired.example'] },
    [HOSTS.wrong]: { kind: 'good', names: ['other.example.net'] },
    [HOSTS.closed]: { kind: 'closed' },
    [HOSTS.refuse]: { kind: 'fault', fault: 'starttls-454' },
    [HOSTS.junk]: { kind: 'fault', fault: 'tls-junk' },
    [HOSTS.garbage]: { kind: 'fault', fault: 'garbage-banner' },
    [HOSTS.expiring]: { kind: 'expiring', names: ['mx.expiring.example'], days: 5 },
  });
});
afterAll(async () => {
  await world?.stop();
  await lab?.stop();
});

async function run(domain: string, extra: { noSmtp?: boolean } = {}) {
  const t0 = performance.now();
  const report = await audit(
    { domain },
    {
      resolvers: [`${lab.host}:${lab.port}`],
      smtpPort: world.port,
      caFile: world.caFile,
      checks: ['mx-tls'],
      ...extra,
    },
  );
  const ms = performance.now() - t0;
  expect(validateReport(report).errors).toEqual([]);
  const result = report.checks['mx-tls']!;
  return {
    report,
    result,
    ms,
    ids: result.findings.map((f) => f.id),
    evidence: result.evidence as MxTlsEvidence,
  };
}

describe('mx-tls collect (real probe, loopback SMTP servers, lab DNS)', () => {
  it('good STARTTLS host with a certificate from the --ca-file CA: pass, with a real handshake', async () => {
    const r = await run('good.example');
    expect(r.ids).toEqual([]);
    expect(r.result.status).toBe('pass');
    const [host] = mxHostsOf(r.evidence);
    expect(host?.exchange).toBe('mx.good.example');
    expect(host?.address).toBe(HOSTS.good);
    expect(host?.probe?.address).toBe(HOSTS.good);
    expect(host?.probe?.tls?.authorized).toBe(true);
    expect(host?.probe?.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(host?.probe?.tls?.chain[0]?.subjectAltNames).toEqual(['mx.good.example']);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('no STARTTLS: warning mx-tls/no-starttls naming the host', async () => {
    const r = await run('plain.example');
    expect(r.ids).toEqual(['mx-tls/no-starttls']);
    expect(r.result.status).toBe('warn');
    expect(r.result.findings[0]?.message).toContain('mx.plain.example:');
    expect(r.result.findings[0]?.message).toContain('mail to the domain travels in clear');
  });

  it('self-signed certificate: mx-tls/cert-self-signed', async () => {
    const r = await run('self.example');
    expect(r.ids).toEqual(['mx-tls/cert-self-signed']);
    expect(r.evidence.hosts[0]?.probe?.tls?.authorizationError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('expired certificate: error mx-tls/cert-expired', async () => {
    const r = await run('expired.example');
    expect(r.ids).toEqual(['mx-tls/cert-expired']);
    expect(r.result.status).toBe('fail');
    expect(r.result.findings[0]?.message).toMatch(/expired on .*, 2 days ago/);
  });

  it('certificate expiring in 5 days: warning mx-tls/cert-expiring', async () => {
    const r = await run('expiring.example');
    expect(r.ids).toEqual(['mx-tls/cert-expiring']);
    expect(r.result.findings[0]?.message).toMatch(/in 4 days|in 5 days/);
  });

  it('certificate for another name: mx-tls/cert-name-mismatch', async () => {
    const r = await run('wrong.example');
    expect(r.ids).toEqual(['mx-tls/cert-name-mismatch']);
    expect(r.result.findings[0]?.message).toBe(
      'The certificate of mx.wrong.example is valid for other.example.net, not for mx.wrong.example: senders ' +
        'that verify names (MTA-STS) refuse to deliver to it.',
    );
  });

  it('connection refused: unknown mx-tls/cannot-connect, never no-starttls', async () => {
    const r = await run('closed.example');
    expect(r.ids).toEqual(['mx-tls/cannot-connect']);
    expect(r.result.status).toBe('unknown');
    expect(r.result.findings[0]?.message).toContain('Port 25 may be blocked from here');
    expect(r.evidence.hosts[0]?.probe?.error?.kind).toBe('connect-refused');
  });

  it('STARTTLS refused with 454 and a junk handshake: error mx-tls/starttls-failed', async () => {
    const refused = await run('refuse.example');
    expect(refused.ids).toEqual(['mx-tls/starttls-failed']);
    expect(refused.result.findings[0]?.message).toContain('454');
    const junk = await run('junk.example');
    expect(junk.ids).toEqual(['mx-tls/starttls-failed']);
    expect(junk.result.findings[0]?.message).toContain('fails at tls');
  });

  it('a banner that is not SMTP: mx-tls/smtp-error', async () => {
    const r = await run('garbage.example');
    expect(r.ids).toEqual(['mx-tls/smtp-error']);
    expect(r.result.findings[0]?.message).toContain('at banner (garbage)');
  });

  it('two MX hosts: findings for the bad one only, each naming its host', async () => {
    const r = await run('two.example');
    expect(r.ids).toEqual(['mx-tls/no-starttls']);
    expect(r.result.findings[0]?.evidence['exchange']).toBe('mx.plain.example');
    expect(mxHostsOf(r.evidence).map((h) => [h.exchange, h.probe?.tls ? 'tls' : 'plain'])).toEqual([
      ['mx.good.example', 'tls'],
      ['mx.plain.example', 'plain'],
    ]);
  });

  it('null MX, no MX, and an MX host without address: info only, nothing probed', async () => {
    expect((await run('null.example')).ids).toEqual(['mx-tls/no-mx']);
    expect((await run('nomx.example')).ids).toEqual(['mx-tls/no-mx']);
    const noaddr = await run('noaddr.example');
    expect(noaddr.ids).toEqual(['mx-tls/host-not-probed']);
    expect(noaddr.evidence.hosts[0]?.probe).toBeUndefined();
  });

  it('--no-smtp: skipped, with the reason as evidence', async () => {
    const r = await run('good.example', { noSmtp: true });
    expect(r.result.status).toBe('skipped');
    expect(r.result.evidence).toEqual({ skipped: 'SMTP probing is off (--no-smtp)' });
    expect(r.ids).toEqual([]);
  });
});
