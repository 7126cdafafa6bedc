/**
 * The SPF audit's findings (metadata) and its pure judge: evidence from the tree walk and the
 * per-IP evaluations in, findings out. No I/O here.
 */
import type { Condition, FindingResult, FindingSpec } from '../../src/check.js';
import { SPF_MAX_DNS_TERMS, SPF_MAX_MX_NAMES, SPF_MAX_VOID_LOOKUPS } from './evaluate.js';
import type { SpfAuditNode, SpfTreeEvidence } from './tree.js';
import { SPF_MAX_UDP_ANSWER_BYTES } from './tree.js';
import type { SpfResult } from './types.js';

/** ip4 ranges shorter than this prefix are flagged as broad (a /16 is 65,536 addresses). */
export const SPF_BROAD_IP4_PREFIX = 16;
/** ip6 ranges shorter than this prefix are flagged as broad (a /32 is a whole ISP allocation). */
export const SPF_BROAD_IP6_PREFIX = 32;
/**
 * Worst-case lookups from which we warn: at 9 or 10 the record still works, but one more
 * include (yours, or one your provider adds to its own record without notice) breaks it.
 */
export const SPF_LOOKUPS_NEAR_LIMIT = 9;

/** One sending IP evaluated with check_host() (RFC 7208 4). */
export interface SpfIpResult {
  ip: string;
  /** The <domain> check_host() was run for: the sender's domain. */
  domain: string;
  sender: string;
  helo: string;
  result: SpfResult;
  explanation?: string;
  problem?: string;
  lookups?: { dnsTerms: number; voidLookups: number };
  /** The term that decided the result and the domain whose record held it. */
  mechanism?: string;
  mechanismDomain?: string;
  /** The evaluator's trace, bounded. */
  trace?: string[];
}

export interface SpfEvidence extends SpfTreeEvidence {
  ipResults: SpfIpResult[];
  /** Sending IPs beyond the per-audit bound, not evaluated. */
  ipsNotEvaluated?: string[];
  /**
   * The MAIL FROM (Return-Path) domain's own tree, when it differs from the audited domain:
   * receivers check SPF for that domain, so its policy is audited too.
   */
  mailFrom?: SpfTreeEvidence;
}

const CANNOT_PASS: Condition[] = ['spf-cannot-pass'];

export const SPF_FINDINGS = {
  missing: {
    severity: 'error',
    title: 'No SPF record',
    message:
      '{domain} publishes no SPF record (no TXT record starting with "v=spf1"); receivers get SPF "none".',
    fix:
      'Publish one TXT record at {domain} listing every service that sends as it, e.g. ' +
      '{domain}. TXT "v=spf1 include:<your provider\'s SPF domain> -all" ' +
      '(or "v=spf1 -all" if {domain} sends no mail).',
    conditions: CANNOT_PASS,
  },
  'multiple-records': {
    severity: 'error',
    title: 'More than one SPF record',
    message:
      '{domain} publishes {count} SPF records ({chain}); RFC 7208 4.5 makes that a permerror for every sender.',
    fix: 'Merge them into a single TXT record at {domain}: one "v=spf1" with all mechanisms and one "all" at the end; delete the others.',
    conditions: ['spf-cannot-pass', 'spf-suspicious'],
  },
  'syntax-error': {
    severity: 'error',
    title: 'SPF record has a syntax error',
    message:
      'The SPF record at {domain} ({chain}) has a syntax error at position {position}: {error} (term "{term}"); receivers return permerror.',
    fix: 'Correct or remove "{term}" in the TXT record at {domain} (RFC 7208 12 gives the grammar).',
    conditions: CANNOT_PASS,
  },
  'too-many-lookups': {
    severity: 'error',
    title: 'SPF needs more than 10 DNS lookups',
    message:
      "{domain}'s SPF needs {count} DNS-querying terms in the worst case (limit {limit}, RFC 7208 4.6.4), so receivers return permerror; heaviest path: {chain}.",
    fix:
      'Bring the total to at most {limit}: remove includes of services you no longer use, replace a/mx ' +
      'terms by the ip4/ip6 ranges they stand for, or move some senders to a subdomain with its own SPF record.',
    conditions: CANNOT_PASS,
  },
  'lookups-near-limit': {
    severity: 'warning',
    title: 'SPF is close to the 10-lookup limit',
    message:
      "{domain}'s SPF needs {count} of the {limit} DNS-querying terms allowed (RFC 7208 4.6.4); heaviest path: {chain}. One more include, yours or one a provider adds to its own record, makes it permerror.",
    fix: 'Leave headroom: remove unused includes, or replace a/mx terms by ip4/ip6 ranges.',
  },
  'void-lookups': {
    severity: 'warning',
    title: 'SPF terms point at names that do not exist',
    message:
      "{domain}'s SPF has {count} void lookup(s) (names with no records: {terms}); more than {limit} make it permerror (RFC 7208 4.6.4).",
    fix: 'Remove or correct the terms naming {terms}.',
  },
  'too-many-void-lookups': {
    severity: 'error',
    title: 'SPF has more than 2 void lookups',
    message:
      "{domain}'s SPF has {count} void lookups (names with no records: {terms}); more than {limit} is a permerror (RFC 7208 4.6.4).",
    fix: 'Remove or correct the terms naming {terms}.',
    conditions: CANNOT_PASS,
  },
  'include-not-found': {
    severity: 'error',
    title: 'SPF include or redirect target has no SPF record',
    message:
      '"{term}" in the record at {parent} names {target}, which {reason}; that is a permerror (RFC 7208 5.2, 6.1). Chain: {chain}.',
    fix: 'Remove "{term}" from the record at {parent}, or correct the name (your provider documents its include).',
    conditions: ['spf-suspicious', 'spf-cannot-pass'],
  },
  'include-loop': {
    severity: 'error',
    title: 'SPF include loop',
    message:
      '"{term}" in the record at {parent} leads back to {target}, already in the chain {chain}; evaluation runs into the lookup limit and gives permerror.',
    fix: 'Remove "{term}" from the record at {parent}.',
    conditions: CANNOT_PASS,
  },
  'too-many-mx-names': {
    severity: 'error',
    title: 'SPF mx term names more than 10 hosts',
    message:
      '"{term}" in the record at {domain}: {target} has {count} MX records; more than {limit} make the mx mechanism a permerror (RFC 7208 4.6.4).',
    fix: 'Replace "{term}" with the ip4/ip6 ranges of the hosts that really send, or with a:<host> terms.',
    conditions: CANNOT_PASS,
  },
  'plus-all': {
    severity: 'error',
    title: 'SPF authorises the whole Internet ("+all")',
    message:
      'The SPF record at {domain} ({chain}) has "{term}": every host on the Internet passes SPF for it.',
    fix: 'Replace "{term}" with "-all" (or "~all" while you check your senders): "{suggested}".',
    conditions: ['spf-suspicious'],
  },
  'neutral-all': {
    severity: 'warning',
    title: 'SPF ends in "?all"',
    message:
      'The SPF record at {domain} ends in "{term}": unlisted hosts get neutral, which receivers treat like no SPF at all.',
    fix: 'Replace "{term}" with "~all" or "-all": "{suggested}".',
  },
  'broad-range': {
    severity: 'warning',
    title: 'SPF authorises a very broad address range',
    message:
      '"{term}" in the record at {domain} authorises a /{prefix} (broader than /{limit}): {addresses} addresses may send as it.',
    fix: 'List only the addresses you send from (e.g. "ip4:192.0.2.10" or a /24 you own), or the include of the service that sends for you.',
    conditions: ['spf-suspicious'],
  },
  'no-all': {
    severity: 'warning',
    title: 'SPF has no "all" and no "redirect="',
    message:
      'The SPF record at {domain} has neither "all" nor "redirect=": unlisted hosts get neutral (RFC 7208 4.7).',
    fix: 'End the record with "-all" (or "~all"): "{suggested}".',
  },
  'ptr-mechanism': {
    severity: 'warning',
    title: 'SPF uses the deprecated "ptr" mechanism',
    message:
      '"{term}" in the record at {domain} uses ptr, which RFC 7208 5.5 says SHOULD NOT be used: it is slow, unreliable, and some receivers skip it.',
    fix: 'Replace "{term}" with the ip4/ip6 ranges (or a:<host> terms) of your sending hosts.',
  },
  'exp-modifier': {
    severity: 'info',
    title: 'SPF sets an explanation ("exp=")',
    message:
      'The record at {domain} has "{term}": receivers may expand it into their rejection text (RFC 7208 6.2).',
    fix: 'Nothing required. Make sure the TXT record it names exists and reveals nothing you mind showing.',
  },
  'record-too-long': {
    severity: 'warning',
    title: 'SPF answer exceeds 512 bytes',
    message:
      'The TXT answer at {domain} holds {bytes} bytes of record data (over {limit}, RFC 7208 3.4); it may not fit a UDP reply, and receivers that cannot retry over TCP get temperror.',
    fix: 'Shorten it: remove TXT records at {domain} that are no longer needed, or move ranges into an include on a subdomain.',
  },
  'dns-error': {
    severity: 'unknown',
    title: 'SPF could not be measured (DNS error)',
    message:
      'The {type} lookup for {name} failed ({error}) while reading the SPF of {domain} ({chain}); this part could not be measured, and receivers seeing the same get temperror.',
    fix: 'Check that the authoritative servers of {name} answer {type} queries (e.g. "dig {name} {type}") from outside your network.',
    conditions: ['spf-temperror'],
  },
  'sender-dependent': {
    severity: 'info',
    title: 'Part of the SPF depends on the sender (macros)',
    message:
      '"{term}" in the record at {domain} uses macros or the connecting address; the audit counted it as one lookup but could not follow it, so totals are lower bounds.',
    fix: 'Nothing required. Check the sending IPs with --ip to evaluate this part for real.',
  },
  'ip-not-authorised': {
    severity: 'error',
    title: 'Sending IP fails SPF',
    message: 'SPF for {ip} sending as {sender}: fail; the SPF of {domain} does not authorise it.',
    fix: 'Add "{term}" (or the include of the service that owns {ip}) to the record at {domain}, before its "all".',
    conditions: CANNOT_PASS,
  },
  'ip-not-pass': {
    severity: 'warning',
    title: 'Sending IP does not pass SPF',
    message: 'SPF for {ip} sending as {sender}: {result}; only "pass" authenticates the sender.',
    fix: 'Add "{term}" (or the include of the service that owns {ip}) to the record at {domain}, before its "all".',
    conditions: CANNOT_PASS,
  },
  'ip-permerror': {
    severity: 'error',
    title: 'SPF evaluation gives permerror',
    message: 'SPF for {ip} sending as {sender}: permerror ({problem}).',
    fix: 'Fix the SPF of {domain} (see the other SPF findings); a permerror never passes.',
    conditions: CANNOT_PASS,
  },
  'ip-temperror': {
    severity: 'unknown',
    title: 'SPF evaluation gives temperror',
    message: 'SPF for {ip} sending as {sender}: temperror ({problem}); could not be measured.',
    fix: 'Check that the DNS servers of the names in the SPF of {domain} answer reliably.',
    conditions: ['spf-temperror'],
  },
} satisfies Record<string, FindingSpec>;

export type SpfFindingKey = keyof typeof SPF_FINDINGS;

type Data = Record<string, string | number | boolean>;

/** Collects findings, dropping exact repeats (a shared include reached twice). */
class FindingList {
  readonly items: FindingResult[] = [];
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
      { type: 'TXT', name: n.domain, error: n.dns.error, domain: nodes[0]?.domain ?? n.domain, chain },
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
        { type: q.type, name: t.name, error: q.outcome.error, domain: nodes[0]?.domain ?? n.domain, chain },
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
export function judgeSpf(e: SpfEvidence): FindingResult[] {
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
