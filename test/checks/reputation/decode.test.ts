import { describe, expect, it } from 'vitest';
import { decodeAnswer, queryPrefix, zoneOf } from '../../../checks/reputation/decode.js';
import { type Blocklist, blocklistById } from '../../../checks/reputation/lists.js';

function list(id: string): Blocklist {
  const l = blocklistById(id);
  if (!l) throw new Error(`no list ${id}`);
  return l;
}

describe('query names (RFC 5782 2.1, 2.4)', () => {
  it.each([
    ['192.0.2.99', 'ip', '99.2.0.192'],
    // RFC 5782 2.4: IPv6 as 32 nibbles, least significant first.
    ['2001:db8::1', 'ip', '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2'],
    ['Example.COM.', 'domain', 'example.com'],
    ['example.com', 'ip', undefined],
    ['192.0.2.1', 'domain', undefined],
  ] as const)('%s on a %s list -> %s', (item, kind, expected) => {
    expect(queryPrefix(item, kind)).toBe(expected);
  });

  it('the DQS form puts the key in front of the DQS zone and masks it for evidence', () => {
    expect(zoneOf(list('spamhaus-zen'), 'abc123')).toEqual({
      zone: 'abc123.zen.dq.spamhaus.net',
      shown: '<key>.zen.dq.spamhaus.net',
    });
    expect(zoneOf(list('spamcop'), 'abc123')).toEqual({ zone: 'bl.spamcop.net', shown: 'bl.spamcop.net' });
  });
});

describe('decoding answers', () => {
  it.each([
    ['spamhaus-zen', ['127.0.0.2'], 'listed', ['sbl']],
    ['spamhaus-zen', ['127.0.0.3'], 'listed', ['css']],
    ['spamhaus-zen', ['127.0.0.4'], 'listed', ['xbl']],
    ['spamhaus-zen', ['127.0.0.9', '127.0.0.2'], 'listed', ['drop', 'sbl']],
    ['spamhaus-zen', ['127.0.0.10'], 'listed', ['pbl']],
    ['spamhaus-zen', ['127.0.0.11'], 'listed', ['pbl']],
    ['spamhaus-zen', ['127.0.0.2', '127.0.0.11'], 'listed', ['sbl', 'pbl']],
    // Spamhaus error codes are refusals, never listings (news article 788).
    ['spamhaus-zen', ['127.255.255.254'], 'refused', []],
    ['spamhaus-zen', ['127.255.255.255'], 'refused', []],
    ['spamhaus-zen', ['127.255.255.252'], 'refused', []],
    ['spamhaus-zen', ['127.255.255.250'], 'refused', []],
    ['spamhaus-zen', ['127.0.0.2', '127.255.255.254'], 'refused', []],
    // Out of the documented range: unknown, never listed.
    ['spamhaus-zen', ['127.0.0.1'], 'unexpected', []],
    ['spamhaus-zen', ['127.0.0.8'], 'unexpected', []],
    ['spamhaus-zen', ['127.0.0.2', '10.0.0.1'], 'unexpected', []],
    ['spamhaus-zen', ['127.0.1.2'], 'unexpected', []],
    ['spamhaus-dbl', ['127.0.1.2'], 'listed', ['dbl']],
    ['spamhaus-dbl', ['127.0.1.106'], 'listed', ['dbl']],
    ['spamhaus-dbl', ['127.0.1.255'], 'refused', []],
    ['spamhaus-dbl', ['127.0.0.2'], 'unexpected', []],
    ['barracuda', ['127.0.0.2'], 'listed', ['ip']],
    ['barracuda', ['127.0.0.3'], 'unexpected', []],
    ['spamcop', ['127.0.0.2'], 'listed', ['ip']],
    ['surbl', ['127.0.0.8'], 'listed', ['surbl']],
    ['surbl', ['127.0.0.80'], 'listed', ['surbl']],
    ['surbl', ['127.0.0.1'], 'refused', []],
    ['surbl', ['127.0.0.2'], 'unexpected', []],
    ['surbl', ['127.0.0.0'], 'unexpected', []],
    ['surbl', ['10.0.0.8'], 'unexpected', []],
    ['uribl', ['127.0.0.2'], 'listed', ['uribl']],
    ['uribl', ['127.0.0.14'], 'listed', ['uribl']],
    // URIBL: "All queries that we refuse, we return a 127.0.0.1" (uribl.com/refused.shtml).
    ['uribl', ['127.0.0.1'], 'refused', []],
    ['uribl', ['127.0.0.3'], 'refused', []],
    ['uribl', ['127.0.0.16'], 'unexpected', []],
  ])('%s answering %j -> %s %j', (id, answer, state, categories) => {
    const d = decodeAnswer(list(id), answer);
    expect(d.state).toBe(state);
    if (d.state === 'listed') expect([...new Set(d.meanings.map((m) => m.category))]).toEqual(categories);
  });

  it('decodes a SURBL bitmask into each sub-list (16 + 64 = MW and ABUSE)', () => {
    const d = decodeAnswer(list('surbl'), ['127.0.0.80']);
    expect(d.state === 'listed' && d.meanings.map((m) => m.meaning.slice(0, 5))).toEqual(['MW: m', 'ABUSE']);
  });
});
