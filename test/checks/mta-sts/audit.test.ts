/**
 * The mta-sts check through the library's audit(): the probe built from options resolves
 * mta-sts.<domain> through the given resolver (the lab) and trusts the CA of --ca-file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../../src/index.js';
import { createTestCa, issueCert } from '../../../src/lab/certs.js';
import { type HttpsLabHandle, startHttpsLab } from '../../../src/lab/https.js';
import { type LabHandle, startLab } from '../../../src/lab/index.js';

const DOMAIN = 'sts-audit.example';
let dns: LabHandle;
let web: HttpsLabHandle;
let dir: string;
let caFile: string;
let otherCaFile: string;

beforeAll(async () => {
  const ca = createTestCa();
  dir = mkdtempSync(join(tmpdir(), 'mta-sts-audit-'));
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, ca.certPem);
  otherCaFile = join(dir, 'other-ca.pem');
  writeFileSync(otherCaFile, createTestCa({ commonName: 'unrelated CA' }).certPem);
  const cert = issueCert(ca, { names: [`mta-sts.${DOMAIN}`] });
  web = await startHttpsLab({
    cert: cert.certPem,
    key: cert.keyPem,
    routes: {
      '/.well-known/mta-sts.txt': {
        body: `version: STSv1\nmode: testing\nmx: mx.${DOMAIN}\nmax_age: 1209600\n`,
      },
    },
  });
  dns = await startLab({
    [DOMAIN]: { MX: `10 mx.${DOMAIN}` },
    [`_mta-sts.${DOMAIN}`]: { TXT: 'v=STSv1; id=20250101' },
    [`mta-sts.${DOMAIN}`]: { A: '127.0.0.1' },
  });
});

afterAll(async () => {
  await Promise.all([dns.stop(), web.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const options = (file: string) => ({
  resolvers: [`${dns.host}:${dns.port}`],
  timeoutMs: 500,
  tries: 1,
  caFile: file,
  httpsPort: web.port,
  noSmtp: true,
  checks: ['mta-sts'],
});

describe('mta-sts through audit() with --ca-file', () => {
  it('fetches the policy from the lab, trusting the CA file', async () => {
    const report = await audit({ domain: DOMAIN }, options(caFile));
    const ids = report.checks['mta-sts']?.findings.map((f) => f.id).sort();
    expect(ids).toEqual(['mta-sts/mode-testing', 'mta-sts/mx-tls-not-checked']);
    expect(report.checks['mta-sts']?.status).toBe('pass');
    expect(web.log).toContain(`GET /.well-known/mta-sts.txt mta-sts.${DOMAIN}:${web.port}`);
  });

  it('with a CA file that does not sign the certificate, the policy is refused (verification stays on)', async () => {
    const report = await audit({ domain: DOMAIN }, options(otherCaFile));
    const ids = report.checks['mta-sts']?.findings.map((f) => f.id);
    expect(ids).toEqual(['mta-sts/policy-cert-invalid']);
    expect(report.checks['mta-sts']?.status).toBe('fail');
  });
});
