import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, issueCert, selfSignedCert, type TestCa, type TestCert } from '../../src/lab/certs.js';
import { type HttpsLabHandle, startHttpsLab } from '../../src/lab/https.js';
import { type LabHandle, startLab } from '../../src/lab/index.js';
import { createHttpsFetcher, HTTPS_DEFAULT_MAX_BYTES } from '../../src/probe/https.js';
import { createDnsProbe } from '../../src/probe/index.js';

const POLICY = 'version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmax_age: 604800\r\n';
const NAME = 'mta-sts.example.com';
const PATH = '/.well-known/mta-sts.txt';

let ca: TestCa;
let good: TestCert;
let lab: HttpsLabHandle;
const servers: { stop(): Promise<void> }[] = [];

async function serve(cert: TestCert, routes: Parameters<typeof startHttpsLab>[0]['routes']) {
  const h = await startHttpsLab({ cert: cert.certPem, key: cert.keyPem, routes });
  servers.push(h);
  return h;
}

beforeAll(async () => {
  ca = createTestCa();
  good = issueCert(ca, { names: [NAME] });
  const big = 'x'.repeat(HTTPS_DEFAULT_MAX_BYTES + 1);
  lab = await serve(good, {
    [PATH]: { body: POLICY },
    '/redirect': { status: 301, headers: { location: 'https://elsewhere.example.net/policy' } },
    '/big': { body: big },
    '/html': { body: '<html></html>', headers: { 'content-type': 'text/html; charset=utf-8' } },
    '/hang': { hang: true },
    '/500': { status: 500, body: 'oops' },
  });
  // A chunked body without Content-Length that never stops growing.
  const stream = await startHttpsLab({
    cert: good.certPem,
    key: good.keyPem,
    handler: (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = 'y'.repeat(8192);
      const timer = setInterval(() => res.write(chunk), 1);
      res.on('close', () => clearInterval(timer));
    },
  });
  servers.push(stream);
  streamPort = stream.port;
});

let streamPort = 0;

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

/** A fetcher that sends every name to the lab's address. */
function fetcherFor(port: number, extra: Parameters<typeof createHttpsFetcher>[0] = {}) {
  return createHttpsFetcher({
    ca: ca.certPem,
    port,
    resolveAddress: async () => '127.0.0.1',
    timeoutMs: 2000,
    ...extra,
  });
}

describe('createHttpsFetcher against the HTTPS lab (test CA, verification on)', () => {
  it('fetches a policy: status, body, content type, TLS details and certificate', async () => {
    const r = await fetcherFor(lab.port).fetch(`https://${NAME}${PATH}`);
    expect(r.ok).toBe(true);
    expect(r.status).toBe(200);
    expect(r.body).toBe(POLICY);
    expect(r.headers.contentType).toBe('text/plain');
    expect(r.address).toBe('127.0.0.1');
    expect(r.tls?.authorized).toBe(true);
    expect(r.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(r.tls?.cert?.subjectAltNames).toEqual([NAME]);
    expect(r.tls?.cert?.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(lab.log.at(-1)).toBe(`GET ${PATH} ${NAME}:${lab.port}`);
  });

  it('caches per URL for the run: one request for two fetches', async () => {
    const f = fetcherFor(lab.port);
    const before = lab.log.length;
    const [a, b] = await Promise.all([f.fetch(`https://${NAME}${PATH}`), f.fetch(`https://${NAME}${PATH}`)]);
    const c = await f.fetch(`https://${NAME}${PATH}`);
    expect(a).toBe(b);
    expect(c).toBe(a);
    expect(lab.log.length - before).toBe(1);
  });

  it('does not follow a redirect and reports its Location (RFC 8461 3.3)', async () => {
    const before = lab.log.length;
    const r = await fetcherFor(lab.port).fetch(`https://${NAME}/redirect`);
    expect(r.ok).toBe(false);
    expect(r.status).toBe(301);
    expect(r.error?.kind).toBe('redirect');
    expect(r.headers.location).toBe('https://elsewhere.example.net/policy');
    expect(lab.log.length - before).toBe(1);
  });

  it('reports a non-200 status', async () => {
    const r = await fetcherFor(lab.port).fetch(`https://${NAME}/500`);
    expect(r).toMatchObject({ ok: false, status: 500, error: { kind: 'http-status' } });
  });

  it('records the content type of a non-text answer', async () => {
    const r = await fetcherFor(lab.port).fetch(`https://${NAME}/html`);
    expect(r.ok).toBe(true);
    expect(r.headers.contentType).toBe('text/html; charset=utf-8');
  });

  it('refuses a body over the cap announced by Content-Length', async () => {
    const r = await fetcherFor(lab.port).fetch(`https://${NAME}/big`);
    expect(r.ok).toBe(false);
    expect(r.error?.kind).toBe('too-large');
    expect(r.body).toBeUndefined();
  });

  it('aborts an endless chunked body at the cap', async () => {
    const t0 = Date.now();
    const r = await fetcherFor(streamPort, { timeoutMs: 5000 }).fetch(`https://${NAME}/stream`);
    expect(r.error?.kind).toBe('too-large');
    expect(Date.now() - t0).toBeLessThan(4000);
  });

  it('rejects a certificate for another name (cert-invalid, host name checked against the URL)', async () => {
    const other = issueCert(ca, { names: ['www.example.com'] });
    const h = await serve(other, { [PATH]: { body: POLICY } });
    const r = await fetcherFor(h.port).fetch(`https://${NAME}${PATH}`);
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ kind: 'cert-invalid', code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(r.tls).toMatchObject({ authorized: false, cert: { subjectAltNames: ['www.example.com'] } });
    expect(h.log).toEqual([]);
  });

  it('rejects an expired certificate', async () => {
    const expired = issueCert(ca, {
      names: [NAME],
      notBefore: new Date(Date.now() - 30 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    const h = await serve(expired, { [PATH]: { body: POLICY } });
    const r = await fetcherFor(h.port).fetch(`https://${NAME}${PATH}`);
    expect(r.error).toMatchObject({ kind: 'cert-invalid', code: 'CERT_HAS_EXPIRED' });
    expect(h.log).toEqual([]);
  });

  it('rejects a self-signed certificate and one from an untrusted CA', async () => {
    const self = await serve(selfSignedCert({ names: [NAME] }), { [PATH]: { body: POLICY } });
    const r1 = await fetcherFor(self.port).fetch(`https://${NAME}${PATH}`);
    expect(r1.error?.kind).toBe('cert-invalid');
    const otherCa = createTestCa({ commonName: 'another CA' });
    const foreign = await serve(issueCert(otherCa, { names: [NAME] }), { [PATH]: { body: POLICY } });
    const r2 = await fetcherFor(foreign.port).fetch(`https://${NAME}${PATH}`);
    expect(r2.error?.kind).toBe('cert-invalid');
  });

  it('without the lab CA, the system store does not trust the lab certificate', async () => {
    const r = await createHttpsFetcher({ port: lab.port, resolveAddress: async () => '127.0.0.1' }).fetch(
      `https://${NAME}${PATH}`,
    );
    expect(r.error?.kind).toBe('cert-invalid');
  });

  it('times out, bounded, on a server that accepts the request and never answers', async () => {
    const t0 = Date.now();
    const r = await fetcherFor(lab.port, { timeoutMs: 300 }).fetch(`https://${NAME}/hang`);
    expect(r.error?.kind).toBe('timeout');
    expect(r.tls?.authorized).toBe(true);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('times out on a TCP server that never starts the TLS handshake', async () => {
    const held: Socket[] = [];
    const silent: NetServer = createNetServer((s) => held.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const t0 = Date.now();
      const r = await fetcherFor(port, { timeoutMs: 300 }).fetch(`https://${NAME}${PATH}`);
      expect(r.error?.kind).toBe('timeout');
      expect(Date.now() - t0).toBeLessThan(2000);
    } finally {
      for (const s of held) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('reports a refused connection as connect', async () => {
    const tmp = createNetServer();
    await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
    const port = (tmp.address() as { port: number }).port;
    await new Promise((r) => tmp.close(r));
    const r = await fetcherFor(port).fetch(`https://${NAME}${PATH}`);
    expect(r.error).toMatchObject({ kind: 'connect', code: 'ECONNREFUSED' });
  });

  it('reports a TLS server that does not speak HTTP as protocol', async () => {
    const garbage: TlsServer = createTlsServer({ cert: good.certPem, key: good.keyPem }, (s) => {
      s.on('data', () => s.end('NOT HTTP AT ALL\r\n\r\n'));
    });
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
    const port = (garbage.address() as { port: number }).port;
    try {
      const r = await fetcherFor(port).fetch(`https://${NAME}${PATH}`);
      expect(r.error?.kind).toBe('protocol');
    } finally {
      await new Promise((r) => garbage.close(r));
    }
  });

  it('a caller abort is not cached', async () => {
    const f = fetcherFor(lab.port);
    const ctl = new AbortController();
    ctl.abort();
    const r1 = await f.fetch(`https://${NAME}${PATH}`, { signal: ctl.signal });
    expect(r1.ok).toBe(false);
    await new Promise((r) => setTimeout(r, 0));
    const r2 = await f.fetch(`https://${NAME}${PATH}`);
    expect(r2.ok).toBe(true);
  });

  it('refuses non-https URLs without any I/O', async () => {
    const r = await fetcherFor(lab.port).fetch('http://mta-sts.example.com/');
    expect(r.error?.kind).toBe('protocol');
  });
});

describe('host names resolved through the probe resolver (lab DNS)', () => {
  let dns: LabHandle;
  beforeAll(async () => {
    dns = await startLab({
      'mta-sts.example.com': { A: '127.0.0.1' },
      'mta-sts.servfail.example': { A: 'SERVFAIL' },
      'example.org': { A: '192.0.2.1' },
    });
  });
  afterAll(async () => {
    await dns.stop();
  });
  const probe = () =>
    createDnsProbe({ servers: [{ host: dns.host, port: dns.port }], timeoutMs: 250, tries: 1 });

  it('connects to the address the zone gives', async () => {
    const f = createHttpsFetcher({ ca: ca.certPem, port: lab.port, resolver: probe().dns, timeoutMs: 2000 });
    const r = await f.fetch(`https://${NAME}${PATH}`);
    expect(r.ok).toBe(true);
    expect(r.address).toBe('127.0.0.1');
  });

  it('NXDOMAIN -> dns error marked nxdomain; SERVFAIL -> dns error marked servfail', async () => {
    const f = createHttpsFetcher({ ca: ca.certPem, port: lab.port, resolver: probe().dns, timeoutMs: 2000 });
    const nx = await f.fetch(`https://mta-sts.nowhere.example${PATH}`);
    expect(nx.error).toMatchObject({ kind: 'dns', dns: 'nxdomain' });
    const sf = await f.fetch(`https://mta-sts.servfail.example${PATH}`);
    expect(sf.error).toMatchObject({ kind: 'dns', dns: 'servfail' });
  });
});
