/**
 * RFC 7208 check_host(): evaluates the SPF policy of a domain for a client IP, through an
 * injected Resolver. Limits (4.6.4) are counted here, not by the cache.
 */

import {
  cidrMatch,
  formatIp,
  type IpAddress,
  parseIPv4,
  parseIPv6,
  parseIp,
  reverseName,
} from '../../src/ip-bytes.js';
import type { DnsResult, MxData, Resolver, RRType } from '../../src/probe/types.js';
import { MAX_LABEL_BYTES, MAX_NAME_BYTES } from '../shared/dns.js';
import { expandMacro, type MacroContext, SPF_UNKNOWN_PTR } from './macro.js';
import { parseMacroString, parseSpf, selectSpfRecord } from './record.js';
import type { Mechanism, SpfRecord, SpfResult } from './types.js';

export const SPF_MAX_DNS_TERMS = 10; // RFC 7208 4.6.4 (include, a, mx, ptr, exists, redirect)
export const SPF_MAX_VOID_LOOKUPS = 2; // RFC 7208 4.6.4 (void lookups SHOULD be limited to two)
export const SPF_MAX_MX_NAMES = 10; // RFC 7208 4.6.4 (mx: more than 10 MX records -> permerror)
export const SPF_MAX_PTR_NAMES = 10; // RFC 7208 4.6.4 (ptr, %{p}: names beyond 10 are ignored)
/** Nesting bound for include/redirect; the term limit already implies it, this is a backstop. */
export const SPF_MAX_RECURSION_DEPTH = SPF_MAX_DNS_TERMS + 1;
/** RFC 7208 4.6.4: an elapsed-time limit SHOULD allow at least 20 seconds. */
export const SPF_DEFAULT_TIMEOUT_MS = 20_000;
/** Bounds on the trace kept for humans. */
export const SPF_MAX_TRACE_LINES = 200;
export const SPF_MAX_TRACE_LINE_LENGTH = 300;

export interface SpfLookups {
  /** DNS-querying terms counted against SPF_MAX_DNS_TERMS (incl. %{p} in domain-specs). */
  dnsTerms: number;
  /** Void lookups counted against SPF_MAX_VOID_LOOKUPS. */
  voidLookups: number;
  /** Every question asked of the resolver, the exp lookup included. */
  queries: number;
}

export interface SpfEvaluation {
  result: SpfResult;
  /** Expanded explanation (exp=), only for fail and only when it could be fetched (6.2). */
  explanation?: string;
  /** Why the result is permerror or temperror (or none). */
  problem?: string;
  /** The term that decided the result, as written. */
  mechanism?: string;
  /** The domain whose record held `mechanism` (differs from `domain` after redirect). */
  mechanismDomain?: string;
  /** The record of the checked domain. */
  record?: string;
  /** The checked domain. */
  domain: string;
  lookups: SpfLookups;
  /** What happened, in order; bounded. */
  trace: string[];
}

export interface CheckHostParams {
  ip: string;
  domain: string;
  /** <sender>: MAIL FROM or postmaster@HELO (see evaluateSender). */
  sender: string;
  helo: string;
  /** Name of the checking host, for %{r}. */
  receiver?: string;
}

export interface CheckHostOptions {
  signal?: AbortSignal;
  /** Defaults to SPF_MAX_DNS_TERMS; lower values are for what-if audits. */
  maxDnsTerms?: number;
  /** Defaults to SPF_MAX_VOID_LOOKUPS. */
  maxVoidLookups?: number;
  /** Elapsed-time limit of the whole evaluation; temperror when exceeded. */
  timeoutMs?: number;
  /** %{t} value in seconds (tests). */
  timestamp?: number;
}

// Local narrowing helpers: the shared RecordData<T> resolves to never for the types that share a
// union member (A/AAAA, TXT/SPF, PTR/CNAME/NS), so recordsOf() cannot be typed for them.
function namesOf(r: DnsResult, type: 'A' | 'AAAA' | 'PTR'): string[] {
  if (r.kind !== 'ok') return [];
  const out: string[] = [];
  for (const rec of r.records) if (rec.type === type) out.push(rec.data);
  return out;
}

function txtOf(r: DnsResult): string[][] {
  if (r.kind !== 'ok') return [];
  const out: string[][] = [];
  for (const rec of r.records) if (rec.type === 'TXT') out.push(rec.data);
  return out;
}

function mxOf(r: DnsResult): MxData[] {
  if (r.kind !== 'ok') return [];
  const out: MxData[] = [];
  for (const rec of r.records) if (rec.type === 'MX') out.push(rec.data);
  return out;
}

/** Outcome of one check_host() level. */
interface LevelOutcome {
  result: SpfResult;
  problem?: string;
  mechanism?: string;
  mechanismDomain?: string;
  record?: string;
  explanation?: string;
}

/** Raised inside the evaluation to end it with permerror/temperror; never escapes checkHost. */
class Abort extends Error {
  constructor(
    readonly result: 'permerror' | 'temperror',
    readonly problem: string,
  ) {
    super(problem);
  }
}

/**
 * RFC 7208 4.3: a domain that is malformed or not multi-label makes check_host() return none.
 * Returns the name without a trailing dot, or undefined when invalid.
 */
export function normalizeDomain(domain: string): string | undefined {
  const name = domain.endsWith('.') ? domain.slice(0, -1) : domain;
  if (name.length === 0 || name.length > MAX_NAME_BYTES) return undefined;
  // Domain literals ("[192.0.2.1]") and anything non-printable or non-ASCII cannot be queried.
  if (!/^[\x21-\x7e]+$/.test(name) || name.startsWith('[')) return undefined;
  const labels = name.split('.');
  if (labels.length < 2) return undefined;
  for (const label of labels) if (label.length === 0 || label.length > MAX_LABEL_BYTES) return undefined;
  return name;
}

/** Like normalizeDomain, for expanded target names: spaces are legal label bytes there. */
function normalizeTarget(name: string): string | undefined {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (n.length === 0 || n.length > MAX_NAME_BYTES) return undefined;
  const labels = n.split('.');
  for (const label of labels) if (label.length === 0 || label.length > MAX_LABEL_BYTES) return undefined;
  return n;
}

function splitSender(sender: string, fallbackDomain: string): { local: string; domain: string } {
  const at = sender.lastIndexOf('@');
  if (at < 0) return { local: 'postmaster', domain: sender || fallbackDomain };
  const local = sender.slice(0, at);
  return { local: local === '' ? 'postmaster' : local, domain: sender.slice(at + 1) };
}

class Evaluation {
  readonly lookups: SpfLookups = { dnsTerms: 0, voidLookups: 0, queries: 0 };
  readonly trace: string[] = [];
  private readonly deadline: number;
  private readonly maxDnsTerms: number;
  private readonly maxVoid: number;
  private ptrNames?: Promise<string[]>;
  private readonly validated = new Map<string, Promise<boolean>>();

  constructor(
    readonly resolver: Resolver,
    readonly ip: IpAddress,
    readonly base: Omit<MacroContext, 'domain' | 'ip' | 'validatedName'>,
    readonly options: CheckHostOptions,
  ) {
    this.deadline = Date.now() + (options.timeoutMs ?? SPF_DEFAULT_TIMEOUT_MS);
    this.maxDnsTerms = options.maxDnsTerms ?? SPF_MAX_DNS_TERMS;
    this.maxVoid = options.maxVoidLookups ?? SPF_MAX_VOID_LOOKUPS;
  }

  log(line: string): void {
    if (this.trace.length >= SPF_MAX_TRACE_LINES) return;
    if (this.trace.length === SPF_MAX_TRACE_LINES - 1) {
      this.trace.push('... trace truncated');
      return;
    }
    this.trace.push(
      line.length > SPF_MAX_TRACE_LINE_LENGTH ? `${line.slice(0, SPF_MAX_TRACE_LINE_LENGTH)}...` : line,
    );
  }

  /** RFC 7208 4.6.4: count a DNS-querying term before it runs. */
  countTerm(what: string): void {
    this.lookups.dnsTerms++;
    if (this.lookups.dnsTerms > this.maxDnsTerms) {
      throw new Abort(
        'permerror',
        `more than ${this.maxDnsTerms} DNS-querying terms (at ${what}) (RFC 7208 4.6.4)`,
      );
    }
  }

  /** RFC 7208 4.6.4: count a void answer (NXDOMAIN, or NOERROR with no answer). */
  countVoid(name: string): void {
    this.lookups.voidLookups++;
    if (this.lookups.voidLookups > this.maxVoid) {
      throw new Abort(
        'permerror',
        `more than ${this.maxVoid} void DNS lookups (at ${name}) (RFC 7208 4.6.4)`,
      );
    }
  }

  async query(name: string, type: RRType): Promise<DnsResult> {
    if (this.options.signal?.aborted) throw new Abort('temperror', 'evaluation aborted');
    if (Date.now() > this.deadline)
      throw new Abort('temperror', 'evaluation time limit exceeded (RFC 7208 4.6.4)');
    this.lookups.queries++;
    let r: DnsResult;
    try {
      r = await this.resolver.query(name, type, this.options.signal ? { signal: this.options.signal } : {});
    } catch (e) {
      // A resolver may reject when the caller aborts; that is a temperror, anything else a bug.
      if (this.options.signal?.aborted) throw new Abort('temperror', 'evaluation aborted');
      throw e;
    }
    this.log(`${type} ${name} -> ${r.kind === 'error' ? `error ${r.error}` : r.kind}`);
    return r;
  }

  macroContext(domain: string, countPtr: boolean): MacroContext {
    return {
      ...this.base,
      domain,
      ip: this.ip,
      validatedName: async () => {
        // RFC 7208 4.6.4: the PTR query of %{p} is included in the overall term limit,
        // except in explanations (evaluated after the result, outside the limits).
        if (countPtr) this.countTerm('%{p}');
        return this.pName(domain);
      },
    };
  }

  /** Expands a domain-spec to a query name; undefined when the result is not a usable name. */
  async target(spec: string | undefined, domain: string): Promise<string | undefined> {
    if (spec === undefined) return domain;
    const r = await expandMacro(spec, this.macroContext(domain, true));
    if (!r.ok) throw new Abort('permerror', `macro expansion failed in "${spec}": ${r.message}`);
    const name = normalizeTarget(r.value);
    if (name === undefined) this.log(`"${spec}" expands to an invalid name "${r.value}": no match`);
    return name?.toLowerCase();
  }

  /** Addresses of a name in the client's family. */
  async addresses(name: string): Promise<{ kind: 'ok'; addrs: Uint8Array[] } | { kind: 'void' | 'error' }> {
    const type = this.ip.family === 4 ? 'A' : 'AAAA';
    const r = await this.query(name, type);
    if (r.kind === 'error') return { kind: 'error' };
    if (r.kind !== 'ok') return { kind: 'void' };
    const out: Uint8Array[] = [];
    for (const a of namesOf(r, type)) {
      const b = type === 'A' ? parseIPv4(a) : parseIPv6(a);
      if (b) out.push(b);
    }
    return out.length ? { kind: 'ok', addrs: out } : { kind: 'void' };
  }

  /** PTR names of the client, first SPF_MAX_PTR_NAMES only (RFC 7208 4.6.4); [] on error. */
  ptrLookup(): Promise<string[]> {
    this.ptrNames ??= (async () => {
      const r = await this.query(reverseName(this.ip), 'PTR');
      if (r.kind === 'error') return [];
      return namesOf(r, 'PTR')
        .slice(0, SPF_MAX_PTR_NAMES)
        .map((n) => (n.endsWith('.') ? n.slice(0, -1) : n).toLowerCase());
    })();
    return this.ptrNames;
  }

  /** RFC 7208 5.5: a PTR name is validated when one of its addresses is the client IP. */
  isValidated(name: string): Promise<boolean> {
    let p = this.validated.get(name);
    if (!p) {
      p = (async () => {
        const a = await this.addresses(name);
        // DNS errors here skip the name (5.5): no temperror.
        if (a.kind !== 'ok') return false;
        return a.addrs.some((b) => cidrMatch(b, this.ip.bytes, b.length * 8));
      })();
      this.validated.set(name, p);
    }
    return p;
  }

  /** %{p}: a validated name, preferring <domain> or a subdomain of it (RFC 7208 7.3). */
  async pName(domain: string): Promise<string> {
    const names = await this.ptrLookup();
    const d = domain.toLowerCase();
    const preferred = names.filter((n) => n === d || n.endsWith(`.${d}`));
    for (const n of [...preferred, ...names.filter((x) => !preferred.includes(x))]) {
      if (await this.isValidated(n)) return n;
    }
    return SPF_UNKNOWN_PTR;
  }

  /** check_host() for one domain (RFC 7208 4). `explain` is false inside include. */
  async checkHost(rawDomain: string, depth: number, explain: boolean): Promise<LevelOutcome> {
    const domain = normalizeDomain(rawDomain)?.toLowerCase();
    if (domain === undefined) {
      this.log(`"${rawDomain}" is not a valid multi-label domain: none`);
      return { result: 'none', problem: `invalid domain "${rawDomain}" (RFC 7208 4.3)` };
    }
    if (depth > SPF_MAX_RECURSION_DEPTH) throw new Abort('permerror', 'include/redirect nesting too deep');
    // RFC 7208 4.4: only TXT is queried (type SPF is obsolete, 3.1 / 14.1).
    const txt = await this.query(domain, 'TXT');
    if (txt.kind === 'error') {
      return { result: 'temperror', problem: `TXT lookup for ${domain} failed: ${txt.error} (RFC 7208 4.4)` };
    }
    const sel = selectSpfRecord(txtOf(txt));
    if (sel.kind === 'none') {
      const why = txt.kind === 'nxdomain' ? 'NXDOMAIN' : 'no SPF record';
      return { result: 'none', problem: `${domain}: ${why} (RFC 7208 4.3/4.5)` };
    }
    if (sel.kind === 'many') {
      return { result: 'permerror', problem: `${domain} has ${sel.texts.length} SPF records (RFC 7208 4.5)` };
    }
    this.log(`${domain}: ${sel.text}`);
    const parsed = parseSpf(sel.text);
    if (!parsed.ok) {
      const e = parsed.error;
      return {
        result: 'permerror',
        record: sel.text,
        problem: `${domain}: syntax error in "${e.term}" at ${e.position}: ${e.message} (RFC 7208 4.6)`,
      };
    }
    const record = parsed.record;
    const out = await this.evaluateRecord(record, domain, depth);
    out.record = sel.text;
    if (out.result === 'fail' && explain && record.exp && out.mechanismDomain === domain) {
      const explanation = await this.explanation(record.exp.value, domain);
      if (explanation !== undefined) out.explanation = explanation;
    }
    return out;
  }

  async evaluateRecord(record: SpfRecord, domain: string, depth: number): Promise<LevelOutcome> {
    for (const m of record.mechanisms) {
      const matched = await this.mechanism(m, domain, depth);
      this.log(`${domain}: ${m.text} -> ${matched ? 'match' : 'no match'}`);
      if (matched)
        return { result: QUALIFIER_RESULT[m.qualifier], mechanism: m.text, mechanismDomain: domain };
    }
    if (record.redirect) {
      // RFC 7208 6.1: only when no mechanism matched; the target's result is ours.
      this.countTerm(record.redirect.text);
      const target = await this.target(record.redirect.value, domain);
      if (target === undefined) {
        return {
          result: 'permerror',
          problem: `redirect target of "${record.redirect.text}" is not a valid name`,
        };
      }
      const r = await this.checkHost(target, depth + 1, true);
      if (r.result === 'none') {
        return {
          result: 'permerror',
          problem: `redirect to ${target}: ${r.problem ?? 'no SPF record'} (RFC 7208 6.1)`,
        };
      }
      const { record: _ignored, ...rest } = r;
      return rest;
    }
    return { result: 'neutral' };
  }

  async mechanism(m: Mechanism, domain: string, depth: number): Promise<boolean> {
    switch (m.name) {
      case 'all':
        return true;
      case 'ip4':
      case 'ip6': {
        if ((m.name === 'ip4') !== (this.ip.family === 4)) return false;
        const net = m.name === 'ip4' ? parseIPv4(m.ip ?? '') : parseIPv6(m.ip ?? '');
        if (!net) return false;
        const prefix = m.name === 'ip4' ? (m.cidr4 ?? 32) : (m.cidr6 ?? 128);
        return cidrMatch(net, this.ip.bytes, prefix);
      }
      case 'include': {
        this.countTerm(m.text);
        const target = await this.target(m.domainSpec, domain);
        if (target === undefined)
          throw new Abort('permerror', `include target of "${m.text}" is not a valid name`);
        const r = await this.checkHost(target, depth + 1, false);
        // RFC 7208 5.2 table.
        switch (r.result) {
          case 'pass':
            return true;
          case 'fail':
          case 'softfail':
          case 'neutral':
            return false;
          case 'temperror':
            throw new Abort('temperror', `include:${target}: ${r.problem ?? 'temperror'}`);
          case 'permerror':
            throw new Abort('permerror', `include:${target}: ${r.problem ?? 'permerror'}`);
          case 'none':
            throw new Abort('permerror', `include:${target} has no SPF record (RFC 7208 5.2)`);
        }
        return false;
      }
      case 'a': {
        this.countTerm(m.text);
        const target = await this.target(m.domainSpec, domain);
        if (target === undefined) return false;
        const a = await this.addresses(target);
        return this.matchAddresses(a, m, target);
      }
      case 'mx': {
        this.countTerm(m.text);
        const target = await this.target(m.domainSpec, domain);
        if (target === undefined) return false;
        const r = await this.query(target, 'MX');
        if (r.kind === 'error') throw new Abort('temperror', `MX lookup for ${target} failed: ${r.error}`);
        const mx = mxOf(r);
        if (mx.length === 0) {
          this.countVoid(target);
          return false;
        }
        if (mx.length > SPF_MAX_MX_NAMES) {
          throw new Abort(
            'permerror',
            `${target} has ${mx.length} MX records, over ${SPF_MAX_MX_NAMES} (RFC 7208 4.6.4)`,
          );
        }
        const seen = new Set<string>();
        for (const { exchange } of mx) {
          const name = exchange.toLowerCase();
          if (name === '' || seen.has(name)) continue; // null MX (RFC 7505) has no addresses
          seen.add(name);
          const a = await this.addresses(name);
          if (a.kind === 'error') throw new Abort('temperror', `address lookup for MX ${name} failed`);
          if (a.kind === 'ok' && this.anyMatch(a.addrs, m)) return true;
        }
        return false;
      }
      case 'ptr': {
        this.countTerm(m.text);
        const target = await this.target(m.domainSpec, domain);
        if (target === undefined) return false;
        const r = await this.query(reverseName(this.ip), 'PTR');
        // RFC 7208 5.5: a DNS error on the PTR lookup means no match.
        if (r.kind === 'error') return false;
        const names = namesOf(r, 'PTR');
        if (names.length === 0) {
          this.countVoid(reverseName(this.ip));
          return false;
        }
        for (const raw of names.slice(0, SPF_MAX_PTR_NAMES)) {
          const n = (raw.endsWith('.') ? raw.slice(0, -1) : raw).toLowerCase();
          if (n !== target && !n.endsWith(`.${target}`)) continue;
          if (await this.isValidated(n)) return true;
        }
        return false;
      }
      case 'exists': {
        this.countTerm(m.text);
        const target = await this.target(m.domainSpec, domain);
        if (target === undefined) return false;
        // RFC 7208 5.7: always an A query, whatever the client's family.
        const r = await this.query(target, 'A');
        if (r.kind === 'error') throw new Abort('temperror', `A lookup for ${target} failed: ${r.error}`);
        if (namesOf(r, 'A').length === 0) {
          this.countVoid(target);
          return false;
        }
        return true;
      }
    }
    return false;
  }

  private anyMatch(addrs: Uint8Array[], m: Mechanism): boolean {
    const prefix = this.ip.family === 4 ? (m.cidr4 ?? 32) : (m.cidr6 ?? 128);
    return addrs.some((b) => cidrMatch(b, this.ip.bytes, prefix));
  }

  private matchAddresses(
    a: { kind: 'ok'; addrs: Uint8Array[] } | { kind: 'void' | 'error' },
    m: Mechanism,
    target: string,
  ): boolean {
    if (a.kind === 'error') throw new Abort('temperror', `address lookup for ${target} failed`);
    if (a.kind !== 'ok') {
      this.countVoid(target);
      return false;
    }
    return this.anyMatch(a.addrs, m);
  }

  /** RFC 7208 6.2: any problem fetching or expanding the explanation means no explanation. */
  async explanation(spec: string, domain: string): Promise<string | undefined> {
    try {
      const name = await expandMacro(spec, this.macroContext(domain, false));
      if (!name.ok) return undefined;
      const target = normalizeTarget(name.value);
      if (target === undefined) return undefined;
      const r = await this.query(target, 'TXT');
      const txt = txtOf(r);
      if (txt.length !== 1) return undefined;
      const text = (txt[0] ?? []).join('');
      const tokens = parseMacroString(text, { explain: true });
      if (!tokens.ok) {
        this.log(`explanation at ${target} ignored: ${tokens.message}`);
        return undefined;
      }
      const expanded = await expandMacro(text, this.macroContext(domain, false), { isExp: true });
      return expanded.ok ? expanded.value : undefined;
    } catch (e) {
      if (e instanceof Abort) return undefined;
      throw e;
    }
  }
}

const QUALIFIER_RESULT = { '+': 'pass', '-': 'fail', '~': 'softfail', '?': 'neutral' } as const;

/**
 * RFC 7208 4 check_host(ip, domain, sender). Never throws for DNS or record problems: they are
 * results (temperror/permerror). Throws TypeError only for an unparseable `ip` (usage error).
 */
export async function checkHost(
  params: CheckHostParams,
  resolver: Resolver,
  options: CheckHostOptions = {},
): Promise<SpfEvaluation> {
  const ip = parseIp(params.ip.trim());
  if (!ip) throw new TypeError(`invalid client IP address "${params.ip}"`);
  const { local, domain: senderDomain } = splitSender(params.sender, params.domain);
  const base: Omit<MacroContext, 'domain' | 'ip' | 'validatedName'> = {
    sender: `${local}@${senderDomain}`,
    localPart: local,
    senderDomain,
    helo: params.helo,
    ...(params.receiver !== undefined ? { receiver: params.receiver } : {}),
    ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
  };
  const ev = new Evaluation(resolver, ip, base, options);
  ev.log(`check_host(${formatIp(ip)}, ${params.domain}, ${base.sender})`);
  let outcome: LevelOutcome;
  try {
    outcome = await ev.checkHost(params.domain, 0, true);
  } catch (e) {
    if (!(e instanceof Abort)) throw e;
    outcome = { result: e.result, problem: e.problem };
  }
  ev.log(`result: ${outcome.result}${outcome.problem ? ` (${outcome.problem})` : ''}`);
  const out: SpfEvaluation = {
    result: outcome.result,
    domain: params.domain,
    lookups: { ...ev.lookups },
    trace: ev.trace,
  };
  if (outcome.explanation !== undefined) out.explanation = outcome.explanation;
  if (outcome.problem !== undefined) out.problem = outcome.problem;
  if (outcome.mechanism !== undefined) out.mechanism = outcome.mechanism;
  if (outcome.mechanismDomain !== undefined) out.mechanismDomain = outcome.mechanismDomain;
  if (outcome.record !== undefined) out.record = outcome.record;
  return out;
}

export interface SenderParams {
  ip: string;
  /** MAIL FROM address; '' for the null reverse-path. */
  sender: string;
  helo: string;
  receiver?: string;
}

export interface SenderEvaluation extends SpfEvaluation {
  /** Which identity was checked (RFC 7208 2.4): MAIL FROM, or HELO for a null reverse-path. */
  identity: 'mailfrom' | 'helo';
}

/**
 * RFC 7208 2.4: checks MAIL FROM, or postmaster@HELO when MAIL FROM is empty; a sender
 * without local-part gets "postmaster" (4.3).
 */
export async function evaluateSender(
  params: SenderParams,
  resolver: Resolver,
  options: CheckHostOptions = {},
): Promise<SenderEvaluation> {
  const identity = params.sender.trim() === '' ? 'helo' : 'mailfrom';
  const sender = identity === 'helo' ? `postmaster@${params.helo}` : params.sender;
  const at = sender.lastIndexOf('@');
  const domain = at < 0 ? sender : sender.slice(at + 1);
  const r = await checkHost(
    {
      ip: params.ip,
      domain,
      sender,
      helo: params.helo,
      ...(params.receiver !== undefined ? { receiver: params.receiver } : {}),
    },
    resolver,
    options,
  );
  return { ...r, identity };
}
