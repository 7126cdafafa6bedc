import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type DaneEvidence, type DaneHostEvidence, daneCheck } from '../../../checks/dane/index.js';
import { renderTemplate } from '../../../src/check.js';
import { createTestCa, issueCert } from '../../../src/lab/certs.js';
import { describeCertificate } from '../../../src/probe/smtp.js';
import type { TlsaData } from '../../../src/probe/types.js';
import type { Target } from '../../../src/report.js';

const target: Target = { domain: 'example.com', ips: [], profile: 'bulk' };
const ca = createTestCa();
const leaf = issueCert(ca, { names: ['mx1.example.com'] });
const renewed = issueCert(ca, { names: ['mx1.example.com'] });
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const EE = (cert = leaf): TlsaData => ({
  usage: 3,
  selector: 1,
  matchingType: 1,
  data: sha256(cert.spkiDer),
});
const chainOf = (...ders: Buffer[]) => ders.map((d) => describeCertificate(d));

function host(partial: Partial<DaneHostEvidence> & { records?: TlsaData[]; ad?: boolean }): DaneHostEvidence {
  const h = partial.host ?? 'mx1.example.com';
  const records = partial.records ?? [EE()];
  return {
    host: h,
    preference: 10,
    tlsa: partial.tlsa ?? {
      name: `_25._tcp.${h}`,
      kind: records.length ? 'ok' : 'nxdomain',
      ad: partial.ad ?? true,
      records,
      cnameChain: [],
    },
    ...(records.length
      ? {
          smtp: partial.smtp ?? {
            status: 'probed',
            port: 25,
            connected: true,
            starttlsOffered: true,
            protocol: 'TLSv1.3',
            chain: chainOf(leaf.certDer, ca.certDer),
          },
        }
      : {}),
  };
}

function ev(...hosts: DaneHostEvidence[]): DaneEvidence {
  return {
    domain: 'example.com',
    measuredAt: new Date().toISOString(),
    mx: { kind: 'ok', ad: true, implicit: false, nullMx: false, notChecked: [] },
    hosts,
  };
}
const keys = (e: DaneEvidence) => daneCheck.judge(e, target).map((f) => f.key);
const probed = (over: object) => ({ status: 'probed' as const, port: 25, connected: true, ...over });

describe('dane judge', () => {
  it.each<[string, DaneEvidence, string[]]>([
    ['3 1 1 matching the leaf, validated', ev(host({})), []],
    [
      '2 0 1 matching the CA',
      ev(host({ records: [{ usage: 2, selector: 0, matchingType: 1, data: sha256(ca.certDer) }] })),
      [],
    ],
    [
      'no TLSA anywhere',
      ev(host({ records: [] }), host({ host: 'mx2.example.com', records: [] })),
      ['not-published'],
    ],
    [
      'TLSA on one MX only',
      ev(host({}), host({ host: 'mx2.example.com', records: [] })),
      ['partially-published'],
    ],
    ['not validated (AD bit clear)', ev(host({ ad: false })), ['not-validated']],
    ['certificate renewed, TLSA not updated', ev(host({ records: [EE(renewed)] })), ['no-match']],
    ['old and new record during a rollover', ev(host({ records: [EE(renewed), EE()] })), []],
    [
      'PKIX-EE usage only (RFC 7672 3.1.3): unusable, not a mismatch',
      ev(host({ records: [{ ...EE(), usage: 1 }] })),
      ['unusable-usage'],
    ],
    [
      'bad SHA-256 length next to a good record',
      ev(host({ records: [{ ...EE(), data: 'abcd' }, EE()] })),
      ['malformed-tlsa'],
    ],
    ['no STARTTLS offered', ev(host({ smtp: probed({ starttlsOffered: false }) })), ['no-starttls']],
    [
      'TLS handshake fails',
      ev(
        host({
          smtp: probed({
            starttlsOffered: true,
            error: { kind: 'tls-handshake', stage: 'tls', detail: 'alert' },
          }),
        }),
      ),
      ['tls-failed'],
    ],
    [
      'port 25 blocked: unknown, never a mismatch',
      ev(
        host({
          smtp: probed({
            connected: false,
            error: { kind: 'connect-timeout', stage: 'connect', detail: 'x' },
          }),
        }),
      ),
      ['match-unknown'],
    ],
    ['SMTP probing off', ev(host({ smtp: { status: 'skipped' } })), ['match-not-checked']],
    [
      'TLSA SERVFAIL (RFC 7672 2.2.1)',
      ev(
        host({
          records: [],
          tlsa: {
            name: '_25._tcp.mx1.example.com',
            kind: 'error',
            error: 'servfail',
            detail: 'SERVFAIL',
            records: [],
            cnameChain: [],
          },
        }),
      ),
      ['dns-error'],
    ],
  ])('%s -> %j', (_name, e, expected) => {
    expect(keys(e)).toEqual(expected);
  });

  it('MX lookup failure is unknown', () => {
    const e = ev();
    e.mx = {
      kind: 'error',
      error: 'timeout',
      detail: 'timeout',
      implicit: false,
      nullMx: false,
      notChecked: [],
    };
    expect(keys(e)).toEqual(['dns-error']);
  });

  it('no MX hosts at all (null MX, NXDOMAIN) is left to the mx check', () => {
    expect(keys(ev())).toEqual([]);
  });

  it('no-match gives the record to publish for the certificate served now', () => {
    const [f] = daneCheck.judge(ev(host({ records: [EE(renewed)], ad: true })), target);
    expect(f?.key).toBe('no-match');
    const spec = daneCheck.findings['no-match']!;
    expect(spec.severity).toBe('error');
    const fix = renderTemplate(spec.fix, f?.data);
    expect(fix).toContain(`_25._tcp.mx1.example.com. IN TLSA 3 1 1 ${sha256(leaf.spkiDer)}`);
    expect(renderTemplate(spec.message, f?.data)).toMatch(
      /refuse to deliver to mx1\.example\.com.*DNSSEC-validated/s,
    );
  });

  it('the not-validated message does not guess why', () => {
    const [f] = daneCheck.judge(ev(host({ ad: false })), target);
    const text = renderTemplate(daneCheck.findings['not-validated']!.message, f?.data);
    expect(text).toMatch(/AD bit/);
    expect(text).toMatch(/either the zone is not DNSSEC-signed .* or the resolver used does not validate/);
  });

  it('a TLSA SERVFAIL says DANE senders defer', () => {
    const e = ev(
      host({
        records: [],
        tlsa: {
          name: '_25._tcp.mx1.example.com',
          kind: 'error',
          error: 'servfail',
          detail: '',
          records: [],
          cnameChain: [],
        },
      }),
    );
    const [f] = daneCheck.judge(e, target);
    expect(renderTemplate(daneCheck.findings['dns-error']!.message, f?.data)).toMatch(
      /defer mail.*RFC 7672 2\.2\.1/,
    );
  });

  it('only unusable records: each is reported and says senders skip authentication', () => {
    const e = ev(
      host({
        records: [
          { ...EE(), usage: 0 },
          { ...EE(), matchingType: 9 },
        ],
      }),
    );
    const fs = daneCheck.judge(e, target);
    expect(fs.map((f) => f.key)).toEqual(['unusable-usage', 'malformed-tlsa']);
    expect(renderTemplate(daneCheck.findings['malformed-tlsa']!.message, fs[1]?.data)).toMatch(
      /do not authenticate/,
    );
  });
});
