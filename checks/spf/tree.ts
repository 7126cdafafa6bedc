/**
 * Static walk of a domain's SPF policy: the record at the domain and every include/redirect
 * target below it, with the DNS cost each part adds. All I/O goes through the given Resolver;
 * the result is plain JSON (the evidence judged by audit.ts).
 *
 * "Static" means no sender: domain-specs holding macros are not expanded, they are counted as
 * one DNS-querying term and flagged as depending on the sender.
 */
import type { DnsResult, Resolver, RRType } from '../../src/probe/types.js';
import { recordsOf } from '../../src/probe/types.js';
import { type LookupOutcome, outcomeWithDetail } from '../shared/dns.js';
import { parseMacroString, parseSpf, selectSpfRecord } from './record.js';
import type { Mechanism, Qualifier, SpfSyntaxError, Term } from './types.js';

export const SPF_MAX_UDP_ANSWER_BYTES = 512; // RFC 7208 3.4 (keep the answer within 512 octets)
/** Deeper nesting needs more than SPF_MAX_DNS_TERMS lookups anyway (RFC 7208 4.6.4). */
export const SPF_AUDIT_MAX_DEPTH = 10;
/** Include/redirect nodes walked per audit (hostile trees may fan out). */
export const SPF_AUDIT_MAX_NODES = 100;
/** a/mx/exists target names resolved per audit. */
export const SPF_AUDIT_MAX_TARGET_NAMES = 100;
/** Evidence bounds: characters of raw TXT data kept per node, record text, terms, MX names. */
export const SPF_AUDIT_MAX_TXT_CHARS = 8192;
export const SPF_AUDIT_MAX_RECORD_CHARS = 4096;
export const SPF_AUDIT_MAX_TERMS = 200;
export const SPF_AUDIT_MAX_MX_NAMES_KEPT = 20;

/** Mechanisms that cost a DNS query (RFC 7208 4.6.4); the redirect modifier is counted apart. */
const DNS_MECHANISMS: ReadonlySet<string> = new Set(['include', 'a', 'mx', 'ptr', 'exists']);

/** A lookup's outcome with the resolver's detail of an error (checks/shared/dns.ts outcomeWithDetail). */
export type DnsOutcome = LookupOutcome & { detail?: string };

export interface SpfTermSummary {
  text: string;
  position: number;
  kind: 'mechanism' | 'modifier';
  /** Mechanism name, or lower-cased modifier name. */
  name: string;
  qualifier?: Qualifier;
  /** Domain-spec of include/a/mx/ptr/exists, value of redirect/exp (unexpanded). */
  domainSpec?: string;
  ip?: string;
  cidr4?: number;
  cidr6?: number;
  /** Listed after "all": never evaluated (RFC 7208 5.1). */
  dead?: boolean;
}

export interface SpfTargetQuery {
  type: RRType;
  outcome: DnsOutcome;
  /** Records of the asked type. */
  count: number;
}

/** What an a/mx/exists/ptr term depends on, resolved statically where possible. */
export interface SpfTargetLookup {
  term: string;
  mechanism: 'a' | 'mx' | 'exists' | 'ptr';
  /** Target name, or the unexpanded domain-spec when it depends on the sender. */
  name: string;
  /** Holds macros or (ptr) depends on the connecting IP: not resolved. */
  dependsOnSender: boolean;
  /** Not resolved because SPF_AUDIT_MAX_TARGET_NAMES was reached. */
  skipped?: boolean;
  queries: SpfTargetQuery[];
  /** mx: number of MX names and the first few of them. */
  mxCount?: number;
  mxNames?: string[];
  /** The term's lookup returns nothing whatever the sender's address family (RFC 7208 4.6.4). */
  void: boolean;
}

export type SpfNodeStatus = 'fetched' | 'loop' | 'depth-limit' | 'macro';

export interface SpfAuditNode {
  id: number;
  parent: number | null;
  domain: string;
  /** Domains from the root to this node, inclusive. */
  chain: string[];
  via: 'root' | 'include' | 'redirect';
  /** The term in the parent's record that leads here. */
  viaTerm?: string;
  status: SpfNodeStatus;
  dns?: DnsOutcome;
  /** Raw TXT records at the name (bounded by SPF_AUDIT_MAX_TXT_CHARS). */
  txt: string[][];
  txtCount: number;
  txtTruncated?: boolean;
  /** Size proxy of the TXT answer: record data plus one length octet per string. */
  answerBytes: number;
  spf: 'none' | 'one' | 'many' | 'unknown';
  /** Every "v=spf1" record seen when there are several. */
  spfRecords?: string[];
  record?: string;
  recordTruncated?: boolean;
  recordBytes?: number;
  parseError?: SpfSyntaxError;
  terms: SpfTermSummary[];
  /** More terms, ranges or targets than SPF_AUDIT_MAX_TERMS: the lists are cut, counts are not. */
  termsTruncated?: boolean;
  /** Qualifier of the first "all", if any. */
  all?: Qualifier;
  /** redirect= present but never used because the record has "all" (RFC 7208 6.1). */
  redirectIgnored?: boolean;
  /** DNS-querying terms in this record (RFC 7208 4.6.4), terms after "all" excluded. */
  lookups: number;
  /** Worst case: this record's lookups plus every child's subtreeLookups. */
  subtreeLookups: number;
  voidLookups: number;
  subtreeVoidLookups: number;
  /** ip4/ip6 ranges this record authorises ("+" qualifier), CIDR notation. */
  ranges: string[];
  dependsOn: { a: string[]; mx: string[] };
  targets: SpfTargetLookup[];
  children: number[];
  /** include/redirect terms not walked because SPF_AUDIT_MAX_NODES was reached. */
  notWalked?: string[];
}

export interface SpfTreeNode {
  domain: string;
  status: SpfNodeStatus;
  lookups: number;
  subtreeLookups: number;
  ranges: string[];
  children: SpfTreeNode[];
}

export interface SpfTreeEvidence {
  domain: string;
  /** The root's selected SPF record, null when none or unknown. */
  record: string | null;
  nodes: SpfAuditNode[];
  tree: SpfTreeNode;
  totalLookups: number;
  totalVoidLookups: number;
  /** Root to leaf, following the child with the most lookups at each step. */
  worstChain: string[];
  /** A walk bound (depth, nodes, target names) was reached. */
  truncated: boolean;
  /** Some part could not be measured (DNS error, macros): totals are lower bounds. */
  incomplete: boolean;
}

export interface WalkOptions {
  signal?: AbortSignal;
}

/** Lower-case, without a trailing dot. */
export function normalizeDomain(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** The domain a domain-spec names, or undefined when it holds macros (depends on the sender). */
export function staticDomain(spec: string): string | undefined {
  const parsed = parseMacroString(spec);
  if (!parsed.ok) return undefined;
  let out = '';
  for (const t of parsed.tokens) {
    if (t.kind === 'macro') return undefined;
    out += t.text;
  }
  return normalizeDomain(out);
}

async function ask(resolver: Resolver, name: string, type: RRType, signal?: AbortSignal): Promise<DnsResult> {
  try {
    return await resolver.query(name, type, signal ? { signal } : {});
  } catch (err) {
    // A resolver should not throw, but an abort or a bug must read as "not measured".
    const detail = err instanceof Error ? err.message : String(err);
    return { kind: 'error', name, type, cnameChain: [], error: 'timeout', detail };
  }
}

function summarizeTerm(t: Term, dead: boolean): SpfTermSummary {
  const s: SpfTermSummary = { text: t.text, position: t.position, kind: t.kind, name: t.name };
  if (t.kind === 'mechanism') {
    s.qualifier = t.qualifier;
    if (t.domainSpec !== undefined) s.domainSpec = t.domainSpec;
    if (t.ip !== undefined) s.ip = t.ip;
    if (t.cidr4 !== undefined) s.cidr4 = t.cidr4;
    if (t.cidr6 !== undefined) s.cidr6 = t.cidr6;
  } else {
    s.domainSpec = t.value;
  }
  if (dead) s.dead = true;
  return s;
}

function rangeOf(m: Mechanism): string | undefined {
  if (m.name === 'ip4' && m.ip !== undefined) return `${m.ip}/${m.cidr4 ?? 32}`;
  if (m.name === 'ip6' && m.ip !== undefined) return `${m.ip}/${m.cidr6 ?? 128}`;
  return undefined;
}

function emptyNode(id: number, spec: PendingNode, status: SpfNodeStatus): SpfAuditNode {
  const node: SpfAuditNode = {
    id,
    parent: spec.parent,
    domain: spec.domain,
    chain: spec.chain,
    via: spec.via,
    status,
    txt: [],
    txtCount: 0,
    answerBytes: 0,
    spf: 'unknown',
    terms: [],
    lookups: 0,
    subtreeLookups: 0,
    voidLookups: 0,
    subtreeVoidLookups: 0,
    ranges: [],
    dependsOn: { a: [], mx: [] },
    targets: [],
    children: [],
  };
  if (spec.viaTerm !== undefined) node.viaTerm = spec.viaTerm;
  return node;
}

interface PendingNode {
  parent: number | null;
  domain: string;
  chain: string[];
  via: 'root' | 'include' | 'redirect';
  viaTerm?: string;
  status: SpfNodeStatus;
}

/** Shared per-walk budget of target names (a/mx/exists). */
interface Budget {
  targetNames: number;
  truncated: boolean;
}

async function resolveTarget(
  resolver: Resolver,
  m: Mechanism,
  currentDomain: string,
  budget: Budget,
  signal?: AbortSignal,
): Promise<SpfTargetLookup> {
  const mechanism = m.name as SpfTargetLookup['mechanism'];
  const spec = m.domainSpec;
  const name = spec === undefined ? currentDomain : staticDomain(spec);
  if (mechanism === 'ptr' || name === undefined) {
    // ptr needs the connecting IP; macros need the sender.
    return {
      term: m.text,
      mechanism,
      name: name ?? spec ?? currentDomain,
      dependsOnSender: true,
      queries: [],
      void: false,
    };
  }
  const base: SpfTargetLookup = {
    term: m.text,
    mechanism,
    name,
    dependsOnSender: false,
    queries: [],
    void: false,
  };
  if (budget.targetNames <= 0) {
    budget.truncated = true;
    return { ...base, skipped: true };
  }
  budget.targetNames--;
  const types: RRType[] = mechanism === 'a' ? ['A', 'AAAA'] : mechanism === 'mx' ? ['MX'] : ['A'];
  const results = await Promise.all(types.map((t) => ask(resolver, name, t, signal)));
  const queries: SpfTargetQuery[] = results.map((r, i) => ({
    type: types[i] as RRType,
    outcome: outcomeWithDetail(r),
    count: r.kind === 'ok' ? r.records.filter((x) => x.type === types[i]).length : 0,
  }));
  const isVoid = (q: SpfTargetQuery) => q.outcome.kind === 'nxdomain' || q.outcome.kind === 'nodata';
  const out: SpfTargetLookup = { ...base, queries, void: queries.every(isVoid) };
  if (mechanism === 'mx' && results[0]) {
    const names = recordsOf(results[0], 'MX').map((mx) => mx.exchange);
    out.mxCount = names.length;
    out.mxNames = names.slice(0, SPF_AUDIT_MAX_MX_NAMES_KEPT);
  }
  return out;
}

/** Fetches and analyses one node's record (not its children). */
async function fetchNode(
  node: SpfAuditNode,
  resolver: Resolver,
  budget: Budget,
  signal?: AbortSignal,
): Promise<Term[]> {
  const r = await ask(resolver, node.domain, 'TXT', signal);
  node.dns = outcomeWithDetail(r);
  if (r.kind === 'error') return [];
  // recordsOf() cannot narrow TXT (its record type is the union 'TXT' | 'SPF'): filter here.
  const txt: string[][] = [];
  if (r.kind === 'ok') for (const rec of r.records) if (rec.type === 'TXT') txt.push(rec.data);
  node.txtCount = txt.length;
  let kept = 0;
  for (const strings of txt) {
    node.answerBytes += strings.reduce((n, s) => n + Buffer.byteLength(s) + 1, 0);
    const chars = strings.reduce((n, s) => n + s.length, 0);
    if (kept + chars <= SPF_AUDIT_MAX_TXT_CHARS) {
      node.txt.push(strings);
      kept += chars;
    } else {
      node.txtTruncated = true;
    }
  }
  const sel = selectSpfRecord(txt);
  node.spf = sel.kind;
  if (sel.kind === 'many') {
    node.spfRecords = sel.texts.slice(0, 10).map((t) => t.slice(0, SPF_AUDIT_MAX_RECORD_CHARS));
    return [];
  }
  if (sel.kind === 'none') return [];
  node.record = sel.text.slice(0, SPF_AUDIT_MAX_RECORD_CHARS);
  if (sel.text.length > SPF_AUDIT_MAX_RECORD_CHARS) node.recordTruncated = true;
  node.recordBytes = Buffer.byteLength(sel.text);
  const parsed = parseSpf(sel.text);
  if (!parsed.ok) {
    node.parseError = parsed.error;
    return [];
  }
  const terms = parsed.record.terms;
  const firstAll = terms.findIndex((t) => t.kind === 'mechanism' && t.name === 'all');
  const allTerm = firstAll >= 0 ? terms[firstAll] : undefined;
  if (allTerm && allTerm.kind === 'mechanism') node.all = allTerm.qualifier;
  const live: Term[] = [];
  terms.forEach((t, i) => {
    // RFC 7208 5.1: mechanisms after "all" are never tested; modifiers are not positional.
    const dead = firstAll >= 0 && i > firstAll && t.kind === 'mechanism';
    // The terms that decide the record's outcome (the first "all", redirect, exp) are always kept.
    const decisive = i === firstAll || (t.kind === 'modifier' && (t.name === 'redirect' || t.name === 'exp'));
    if (node.terms.length < SPF_AUDIT_MAX_TERMS || decisive) node.terms.push(summarizeTerm(t, dead));
    else node.termsTruncated = true;
    if (!dead) live.push(t);
  });
  const redirect = parsed.record.redirect;
  if (redirect && node.all !== undefined) node.redirectIgnored = true;

  const targetTerms: Mechanism[] = [];
  for (const t of live) {
    if (t.kind !== 'mechanism') continue;
    if (DNS_MECHANISMS.has(t.name)) node.lookups++;
    const range = t.qualifier === '+' ? rangeOf(t) : undefined;
    if (range !== undefined) {
      if (node.ranges.length < SPF_AUDIT_MAX_TERMS) node.ranges.push(range);
      else node.termsTruncated = true;
    }
    if (t.name === 'a' || t.name === 'mx' || t.name === 'exists' || t.name === 'ptr') {
      // The lookup count above stays exact; only the resolved detail is bounded.
      if (targetTerms.length < SPF_AUDIT_MAX_TERMS) targetTerms.push(t);
      else node.termsTruncated = true;
    }
  }
  if (redirect && !node.redirectIgnored) node.lookups++;
  node.targets = await Promise.all(
    targetTerms.map((m) => resolveTarget(resolver, m, node.domain, budget, signal)),
  );
  for (const t of node.targets) {
    if (t.void) node.voidLookups++;
    if (t.mechanism === 'a' || t.mechanism === 'mx') {
      const list = node.dependsOn[t.mechanism];
      if (!list.includes(t.name)) list.push(t.name);
    }
  }
  const followed: Term[] = live.filter((t) => t.kind === 'mechanism' && t.name === 'include');
  if (redirect && !node.redirectIgnored) followed.push(redirect);
  return followed;
}

/**
 * Walks the SPF tree rooted at `domain`, breadth first, level by level (queries of one level
 * run concurrently; the probe's cache and limiter sit behind the resolver).
 */
export async function walkSpfTree(
  domain: string,
  resolver: Resolver,
  options: WalkOptions = {},
): Promise<SpfTreeEvidence> {
  const root = normalizeDomain(domain);
  const nodes: SpfAuditNode[] = [];
  const budget: Budget = { targetNames: SPF_AUDIT_MAX_TARGET_NAMES, truncated: false };
  let level: PendingNode[] = [{ parent: null, domain: root, chain: [root], via: 'root', status: 'fetched' }];
  while (level.length > 0) {
    const created = level.map((p) => {
      const node = emptyNode(nodes.length, p, p.status);
      nodes.push(node);
      if (p.parent !== null) nodes[p.parent]?.children.push(node.id);
      return node;
    });
    const fetched = created.filter((n) => n.status === 'fetched');
    const followedPerNode = await Promise.all(
      fetched.map((n) => fetchNode(n, resolver, budget, options.signal)),
    );
    const next: PendingNode[] = [];
    fetched.forEach((node, i) => {
      for (const term of followedPerNode[i] ?? []) {
        const via = term.kind === 'modifier' ? 'redirect' : 'include';
        const spec = term.kind === 'modifier' ? term.value : (term.domainSpec ?? '');
        if (nodes.length + next.length >= SPF_AUDIT_MAX_NODES) {
          node.notWalked ??= [];
          node.notWalked.push(term.text);
          continue;
        }
        const target = staticDomain(spec);
        const pending: PendingNode = {
          parent: node.id,
          domain: target ?? spec,
          chain: [...node.chain, target ?? spec],
          via,
          viaTerm: term.text,
          status: 'fetched',
        };
        if (target === undefined) pending.status = 'macro';
        else if (node.chain.includes(target)) pending.status = 'loop';
        else if (node.chain.length > SPF_AUDIT_MAX_DEPTH) pending.status = 'depth-limit';
        next.push(pending);
      }
    });
    level = next;
  }

  // Children always have larger ids than their parent: one backwards pass sums the subtrees.
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i] as SpfAuditNode;
    const children = n.children.map((c) => nodes[c] as SpfAuditNode);
    // The include/redirect query itself is void when the target name has no TXT at all.
    for (const child of children) {
      if (child.dns?.kind === 'nxdomain' || child.dns?.kind === 'nodata') n.voidLookups++;
    }
    n.subtreeLookups = n.lookups;
    n.subtreeVoidLookups = n.voidLookups;
    for (const child of children) {
      n.subtreeLookups += child.subtreeLookups;
      n.subtreeVoidLookups += child.subtreeVoidLookups;
    }
  }
  const rootNode = nodes[0] as SpfAuditNode;
  const truncated =
    budget.truncated || nodes.some((n) => n.status === 'depth-limit' || n.notWalked !== undefined);
  const incomplete =
    truncated ||
    nodes.some(
      (n) =>
        n.status === 'macro' ||
        n.dns?.kind === 'error' ||
        n.targets.some((t) => t.dependsOnSender || t.queries.some((q) => q.outcome.kind === 'error')),
    );
  return {
    domain: root,
    record: rootNode.record ?? null,
    nodes,
    tree: nestedTree(nodes, 0),
    totalLookups: rootNode.subtreeLookups,
    totalVoidLookups: rootNode.subtreeVoidLookups,
    worstChain: worstChain(nodes),
    truncated,
    incomplete,
  };
}

/** The nested view of the flattened nodes (depth is bounded by SPF_AUDIT_MAX_DEPTH + 1). */
export function nestedTree(nodes: readonly SpfAuditNode[], id: number): SpfTreeNode {
  const n = nodes[id] as SpfAuditNode;
  return {
    domain: n.domain,
    status: n.status,
    lookups: n.lookups,
    subtreeLookups: n.subtreeLookups,
    ranges: n.ranges,
    children: n.children.map((c) => nestedTree(nodes, c)),
  };
}

/** Root to leaf, taking at each step the first child with the most lookups below it. */
export function worstChain(nodes: readonly SpfAuditNode[]): string[] {
  const out: string[] = [];
  let n = nodes[0];
  while (n) {
    out.push(n.domain);
    let best: SpfAuditNode | undefined;
    for (const c of n.children) {
      const child = nodes[c];
      if (child && (!best || child.subtreeLookups > best.subtreeLookups)) best = child;
    }
    n = best;
  }
  return out;
}
