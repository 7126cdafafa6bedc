/** TLS-RPT: the `_smtp._tls` record (RFC 8460 3), its report URIs, and the check's judge. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type TlsRptEvidence, tlsRptCheck } from '../../checks/tls-rpt/index.js';
import { checkReportUri, parseTlsRpt, TLSRPT_MAX_RUA } from '../../checks/tls-rpt/record.js';
import type { Target } from '../../src/report.js';
import { judgeIsAFunctionOfEvidence } from './judge.js';
import { adversarial, bounded, fuzz, hostileText, tokenSoup } from './runs.js';

const PIECES = [
  'v=TLSRPTv1',
  'v=tlsrptv1',
  ';',
  '; ',
  ' ',
  '\t',
  'rua=',
  'RUA=',
  'mailto:',
  'tlsrpt@example.com',
  'a@b',
  'https://r.example.net/t',
  'http://x',
  ',',
  'ext=1',
  '=',
  '@',
  '.',
  'a',
  '-',
  '?x=y',
];
const recordText = fc.oneof(
  { arbitrary: tokenSoup(PIECES).map((t) => `v=TLSRPTv1; ${t}`), weight: 4 },
  { arbitrary: hostileText(PIECES), weight: 2 },
  { arbitrary: adversarial(PIECES).map((t) => `v=TLSRPTv1;${t}`), weight: 1 },
);

describe('fuzz: TLS-RPT (RFC 8460 3)', () => {
  it('parseTlsRpt and checkReportUri never throw, are bounded, and keep their limits', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(recordText, (text) => {
        const r = bounded(() => parseTlsRpt(text));
        expect(r.text).toBe(text);
        expect(r.rua.length).toBeLessThanOrEqual(TLSRPT_MAX_RUA);
        for (const u of r.rua) expect(u.valid).toBe(u.problem === undefined);
        bounded(() => checkReportUri(text));
      }),
    );
  });

  it('a record printed from its valid parts reads back the same', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(recordText, (text) => {
        const r = parseTlsRpt(text);
        if (r.errors.length > 0 || r.ruaNotChecked > 0) return;
        const printed = [
          'v=TLSRPTv1',
          `rua=${r.rua.map((u) => u.uri).join(',')}`,
          ...r.extensions.map((e) => `${e.name}=${e.value}`),
        ].join('; ');
        const again = parseTlsRpt(printed);
        expect({ ...again, text }).toEqual(r);
      }),
    );
  });

  it('the tls-rpt judge: same record, same findings', async (ctx) => {
    const target: Target = { domain: 'example.com', ips: [], profile: 'bulk' };
    await fuzz(
      ctx,
      fc.property(
        fc.array(recordText, { maxLength: 3 }),
        fc.boolean(),
        fc.boolean(),
        (records, sts, dane) => {
          const evidence: TlsRptEvidence = {
            domain: 'example.com',
            name: '_smtp._tls.example.com',
            txt: { kind: records.length ? 'ok' : 'nodata', ad: false, records, cnameChain: [] },
            related: {
              mtaSts: { kind: 'ok', ad: false, published: sts },
              dane: {
                mx: { kind: 'ok', ad: false },
                tlsa: [{ host: 'mx.example.com', kind: 'ok', ad: true, published: dane }],
                published: dane,
              },
            },
          };
          judgeIsAFunctionOfEvidence(tlsRptCheck, evidence, target);
        },
      ),
    );
  });
});
