import { describe, expect, it } from 'vitest';
import {
  DMARC_TREE_WALK_MAX_QUERIES,
  discoverDmarc,
  lookupFromResult,
  treeWalkNames,
} from '../../../checks/dmarc/discover.js';
import { memoryResolver } from '../../helpers/memory-resolver.js';

const DEEP = 'a.b.c.d.e.f.g.h.i.example.com';

describe('treeWalkNames (RFC 9989 DNS tree walk)', () => {
  it('removes one label at a time below 8 labels', () => {
    expect(treeWalkNames('Mail.Example.com.')).toEqual(['mail.example.com', 'example.com', 'com']);
  });

  it('jumps to the 7 rightmost labels when the name has 8 or more, so at most 8 queries', () => {
    const names = treeWalkNames(DEEP);
    expect(names).toEqual([
      DEEP,
      'e.f.g.h.i.example.com',
      'f.g.h.i.example.com',
      'g.h.i.example.com',
      'h.i.example.com',
      'i.example.com',
      'example.com',
      'com',
    ]);
    expect(names.length).toBe(DMARC_TREE_WALK_MAX_QUERIES);
    const eight = treeWalkNames('b.c.d.e.f.g.example.com');
    expect(eight.length).toBe(8);
    expect(eight[1]).toBe('c.d.e.f.g.example.com');
  });

  it('a single label is queried once', () => {
    expect(treeWalkNames('com')).toEqual(['com']);
    expect(treeWalkNames('')).toEqual([]);
  });
});

describe('lookupFromResult', () => {
  it('joins character-strings and separates DMARC records from other TXT', () => {
    const lk = lookupFromResult(
      'example.com',
      {
        kind: 'ok',
        name: '_dmarc.example.com',
        type: 'TXT',
        cnameChain: [],
        ad: false,
        ttl: 60,
        records: [
          { type: 'TXT', name: '_dmarc.example.com', ttl: 60, data: ['v=DMARC1; ', 'p=none'] },
          { type: 'TXT', name: '_dmarc.example.com', ttl: 60, data: ['some-verification=abc'] },
        ],
      },
      'exact',
    );
    expect(lk).toMatchObject({ outcome: 'found', dmarc: ['v=DMARC1; p=none'], dns: 'ok' });
    expect(lk.txt).toHaveLength(2);
  });
});

describe('discoverDmarc', () => {
  it('exact record: the walk continues to the root only for the organisational domain', async () => {
    const r = memoryResolver({ '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] } });
    const d = await discoverDmarc('example.com', r);
    expect(d.psl).toEqual({ status: 'found', domain: 'example.com', record: 'v=DMARC1; p=reject' });
    expect(d.treeWalk).toEqual(d.psl);
    expect(d.orgDomainPsl).toBe('example.com');
    expect(d.orgDomainTreeWalk).toBe('example.com');
    expect(r.askedNames).toEqual(['_dmarc.example.com', '_dmarc.com']);
    expect(d.lookups[0]?.roles).toEqual(['exact', 'tree-walk']);
  });

  it('RFC 7489 6.6.3: falls back to the PSL organisational domain', async () => {
    const r = memoryResolver({ '_dmarc.example.com': { TXT: ['v=DMARC1; p=quarantine; sp=reject'] } });
    const d = await discoverDmarc('sub.example.com', r);
    expect(d.psl).toMatchObject({ status: 'found', domain: 'example.com' });
    expect(d.treeWalk).toMatchObject({ status: 'found', domain: 'example.com' });
    expect(r.askedNames).toEqual(['_dmarc.sub.example.com', '_dmarc.example.com', '_dmarc.com']);
    expect(d.lookups.find((l) => l.domain === 'example.com')?.roles).toEqual(['org-psl', 'tree-walk']);
  });

  it('deep name: the walk jumps to 7 labels and skips the names in between (RFC 9989)', async () => {
    const r = memoryResolver({ '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] } });
    const d = await discoverDmarc(DEEP, r);
    expect(r.askedNames).toEqual([
      `_dmarc.${DEEP}`,
      '_dmarc.example.com',
      '_dmarc.e.f.g.h.i.example.com',
      '_dmarc.f.g.h.i.example.com',
      '_dmarc.g.h.i.example.com',
      '_dmarc.h.i.example.com',
      '_dmarc.i.example.com',
      '_dmarc.com',
    ]);
    expect(r.askedNames).not.toContain('_dmarc.b.c.d.e.f.g.h.i.example.com');
    expect(d.treeWalk).toMatchObject({ status: 'found', domain: 'example.com' });
    expect(d.orgDomainTreeWalk).toBe('example.com');
  });

  it('deep name with an intermediate record: the walk takes it, the PSL does not', async () => {
    const r = memoryResolver({
      '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] },
      '_dmarc.h.i.example.com': { TXT: ['v=DMARC1; p=none'] },
    });
    const d = await discoverDmarc(DEEP, r);
    expect(d.psl).toMatchObject({ status: 'found', domain: 'example.com' });
    expect(d.treeWalk).toMatchObject({ status: 'found', domain: 'h.i.example.com' });
    // No psd tag: the organisational domain is the record with the fewest labels.
    expect(d.orgDomainTreeWalk).toBe('example.com');
  });

  it('psd=n stops the walk: that domain is the organisational domain', async () => {
    const r = memoryResolver({
      '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject; psd=n'] },
      '_dmarc.com': { TXT: ['v=DMARC1; p=reject'] },
    });
    const d = await discoverDmarc('a.b.example.com', r);
    expect(d.orgDomainTreeWalk).toBe('example.com');
    expect(r.askedNames).not.toContain('_dmarc.com');
  });

  it('psd=y on a parent: the organisational domain is the name one label below it', async () => {
    const r = memoryResolver({ '_dmarc.gov.uk': { TXT: ['v=DMARC1; p=reject; psd=y'] } });
    const d = await discoverDmarc('mail.agency.gov.uk', r);
    expect(d.orgDomainPsl).toBe('agency.gov.uk');
    expect(d.orgDomainTreeWalk).toBe('agency.gov.uk');
    expect(d.psl).toEqual({ status: 'none', domain: 'agency.gov.uk' });
    expect(d.treeWalk).toMatchObject({ status: 'found', domain: 'gov.uk' });
    expect(r.askedNames).toEqual(['_dmarc.mail.agency.gov.uk', '_dmarc.agency.gov.uk', '_dmarc.gov.uk']);
  });

  it('psd=y on the domain itself: it is its own organisational domain', async () => {
    const r = memoryResolver({ '_dmarc.gov.uk': { TXT: ['v=DMARC1; p=reject; psd=y'] } });
    const d = await discoverDmarc('gov.uk', r);
    expect(d.orgDomainTreeWalk).toBe('gov.uk');
    expect(r.askedNames).toEqual(['_dmarc.gov.uk']);
  });

  it('several records are discarded by the walk, which goes on (RFC 9989)', async () => {
    const r = memoryResolver({
      '_dmarc.sub.example.com': { TXT: ['v=DMARC1; p=none', 'v=DMARC1; p=reject'] },
      '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] },
    });
    const d = await discoverDmarc('sub.example.com', r);
    expect(d.psl).toEqual({ status: 'multiple', domain: 'sub.example.com' });
    expect(d.treeWalk).toMatchObject({ status: 'found', domain: 'example.com' });
    // RFC 7489 does not fall back to the organisational domain here: only the walk asks it.
    expect(r.askedNames).toEqual(['_dmarc.sub.example.com', '_dmarc.example.com', '_dmarc.com']);
    expect(d.lookups[1]?.roles).toEqual(['tree-walk']);
  });

  it('a failed exact lookup stops everything: nothing more is asked', async () => {
    const r = memoryResolver({ '_dmarc.example.com': 'TIMEOUT' });
    const d = await discoverDmarc('example.com', r);
    expect(d.psl).toEqual({ status: 'error', domain: 'example.com' });
    expect(d.treeWalk.status).toBe('error');
    expect(d.treeWalkComplete).toBe(false);
    expect(r.askedNames).toEqual(['_dmarc.example.com']);
  });

  it('a failure above the policy leaves the policy known and the walk organisational domain unknown', async () => {
    const r = memoryResolver({
      '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] },
      '_dmarc.com': 'SERVFAIL',
    });
    const d = await discoverDmarc('example.com', r);
    expect(d.psl.status).toBe('found');
    expect(d.treeWalk.status).toBe('found');
    expect(d.treeWalkComplete).toBe(false);
    expect(d.orgDomainTreeWalk).toBeNull();
  });
});
