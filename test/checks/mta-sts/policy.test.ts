import { describe, expect, it } from 'vitest';
import {
  isMxPattern,
  isStsRecord,
  looksLikeStsRecord,
  mxMatches,
  parsePolicy,
  parseStsRecord,
  STS_MAX_AGE_LIMIT,
  STS_MAX_PROBLEMS_LISTED,
} from '../../../checks/mta-sts/policy.js';

describe('parseStsRecord (RFC 8461 3.1)', () => {
  it.each([
    ['v=STSv1; id=20240101T000000', '20240101T000000'],
    ['v=STSv1;id=abc', 'abc'],
    ['v=STSv1; id=abc;', 'abc'],
    ['v=STSv1 ; id=abc ; ', 'abc'],
    ['v=STSv1; id=abc; ext=val', 'abc'],
    [`v=STSv1; id=${'a'.repeat(32)}`, 'a'.repeat(32)],
  ])('valid: %j -> id %s', (text, id) => {
    const r = parseStsRecord(text);
    expect(r).toEqual({ ok: true, record: expect.objectContaining({ id }) });
  });

  it.each([
    ['v=STSv1', /"id=" is required/],
    ['v=STSv1;', /id=" field is missing/],
    ['v=STSv1; id=', /must be 1 to 32 letters and digits/],
    [`v=STSv1; id=${'a'.repeat(33)}`, /must be 1 to 32 letters and digits/],
    ['v=STSv1; id=2024-01-01', /must be 1 to 32 letters and digits/],
    ['v=STSv1; ID=abc', /lower-case "id"/],
    ['v=STSv1;; id=abc', /empty field/],
    ['v=STSv1; id abc', /has no "="/],
    ['v=STSv1 id=abc', /unexpected text/],
    ['v=stsv1; id=abc', /begin with exactly "v=STSv1"/],
    ['v=STSv1; id=abc; _x=1', /field name "_x" is not valid/],
  ])('invalid: %j', (text, message) => {
    const r = parseStsRecord(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('; ')).toMatch(message);
  });

  it.each([
    ['v=STSv1; id=foo; id=bar', 'foo', ['id is given more than once; senders use the first (id=foo)']],
    ['v=STSv1; id=foo; id=b-a-d', 'foo', ['id is given more than once; senders use the first (id=foo)']],
    ['v=STSv1; id=foo; x=1; x=2', 'foo', ['x is given more than once; senders use the first value']],
  ])('RFC 8461 3.2: a repeated field keeps its first value: %j -> id %s', (text, id, warnings) => {
    expect(parseStsRecord(text)).toEqual({ ok: true, record: expect.objectContaining({ id }), warnings });
  });

  it('RFC 8461 3.2: a repeated extension keeps its first value', () => {
    const r = parseStsRecord('v=STSv1; id=foo; x=1; x=2');
    expect(r.ok && r.record.extensions).toEqual({ x: '1' });
  });

  it('the first id decides: an invalid first id stays invalid even when a later one is good', () => {
    expect(parseStsRecord('v=STSv1; id=b-a-d; id=foo').ok).toBe(false);
  });

  it('tells MTA-STS records from look-alikes and other TXT', () => {
    expect(isStsRecord('v=STSv1; id=1')).toBe(true);
    expect(isStsRecord('v=STSv1')).toBe(true);
    expect(isStsRecord('v=STSv10; id=1')).toBe(false);
    expect(isStsRecord('v=spf1 -all')).toBe(false);
    expect(looksLikeStsRecord('v=stsv1; id=1')).toBe(true);
    expect(looksLikeStsRecord(' v = STSv1; id=1')).toBe(true);
    expect(looksLikeStsRecord('v=STSv1; id=1')).toBe(false);
    expect(looksLikeStsRecord('v=spf1 -all')).toBe(false);
  });
});

const GOOD = 'version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: *.example.net\nmax_age: 604800\n';

describe('parsePolicy (RFC 8461 3.2)', () => {
  it('parses a policy with LF line endings', () => {
    const r = parsePolicy(GOOD);
    expect(r.valid).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.policy).toEqual({
      version: 'STSv1',
      mode: 'enforce',
      maxAge: 604800,
      mx: ['mx1.example.com', '*.example.net'],
      extensions: {},
    });
  });

  it('accepts CRLF line endings and no final line break', () => {
    const r = parsePolicy(GOOD.replace(/\n/g, '\r\n').replace(/\r\n$/, ''));
    expect(r.valid).toBe(true);
    expect(r.policy.mx).toEqual(['mx1.example.com', '*.example.net']);
  });

  it('ignores unknown keys (RFC 8461 3.2) and keeps them as extensions', () => {
    const r = parsePolicy(`${GOOD}comment: hello\n`);
    expect(r.valid).toBe(true);
    expect(r.policy.extensions).toEqual({ comment: 'hello' });
  });

  it('mode none needs no mx line', () => {
    expect(parsePolicy('version: STSv1\nmode: none\nmax_age: 86400\n').valid).toBe(true);
  });

  it(`max_age ${STS_MAX_AGE_LIMIT} is the largest allowed`, () => {
    expect(parsePolicy(GOOD.replace('604800', String(STS_MAX_AGE_LIMIT))).valid).toBe(true);
    expect(parsePolicy(GOOD.replace('604800', '0')).valid).toBe(true);
  });

  it.each([
    ['missing version', 'mode: enforce\nmx: a.example\nmax_age: 1\n', /"version: STSv1" is missing/],
    ['wrong version', GOOD.replace('STSv1', 'STSv2'), /version "STSv2" must be "STSv1"/],
    ['bad mode', GOOD.replace('enforce', 'enforcing'), /mode "enforcing" must be enforce, testing or none/],
    ['mode in capitals', GOOD.replace('enforce', 'ENFORCE'), /mode "ENFORCE"/],
    ['missing mode', GOOD.replace('mode: enforce\n', ''), /"mode:" is missing/],
    ['missing max_age', GOOD.replace('max_age: 604800\n', ''), /"max_age:" is missing/],
    ['max_age over the limit', GOOD.replace('604800', String(STS_MAX_AGE_LIMIT + 1)), /exceeds 31557600/],
    ['max_age not a number', GOOD.replace('604800', '1w'), /must be a number of seconds/],
    ['max_age over 10 digits', GOOD.replace('604800', '00000000001'), /must be a number of seconds/],
    ['negative max_age', GOOD.replace('604800', '-1'), /must be a number of seconds/],
    ['no mx in enforce', 'version: STSv1\nmode: enforce\nmax_age: 86400\n', /no "mx:" line/],
    ['no mx in testing', 'version: STSv1\nmode: testing\nmax_age: 86400\n', /no "mx:" line/],
    ['bad mx pattern', GOOD.replace('mx1.example.com', 'mx1..example.com'), /is not a host name/],
    ['wildcard not leftmost', GOOD.replace('mx1.example.com', 'mx.*.example.com'), /is not a host name/],
    ['key case', GOOD.replace('version:', 'Version:'), /must be lower-case "version"/],
    ['not key: value', `${GOOD}just text\n`, /line 6 is not "key: value"/],
    ['HTML page', '<!DOCTYPE html>\n<html><body>Not found</body></html>\n', /is not "key: value"/],
    ['empty body', '', /the policy is empty/],
    ['stray CR', 'version: STSv1\rmode: enforce\n', /stray carriage return/],
    ['space before the colon', GOOD.replace('mode: enforce', 'mode : enforce'), /is not "key: value"/],
  ])('invalid: %s', (_name, text, message) => {
    const r = parsePolicy(text);
    expect(r.valid).toBe(false);
    expect(r.errors.join('\n')).toMatch(message);
  });

  it('warns on a repeated key and uses the first value', () => {
    const r = parsePolicy(`${GOOD}mode: testing\n`);
    expect(r.valid).toBe(true);
    expect(r.policy.mode).toBe('enforce');
    expect(r.warnings.join()).toMatch(/mode is given again/);
  });

  it('lower-cases and de-duplicates mx patterns', () => {
    const r = parsePolicy(`${GOOD}mx: MX1.Example.COM\n`);
    expect(r.policy.mx).toEqual(['mx1.example.com', '*.example.net']);
  });

  it('bounds the problems listed for a hostile body', () => {
    const r = parsePolicy('garbage line\n'.repeat(5000));
    expect(r.valid).toBe(false);
    expect(r.errors.length).toBe(STS_MAX_PROBLEMS_LISTED + 1);
    expect(r.errors.at(-1)).toMatch(/and \d+ more/);
  });
});

describe('mx patterns and matching (RFC 8461 4.1)', () => {
  it.each([
    ['mx1.example.com', 'mx1.example.com', true],
    ['mx1.example.com', 'MX1.EXAMPLE.COM.', true],
    ['mx1.example.com', 'mx2.example.com', false],
    ['*.example.com', 'mx.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', 'mxexample.com', false],
    ['*.example.com', '.example.com', false],
  ])('%s vs %s -> %s', (pattern, host, expected) => {
    expect(mxMatches(pattern, host)).toBe(expected);
  });

  it.each([
    ['mx.example.com', true],
    ['*.example.com', true],
    ['*', false],
    ['*.', false],
    ['mx.*.example.com', false],
    ['-mx.example.com', false],
    ['mx_1.example.com', false],
    [`${'a'.repeat(64)}.example.com`, false],
  ])('isMxPattern(%j) -> %s', (p, ok) => {
    expect(isMxPattern(p)).toBe(ok);
  });
});
