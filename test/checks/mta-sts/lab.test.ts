/**
 * The mta-sts check against real loopback servers: the lab DNS (zone below), HTTPS labs
 * serving policies with certificates from a test CA (passed as `ca`, verification on), and
 * SMTP labs for the MX TLS part of enforce mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MtaStsEvidence, mtaStsCheck } from '../../../checks/mta-sts/index.js';
import { STS_POLICY_PATH } from '../../../checks/mta-sts/policy.js';
import { renderTemplate } from '../../../src/check.js';
import { createTestCa, issueCert, selfSignedCert, type TestCa } from '../../../src/lab/certs.js';
import { type HttpsLabHandle, type HttpsLabRoute, startHttpsLab } from '../../../src/lab/https.js';
import { type LabHandle, startLab } from '../../../src/lab/index.js';
import { closedPort, type SmtpLabHandle, startSmtpFaultServer, startSmtpLab } from '../../../src/lab/smtp.js';
import { createHttpsFetcher } from '../../../src/probe/https.js';
import { createDnsProbe } from '../../../src/probe/index.js';
import { createSmtpProber } from '../../../src/probe/smtp.js';
import type { Probe } from '../../../src/probe/types.js';
import type { Target } from '../../../src/report.js';

const policy = (mode: string, mx: string[], maxAge = 604800) =>
  ['version: STSv1', `mode: ${mode}`, ...mx.map((m) => `mx: ${m}`), `max_age: ${maxAge}`, ''].join('\r\n');

/** Policies served by the main HTTPS lab, by domain (Host: mta-sts.<domain>). */
const POLICIES: Record<string, HttpsLabRoute> = {
  'good.example': { body: policy('enforce', ['mx.good.example']) },
  'testing.example': { body: policy('testing', ['mx.testing.example']) },
  'none.example': { body: policy('none', []) },
  'short.example': { body: policy('enforce', ['mx.short.example'], 3600) },
  'redirect.example': { status: 302, headers: { location: 'https://www.redirect.example/mta-sts.txt' } },
  'big.example': { body: `${policy('enforce', ['mx.big.example'])}${'#'.repeat(70_000)}` },
  'html.example': {
    body: '<!DOCTYPE html>\n<html><body>Welcome</body></html>\n',
    headers: { 'content-type': 'text/html' },
  },
  'badsyntax.example': { body: 'version STSv1\nmode=enforce\nmx: mx.badsyntax.example\n' },
  'wrongversion.example': { body: policy('enforce', ['mx.wrongversion.example']).replace('STSv1', 'STSv2') },
  'status404.example': { status: 404, body: 'not here' },
  'hang.example': { hang: true },
  'policyonly.example': { body: policy('enforce', ['mx.policyonly.example']) },
  'multi.example': { body: policy('enforce', ['mx.multi.example']) },
  'unmatched.example': { body: policy('enforce', ['*.unmatched.example']) },
  'unmatched-testing.example': { body: policy('testing', ['mx.unmatched-testing.example']) },
  'mxfail.example': { body: policy('enforce', ['mx.mxfail.example']) },
  'servfail-txt.example': { body: policy('enforce', ['mx.servfail-txt.example']) },
  'octet.example': {
    body: policy('enforce', ['mx.octet.example']),
    headers: { 'content-type': 'application/octet-stream' },
  },
};

const ZONE = `
good.example: {MX: "10 mx.good.example"}
_mta-sts.good.example: {TXT: "v=STSv1; id=20240101"}
mta-sts.good.example: {A: 127.0.0.1}
mx.good.example: {A: 127.0.0.1}

testing.example: {MX: "10 mx.testing.example"}
_mta-sts.testing.example: {TXT: "v=STSv1; id=1"}
mta-sts.testing.example: {A: 127.0.0.1}

none.example: {MX: "10 mx.none.example"}
_mta-sts.none.example: {TXT: "v=STSv1; id=1"}
mta-sts.none.example: {A: 127.0.0.1}

short.example: {MX: "10 mx.short.example"}
_mta-sts.short.example: {TXT: "v=STSv1; id=1"}
mta-sts.short.example: {A: 127.0.0.1}

redirect.example: {MX: "10 mx.redirect.example"}
_mta-sts.redirect.example: {TXT: "v=STSv1; id=1"}
mta-sts.redirect.example: {A: 127.0.0.1}

big.example: {MX: "10 mx.big.example"}
_mta-sts.big.example: {TXT: "v=STSv1; id=1"}
mta-sts.big.example: {A: 127.0.0.1}

html.example: {MX: "10 mx.html.example"}
_mta-sts.html.example: {TXT: "v=STSv1; id=1"}
mta-sts.html.example: {A: 127.0.0.1}

badsyntax.example: {MX: "10 mx.badsyntax.example"}
_mta-sts.badsyntax.example: {TXT: "v=STSv1; id=1"}
mta-sts.badsyntax.example: {A: 127.0.0.1}

wrongversion.example: {MX: "10 mx.wrongversion.example"}
_mta-sts.wrongversion.example: {TXT: "v=STSv1; id=1"}
mta-sts.wrongversion.example: {A: 127.0.0.1}

status404.example: {MX: "10 mx.status404.example"}
_mta-sts.status404.example: {TXT: "v=STSv1; id=1"}
mta-sts.status404.example: {A: 127.0.0.1}

hang.example: {MX: "10 mx.hang.example"}
_mta-sts.hang.example: {TXT: "v=STSv1; id=1"}
mta-sts.hang.example: {A: 127.0.0.1}

octet.example: {MX: "10 mx.octet.example"}
_mta-sts.octet.example: {TXT: "v=STSv1; id=1"}
mta-sts.octet.example: {A: 127.0.0.1}

notxt.example: {MX: "10 mx.notxt.example"}

policyonly.example: {MX: "10 mx.policyonly.example"}
mta-sts.policyonly.example: {A: 127.0.0.1}

tlsrptonly.example: {MX: "10 mx.tlsrptonly.example"}
_smtp._tls.tlsrptonly.example: {TXT: "v=TLSRPTv1; rua=mailto:tls@tlsrptonly.example"}

multi.example: {MX: "10 mx.multi.example"}
_mta-sts.multi.example: {TXT: ["v=STSv1; id=1", "v=STSv1; id=2"]}
mta-sts.multi.example: {A: 127.0.0.1}

badid.example: {MX: "10 mx.badid.example"}
_mta-sts.badid.example: {TXT: ["v=STSv1; id=2024-01-01", "v=spf1 -all"]}

lookalike.example: {MX: "10 mx.lookalike.example"}
_mta-sts.lookalike.example: {TXT: "v=stsv1; id=1"}

servfail-txt.example: {MX: "10 mx.servfail-txt.example"}
_mta-sts.servfail-txt.example: {TXT: SERVFAIL}
mta-sts.servfail-txt.example: {A: 127.0.0.1}

nohost.example: {MX: "10 mx.nohost.example"}
_mta-sts.nohost.example: {TXT: "v=STSv1; id=1"}

hostservfail.example: {MX: "10 mx.hostservfail.example"}
_mta-sts.hostservfail.example: {TXT: "v=STSv1; id=1"}
mta-sts.hostservfail.example: SERVFAIL

unmatched.example: {MX: ["10 mx1.unmatched.example", "20 backup.elsewhere.example", "30 a.b.unmatched.example"]}
_mta-sts.unmatched.example: {TXT: "v=STSv1; id=1"}
mta-sts.unmatched.example: {A: 127.0.0.1}

unmatched-testing.example: {MX: ["10 mx.unmatched-testing.example", "20 other.example"]}
_mta-sts.unmatched-testing.example: {TXT: "v=STSv1; id=1"}
mta-sts.unmatched-testing.example: {A: 127.0.0.1}

mxfail.example: {MX: SERVFAIL}
_mta-sts.mxfail.example: {TXT: "v=STSv1; id=1"}
mta-sts.mxfail.example: {A: 127.0.0.1}

wrongname.example: {MX: "10 mx.wrongname.example"}
_mta-sts.wrongname.example: {TXT: "v=STSv1; id=1"}
mta-sts.wrongname.example: {A: 127.0.0.1}

expired.example: {MX: "10 mx.expired.example"}
_mta-sts.expired.example: {TXT: "v=STSv1; id=1"}
mta-sts.expired.example: {A: 127.0.0.1}
`;

let ca: TestCa;
let dns: LabHandle;
let web: HttpsLabHandle;
const stoppers: { stop(): Promise<void> }[] = [];

beforeAll(async () => {
  ca = createTestCa();
  dns = await startLab(ZONE);
  stoppers.push(dns);
  const cert = issueCert(ca, { names: Object.keys(POLICIES).map((d) => `mta-sts.${d}`) });
  web = await startHttpsLab({
    cert: cert.certPem,
    key: cert.keyPem,
    handler: (req, res) => {
      const domain = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^mta-sts\./, '');
      const route = POLICIES[domain];
      if (!route || req.url !== STS_POLICY_PATH) {
        res.writeHead(404).end();
        return;
      }
      if (route.hang) return;
      res.writeHead(route.status ?? 200, { 'content-type': 'text/plain', ...(route.headers ?? {}) });
      res.end(route.body ?? '');
    },
  });
  stoppers.push(web);
});

afterAll(async () => {
  await Promise.all(stoppers.map((s) => s.stop()));
});

interface RunOptions {
  httpsPort?: number;
  smtpPort?: number;
  fetchTimeoutMs?: number;
}

function labProbe(o: RunOptions = {}): Probe {
  const probe: Probe = createDnsProbe({
    servers: [{ host: dns.host, port: dns.port }],
    timeoutMs: 300,
    tries: 1,
  });
  probe.https = createHttpsFetcher({
    ca: ca.certPem,
    port: o.httpsPort ?? web.port,
    resolver: probe.dns,
    timeoutMs: o.fetchTimeoutMs ?? 2000,
  });
  if (o.smtpPort !== undefined) {
    probe.smtp = createSmtpProber({
      port: o.smtpPort,
      ca: ca.certPem,
      resolveAddress: async () => '127.0.0.1',
      timeouts: { connectMs: 1000, bannerMs: 1000, replyMs: 1000, tlsMs: 1000, quitMs: 200, totalMs: 4000 },
    });
  }
  return probe;
}

async function run(domain: string, o: RunOptions = {}) {
  const target: Target = { domain, ips: [], profile: 'bulk' };
  const evidence = await mtaStsCheck.collect(target, {
    probe: labProbe(o),
    signal: new AbortController().signal,
  });
  // Evidence is plain JSON: a replayed run judges the same.
  const replayed = JSON.parse(JSON.stringify(evidence)) as MtaStsEvidence;
  const found = mtaStsCheck.judge(replayed, target);
  const messages = found.map((f) => {
    const spec = mtaStsCheck.findings[f.key]!;
    return `${f.key}: ${renderTemplate(spec.message, f.data)}`;
  });
  return { evidence, found, keys: found.map((f) => f.key).sort(), messages };
}

describe('mta-sts check: TXT record (RFC 8461 3.1)', () => {
  it('no record -> info only (MTA-STS is optional), with the TXT and policy to publish', async () => {
    const r = await run('notxt.example');
    expect(r.keys).toEqual(['no-record']);
    const f = r.found[0]!;
    const fix = renderTemplate(mtaStsCheck.findings['no-record']!.fix, f.data);
    expect(fix).toContain('"_mta-sts.notxt.example. IN TXT \\"v=STSv1; id=');
    expect(fix).toContain('mx: mx.notxt.example');
    expect(fix).toContain('version: STSv1');
  });

  it('no record but a policy is served -> policy-without-record', async () => {
    expect((await run('policyonly.example')).keys).toEqual(['policy-without-record']);
  });

  it('no record but TLS-RPT is published -> says so', async () => {
    expect((await run('tlsrptonly.example')).keys).toEqual(['tls-rpt-without-mta-sts']);
  });

  it('two v=STSv1 records -> multiple-records (senders then ignore MTA-STS)', async () => {
    const r = await run('multi.example');
    expect(r.keys).toEqual(['multiple-records']);
    expect(r.messages[0]).toContain('2 TXT records');
  });

  it('a bad id is named; other TXT records at the name are ignored', async () => {
    const r = await run('badid.example');
    expect(r.keys).toContain('invalid-record');
    expect(r.messages.join()).toMatch(/id "2024-01-01" must be 1 to 32 letters and digits/);
  });

  it('a look-alike record ("v=stsv1") is reported as invalid, not as missing', async () => {
    const r = await run('lookalike.example');
    expect(r.keys).toEqual(['invalid-record']);
    expect(r.messages[0]).toMatch(/exactly "v=STSv1"/);
  });

  it('SERVFAIL on the TXT -> unknown, never "missing"; the policy is still checked', async () => {
    const r = await run('servfail-txt.example');
    expect(r.keys).toContain('record-dns-error');
    expect(r.keys).not.toContain('no-record');
    expect(mtaStsCheck.findings['record-dns-error']!.severity).toBe('unknown');
  });
});

describe('mta-sts check: policy fetch (RFC 8461 3.3)', () => {
  it('a good enforce policy, MX matched, MX TLS valid -> no finding', async () => {
    const mxCert = issueCert(ca, { names: ['mx.good.example'] });
    const smtp: SmtpLabHandle = await startSmtpLab({ cert: mxCert.certPem, key: mxCert.keyPem });
    stoppers.push(smtp);
    const r = await run('good.example', { smtpPort: smtp.port });
    expect(r.keys).toEqual([]);
    expect(r.evidence.mxTls).toMatchObject([
      { host: 'mx.good.example', probed: true, tls: { authorized: true } },
    ]);
  });

  it.each([
    ['redirect.example', ['policy-redirect'], /HTTP 302 to https:\/\/www\.redirect\.example/],
    ['big.example', ['policy-too-large'], /exceeds 65536 bytes/],
    // RFC 8461 3.3: senders SHOULD check for text/plain, so they ignore an HTML policy.
    ['html.example', ['policy-content-type-ignored', 'policy-invalid'], /is not "key: value"/],
    ['badsyntax.example', ['policy-invalid'], /line 1 is not "key: value"/],
    ['wrongversion.example', ['policy-invalid'], /version "STSv2" must be "STSv1"/],
    ['status404.example', ['policy-http-status'], /answers HTTP 404/],
    ['nohost.example', ['policy-host-missing'], /mta-sts\.nohost\.example has no address/],
    ['hostservfail.example', ['policy-fetch-unknown'], /servfail/],
  ])('%s -> %j', async (domain, keys, message) => {
    const r = await run(domain);
    expect(r.keys).toEqual(keys);
    expect(r.messages.join('\n')).toMatch(message);
  });

  it('a policy served as application/octet-stream -> ignored by senders that check (RFC 8461 3.3)', async () => {
    const r = await run('octet.example');
    expect(r.keys).toEqual(['mx-tls-not-checked', 'policy-content-type-ignored']);
    const f = r.found.find((x) => x.key === 'policy-content-type-ignored');
    expect(f?.data?.contentType).toBe('application/octet-stream');
    expect(r.messages.join('\n')).toMatch(/effectively has no MTA-STS/);
  });

  it('a certificate for the wrong name -> policy-cert-invalid naming the certificate names', async () => {
    const wrong = issueCert(ca, { names: ['www.wrongname.example'] });
    const h = await startHttpsLab({ cert: wrong.certPem, key: wrong.keyPem, routes: {} });
    stoppers.push(h);
    const r = await run('wrongname.example', { httpsPort: h.port });
    expect(r.keys).toEqual(['policy-cert-invalid']);
    expect(r.messages[0]).toContain('not valid for mta-sts.wrongname.example (names: www.wrongname.example)');
    expect(h.log).toEqual([]);
  });

  it('an expired certificate -> policy-cert-invalid', async () => {
    const expired = issueCert(ca, {
      names: ['mta-sts.expired.example'],
      notBefore: new Date(Date.now() - 90 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    const h = await startHttpsLab({ cert: expired.certPem, key: expired.keyPem, routes: {} });
    stoppers.push(h);
    const r = await run('expired.example', { httpsPort: h.port });
    expect(r.keys).toEqual(['policy-cert-invalid']);
    expect(r.messages[0]).toContain('it has expired');
  });

  it('a server that never answers -> unknown, bounded by the fetch timeout', async () => {
    const t0 = Date.now();
    const r = await run('hang.example', { fetchTimeoutMs: 400 });
    expect(r.keys).toEqual(['policy-fetch-unknown']);
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});

describe('mta-sts check: policy content and MX hosts (RFC 8461 3.2, 4.1, 4.2)', () => {
  it('mode none -> info; testing -> info, MX TLS not probed without SMTP', async () => {
    expect((await run('none.example')).keys).toEqual(['mode-none']);
    expect((await run('testing.example')).keys).toEqual(['mode-testing', 'mx-tls-not-checked']);
  });

  it('max_age under a day -> max-age-short', async () => {
    expect((await run('short.example')).keys).toEqual(['max-age-short', 'mx-tls-not-checked']);
  });

  it('enforce: MX hosts not matched by the patterns -> error each (wildcard covers one label only)', async () => {
    const r = await run('unmatched.example');
    const unmatched = r.found.filter((f) => f.key === 'mx-not-matched').map((f) => f.data?.host);
    expect(unmatched.sort()).toEqual(['a.b.unmatched.example', 'backup.elsewhere.example']);
  });

  it('testing: an unmatched MX host is a warning', async () => {
    const r = await run('unmatched-testing.example');
    expect(r.keys).toContain('mx-not-matched-testing');
    expect(r.keys).not.toContain('mx-not-matched');
  });

  it('MX lookup SERVFAIL -> mx-dns-error (unknown)', async () => {
    expect((await run('mxfail.example')).keys).toEqual(['mx-dns-error']);
  });

  it('enforce: an MX with a self-signed certificate -> mx-tls-failed', async () => {
    const self = selfSignedCert({ names: ['mx.good.example'] });
    const smtp = await startSmtpLab({ cert: self.certPem, key: self.keyPem });
    stoppers.push(smtp);
    const r = await run('good.example', { smtpPort: smtp.port });
    expect(r.keys).toEqual(['mx-tls-failed']);
    expect(r.messages[0]).toMatch(/certificate does not verify: .*\(self-signed\)/);
  });

  it('enforce: an MX certificate for another name -> mx-tls-failed', async () => {
    const other = issueCert(ca, { names: ['mail.other.example'] });
    const smtp = await startSmtpLab({ cert: other.certPem, key: other.keyPem });
    stoppers.push(smtp);
    const r = await run('good.example', { smtpPort: smtp.port });
    expect(r.keys).toEqual(['mx-tls-failed']);
    expect(r.messages[0]).toContain('not valid for mx.good.example (names: mail.other.example)');
  });

  it('enforce: an MX without STARTTLS -> mx-tls-failed', async () => {
    const smtp = await startSmtpLab({ starttls: false });
    stoppers.push(smtp);
    const r = await run('good.example', { smtpPort: smtp.port });
    expect(r.keys).toEqual(['mx-tls-failed']);
    expect(r.messages[0]).toContain('does not offer STARTTLS');
  });

  it.each([
    ['starttls-454', /refuses STARTTLS \(454/],
    ['tls-junk', /TLS handshake fails/],
  ] as const)('enforce: an MX whose STARTTLS fails (%s) -> mx-tls-failed', async (fault, message) => {
    const smtp = await startSmtpFaultServer(fault);
    stoppers.push(smtp);
    const r = await run('good.example', { smtpPort: smtp.port });
    expect(r.keys).toEqual(['mx-tls-failed']);
    expect(r.messages[0]).toMatch(message);
  });

  it('enforce: an MX that cannot be reached -> mx-tls-unknown, not a failure', async () => {
    const r = await run('good.example', { smtpPort: await closedPort() });
    expect(r.keys).toEqual(['mx-tls-unknown']);
  });
});
