/**
 * The dane check end to end on loopback: the lab DNS serves MX, A and TLSA records computed
 * from certificates made here, and real STARTTLS servers (src/lab/smtp.ts) present them.
 * The SMTP servers share one port on several 127.0.0.x addresses, as MX hosts share port 25.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daneCheck } from '../../../checks/dane/index.js';
import { tlsRptCheck } from '../../../checks/tls-rpt/index.js';
import { audit } from '../../../src/index.js';
import { createTestCa, issueCert } from '../../../src/lab/certs.js';
import { type LabHandle, startLab } from '../../../src/lab/index.js';
import { type SmtpLabHandle, startSmtpLab } from '../../../src/lab/smtp.js';
import { createDnsProbe } from '../../../src/probe/index.js';
import { createSmtpProber, type RunSmtpProber } from '../../../src/probe/smtp.js';
import type { Probe } from '../../../src/probe/types.js';
import type { Target } from '../../../src/report.js';

const TLS_HOST = '127.0.0.171';
const PLAIN_HOST = '127.0.0.172';
const DEAD_HOST = '127.0.0.173'; // nothing listens there: connection refused

const ca = createTestCa({ commonName: 'DANE lab CA' });
const names = ['ee', 'ta', 'stale', 'unsigned', 'rpt'].map((d) => `mx.${d}.example`);
const leaf = issueCert(ca, { names });
const other = issueCert(ca, { names });
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');

const ZONE = `
$ad: true
ee.example: {MX: "10 mx.ee.example"}
mx.ee.example: {A: ${TLS_HOST}}
_25._tcp.mx.ee.example: {TLSA: "3 1 1 ${sha256(leaf.spkiDer)}"}
ta.example: {MX: "10 mx.ta.example"}
mx.ta.example: {A: ${TLS_HOST}}
_25._tcp.mx.ta.example: {TLSA: ["2 0 2 ${sha512(ca.certDer)}", "0 0 1 ${sha256(ca.certDer)}"]}
stale.example: {MX: "10 mx.stale.example"}
mx.stale.example: {A: ${TLS_HOST}}
_25._tcp.mx.stale.example: {TLSA: "3 1 1 ${sha256(other.spkiDer)}"}
unsigned.example: {AD: false, MX: "10 mx.unsigned.example"}
mx.unsigned.example: {A: ${TLS_HOST}}
_25._tcp.mx.unsigned.example: {TLSA: "3 0 1 ${sha256(leaf.certDer)}"}
plain.example: {MX: "10 mx.plain.example"}
mx.plain.example: {A: ${PLAIN_HOST}}
_25._tcp.mx.plain.example: {TLSA: "3 1 1 ${sha256(leaf.spkiDer)}"}
blocked.example: {MX: "10 mx.blocked.example"}
mx.blocked.example: {A: ${DEAD_HOST}}
_25._tcp.mx.blocked.example: {TLSA: "3 1 1 ${sha256(leaf.spkiDer)}"}
servfail.example: {MX: "10 mx.servfail.example"}
mx.servfail.example: {A: ${TLS_HOST}}
_25._tcp.mx.servfail.example: SERVFAIL
none.example: {MX: ["10 mx1.none.example", "20 mx2.none.example"]}
rpt.example: {MX: "10 mx.rpt.example"}
mx.rpt.example: {A: ${TLS_HOST}}
_25._tcp.mx.rpt.example: {TLSA: "3 1 1 ${sha256(leaf.spkiDer)}"}
`;

let dnsLab: LabHandle;
let tlsServer: SmtpLabHandle;
let plainServer: SmtpLabHandle;

beforeAll(async () => {
  dnsLab = await startLab(ZONE);
  tlsServer = await startSmtpLab({
    host: TLS_HOST,
    cert: leaf.certPem + ca.certPem, // leaf first, then the TA the 2 x x record names
    key: leaf.keyPem,
  });
  plainServer = await startSmtpLab({ host: PLAIN_HOST, port: tlsServer.port, starttls: false });
});
afterAll(async () => {
  await Promise.all([dnsLab?.stop(), tlsServer?.stop(), plainServer?.stop()]);
});

const FAST = { connectMs: 1000, bannerMs: 1000, replyMs: 1000, tlsMs: 1000, quitMs: 200, totalMs: 4000 };

/** Resolver and SMTP prober as `audit` builds them, pointed at the loopback labs. */
function labProbe(smtp = true): Probe & { smtp?: RunSmtpProber } {
  const probe = createDnsProbe({
    servers: [{ host: dnsLab.host, port: dnsLab.port }],
    timeoutMs: 300,
    tries: 1,
  }) as Probe & { smtp?: RunSmtpProber };
  if (smtp) {
    const dns = probe.dns;
    probe.smtp = createSmtpProber({
      port: tlsServer.port,
      timeouts: FAST,
      ca: ca.certPem,
      resolveAddress: async (host) => {
        const r = await dns.query(host, 'A');
        return r.kind === 'ok' && r.records[0]?.type === 'A' ? r.records[0].data : undefined;
      },
    });
  }
  return probe;
}

async function daneKeys(domain: string, probe = labProbe()): Promise<string[]> {
  const target: Target = { domain, ips: [], profile: 'bulk' };
  const evidence = await daneCheck.collect(target, { probe, signal: new AbortController().signal });
  return daneCheck.judge(evidence, target).map((f) => f.key);
}

describe('dane check against the lab DNS and STARTTLS servers', () => {
  it.each([
    ['ee.example', []], // 3 1 1 of the served key
    ['ta.example', ['unusable-usage']], // 2 0 2 of the CA matches; the PKIX-TA record is skipped
    ['stale.example', ['no-match']], // key changed, TLSA not updated
    ['unsigned.example', ['not-validated']], // matches, but the answer had no AD bit
    ['plain.example', ['no-starttls']],
    ['blocked.example', ['match-unknown']], // connection refused: could not measure
    ['servfail.example', ['dns-error']], // RFC 7672 2.2.1
    ['none.example', ['not-published']],
  ])('%s -> %j', async (domain, expected) => {
    expect(await daneKeys(domain)).toEqual(expected);
  });

  it('with SMTP probing off, a published TLSA is reported as not checked', async () => {
    expect(await daneKeys('ee.example', labProbe(false))).toEqual(['match-not-checked']);
  });

  it('probes each MX host once per run, and only hosts with TLSA records', async () => {
    const probe = labProbe();
    await daneKeys('ee.example', probe);
    await daneKeys('ee.example', probe);
    await daneKeys('none.example', probe);
    expect(probe.smtp?.stats().probes).toBe(1);
  });

  it('tls-rpt is recommended for a domain with DANE, through audit()', async () => {
    const target: Target = { domain: 'rpt.example', ips: [], profile: 'bulk' };
    const rpt = await tlsRptCheck.collect(target, {
      probe: labProbe(false),
      signal: new AbortController().signal,
    });
    expect(tlsRptCheck.judge(rpt, target).map((f) => f.key)).toEqual(['recommended']);

    const report = await audit(
      { domain: 'stale.example' },
      { probe: labProbe(), checks: ['dane', 'tls-rpt'] },
    );
    expect(report.checks['dane']?.status).toBe('fail');
    expect(report.checks['dane']?.findings.map((f) => f.id)).toEqual(['dane/no-match']);
    expect(report.checks['tls-rpt']?.findings.map((f) => f.id)).toEqual(['tls-rpt/recommended']);
  });
});
