/**
 * The SPF check's pure judgement: evidence from the tree walk and the per-IP evaluations in,
 * findings out. No I/O here.
 */
import type { FindingResult } from '../../src/check.js';
import type { SpfEvidence } from './collect.js';
import { SPF_MAX_DNS_TERMS, SPF_MAX_MX_NAMES, SPF_MAX_VOID_LOOKUPS } from './evaluate.js';
import type { SpfFindingKey } from './findings.js';
import type { SpfAuditNode } from './tree.js';
import { SPF_MAX_UDP_ANSWER_BYTES } from './tree.js';

/** ip4 ranges shorter than this prefix are flagged as broad (a /16 is 65,536 addresses). */
export const SPF_BROAD_IP4_PREFIX = 16;
/** ip6 ranges shorter than this prefix are flagged as broad (a /32 is a whole ISP allocation). */
export const SPF_BROAD_IP6_PREFIX = 32;
/**
 * Worst-case lookups from which we warn: at 9 or 10 the record still works, but one more
 * include (yours, or one your provider adds to its own record without notice) breaks it.
 */
export const SPF_LOOKUPS_NEAR_LIMIT = 9;

type Data = Record<string, string | number | boolean>;

/** Collects findings, dropping exact repeats (a shared include reached twice). */
class FindingList {
  readonly items: FindingResult<SpfFindingKey>[] = [];
  private readonly seen = new Set<string>();

  add(key: SpfFindingKey, data: Data, evidence: Record<string, unknown>): void {
    const sig = `${key}\u0000${JSON.stringify(data)}`;
    if (this.seen.has(sig)) return;
    this.seen.add(sig);
    this.items.push({ key, data, evidence });
  }
}

const chainText = (chain: readonly string[]): string => chain.join(' -> ');

function nodeEvidence(n: SpfAuditNode): Record<string, unknown> {
  return { domain: n.domain, chain: n.chain, record: n.record ?? null };
}

/** Addresses in a prefix, as text (2^96 does not fit a JS integer exactly). */
function addressCount(bits: number): string {
  return bits <= 52 ? (2 ** bits).toLocaleString('en-US') : `2^${bits}`;
}

/** The record with one term replaced (or appended when `from` is absent). */
function withTerm(record: string, from: string | undefined, to: string): string {
  if (from === undefined) return `${record} ${to}`;
  return record
    .split(' ')
    .map((t) => (t === from ? to : t))
    .join(' ');
}

function judgeNode(
  n: SpfAuditNode,
  nodes: readonly SpfAuditNode[],
  topLevel: boolean,
  out: FindingList,
): void {
  const parent = n.parent === null ? undefined : nodes[n.parent];
  const chain = chainText(n.chain);
  const viaData = (): Data => ({
    term: n.viaTerm ?? '',
    parent: parent?.domain ?? '',
    target: n.domain,
    chain,
  });
  const viaEvidence = () => ({
    term: n.viaTerm ?? null,
    parent: parent?.domain ?? null,
    parentRecord: parent?.record ?? null,
    target: n.domain,
    chain: n.chain,
  });

  if (n.status === 'loop') {
    out.add('include-loop', viaData(), viaEvidence());
    return;
  }
  if (n.status === 'macro') {
    out.add(
      'sender-dependent',
      { term: n.viaTerm ?? '', domain: parent?.domain ?? n.domain },
      { ...viaEvidence(), record: parent?.record ?? null },
    );
    return;
  }
  if (n.status !== 'fetched' || !n.dns) return;

  if (n.dns.kind === 'error') {
    out.add(
      'dns-error',
      {
        type: 'TXT',
        name: n.domain,
        error: n.dns.error ?? 'error',
        domain: nodes[0]?.domain ?? n.domain,
        chain,
      },
      { ...nodeEvidence(n), type: 'TXT', name: n.domain, error: n.dns.error, detail: n.dns.detail },
    );
    return;
  }
  if (n.spf === 'none') {
    if (n.via === 'root') return; // 'missing' is decided by the caller
    const reason =
      n.dns.kind === 'nxdomain'
        ? 'does not exist (NXDOMAIN)'
        : n.dns.kind === 'nodata'
          ? 'has no TXT records'
          : 'publishes no SPF record';
    out.add('include-not-found', { ...viaData(), reason }, { ...viaEvidence(), dns: n.dns.kind, txt: n.txt });
    return;
  }
  if (n.spf === 'many') {
    out.add(
      'multiple-records',
      { domain: n.domain, count: n.spfRecords?.length ?? 0, chain },
      { ...nodeEvidence(n), records: n.spfRecords ?? [] },
    );
    return;
  }
  if (n.parseError) {
    out.add(
      'syntax-error',
      {
        domain: n.domain,
        chain,
        position: n.parseError.position,
        error: n.parseError.message,
        term: n.parseError.term,
      },
      { ...nodeEvidence(n), term: n.parseError.term, position: n.parseError.position },
    );
    return;
  }
  const record = n.record ?? '';

  if (n.answerBytes > SPF_MAX_UDP_ANSWER_BYTES) {
    out.add(
      'record-too-long',
      { domain: n.domain, bytes: n.answerBytes, limit: SPF_MAX_UDP_ANSWER_BYTES },
      { ...nodeEvidence(n), answerBytes: n.answerBytes, recordBytes: n.recordBytes ?? 0, txt: n.txt },
    );
  }

  let hasAll = false;
  let hasRedirect = false;
  for (const t of n.terms) {
    const ev = { ...nodeEvidence(n), term: t.text, position: t.position };
    if (t.kind === 'modifier') {
      if (t.name === 'redirect') hasRedirect = true;
      if (t.name === 'exp') out.add('exp-modifier', { domain: n.domain, term: t.text }, ev);
      continue;
    }
    if (t.dead) continue;
    if (t.name === 'all') {
      hasAll = true;
      if (t.qualifier === '+') {
        const suggested = withTerm(record, t.text, '-all');
        out.add('plus-all', { domain: n.domain, chain, term: t.text, suggested }, ev);
      } else if (t.qualifier === '?' && topLevel) {
        const suggested = withTerm(record, t.text, '~all');
        out.add('neutral-all', { domain: n.domain, term: t.text, suggested }, ev);
      }
    }
    if (t.name === 'ptr') out.add('ptr-mechanism', { domain: n.domain, term: t.text }, ev);
    if (t.qualifier === '+') {
      const broad = broadPrefix(t.name, t.cidr4, t.cidr6);
      if (broad) {
        out.add(
          'broad-range',
          {
            domain: n.domain,
            term: t.text,
            prefix: broad.prefix,
            limit: broad.limit,
            addresses: broad.addresses,
          },
          ev,
        );
      }
    }
  }
  if (topLevel && !hasAll && !hasRedirect) {
    out.add('no-all', { domain: n.domain, suggested: withTerm(record, undefined, '-all') }, nodeEvidence(n));
  }

  for (const t of n.targets) {
    const ev = { ...nodeEvidence(n), term: t.term, target: t.name };
    if (t.dependsOnSender) {
      if (t.mechanism !== 'ptr') out.add('sender-dependent', { term: t.term, domain: n.domain }, ev);
      continue;
    }
    for (const q of t.queries) {
      if (q.outcome.kind !== 'error') continue;
      out.add(
        'dns-error',
        {
          type: q.type,
          name: t.name,
          error: q.outcome.error ?? 'error',
          domain: nodes[0]?.domain ?? n.domain,
          chain,
        },
        { ...ev, type: q.type, name: t.name, error: q.outcome.error, detail: q.outcome.detail },
      );
    }
    if (t.mechanism === 'mx' && (t.mxCount ?? 0) > SPF_MAX_MX_NAMES) {
      out.add(
        'too-many-mx-names',
        { domain: n.domain, term: t.term, target: t.name, count: t.mxCount ?? 0, limit: SPF_MAX_MX_NAMES },
        { ...ev, mxNames: t.mxNames ?? [] },
      );
    }
  }
}

function broadPrefix(
  name: string,
  cidr4: number | undefined,
  cidr6: number | undefined,
): { prefix: number; limit: number; addresses: string } | undefined {
  // ip4/ip6 without a prefix mean one address; a/mx prefixes widen each address they find.
  const v4 = name === 'ip4' ? (cidr4 ?? 32) : name === 'a' || name === 'mx' ? cidr4 : undefined;
  const v6 = name === 'ip6' ? (cidr6 ?? 128) : name === 'a' || name === 'mx' ? cidr6 : undefined;
  if (v4 !== undefined && v4 < SPF_BROAD_IP4_PREFIX) {
    return { prefix: v4, limit: SPF_BROAD_IP4_PREFIX, addresses: addressCount(32 - v4) };
  }
  if (v6 !== undefined && v6 < SPF_BROAD_IP6_PREFIX) {
    return { prefix: v6, limit: SPF_BROAD_IP6_PREFIX, addresses: addressCount(128 - v6) };
  }
  return undefined;
}

/** Terms whose lookups come back empty, for the void-lookup findings' data. */
function voidTerms(nodes: readonly SpfAuditNode[]): { domain: string; term: string; name: string }[] {
  const out: { domain: string; term: string; name: string }[] = [];
  for (const n of nodes) {
    for (const t of n.targets) if (t.void) out.push({ domain: n.domain, term: t.term, name: t.name });
    const parent = n.parent === null ? undefined : nodes[n.parent];
    if (parent && n.status === 'fetched' && (n.dns?.kind === 'nxdomain' || n.dns?.kind === 'nodata')) {
      out.push({ domain: parent.domain, term: n.viaTerm ?? '', name: n.domain });
    }
  }
  return out;
}

function judgeIps(e: SpfEvidence, rootMissing: boolean, out: FindingList): void {
  for (const r of e.ipResults) {
    const family = r.ip.includes(':') ? 'ip6' : 'ip4';
    const data: Data = {
      ip: r.ip,
      sender: r.sender,
      domain: r.domain,
      result: r.result,
      term: `${family}:${r.ip}`,
      problem: r.problem ?? r.result,
    };
    const evidence = { ...r, record: r.domain === e.domain ? e.record : null };
    switch (r.result) {
      case 'pass':
        break;
      case 'fail':
        out.add('ip-not-authorised', data, evidence);
        break;
      case 'softfail':
      case 'neutral':
        out.add('ip-not-pass', data, evidence);
        break;
      case 'none':
        // Already reported as 'missing' when the audited domain is the sender's domain.
        if (!(rootMissing && r.domain === e.domain)) out.add('ip-not-pass', data, evidence);
        break;
      case 'permerror':
        out.add('ip-permerror', data, evidence);
        break;
      case 'temperror':
        out.add('ip-temperror', data, evidence);
        break;
    }
  }
}

/** Pure: the SPF audit's findings from its evidence. */
export function judgeSpf(e: SpfEvidence): FindingResult<SpfFindingKey>[] {
  const out = new FindingList();
  const root = e.nodes[0];
  if (!root) return [];
  if (root.dns?.kind === 'error') {
    // Unknown beats missing: nothing else about the policy can be said.
    judgeNode(root, e.nodes, true, out);
    return out.items;
  }
  const rootMissing = root.spf === 'none';
  if (rootMissing) {
    out.add(
      'missing',
      { domain: e.domain },
      { domain: e.domain, dns: root.dns?.kind ?? null, txt: root.txt },
    );
  } else {
    const topLevel = new Set<number>();
    for (const n of e.nodes) {
      // The records whose "all" decides the result: the root and redirect targets from it.
      const isTop = n.via === 'root' || (n.via === 'redirect' && n.parent !== null && topLevel.has(n.parent));
      if (isTop) topLevel.add(n.id);
      judgeNode(n, e.nodes, isTop, out);
    }
    const chain = chainText(e.worstChain);
    const lookupEvidence = { domain: e.domain, record: e.record, worstChain: e.worstChain, tree: e.tree };
    if (e.totalLookups > SPF_MAX_DNS_TERMS) {
      out.add(
        'too-many-lookups',
        { domain: e.domain, count: e.totalLookups, limit: SPF_MAX_DNS_TERMS, chain },
        { ...lookupEvidence, truncated: e.truncated, incomplete: e.incomplete },
      );
    } else if (e.totalLookups >= SPF_LOOKUPS_NEAR_LIMIT) {
      out.add(
        'lookups-near-limit',
        { domain: e.domain, count: e.totalLookups, limit: SPF_MAX_DNS_TERMS, chain },
        lookupEvidence,
      );
    }
    if (e.totalVoidLookups > 0) {
      const voids = voidTerms(e.nodes);
      const data: Data = {
        domain: e.domain,
        count: e.totalVoidLookups,
        limit: SPF_MAX_VOID_LOOKUPS,
        terms: [...new Set(voids.map((v) => v.name))].join(', '),
      };
      const evidence = { domain: e.domain, record: e.record, voidLookups: voids };
      out.add(
        e.totalVoidLookups > SPF_MAX_VOID_LOOKUPS ? 'too-many-void-lookups' : 'void-lookups',
        data,
        evidence,
      );
    }
  }
  judgeIps(e, rootMissing, out);
  return out.items;
}

/**
 * The check's judgement: the audited domain's policy with the per-IP results, then the MAIL
 * FROM domain's policy, the same audit without the per-IP results (judged once already).
 */
export function judgeSpfCheck(evidence: SpfEvidence): FindingResult<SpfFindingKey>[] {
  const { mailFrom, ...own } = evidence;
  const findings = judgeSpf(own);
  if (mailFrom) findings.push(...judgeSpf({ ...mailFrom, ipResults: [] }));
  return findings;
}
