/**
 * SPF: the record parser (RFC 7208 12), macro-strings (7.1) and their expansion (7.3), the
 * address parsers behind ip4:/ip6:, and the check's judge over whatever a TXT record holds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spfCheck } from '../../checks/spf/index.js';
import {
  DOMAIN_NAME_MAX_LENGTH,
  expandMacro,
  type MacroContext,
  SPF_MACRO_MAX_OUTPUT,
} from '../../checks/spf/macro.js';
import {
  checkDomainSpec,
  isSpfRecordText,
  type MacroToken,
  parseMacroString,
  parseSpf,
  selectSpfRecord,
} from '../../checks/spf/record.js';
import { formatIp, type IpAddress, parseIp } from '../../src/ip-bytes.js';
import type { Target } from '../../src/report.js';
import { memoryProbe, memoryResolver } from '../helpers/memory-resolver.js';
import { judgeIsAFunctionOfEvidence } from './judge.js';
import { adversarial, bounded, boundedAsync, fuzz, hostileText, tokenSoup } from './runs.js';

const MACRO_PIECES = [
  '%{',
  '}',
  '%%',
  '%_',
  '%-',
  '%',
  's',
  'l',
  'o',
  'd',
  'i',
  'p',
  'h',
  'v',
  'c',
  'r',
  't',
  'D',
  'I',
  '1',
  '2',
  '128',
  '129',
  '0',
  '.',
  '-',
  '+',
  ',',
  '/',
  '_',
  '=',
  'example.com',
  '.com',
  ' ',
];
const SPF_PIECES = [
  'v=spf1',
  'v=spf1 ',
  ' ',
  '  ',
  'include:',
  'a',
  'mx',
  'ptr',
  'exists:',
  'ip4:',
  'ip6:',
  'all',
  '-',
  '~',
  '?',
  '+',
  'redirect=',
  'exp=',
  'foo=',
  ':',
  '/',
  '//',
  '24',
  '64',
  '1.2.3.4',
  '192.0.2.0',
  '::1',
  '2001:db8::',
  'example.com',
  '_spf.example.net',
  ...MACRO_PIECES,
];

/** An SPF-ish record: most start with the version so the term parser is reached. */
const spfText = fc.oneof(
  { arbitrary: tokenSoup(SPF_PIECES).map((t) => `v=spf1 ${t}`), weight: 4 },
  { arbitrary: hostileText(SPF_PIECES), weight: 2 },
  { arbitrary: adversarial(SPF_PIECES).map((t) => `v=spf1 ${t}`), weight: 1 },
);

/** Prints macro tokens back as a macro-string (the inverse of parseMacroString). */
function printMacro(tokens: readonly MacroToken[]): string {
  return tokens
    .map((t) => {
      if (t.kind === 'literal') return t.text;
      if (t.kind === 'escape') return t.text === '%' ? '%%' : t.text === ' ' ? '%_' : '%-';
      const letter = t.escape ? t.letter.toUpperCase() : t.letter;
      return `%{${letter}${t.digits ?? ''}${t.reverse ? 'r' : ''}${t.delimiters}}`;
    })
    .join('');
}

const ipv4 = fc.ipV4().map((s) => parseIp(s) as IpAddress);
const ipv6 = fc.ipV6().map((s) => parseIp(s) as IpAddress);

const macroContext: fc.Arbitrary<MacroContext> = fc.record({
  sender: fc.oneof(fc.emailAddress(), fc.string({ maxLength: 300 })),
  localPart: fc.string({ maxLength: 80 }),
  senderDomain: fc.oneof(fc.domain(), fc.string({ maxLength: 300 })),
  domain: fc.oneof(fc.domain(), fc.string({ maxLength: 300 })),
  ip: fc.oneof(ipv4, ipv6),
  helo: fc.oneof(fc.domain(), fc.string({ maxLength: 300 })),
  receiver: fc.domain(),
  timestamp: fc.integer({ min: 0, max: 2 ** 32 }),
});

describe('fuzz: SPF record (RFC 7208 12)', () => {
  it('parseSpf never throws, is bounded, and its terms print back to the record', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(spfText, (text) => {
        const parsed = bounded(() => parseSpf(text));
        expect(parsed.ok).toBe(parsed.ok && isSpfRecordText(text));
        if (!parsed.ok) {
          expect(typeof parsed.error.message).toBe('string');
          return;
        }
        // RFC 7208 4.6.1: terms are separated by SP only; each term is kept exactly as written.
        const body = text.slice('v=spf1'.length).split(' ').filter(Boolean).join(' ');
        expect(parsed.record.terms.map((t) => t.text).join(' ')).toBe(body);
        for (const t of parsed.record.terms)
          expect(text.slice(t.position, t.position + t.text.length)).toBe(t.text);
        // Printing the terms with single spaces parses to the same terms.
        const again = parseSpf(`v=spf1${body ? ` ${body}` : ''}`);
        expect(again.ok).toBe(true);
        if (again.ok) {
          const strip = (terms: readonly object[]) => terms.map((t) => ({ ...t, position: 0 }));
          expect(strip(again.record.terms)).toEqual(strip(parsed.record.terms));
        }
      }),
    );
  });

  it('selectSpfRecord keeps exactly the records that are SPF (RFC 7208 4.5)', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(
        fc.array(fc.array(fc.oneof(fc.constant('v=spf1'), hostileText(SPF_PIECES)), { maxLength: 3 }), {
          maxLength: 4,
        }),
        (txt) => {
          const sel = bounded(() => selectSpfRecord(txt));
          const spf = txt.map((s) => s.join('')).filter(isSpfRecordText);
          if (spf.length === 0) expect(sel).toEqual({ kind: 'none' });
          else if (spf.length === 1) expect(sel).toEqual({ kind: 'one', text: spf[0] });
          else expect(sel).toEqual({ kind: 'many', texts: spf });
        },
      ),
    );
  });
});

describe('fuzz: SPF macro-strings (RFC 7208 7.1)', () => {
  it('parseMacroString never throws, is bounded, and round-trips through its printer', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(hostileText(MACRO_PIECES), fc.boolean(), (text, explain) => {
        const parsed = bounded(() => parseMacroString(text, { explain }));
        if (!parsed.ok) return;
        const again = parseMacroString(printMacro(parsed.tokens), { explain });
        expect(again).toEqual(parsed);
      }),
    );
  });

  it('checkDomainSpec never throws and is bounded', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(hostileText(MACRO_PIECES), (spec) => {
        const err = bounded(() => checkDomainSpec(spec));
        expect(err === undefined || typeof err === 'string').toBe(true);
      }),
    );
  });

  it('expandMacro never throws, is bounded, and stays within its output limits (RFC 7208 7.3)', async (ctx) => {
    await fuzz(
      ctx,
      fc.asyncProperty(hostileText(MACRO_PIECES), macroContext, fc.boolean(), async (spec, mctx, isExp) => {
        const out = await boundedAsync(() => expandMacro(spec, mctx, { isExp }));
        if (!out.ok) return;
        expect(out.value.length).toBeLessThanOrEqual(SPF_MACRO_MAX_OUTPUT);
        if (!isExp) expect(out.value.length).toBeLessThanOrEqual(DOMAIN_NAME_MAX_LENGTH);
      }),
    );
  });
});

describe('fuzz: IP addresses (ip4:/ip6: and sending IPs)', () => {
  it('parseIp never throws; what it reads formats to text that reads back the same', async (ctx) => {
    const text = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.ipV4Extended(),
      hostileText(['0', '1', '255', '256', '.', ':', '::', 'ffff', '%', '/']),
    );
    await fuzz(
      ctx,
      fc.property(text, (t) => {
        const ip = bounded(() => parseIp(t));
        if (!ip) return;
        const printed = formatIp(ip);
        expect(parseIp(printed)).toEqual(ip);
        expect(formatIp(parseIp(printed) as IpAddress)).toBe(printed);
      }),
    );
  });
});

describe('fuzz: the SPF check judges its evidence alone', () => {
  it('same record, same findings (judge twice, and a JSON round trip of the evidence)', async (ctx) => {
    const target = (ips: string[]): Target => ({ domain: 'example.com', ips, profile: 'bulk' });
    await fuzz(
      ctx,
      fc.asyncProperty(
        spfText,
        fc.array(fc.oneof(fc.ipV4(), fc.ipV6()), { maxLength: 2 }),
        async (record, ips) => {
          const dns = memoryResolver({
            'example.com': { TXT: [record] },
            'include.example.com': { TXT: [record] },
          });
          const t = target(ips);
          const evidence = await spfCheck.collect(t, {
            probe: memoryProbe(dns),
            signal: new AbortController().signal,
          });
          judgeIsAFunctionOfEvidence(spfCheck, evidence, t);
        },
      ),
      0.25,
    );
  });
});
