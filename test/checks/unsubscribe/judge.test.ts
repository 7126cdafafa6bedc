/** One-click unsubscribe (RFC 8058) as a table: header values and signature coverage in, findings out. */
import { describe, expect, it } from 'vitest';
import type { DkimSignatureEvidence, SignatureEvidence } from '../../../checks/dkim-signature/index.js';
import { listUris, unsubscribeCheck, unsubscribeEvidence } from '../../../checks/unsubscribe/index.js';
import type { Profile } from '../../../src/report.js';

const HTTPS = '<https://shop.example/u/1>';
const MAILTO = '<mailto:unsub@shop.example>';
const POST = 'List-Unsubscribe=One-Click';
const BOTH = ['from', 'to', 'subject', 'list-unsubscribe', 'list-unsubscribe-post'];

function sig(signedHeaders: string[], status: 'pass' | 'fail' | null = 'pass'): SignatureEvidence {
  return {
    index: 1,
    domain: 'shop.example',
    selector: 's1',
    signedHeaders,
    ...(status ? { verdict: { status } } : {}),
  };
}

function keys(
  lu: string[],
  lup: string[],
  signatures: SignatureEvidence[],
  profile: Profile = 'bulk',
): string[] {
  const dkim: DkimSignatureEvidence = { signatures, notVerified: 0, verifiedAt: '2026-12-07T00:00:00.000Z' };
  const ev = unsubscribeEvidence({ listUnsubscribe: lu, listUnsubscribePost: lup }, dkim);
  return unsubscribeCheck.judge(ev, { domain: 'shop.example', ips: [], profile }).map((f) => f.key);
}

describe('unsubscribe judge (bulk profile)', () => {
  it.each<[string, string[], string[], SignatureEvidence[], string[]]>([
    [
      'https + post, both signed by a verifying signature: nothing to say',
      [`${HTTPS}, ${MAILTO}`],
      [POST],
      [sig(BOTH)],
      [],
    ],
    ['no List-Unsubscribe', [], [], [sig(BOTH)], ['missing']],
    ['mailto only is not one-click (RFC 8058 3.1)', [MAILTO], [], [sig(BOTH)], ['no-https']],
    ['http is not https (RFC 8058 3.1)', ['<http://shop.example/u/1>'], [POST], [sig(BOTH)], ['no-https']],
    ['https without List-Unsubscribe-Post', [HTTPS], [], [sig(BOTH)], ['no-post']],
    [
      'List-Unsubscribe-Post with another value',
      [HTTPS],
      ['List-Unsubscribe=Yes'],
      [sig(BOTH)],
      ['post-invalid'],
    ],
    ['post not in h= (RFC 8058 4)', [HTTPS], [POST], [sig(['from', 'list-unsubscribe'])], ['not-signed']],
    ['signed only by a signature that fails', [HTTPS], [POST], [sig(BOTH, 'fail')], ['not-signed']],
    ['key lookup failed: unknown, not "not signed"', [HTTPS], [POST], [sig(BOTH, null)], ['dkim-unknown']],
    ['unsigned message', [HTTPS], [POST], [], ['not-signed']],
    [
      'URIs without angle brackets (RFC 2369 3.2)',
      ['https://shop.example/u/1'],
      [POST],
      [sig(BOTH)],
      ['invalid-uri', 'no-https'],
    ],
    ['two List-Unsubscribe fields', [HTTPS, HTTPS], [POST], [sig(BOTH)], ['duplicated']],
  ])('%s', (_name, lu, lup, signatures, expected) => {
    expect(keys(lu, lup, signatures)).toEqual(expected);
  });
});

describe('unsubscribe judge (transactional profile)', () => {
  it('missing one-click is one info note, never an error', () => {
    expect(keys([], [], [sig(BOTH)], 'transactional')).toEqual(['transactional-note']);
    expect(unsubscribeCheck.findings['transactional-note'].severity).toBe('info');
  });
  it('a complete one-click setup says nothing', () => {
    expect(keys([HTTPS], [POST], [sig(BOTH)], 'transactional')).toEqual([]);
  });
});

describe('List-Unsubscribe URIs (RFC 2369 3.2)', () => {
  it.each([
    ['<https://a.example/u>, <mailto:u@a.example>', ['https://a.example/u', 'mailto:u@a.example']],
    [' <https://a.example/u> (comment) ', ['https://a.example/u']],
    ['https://a.example/u', undefined],
    ['<https://a.example/u>, junk', undefined],
    ['', undefined],
  ])('%j -> %j', (value, expected) => {
    expect(listUris(value)).toEqual(expected);
  });
});
