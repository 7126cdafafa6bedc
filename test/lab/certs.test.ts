import { X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestCa, issueCert, selfSignedCert, type TestCert } from '../../src/lab/certs.js';

const servers: tls.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

async function serve(cert: TestCert, chainPem = ''): Promise<number> {
  const server = tls.createServer({ key: cert.keyPem, cert: cert.certPem + chainPem }, (s) => s.end());
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as AddressInfo).port;
}

function connect(
  port: number,
  opts: tls.ConnectionOptions,
): Promise<{ authorized: boolean; error?: string; peer: tls.PeerCertificate }> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...opts }, () => {
      const out = {
        authorized: s.authorized,
        error: s.authorizationError ? String(s.authorizationError) : undefined,
        peer: s.getPeerCertificate(true),
      };
      s.destroy();
      resolve(out);
    });
    s.on('error', reject);
  });
}

describe('test certificates', () => {
  const ca = createTestCa({ commonName: 'Lab CA' });

  it('a CA-issued chain verifies with the CA as `ca` and not without', async () => {
    const leaf = issueCert(ca, { names: ['mx.example.test', '127.0.0.1'] });
    const port = await serve(leaf);
    const withCa = await connect(port, { ca: ca.certPem, servername: 'mx.example.test' });
    expect(withCa.authorized).toBe(true);
    expect(tls.checkServerIdentity('mx.example.test', withCa.peer)).toBeUndefined();
    const without = await connect(port, { servername: 'mx.example.test' });
    expect(without.authorized).toBe(false);
    expect(without.error).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    // strict client (default rejectUnauthorized) must also accept with the CA
    await expect(
      new Promise<void>((resolve, reject) => {
        const s = tls.connect(
          { host: '127.0.0.1', port, ca: ca.certPem, servername: 'mx.example.test' },
          () => {
            s.destroy();
            resolve();
          },
        );
        s.on('error', reject);
      }),
    ).resolves.toBeUndefined();
  });

  it('names become SANs (DNS and IP) and the first is the CN; wrong names do not match', () => {
    const leaf = issueCert(ca, { names: ['MX.Example.test', '127.0.0.2', '::1'] });
    const x = new X509Certificate(leaf.certDer);
    expect(x.subjectAltName).toBe('DNS:mx.example.test, IP Address:127.0.0.2, IP Address:0:0:0:0:0:0:0:1');
    expect(x.subject).toBe('CN=MX.Example.test');
    expect(x.issuer).toBe('CN=Lab CA');
    expect(x.checkHost('mx.example.test')).toBe('mx.example.test');
    expect(x.checkHost('other.example.test')).toBeUndefined();
    expect(x.checkIssued(new X509Certificate(ca.certDer))).toBe(true);
    expect(x.verify(new X509Certificate(ca.certDer).publicKey)).toBe(true);
    expect(x.publicKey.export({ type: 'spki', format: 'der' }).equals(leaf.spkiDer)).toBe(true);
  });

  it('notBefore/notAfter are what was asked; an expired cert reports CERT_HAS_EXPIRED', async () => {
    const notBefore = new Date('2020-01-01T00:00:00Z');
    const notAfter = new Date('2021-01-01T00:00:00Z');
    const leaf = issueCert(ca, { names: ['old.example.test'], notBefore, notAfter });
    const x = new X509Certificate(leaf.certDer);
    expect(new Date(x.validFrom).toISOString()).toBe(notBefore.toISOString());
    expect(new Date(x.validTo).toISOString()).toBe(notAfter.toISOString());
    const port = await serve(leaf);
    const r = await connect(port, { ca: ca.certPem, servername: 'old.example.test' });
    expect(r.authorized).toBe(false);
    expect(r.error).toBe('CERT_HAS_EXPIRED');
  });

  it('dates past 2049 use GeneralizedTime (RFC 5280 4.1.2.5)', () => {
    const leaf = issueCert(ca, {
      names: ['far.example.test'],
      notAfter: new Date('2060-06-01T12:00:00Z'),
    });
    expect(new Date(new X509Certificate(leaf.certDer).validTo).toISOString()).toBe(
      '2060-06-01T12:00:00.000Z',
    );
  });

  it('RSA keys on request, and a self-signed leaf reports DEPTH_ZERO_SELF_SIGNED_CERT', async () => {
    const rsa = issueCert(ca, { names: ['rsa.example.test'], keyType: 'rsa' });
    const x = new X509Certificate(rsa.certDer);
    expect(x.publicKey.asymmetricKeyType).toBe('rsa');
    expect(x.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const self = selfSignedCert({ names: ['self.example.test'] });
    const sx = new X509Certificate(self.certDer);
    expect(sx.issuer).toBe(sx.subject);
    const port = await serve(self);
    const r = await connect(port, { servername: 'self.example.test' });
    expect(r.authorized).toBe(false);
    expect(r.error).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    const trusted = await connect(port, { servername: 'self.example.test', ca: self.certPem });
    expect(trusted.authorized).toBe(true);
  });

  it('a CA rebuilt from PEM (no in-memory key) still issues verifiable certs', () => {
    const copy = { ...ca };
    const leaf = issueCert(copy, { names: ['copy.example.test'] });
    expect(new X509Certificate(leaf.certDer).verify(new X509Certificate(ca.certDer).publicKey)).toBe(true);
  });
});
