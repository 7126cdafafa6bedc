/**
 * DMARC: the record parser (RFC 7489 6.3-6.4, RFC 9989 4.7), report URIs, and the check's judge
 * over whatever `_dmarc` holds (found at the exact name, or at the organizational domain).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dmarcCheck } from '../../checks/dmarc/index.js';
import {
  DMARC_MAX_TAGS,
  hasMisplacedVersion,
  isDmarcRecord,
  parseDmarcRecord,
  parseReportUri,
} from '../../checks/dmarc/record.js';
import type { Target } from '../../src/report.js';
import { memoryProbe, memoryResolver } from '../helpers/memory-resolver.js';
import { judgeIsAFunctionOfEvidence } from './judge.js';
import { adversarial, bounded, fuzz, hostileText, tokenSoup } from './runs.js';

const DMARC_PIECES = [
  'v=DMARC1',
  'v=dmarc1',
  ' v=DMARC1',
  ';',
  '; ',
  ' ',
  '\t',
  '=',
  'p=reject',
  'p=none',
  'p=quarantine',
  'p=bogus',
  'sp=',
  'np=',
  'sp=invalid',
  'adkim=s',
  'aspf=r',
  'aspf=x',
  'pct=',
  '100',
  '150',
  '-1',
  '99999999999999999999',
  'fo=0:1',
  'fo=d:s',
  'rf=afrf',
  'ri=',
  'rua=',
  'ruf=',
  'mailto:',
  'https://r.example.net/x',
  'dmarc@example.com',
  'a@b',
  '!10m',
  '!',
  'k',
  ',',
  '%40',
  'x=y',
  'psd=y',
  't=y',
];

const dmarcText = fc.oneof(
  { arbitrary: tokenSoup(DMARC_PIECES).map((t) => `v=DMARC1; ${t}`), weight: 4 },
  { arbitrary: hostileText(DMARC_PIECES), weight: 2 },
  { arbitrary: adversarial(DMARC_PIECES).map((t) => `v=DMARC1; ${t}`), weight: 1 },
);

describe('fuzz: DMARC record (RFC 7489 6.3, RFC 9989 4.7)', () => {
  it('parseDmarcRecord never throws, is bounded, and its tags print back to the same record', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(dmarcText, (text) => {
        bounded(() => isDmarcRecord(text) || hasMisplacedVersion(text));
        const parsed = bounded(() => parseDmarcRecord(text));
        expect(parsed.raw.length).toBeLessThanOrEqual(DMARC_MAX_TAGS);
        // Printing the tags as read (names lower-case, values trimmed) reads back the same tags.
        const printed = parsed.raw.map((t) => `${t.name}=${t.value}`).join('; ');
        const again = parseDmarcRecord(printed);
        expect(again.raw).toEqual(parsed.raw);
        expect(again.tags).toEqual(parsed.tags);
      }),
    );
  });

  it('parseReportUri never throws and is bounded', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(
        fc.oneof(
          hostileText(DMARC_PIECES),
          fc.webUrl(),
          fc.emailAddress().map((a) => `mailto:${a}`),
        ),
        (uri) => {
          const out = bounded(() => parseReportUri(uri));
          expect(out.uri).toBe(uri.trim());
        },
      ),
    );
  });

  it('the dmarc judge: same record, same findings', async (ctx) => {
    const target = (domain: string): Target => ({ domain, ips: [], profile: 'bulk' });
    await fuzz(
      ctx,
      fc.asyncProperty(
        fc.array(dmarcText, { minLength: 1, maxLength: 2 }),
        fc.constantFrom('example.com', 'mail.example.com'),
        async (records, domain) => {
          const dns = memoryResolver({ '_dmarc.example.com': { TXT: records } });
          const t = target(domain);
          const evidence = await dmarcCheck.collect(t, {
            probe: memoryProbe(dns),
            signal: new AbortController().signal,
          });
          judgeIsAFunctionOfEvidence(dmarcCheck, evidence, t);
        },
      ),
      0.25,
    );
  });
});
