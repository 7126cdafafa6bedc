/**
 * MTA-STS: the `_mta-sts` TXT record (RFC 8461 3.1), the policy file (3.2), MX pattern matching
 * (4.1), and the check's judge over any record and policy text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MtaStsEvidence, mtaStsCheck } from '../../checks/mta-sts/index.js';
import {
  isMxPattern,
  looksLikeStsRecord,
  matchingPatterns,
  mxMatches,
  parsePolicy,
  parseStsRecord,
} from '../../checks/mta-sts/policy.js';
import type { Target } from '../../src/report.js';
import { judgeIsAFunctionOfEvidence } from './judge.js';
import { adversarial, bounded, fuzz, hostileText, tokenSoup } from './runs.js';

const TXT_PIECES = [
  'v=STSv1',
  'v=stsv1',
  ';',
  '; ',
  ' ',
  '\t',
  'id=',
  'ID=',
  '20240101',
  'abc',
  'x=y',
  'ext.a=1',
  '=',
  ';;',
];
const POLICY_PIECES = [
  'version: STSv1\n',
  'version: STSv2\n',
  'mode: enforce\n',
  'mode: testing\n',
  'mode: none\n',
  'mode: Enforce\n',
  'max_age: 604800\n',
  'max_age: 99999999999\n',
  'max_age: -1\n',
  'mx: mx.example.com\n',
  'mx: *.example.net\n',
  'mx: *.*.bad\n',
  'mx: \n',
  'MX: a.example\n',
  'ext: 1\n',
  ':',
  ' ',
  '\t',
  '\r\n',
  '\n',
  '\r',
  'key',
  'value',
];

const policyText = fc.oneof(
  { arbitrary: tokenSoup(POLICY_PIECES, 12), weight: 5 },
  { arbitrary: hostileText(POLICY_PIECES), weight: 2 },
  { arbitrary: adversarial([' ', '\t', 'a', ':', 'mx: ', 'mx: a.', '*.', '\r', '-']), weight: 1 },
);
const txtText = fc.oneof(
  { arbitrary: tokenSoup(TXT_PIECES).map((t) => `v=STSv1; ${t}`), weight: 4 },
  { arbitrary: hostileText(TXT_PIECES), weight: 2 },
  { arbitrary: adversarial(TXT_PIECES).map((t) => `v=STSv1;${t}`), weight: 1 },
);
const hostish = fc.oneof(fc.domain(), hostileText(['a', '.', '*', '*.', '-', 'example', 'com', '']));

describe('fuzz: MTA-STS (RFC 8461)', () => {
  it('parseStsRecord never throws, is bounded, and a valid record prints back to itself', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(txtText, (text) => {
        bounded(() => looksLikeStsRecord(text));
        const parsed = bounded(() => parseStsRecord(text));
        if (!parsed.ok) {
          expect(parsed.errors.length).toBeGreaterThan(0);
          return;
        }
        const ext = Object.entries(parsed.record.extensions).map(([k, v]) => `; ${k}=${v}`);
        // The printed record has no repeated field, so it carries no warnings (RFC 8461 3.2).
        const printed = parseStsRecord(`v=STSv1; id=${parsed.record.id}${ext.join('')}`);
        expect(printed.ok && printed.record).toEqual(parsed.record);
      }),
    );
  });

  it('parsePolicy never throws, is bounded, and a valid policy prints back to itself', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(policyText, (text) => {
        const parsed = bounded(() => parsePolicy(text));
        expect(parsed.valid).toBe(parsed.errors.length === 0);
        if (!parsed.valid) return;
        const p = parsed.policy;
        const printed = [
          `version: ${p.version}`,
          `mode: ${p.mode}`,
          `max_age: ${p.maxAge}`,
          ...p.mx.map((m) => `mx: ${m}`),
          ...Object.entries(p.extensions).map(([k, v]) => `${k}: ${v}`),
        ].join('\r\n');
        expect(parsePolicy(printed).policy).toEqual(p);
      }),
    );
  });

  it('MX patterns: never throw; a host matches its own name and "*." matches one label only', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(hostish, hostish, (pattern, host) => {
        bounded(() => isMxPattern(pattern) && mxMatches(pattern, host));
        bounded(() => matchingPatterns([pattern], host));
        if (isMxPattern(host.toLowerCase())) expect(mxMatches(host.toLowerCase(), host)).toBe(true);
        if (isMxPattern(`*.${host}`.toLowerCase())) {
          expect(mxMatches(`*.${host}`.toLowerCase(), `a.${host}`)).toBe(true);
          expect(mxMatches(`*.${host}`.toLowerCase(), `a.b.${host}`)).toBe(false);
        }
      }),
    );
  });

  it('the mta-sts judge: same record and policy, same findings', async (ctx) => {
    const target: Target = { domain: 'example.com', ips: [], profile: 'bulk' };
    const url = 'https://mta-sts.example.com/.well-known/mta-sts.txt';
    await fuzz(
      ctx,
      fc.property(
        fc.array(txtText, { maxLength: 2 }),
        policyText,
        fc.constantFrom('text/plain', 'text/html', 'text/plain; charset=utf-8', ''),
        fc.array(fc.constantFrom('mx.example.com', 'a.example.net', 'b.c.example.net'), { maxLength: 3 }),
        fc.boolean(),
        (records, body, contentType, hosts, smtp) => {
          const evidence: MtaStsEvidence = {
            domain: 'example.com',
            txt: {
              kind: records.length ? 'ok' : 'nodata',
              name: '_mta-sts.example.com',
              records,
              cnameChain: [],
            },
            tlsRpt: { kind: 'nxdomain', name: '_smtp._tls.example.com', present: false },
            policy: {
              fetched: true,
              url,
              result: { url, ok: true, status: 200, headers: { contentType }, body, durationMs: 1 },
            },
            mx: { kind: 'ok', hosts, nullMx: false, notChecked: 0 },
            mxTls: hosts.map((host) => ({
              host,
              probed: smtp,
              connected: smtp,
              starttls: { offered: true, ok: true },
            })),
            smtpAvailable: smtp,
          };
          judgeIsAFunctionOfEvidence(mtaStsCheck, evidence, target);
        },
      ),
    );
  });
});
