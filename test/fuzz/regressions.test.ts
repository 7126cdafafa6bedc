/**
 * Inputs the fuzz campaign found, kept as literal examples: each one hung or broke a parser
 * before its fix (the comment says which seed and what it was).
 */
import { describe, expect, it } from 'vitest';
import { canonicalHeader, splitWireMessage } from '../../checks/dkim-signature/verify.js';
import { parsePolicy, parseStsRecord } from '../../checks/mta-sts/policy.js';
import { parseTlsRpt } from '../../checks/tls-rpt/record.js';
import { textBlocks } from '../../src/bounce/read/bounce-text.js';
import { UsageError } from '../../src/errors.js';
import { parseFleetConfig } from '../../src/fleet/config.js';
import { bounded } from './runs.js';

const LONG = 30_000;

describe('fuzz regressions', () => {
  it('DKIM relaxed header canonicalization of a colon-less field of spaces then tabs is linear (RFC 6376 3.4.2)', () => {
    // Seed 1096815722: /[ \t]+$/ on the field name retried every start of the run (29 s).
    const bytes = Buffer.from(`${' '.repeat(LONG)}${'\t'.repeat(LONG)}\r\nx`, 'latin1');
    const [field] = splitWireMessage(bytes).fields;
    expect(field).toBeDefined();
    const out = bounded(() => canonicalHeader(field!, 'relaxed'));
    expect(out).toBe(':\r\n');
    expect(canonicalHeader({ name: 'subject', raw: 'SubJect \t: A  b \r\n' }, 'relaxed')).toBe(
      'subject:A b\r\n',
    );
  });

  it('MTA-STS TXT with a long blank run before a last character is linear (RFC 8461 3.1)', () => {
    // Seed -383382325: /[ \t]+$/ on what follows "v=STSv1" (hang).
    const r = bounded(() => parseStsRecord(`v=STSv1;${' '.repeat(LONG)}${'\t'.repeat(LONG)}x`));
    expect(r.ok).toBe(false);
    expect(parseStsRecord('v=STSv1; id=abc \t')).toEqual({ ok: true, record: { id: 'abc', extensions: {} } });
  });

  it('an MTA-STS policy line with a long blank run inside its value is linear (RFC 8461 3.2)', () => {
    // Seed -875964062: /[ \t]*(.*?)[ \t]*$/ retried the lazy value at every blank.
    const r = bounded(() => parsePolicy(`mx: a.\t${' '.repeat(LONG)}x\n`));
    expect(r.errors.some((e) => e.includes('not a host name'))).toBe(true);
    const ok = parsePolicy('version: STSv1 \nmode:\tenforce\t\nmax_age: 86400\nmx: mx.example.com  \n');
    expect(ok.policy).toMatchObject({
      version: 'STSv1',
      mode: 'enforce',
      maxAge: 86400,
      mx: ['mx.example.com'],
    });
  });

  it('a TLS-RPT field with a long blank run is linear (RFC 8460 3)', () => {
    // Seed -1405533114: /^[ \t]*|[ \t]*$/g retried the trailing run at every blank.
    const r = bounded(() => parseTlsRpt(`v=TLSRPTv1;v=TLSRPTv1${'\t'.repeat(LONG)}${' '.repeat(LONG)}x`));
    expect(r.errors.length).toBeGreaterThan(0);
    expect(
      parseTlsRpt('v=TLSRPTv1 ;\trua=mailto:t@example.com , https://r.example.net/x \t').rua,
    ).toMatchObject([
      { uri: 'mailto:t@example.com', valid: true },
      { uri: 'https://r.example.net/x', valid: true },
    ]);
  });

  it('a fleet config nested past the stack is a UsageError at any caller depth, never a RangeError', () => {
    // Seed -1000783361: the yaml parser's own stack overflow escaped parseFleetConfig's
    // one-document path (a RangeError where only a UsageError is documented), depending on how
    // deep the caller's stack already was; so the same text is read from many depths.
    const text = `identities:\n${'- '.repeat(2500)} - a\n  - a\n`;
    let entered = false;
    const nested = (depth: number): unknown => {
      if (depth > 0) return nested(depth - 1);
      entered = true;
      return parseFleetConfig(text, 'fleet.yaml');
    };
    for (let depth = 0; depth < 8000; depth += 100) {
      entered = false;
      try {
        nested(depth);
      } catch (e) {
        if (!entered) continue; // our own recursion ran out of stack before the parser ran
        expect(e).toBeInstanceOf(UsageError);
      }
    }
  });

  it('bounce text: a list introduction with a long blank run before ":x" is linear', () => {
    // /(?:phrase)[^:]*:?\s*$/ backtracked over the blanks (2.5 s on 30,000 blanks).
    expect(bounded(() => textBlocks(`delivery to the following recipients${' '.repeat(LONG)}:x`))).toEqual(
      [],
    );
    expect(textBlocks('The following recipients failed permanently:\n\n  a@b.example\n')).toEqual([
      { recipient: 'a@b.example', text: '', remoteMta: null },
    ]);
  });

  it('bounce text: an angle-bracket line and a transcript RCPT of many "@" are linear', () => {
    // /^<([^<>\s]+@[^<>\s]+)>/ and the same in ">>> RCPT TO:<...>" tried every "@" against
    // every end (0.8 s and 1.2 s on 40,000 characters).
    const many = 'a@'.repeat(LONG / 2);
    expect(bounded(() => textBlocks(`<${many}\n`))).toEqual([]);
    expect(bounded(() => textBlocks(`--> RCPT TO:<${many}\n<-- 550 5.1.1 no\n`))).toEqual([]);
    // The ordinary forms still read.
    expect(textBlocks('<a@b.example>: host mx said: 550 5.1.1 no\n').map((b) => b.recipient)).toEqual([
      'a@b.example',
    ]);
    expect(textBlocks('>>> RCPT TO:<a@b.example>\n<<< 550 5.1.1 no\n').map((b) => b.recipient)).toEqual([
      'a@b.example',
    ]);
  });

  it('bounce text: an Exim recipient line of many "@" is linear', () => {
    // /^\s+(\S+@\S+?)(?: <\S+>)?:?\s*$/ tried every "@" against every end (3.7 s).
    const intro = 'The following address(es) failed:\n';
    expect(bounded(() => textBlocks(`${intro} ${'a@'.repeat(LONG)} x\n`))).toEqual([]);
    expect(textBlocks(`${intro}\n  a@b.example:\n    SMTP error: 550 no\n`)).toMatchObject([
      { recipient: 'a@b.example', text: 'SMTP error: 550 no' },
    ]);
    expect(textBlocks(`${intro}\n  a@b.example <orig@c.example>:\n    x\n`)).toMatchObject([
      { recipient: 'a@b.example' },
    ]);
  });

  it('bounce text: a long line without "@" after a list introduction is linear', () => {
    // Seed 1797294548: the unanchored address regex retried every start of the run (1.4 s).
    const intro = 'The following recipients failed:\n';
    expect(bounded(() => textBlocks(`${intro}${']'.repeat(LONG)}`))).toEqual([]);
    expect(bounded(() => textBlocks(`${intro}${'a'.repeat(LONG)}@b`))).toEqual([]);
    expect(textBlocks(`${intro}  (x) <a.b@c.example>, d@e.example\n`)).toEqual([
      { recipient: 'a.b@c.example', text: '', remoteMta: null },
    ]);
  });

  it('a fleet config with a tab after spaces in its indentation reads the same on both paths', () => {
    // Seed 139701336: the chunked path took the entry, the one-document path refuses the tab.
    const text = 'identities:\n  - identities:\n    \t';
    expect(() => parseFleetConfig(text, 'fleet.yaml')).toThrow(/Tabs are not allowed/);
    expect(() => parseFleetConfig(text, 'fleet.yaml', { chunked: false })).toThrow(/Tabs are not allowed/);
  });
});
