/**
 * One certificate description for every probe: the SMTP probe (STARTTLS chain) and the HTTPS
 * fetcher (MTA-STS policy host) describe the same certificate identically.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, issueCert, type TestCa, type TestCert } from '../../src/lab/certs.js';
import { type HttpsLabHandle, startHttpsLab } from '../../src/lab/https.js';
import { type SmtpLabHandle, startSmtpLab } from '../../src/lab/smtp.js';
import { describeCertificate, summarizeCertificate } from '../../src/probe/certificate.js';
import { createHttpsFetcher } from '../../src/probe/https.js';
import { probeSmtp } from '../../src/probe/smtp.js';

const MX = 'mx.cert.test';
const STS = 'mta-sts.cert.test';
/** A DNS name holding the SAN text's own separator: node prints it quoted, as JSON. */
const TRICKY = 'x, DNS:evil.test';
const PATH = '/.well-known/mta-sts.txt';
const FAST = { connectMs: 1000, bannerMs: 1000, replyMs: 1000, tlsMs: 1000, quitMs: 200, totalMs: 4000 };

let ca: TestCa;
let leaf: TestCert;
let smtp: SmtpLabHandle;
let https: HttpsLabHandle;

beforeAll(async () => {
  ca = createTestCa({ commonName: 'Certificate Lab CA' });
  leaf = issueCert(ca, { names: [MX, STS, TRICKY] });
  smtp = await startSmtpLab({ cert: leaf.certPem, key: leaf.keyPem });
  https = await startHttpsLab({ cert: leaf.certPem, key: leaf.keyPem, routes: { [PATH]: { body: 'x' } } });
});
afterAll(async () => {
  await Promise.all([smtp?.stop(), https?.stop()]);
});

describe('one certificate description shared by the SMTP and HTTPS probes', () => {
  it('the same certificate gives the same evidence through either probe', async () => {
    const seenBySmtp = await probeSmtp(MX, {
      address: smtp.host,
      port: smtp.port,
      ca: ca.certPem,
      timeouts: FAST,
    });
    const fetcher = createHttpsFetcher({
      ca: ca.certPem,
      port: https.port,
      resolveAddress: async () => https.host,
    });
    const seenByHttps = await fetcher.fetch(`https://${STS}${PATH}`);

    expect(seenBySmtp.tls?.authorized).toBe(true);
    expect(seenByHttps.ok).toBe(true);
    const fromSmtp = seenBySmtp.tls?.chain[0];
    expect(fromSmtp).toEqual(describeCertificate(leaf.certDer));
    expect(seenByHttps.tls?.cert).toEqual(summarizeCertificate(leaf.certDer));
    // The HTTPS evidence is the SMTP evidence's published subset, field for field.
    const { keyType, keyBits, derBase64, selfSigned, ...shared } =
      fromSmtp ?? describeCertificate(leaf.certDer);
    expect(seenByHttps.tls?.cert).toEqual(shared);
    expect({ keyType, keyBits, selfSigned }).toEqual({ keyType: 'ec', keyBits: 256, selfSigned: false });
    expect(derBase64).toBe(leaf.certDer.toString('base64'));
  });

  it("a name with a comma is unquoted (the HTTPS fetcher used to keep node's quoting and escapes)", () => {
    const info = summarizeCertificate(leaf.certDer);
    expect(info.subjectAltNames).toEqual([MX, STS, TRICKY.toLowerCase()]);
    expect(info.subject).toBe(`CN=${MX}`);
    expect(info.issuer).toBe('CN=Certificate Lab CA');
    expect(info.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
