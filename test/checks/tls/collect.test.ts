/**
 * tls (sending hosts) through the real SMTP probe against loopback servers and the lab DNS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TlsEvidence } from '../../../checks/tls/index.js';
import { validateReport } from '../../../reports/schema.js';
import { audit, type TargetInput } from '../../../src/index.js';
import { type LabHandle, startLab } from '../../../src/lab/index.js';
import { type SmtpWorld, startSmtpWorld } from './smtp-world.js';

const GOOD = '127.0.0.51';
const PLAIN = '127.0.0.52';
const WRONG = '127.0.0.53';
const CLOSED = '127.0.0.54';

let lab: LabHandle;
let world: SmtpWorld;

beforeAll(async () => {
  lab = await startLab(
    {
      'mail.sender.example': { A: GOOD },
      'plain.sender.example': { A: PLAIN },
      'timeout.sender.example': 'TIMEOUT',
    },
    { host: '127.0.0.1', port: 0 },
  );
  world = await startSmtpWorld({
    [GOOD]: { kind: 'good', names: ['mail.sender.example'] },
    [PLAIN]: { kind: 'plain' },
    [WRONG]: { kind: 'good', names: ['other.example.net'] },
    [CLOSED]: { kind: 'closed' },
  });
});
afterAll(async () => {
  await world?.stop();
  await lab?.stop();
});

async function run(target: Omit<TargetInput, 'domain'>, extra: { noSmtp?: boolean } = {}) {
  const report = await audit(
    { domain: 'sender.example', ...target },
    {
      resolvers: [`${lab.host}:${lab.port}`],
      smtpPort: world.port,
      caFile: world.caFile,
      checks: ['tls'],
      timeoutMs: 300,
      tries: 1,
      ...extra,
    },
  );
  expect(validateReport(report).errors).toEqual([]);
  const result = report.checks['tls']!;
  return { report, result, ids: result.findings.map((f) => f.id), evidence: result.evidence as TlsEvidence };
}

describe('tls collect (real probe, loopback SMTP servers, lab DNS)', () => {
  it('--ip and --helo naming the same host with a valid certificate: pass, probed once', async () => {
    const r = await run({ ips: [GOOD], helo: 'mail.sender.example' });
    expect(r.ids).toEqual([]);
    expect(r.result.status).toBe('pass');
    expect(r.evidence.hosts.map((h) => [h.address, h.sources])).toEqual([[GOOD, ['ip', 'helo']]]);
    expect(r.evidence.hosts[0]?.probe?.tls?.authorized).toBe(true);
    expect(r.report.predictedReplies).toEqual([]);
  });

  it('--helo alone: its address is probed', async () => {
    const r = await run({ ips: [], helo: 'mail.sender.example' });
    expect(r.result.status).toBe('pass');
    expect(r.evidence.hosts.map((h) => [h.address, h.sources])).toEqual([[GOOD, ['helo']]]);
  });

  it('no STARTTLS on the sending host: tls/no-starttls predicting Gmail 4.7.29/5.7.29 for bulk (inferred)', async () => {
    const r = await run({ ips: [PLAIN], helo: 'plain.sender.example', profile: 'bulk' });
    expect(r.ids).toEqual(['tls/no-starttls']);
    expect(r.report.predictedReplies.map((p) => [p.provider, p.code, p.enhanced, p.confidence])).toEqual([
      ['gmail', 421, '4.7.29', 'inferred'],
      ['gmail', 550, '5.7.29', 'inferred'],
    ]);
  });

  it('certificate not for the HELO name: tls/cert-name-mismatch', async () => {
    const r = await run({ ips: [WRONG], helo: 'mail.sender.example' });
    // the HELO name resolves to GOOD: both hosts are probed, only WRONG is judged bad
    expect(r.ids).toEqual(['tls/cert-name-mismatch']);
    expect(r.result.findings[0]?.evidence['address']).toBe(WRONG);
  });

  it('connection refused: unknown tls/cannot-connect, and no tls-missing prediction', async () => {
    const r = await run({ ips: [CLOSED], helo: 'plain.sender.example' });
    expect(r.ids.sort()).toEqual(['tls/cannot-connect', 'tls/no-starttls']);
    const refused = r.result.findings.find((f) => f.id === 'tls/cannot-connect');
    expect(refused?.message).toContain(`Could not connect to ${CLOSED}:${world.port}`);
    expect(refused?.predictedReplies).toEqual([]);
  });

  it('HELO name that times out in DNS and no --ip: unknown tls/helo-dns-error', async () => {
    const r = await run({ ips: [], helo: 'timeout.sender.example' });
    expect(r.ids).toEqual(['tls/helo-dns-error']);
    expect(r.result.status).toBe('unknown');
  });

  it('skipped without a sending host, and with --no-smtp', async () => {
    const none = await run({ ips: [] });
    expect(none.result.status).toBe('skipped');
    expect(none.result.evidence).toEqual({ skipped: 'no sending host given (--ip or --helo)' });
    const off = await run({ ips: [GOOD] }, { noSmtp: true });
    expect(off.result.status).toBe('skipped');
    expect(off.result.evidence).toEqual({ skipped: 'SMTP probing is off (--no-smtp)' });
  });
});
