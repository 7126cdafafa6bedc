import { describe, expect, it } from 'vitest';
import type { ListLookup, ReputationEvidence } from '../../../checks/reputation/index.js';
import { reputationCheck } from '../../../checks/reputation/index.js';
import type { Target } from '../../../src/report.js';

const target: Target = { domain: 'sender.example', ips: ['192.0.2.1'], profile: 'bulk' };
const ok = (list: string) => ({ list, name: list, zone: `${list}.zone`, state: 'ok' as const });

function evidence(lookups: ListLookup[], extra: Partial<ReputationEvidence> = {}): ReputationEvidence {
  return {
    dqs: false,
    lists: [ok('spamhaus-zen'), ok('spamhaus-dbl'), ok('uribl')],
    lookups,
    notChecked: [],
    unknownLists: [],
    ...extra,
  };
}

const ip = (state: ListLookup['state'], more: Partial<ListLookup> = {}): ListLookup => ({
  list: 'spamhaus-zen',
  item: '192.0.2.1',
  roles: ['ip'],
  query: '1.2.0.192.zen.spamhaus.org',
  state,
  ...more,
});
const sbl = { category: 'sbl' as const, meaning: 'SBL' };
const pbl = { category: 'pbl' as const, meaning: 'PBL' };
const dbl = { category: 'dbl' as const, meaning: 'spam domain' };

describe('reputation judge (literal evidence)', () => {
  it.each<[string, ReputationEvidence, string[]]>([
    ['not listed', evidence([ip('not-listed')]), []],
    ['SBL', evidence([ip('listed', { codes: ['127.0.0.2'], meanings: [sbl] })]), ['ip-listed-sbl']],
    [
      'SBL and PBL in one answer: two findings',
      evidence([ip('listed', { codes: ['127.0.0.2', '127.0.0.10'], meanings: [sbl, pbl] })]),
      ['ip-listed-sbl', 'ip-listed-pbl'],
    ],
    [
      'refused',
      evidence([ip('refused', { codes: ['127.255.255.254'], reason: 'public resolver' })]),
      ['list-refused'],
    ],
    ['timeout', evidence([ip('error', { error: 'timeout' })]), ['lookup-failed']],
    ['undocumented', evidence([ip('unexpected', { codes: ['127.0.0.99'] })]), ['unexpected-answer']],
    [
      'a sending domain on DBL',
      evidence([
        {
          list: 'spamhaus-dbl',
          item: 'sender.example',
          roles: ['from'],
          query: 'q',
          state: 'listed',
          meanings: [dbl],
        },
      ]),
      ['domain-listed-dbl'],
    ],
    [
      'a link-only domain on DBL',
      evidence([
        {
          list: 'spamhaus-dbl',
          item: 'link.example',
          roles: ['link'],
          query: 'q',
          state: 'listed',
          meanings: [dbl],
        },
      ]),
      ['link-domain-listed'],
    ],
    [
      'a list that lists 127.0.0.1 (RFC 5782 5)',
      evidence([], {
        lists: [
          {
            ...ok('spamcop'),
            state: 'broken',
            test: 'not-listed',
            failed: {
              list: 'spamcop',
              item: '127.0.0.1',
              roles: [],
              query: 'q',
              state: 'listed',
              codes: ['127.0.0.2'],
            },
          },
        ],
      }),
      ['list-unreliable'],
    ],
    ['unknown configured list', evidence([], { unknownLists: ['nope'] }), ['unknown-list']],
    ['bounded', evidence([], { notChecked: [{ item: 'x.example', roles: ['link'] }] }), ['not-checked']],
  ])('%s', (_name, ev, keys) => {
    expect(reputationCheck.judge(ev, target).map((f) => f.key)).toEqual(keys);
  });

  it('a listing says which list, which code, what it means and where to delist', () => {
    const [f] = reputationCheck.judge(
      evidence([ip('listed', { codes: ['127.0.0.10'], meanings: [pbl] })]),
      target,
    );
    expect(f?.data).toMatchObject({
      list: 'Spamhaus ZEN',
      codes: '127.0.0.10',
      meaning: 'PBL',
      lookup: 'https://check.spamhaus.org/results/?query=192.0.2.1',
    });
  });
});
