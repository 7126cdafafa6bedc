/**
 * Inputs the fuzz campaign found, kept as literal examples: each one hung or broke a parser
 * before its fix (the comment says which seed and what it was).
 */
import { describe, expect, it } from 'vitest';
import { canonicalHeader, splitWireMessage } from '../../checks/dkim-signature/verify.js';
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
});
