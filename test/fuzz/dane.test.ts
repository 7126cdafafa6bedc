/**
 * DANE: any TLSA record set (RFC 6698 2.1, RFC 7672 3.1) against any presented chain, judged
 * the same twice and after a JSON round trip; usability and matching never throw.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DaneEvidence, daneCheck } from '../../checks/dane/index.js';
import { formatTlsa, matchTlsa, tlsaUsability } from '../../checks/dane/tlsa.js';
import { createTestCa, issueCert } from '../../src/lab/certs.js';
import { describeCertificate } from '../../src/probe/smtp.js';
import type { TlsaData } from '../../src/probe/types.js';
import type { Target } from '../../src/report.js';
import { judgeIsAFunctionOfEvidence } from './judge.js';
import { bounded, fuzz } from './runs.js';

const ca = createTestCa();
const leaf = issueCert(ca, { names: ['mx1.example.com'] });
const CERTS = [leaf.certDer, ca.certDer, Buffer.from('30820102', 'hex'), Buffer.alloc(0)];
const hex = (b: Buffer) => b.toString('hex');
const DATA = [
  hex(createHash('sha256').update(leaf.spkiDer).digest()),
  hex(createHash('sha256').update(leaf.certDer).digest()),
  hex(createHash('sha512').update(ca.certDer).digest()),
  hex(leaf.spkiDer),
  hex(ca.certDer),
  '',
  'abc',
  'zz',
];

const tlsa: fc.Arbitrary<TlsaData> = fc.record({
  usage: fc.oneof(fc.constantFrom(2, 3), fc.nat({ max: 255 })),
  selector: fc.oneof(fc.constantFrom(0, 1), fc.nat({ max: 255 })),
  matchingType: fc.oneof(fc.constantFrom(0, 1, 2), fc.nat({ max: 255 })),
  data: fc.oneof(
    fc.constantFrom(...DATA),
    fc.uint8Array({ maxLength: 70 }).map((b) => hex(Buffer.from(b))),
  ),
});
const chain = fc.array(fc.constantFrom(...CERTS), { maxLength: 4 });

describe('fuzz: DANE TLSA (RFC 6698, RFC 7672)', () => {
  it('usability, formatting and matching never throw and are bounded', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(fc.array(tlsa, { maxLength: 4 }), chain, (records, ders) => {
        for (const r of records) {
          bounded(() => tlsaUsability(r));
          expect(formatTlsa(r).startsWith(`${r.usage} ${r.selector} ${r.matchingType}`)).toBe(true);
        }
        const m = bounded(() => matchTlsa(records, ders, { names: ['mx1.example.com'], now: new Date() }));
        expect(m.verdicts.length).toBe(records.length);
      }),
    );
  });

  it('the dane judge: same records and chain, same findings', async (ctx) => {
    const target: Target = { domain: 'example.com', ips: [], profile: 'bulk' };
    const described = (der: Buffer) => {
      try {
        return describeCertificate(der);
      } catch {
        return describeCertificate(leaf.certDer);
      }
    };
    await fuzz(
      ctx,
      fc.property(
        fc.array(tlsa, { maxLength: 4 }),
        chain,
        fc.boolean(),
        fc.boolean(),
        (records, ders, ad, starttls) => {
          const evidence: DaneEvidence = {
            domain: 'example.com',
            measuredAt: new Date().toISOString(),
            mx: { kind: 'ok', ad, implicit: false, nullMx: false, notChecked: [] },
            hosts: [
              {
                host: 'mx1.example.com',
                preference: 10,
                tlsa: {
                  name: '_25._tcp.mx1.example.com',
                  kind: records.length ? 'ok' : 'nxdomain',
                  ad,
                  records,
                  cnameChain: [],
                },
                ...(records.length
                  ? {
                      smtp: {
                        status: 'probed' as const,
                        port: 25,
                        connected: true,
                        starttlsOffered: starttls,
                        protocol: 'TLSv1.3',
                        chain: ders.map(described),
                      },
                    }
                  : {}),
              },
            ],
          };
          judgeIsAFunctionOfEvidence(daneCheck, evidence, target);
        },
      ),
      0.5,
    );
  });
});
