/**
 * SPF flattening: a record whose include tree needs too many DNS lookups (RFC 7208 4.6.4)
 * rewritten as ip4/ip6 terms that authorise the same addresses. The rules (README "--fix"):
 * - include: replaced by the addresses for which the included record gives "pass" (RFC 7208
 *   5.2), computed exactly: ranges behind an earlier non-pass term of that record are removed;
 * - redirect= followed: the target's terms continue the record (RFC 7208 6.1);
 * - a and mx: resolved now to ip4/ip6 with their prefix lengths (they go stale, like includes);
 * - ptr: dropped with a note (RFC 7208 5.5: SHOULD NOT be used);
 * - exists: and terms with macros: kept as written (they depend on the sender); an include
 *   whose record cannot be inlined exactly (a non-pass term before such a term, or a macro that
 *   names the current domain, %{d} or %{p}) is kept as an include;
 * - an include whose target publishes no usable SPF record is dropped (it was a permerror);
 * - a DNS error anywhere stops the flattening: nothing is proposed that was not measured.
 */
import { parseMacroString, parseSpf, selectSpfRecord } from '../../checks/spf/record.js';
import { staticDomain } from '../../checks/spf/tree.js';
import type { Qualifier } from '../../checks/spf/types.js';
import type { DnsResult, Resolver, RRType } from '../probe/types.js';
import { type AddressSet, emptySet, isEmpty, setToTerms, singleRange, subtract, union } from './cidr.js';

/** Records walked while flattening one tree (hostile trees may fan out). */
export const FLATTEN_MAX_RECORDS = 100;
/** Include/redirect nesting followed (RFC 7208 4.6.4 allows 10 lookups, so deeper is broken). */
export const FLATTEN_MAX_DEPTH = 10;
/** Names resolved for a/mx terms while flattening. */
export const FLATTEN_MAX_NAMES = 100;
/** RFC 7208 4.6.4: an mx term over more than 10 names is a permerror. */
export const FLATTEN_MAX_MX_NAMES = 10;

/** An address range set with a qualifier, a term kept as written, or the record's "all". */
export type FlatItem =
  | { kind: 'set'; qualifier: Qualifier; set: AddressSet }
  | { kind: 'term'; qualifier: Qualifier; text: string; lookups: number }
  | { kind: 'all'; qualifier: Qualifier };

/** Where the flattener reads an SPF record: the audit's evidence first, else DNS. */
export type RecordLookup =
  | { kind: 'record'; text: string }
  | { kind: 'broken'; why: string }
  | { kind: 'error'; why: string };

export interface FlattenContext {
  resolver: Resolver;
  /** The record at a domain as the audit saw it, when it did. */
  known: (domain: string) => RecordLookup | undefined;
  signal?: AbortSignal;
}

export type FlattenResult =
  | { ok: true; items: FlatItem[]; originalLookups: number; notes: string[] }
  | { ok: false; reason: string };

class Stop extends Error {}

const ALL_ADDRESSES: AddressSet = union(singleRange('0.0.0.0', 0, 4), singleRange('::', 0, 6));

function qualifierOf(q: Qualifier): string {
  return q === '+' ? '' : q;
}

/** Whether a domain-spec's expansion depends on the current domain (%{d}, %{p}: RFC 7208 7.3). */
function namesCurrentDomain(spec: string): boolean {
  const parsed = parseMacroString(spec);
  if (!parsed.ok) return true;
  return parsed.tokens.some((t) => t.kind === 'macro' && (t.letter === 'd' || t.letter === 'p'));
}

class Flattener {
  readonly notes: string[] = [];
  private records = 0;
  private names = 0;

  constructor(private readonly ctx: FlattenContext) {}

  private async ask(name: string, type: RRType): Promise<DnsResult> {
    if (this.names++ >= FLATTEN_MAX_NAMES) throw new Stop(`more than ${FLATTEN_MAX_NAMES} names to resolve`);
    try {
      return await this.ctx.resolver.query(name, type, this.ctx.signal ? { signal: this.ctx.signal } : {});
    } catch (e) {
      throw new Stop(`${type} ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async record(domain: string): Promise<RecordLookup> {
    const known = this.ctx.known(domain);
    if (known) return known;
    const r = await this.ask(domain, 'TXT');
    if (r.kind === 'error') return { kind: 'error', why: `TXT ${domain}: ${r.error}` };
    const txt: string[][] = [];
    if (r.kind === 'ok') for (const rec of r.records) if (rec.type === 'TXT') txt.push(rec.data);
    const sel = selectSpfRecord(txt);
    if (sel.kind === 'none') return { kind: 'broken', why: `${domain} publishes no SPF record` };
    if (sel.kind === 'many') return { kind: 'broken', why: `${domain} publishes several SPF records` };
    return { kind: 'record', text: sel.text };
  }

  /** A and AAAA addresses of a name (the set a/mx terms stand for), widened by the prefixes. */
  private async addresses(name: string, cidr4: number, cidr6: number): Promise<AddressSet> {
    let out = emptySet();
    for (const type of ['A', 'AAAA'] as const) {
      const r = await this.ask(name, type);
      if (r.kind === 'error') throw new Stop(`${type} ${name}: ${r.error}`);
      if (r.kind !== 'ok') continue;
      for (const rec of r.records) {
        if (rec.type === 'A') out = union(out, singleRange(rec.data, cidr4, 4));
        if (rec.type === 'AAAA') out = union(out, singleRange(rec.data, cidr6, 6));
      }
    }
    return out;
  }

  private async mxAddresses(name: string, cidr4: number, cidr6: number): Promise<AddressSet> {
    const r = await this.ask(name, 'MX');
    if (r.kind === 'error') throw new Stop(`MX ${name}: ${r.error}`);
    let out = emptySet();
    if (r.kind !== 'ok') return out;
    const hosts = [...new Set(r.records.flatMap((x) => (x.type === 'MX' ? [x.data.exchange] : [])))];
    if (hosts.length > FLATTEN_MAX_MX_NAMES) throw new Stop(`${name} has more than 10 MX names`);
    for (const host of hosts)
      if (host !== '' && host !== '.') out = union(out, await this.addresses(host, cidr4, cidr6));
    return out;
  }

  /** The items of the record at `domain` (its lookups counted as the original costs them). */
  async itemsOf(
    domain: string,
    text: string,
    chain: string[],
  ): Promise<{ items: FlatItem[]; lookups: number }> {
    if (this.records++ >= FLATTEN_MAX_RECORDS) throw new Stop(`more than ${FLATTEN_MAX_RECORDS} records`);
    const parsed = parseSpf(text);
    if (!parsed.ok) throw new Stop(`the record at ${domain} does not parse: ${parsed.error.message}`);
    const items: FlatItem[] = [];
    let lookups = 0;
    let ended = false;
    for (const m of parsed.record.mechanisms) {
      const q = m.qualifier;
      if (m.name === 'all') {
        items.push({ kind: 'all', qualifier: q });
        ended = true;
        break;
      }
      if (m.name === 'ip4' || m.name === 'ip6') {
        const family = m.name === 'ip4' ? 4 : 6;
        const prefix = (family === 4 ? m.cidr4 : m.cidr6) ?? (family === 4 ? 32 : 128);
        items.push({ kind: 'set', qualifier: q, set: singleRange(m.ip ?? '', prefix, family) });
        continue;
      }
      lookups++;
      const spec = m.domainSpec;
      const target = spec === undefined ? domain : staticDomain(spec);
      if (m.name === 'ptr') {
        this.notes.push(`dropped "${m.text}" from ${domain}: ptr SHOULD NOT be used (RFC 7208 5.5)`);
        continue;
      }
      if (m.name === 'exists' || target === undefined) {
        // Depends on the sender: kept as written (its own lookup stays).
        items.push({ kind: 'term', qualifier: q, text: m.text.replace(/^[-+~?]/, ''), lookups: 1 });
        continue;
      }
      if (m.name === 'a' || m.name === 'mx') {
        const set =
          m.name === 'a'
            ? await this.addresses(target, m.cidr4 ?? 32, m.cidr6 ?? 128)
            : await this.mxAddresses(target, m.cidr4 ?? 32, m.cidr6 ?? 128);
        if (isEmpty(set))
          this.notes.push(`dropped "${m.text}" from ${domain}: ${target} has no address (a void lookup)`);
        else items.push({ kind: 'set', qualifier: q, set });
        continue;
      }
      // include
      const child = await this.child(domain, target, m.text, chain);
      if (!child) continue;
      lookups += child.lookups;
      const inlined = inlineInclude(child.items, q);
      if (inlined) items.push(...inlined);
      else items.push({ kind: 'term', qualifier: q, text: `include:${target}`, lookups: 1 + child.lookups });
    }
    const redirect = parsed.record.redirect;
    if (!ended && redirect) {
      lookups++;
      const target = staticDomain(redirect.value);
      if (target === undefined) throw new Stop(`"${redirect.text}" at ${domain} depends on the sender`);
      const child = await this.child(domain, target, redirect.text, chain);
      if (child) {
        // RFC 7208 6.1: the target's result is the record's result; its %{d} is the target.
        if (child.items.some((i) => i.kind === 'term' && namesCurrentDomain(i.text)))
          throw new Stop(`"${redirect.text}" leads to terms that name their own domain`);
        lookups += child.lookups;
        items.push(...child.items);
      }
    }
    return { items, lookups };
  }

  private async child(
    parent: string,
    target: string,
    term: string,
    chain: string[],
  ): Promise<{ items: FlatItem[]; lookups: number } | undefined> {
    if (chain.includes(target)) {
      this.notes.push(`dropped "${term}" from ${parent}: it loops back to ${target}`);
      return undefined;
    }
    if (chain.length > FLATTEN_MAX_DEPTH)
      throw new Stop(`nesting deeper than ${FLATTEN_MAX_DEPTH} at ${target}`);
    const rec = await this.record(target);
    if (rec.kind === 'error') throw new Stop(rec.why);
    if (rec.kind === 'broken') {
      this.notes.push(`dropped "${term}" from ${parent}: ${rec.why} (a permerror, RFC 7208 5.2)`);
      return undefined;
    }
    return this.itemsOf(target, rec.text, [...chain, target]);
  }
}

/**
 * The parent's terms for "include" with qualifier q over the included record's items: each
 * range that gives "pass" there matches here with q, minus what an earlier term of the included
 * record already decided. Undefined when that cannot be written exactly (a kept term after a
 * non-pass one, or a kept term that names its own domain).
 */
export function inlineInclude(child: readonly FlatItem[], q: Qualifier): FlatItem[] | undefined {
  const out: FlatItem[] = [];
  let decided = emptySet();
  let nonPassSeen = false;
  for (const item of child) {
    if (item.kind === 'term') {
      if (item.qualifier !== '+' || nonPassSeen || namesCurrentDomain(item.text)) return undefined;
      out.push({ ...item, qualifier: q });
      continue;
    }
    const set = item.kind === 'all' ? ALL_ADDRESSES : item.set;
    if (item.qualifier === '+') {
      const passing = subtract(set, decided);
      if (!isEmpty(passing)) out.push({ kind: 'set', qualifier: q, set: passing });
    } else {
      nonPassSeen = true;
    }
    decided = union(decided, set);
    if (item.kind === 'all') break;
  }
  return out;
}

/**
 * Fewer, equivalent items: addresses an earlier item already decides are removed, consecutive
 * ranges with one qualifier are merged, nothing after "all" is kept.
 */
export function simplify(items: readonly FlatItem[]): FlatItem[] {
  const out: FlatItem[] = [];
  let decided = emptySet();
  for (const item of items) {
    if (item.kind === 'all') {
      out.push(item);
      break;
    }
    if (item.kind === 'term') {
      out.push(item);
      continue;
    }
    const fresh = subtract(item.set, decided);
    decided = union(decided, item.set);
    if (isEmpty(fresh)) continue;
    const last = out[out.length - 1];
    if (last?.kind === 'set' && last.qualifier === item.qualifier) last.set = union(last.set, fresh);
    else out.push({ kind: 'set', qualifier: item.qualifier, set: fresh });
  }
  return out;
}

/** SPF terms of items, in order. */
export function itemTerms(item: FlatItem): string[] {
  if (item.kind === 'all') return [`${qualifierOf(item.qualifier)}all`];
  if (item.kind === 'term') return [`${qualifierOf(item.qualifier)}${item.text}`];
  return setToTerms(item.set).map((t) => `${qualifierOf(item.qualifier)}${t}`);
}

/** DNS lookups the items cost (RFC 7208 4.6.4). */
export function itemLookups(items: readonly FlatItem[]): number {
  return items.reduce((n, i) => n + (i.kind === 'term' ? i.lookups : 0), 0);
}

/** Flattens the record `text` published at `domain`. */
export async function flattenSpf(domain: string, text: string, ctx: FlattenContext): Promise<FlattenResult> {
  const f = new Flattener(ctx);
  try {
    const { items, lookups } = await f.itemsOf(domain, text, [domain]);
    return { ok: true, items: simplify(items), originalLookups: lookups, notes: f.notes };
  } catch (e) {
    if (e instanceof Stop) return { ok: false, reason: e.message };
    throw e;
  }
}
