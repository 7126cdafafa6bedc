/**
 * End to end against a real Postfix: a private instance (test/lab/postfix.ts) with STARTTLS
 * on 127.0.0.61:25, a lab DNS zone whose MX points at it, and a full `audit` through the CLI
 * with --smtp-port 25 and --ca-file. In CI (CI=true) a missing Postfix fails the test; locally
 * it is skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MxTlsEvidence } from '../../checks/mx-tls/index.js';
import type { TlsEvidence } from '../../checks/tls/index.js';
import { validateReport } from '../../reports/schema.js';
import { type LabHandle, startLab } from '../../src/lab/index.js';
import type { Report } from '../../src/report.js';
import { runCli as cli } from '../helpers/cli.js';
import { type PostfixInstance, postfixUnavailable, startPostfix } from '../lab/postfix.js';

const ADDRESS = '127.0.0.61';
const MX = 'mx.e2e.example';
const unavailable = postfixUnavailable();
const inCi = process.env.CI === 'true' || process.env.CI === '1';

describe.runIf(unavailable !== undefined && inCi)('Postfix end to end (CI)', () => {
  it('needs Postfix installed and root in CI', () => {
    expect.fail(`cannot run the Postfix end-to-end test: ${unavailable}`);
  });
});

describe.skipIf(unavailable !== undefined)('Postfix end to end: audit with real STARTTLS', () => {
  let postfix: PostfixInstance;
  let lab: LabHandle;

  beforeAll(async () => {
    postfix = await startPostfix({ address: ADDRESS, port: 25, hostname: MX });
    lab = await startLab(
      {
        'e2e.example': {
          MX: `10 ${MX}`,
          TXT: `v=spf1 ip4:${ADDRESS} -all`,
        },
        '_dmarc.e2e.example': { TXT: 'v=DMARC1; p=none' },
        [MX]: { A: ADDRESS },
      },
      { host: '127.0.0.1', port: 0 },
    );
  }, 60_000);

  afterAll(async () => {
    await lab?.stop();
    await postfix?.stop();
  }, 30_000);

  it('mx-tls and tls pass with a real TLS handshake; the report validates', async () => {
    const args = [
      'audit',
      'e2e.example',
      '--ip',
      ADDRESS,
      '--helo',
      MX,
      '--resolver',
      `${lab.host}:${lab.port}`,
      '--smtp-port',
      '25',
      '--ca-file',
      postfix.caFile,
      '--json',
    ];
    const t0 = performance.now();
    const r = await cli(args);
    const wallMs = performance.now() - t0;
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as Report;
    expect(validateReport(report).errors).toEqual([]);

    const mxTls = report.checks['mx-tls']!;
    expect(mxTls.findings.map((f) => f.id)).toEqual([]);
    expect(mxTls.status).toBe('pass');
    const host = (mxTls.evidence as MxTlsEvidence).hosts[0]!;
    expect(host.exchange).toBe(MX);
    const probe = host.probe!;
    expect(probe.address).toBe(ADDRESS);
    expect(probe.banner?.lines[0]).toBe(`${MX} ESMTP`);
    expect(probe.ehlo?.capabilities.starttls).toBe(true);
    expect(probe.starttls).toMatchObject({ offered: true, code: 220, ok: true });
    expect(probe.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(probe.tls?.authorized).toBe(true);
    expect(probe.tls?.hostnameMatches).toBe(true);
    expect(probe.tls?.chain[0]?.subjectAltNames).toEqual([MX]);
    expect(probe.tls?.chain[0]?.issuer).toContain('mail-preflight e2e CA');
    // Postfix stops advertising STARTTLS once TLS is on (RFC 3207 4.2)
    expect(probe.ehloAfterTls?.code).toBe(250);
    expect(probe.ehloAfterTls?.capabilities.starttls).toBe(false);
    expect(probe.error).toBeUndefined();

    const tls = report.checks['tls']!;
    expect(tls.status).toBe('pass');
    const sender = (tls.evidence as TlsEvidence).hosts[0]!;
    expect(sender.sources).toEqual(['ip', 'helo']);
    // one address, two callers (mx-tls by name, tls by address): each its own cache key
    expect(sender.probe?.tls?.authorized).toBe(true);

    // bounded well within the runner's per-check deadline
    expect(wallMs).toBeLessThan(10_000);
    expect(mxTls.durationMs).toBeLessThan(10_000);
  }, 60_000);

  it('without the test CA the same host is cert-untrusted, not a failure to connect', async () => {
    const r = await cli([
      'audit',
      'e2e.example',
      '--resolver',
      `${lab.host}:${lab.port}`,
      '--smtp-port',
      '25',
      '--check',
      'mx-tls',
      '--json',
    ]);
    const report = JSON.parse(r.stdout) as Report;
    expect(validateReport(report).errors).toEqual([]);
    expect(report.checks['mx-tls']?.findings.map((f) => f.id)).toEqual(['mx-tls/cert-untrusted']);
    expect(report.checks['mx-tls']?.findings[0]?.message).toContain(MX);
  }, 60_000);
});
