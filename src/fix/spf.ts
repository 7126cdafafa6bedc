/**
 * The SPF fix for one domain's policy tree (the audited domain, or the MAIL FROM domain): the
 * record edited term by term (the "all", broken or void terms, the sending IPs that did not
 * pass), flattened when it needs too many lookups, split when it does not fit 512 octets.
 */

import { SPF_LOOKUPS_NEAR_LIMIT } from '../../checks/spf/index.js';
import { parseSpf } from '../../checks/spf/record.js';
import type { SpfAuditNode, SpfTreeEvidence } from '../../checks/spf/tree.js';
import type { Mechanism, Term } from '../../checks/spf/types.js';
import { cidrMatch, parseIp } from '../ip-bytes.js';
import type { Resolver } from '../probe/types.js';
import type { Finding } from '../report.js';
import { type FlattenContext, flattenSpf, type RecordLookup } from './spf-flatten.js';
import { splitSpf, txtAnswerBytes } from './spf-split.js';
import { FIX_TTL, type Fix, type FixRecord, type Remaining } from './types.js';

/** Findings of a tree that this fix never clears, and why. */
const SPF_NOT_DNS: Readonly<Record<string, string>> = {
  'dns-error': 'could not be measured (DNS error): nothing to publish until it can',
  'ip-temperror': 'could not be measured (temperror)',
  'sender-dependent': 'informational: macros are kept as written',
  'exp-modifier': 'informational: nothing to fix',
  'broad-range': 'only you know which addresses really send: narrow the range yourself',
};

export interface SpfFixInput {
  tree: SpfTreeEvidence;
  /** The spf findings of this tree. */
  findings: readonly Finding[];
  /** Sending IPs that did not pass against this domain: they are authorised. */
  ips: readonly string[];
  /** The domain has MX hosts (a new record authorises them when no IP is known). */
  hasMx: boolean;
  resolver: Resolver;
  now: Date;
  signal?: AbortSignal;
}

export interface SpfFixOutcome {
  fix?: Fix;
  remaining: Remaining[];
}

const isSpfText = (t: string) => /^v=spf1( |$)/i.test(t);

function ipTerm(ip: string): string {
  return ip.includes(':') ? `ip6:${ip}` : `ip4:${ip}`;
}

/** The root's usable record text, and notes about what was merged or dropped to get it. */
function baseRecord(root: SpfAuditNode, input: SpfFixInput, notes: string[]): string {
  if (root.spf === 'none') {
    // The sending IPs are added by editedRecord, as for every record.
    const terms: string[] = [];
    if (input.ips.length === 0 && input.hasMx) {
      terms.push('mx');
      notes.push(
        'no sending IP was given (--ip): the new record authorises the MX hosts; add your providers',
      );
    }
    if (input.ips.length === 0 && terms.length === 0)
      notes.push(`no sending IP and no MX: ${root.domain} is taken to send no mail`);
    return ['v=spf1', ...terms, '-all'].join(' ');
  }
  if (root.spf === 'many') {
    const seen = new Set<string>();
    const terms: string[] = [];
    let end = '~all';
    for (const text of root.spfRecords ?? []) {
      const parsed = parseSpf(text);
      if (!parsed.ok) continue;
      for (const m of parsed.record.mechanisms) {
        if (m.name === 'all') {
          if (m.qualifier === '-') end = '-all';
          break;
        }
        const key = m.text.toLowerCase();
        if (!seen.has(key)) terms.push(m.text);
        seen.add(key);
      }
    }
    notes.push(`merged ${root.spfRecords?.length ?? 0} SPF records into one (RFC 7208 4.5)`);
    return ['v=spf1', ...terms, end].join(' ');
  }
  let text = root.record ?? 'v=spf1 -all';
  // A syntax error: drop the offending term until the record parses (bounded by its terms).
  for (let i = 0; i < text.length; i++) {
    const parsed = parseSpf(text);
    if (parsed.ok) break;
    notes.push(`dropped "${parsed.error.term}": ${parsed.error.message}`);
    text = text
      .split(' ')
      .filter((t, j, all) => !(t === parsed.error.term && all.indexOf(t) === j))
      .join(' ');
  }
  return text;
}

/** Terms of the root that the audit found broken: includes to nothing, loops, void names. */
function brokenRootTerms(tree: SpfTreeEvidence): Map<string, string> {
  const out = new Map<string, string>();
  const root = tree.nodes[0];
  if (!root) return out;
  for (const id of root.children) {
    const c = tree.nodes[id];
    if (!c || c.viaTerm === undefined) continue;
    const broken =
      c.status === 'loop' ||
      (c.status === 'fetched' &&
        c.dns?.kind !== 'error' &&
        (c.spf === 'none' || c.spf === 'many' || c.parseError !== undefined));
    if (broken) out.set(c.viaTerm, `${c.domain} gives a permerror`);
  }
  for (const t of root.targets) if (t.void) out.set(t.term, `${t.name} has no records (void lookup)`);
  return out;
}

/** The root record with its own terms corrected. */
function editedRecord(text: string, tree: SpfTreeEvidence, ips: readonly string[], notes: string[]): string {
  const parsed = parseSpf(text);
  if (!parsed.ok) return 'v=spf1 -all';
  const broken = brokenRootTerms(tree);
  const out: string[] = [];
  let all: string | undefined;
  for (const t of parsed.record.terms as Term[]) {
    if (t.kind === 'modifier') continue;
    const m = t as Mechanism;
    if (all !== undefined) continue; // RFC 7208 5.1: never evaluated after "all"
    if (m.name === 'all') {
      all = m.qualifier === '+' ? '-all' : m.qualifier === '?' ? '~all' : m.text;
      if (all !== m.text) notes.push(`replaced "${m.text}" with "${all}"`);
      continue;
    }
    if (m.name === 'ptr') {
      notes.push(`dropped "${m.text}": ptr SHOULD NOT be used (RFC 7208 5.5)`);
      continue;
    }
    const why = broken.get(m.text);
    if (why !== undefined) {
      notes.push(`dropped "${m.text}": ${why}`);
      continue;
    }
    out.push(m.text);
  }
  const kept = out.flatMap((t) => {
    const p = parseSpf(`v=spf1 ${t}`);
    return p.ok ? p.record.mechanisms : [];
  });
  for (const ip of ips) {
    if (coveredByRange(ip, kept)) continue;
    out.push(ipTerm(ip));
    notes.push(`authorised the sending IP ${ip}`);
  }
  const mods = parsed.record.terms.filter((t) => t.kind === 'modifier' && (t.name !== 'redirect' || !all));
  if (all === undefined && !parsed.record.redirect) {
    all = '-all';
    notes.push('ended the record with "-all"');
  }
  return ['v=spf1', ...out, ...(all ? [all] : []), ...mods.map((m) => m.text)].join(' ');
}

/** Whether an ip4/ip6 term with "+" already authorises the address. */
function coveredByRange(ip: string, mechanisms: readonly Mechanism[]): boolean {
  const addr = parseIp(ip);
  if (!addr) return false;
  return mechanisms.some((m) => {
    if (m.qualifier !== '+' || (m.name !== 'ip4' && m.name !== 'ip6') || m.ip === undefined) return false;
    if ((m.name === 'ip4') !== (addr.family === 4)) return false;
    const net = parseIp(m.ip);
    const prefix = (m.name === 'ip4' ? m.cidr4 : m.cidr6) ?? (addr.family === 4 ? 32 : 128);
    return net !== undefined && cidrMatch(net.bytes, addr.bytes, prefix);
  });
}

function owner(f: Finding): string | undefined {
  const chain = f.evidence.chain;
  if (Array.isArray(chain) && typeof chain[0] === 'string') return chain[0];
  return typeof f.evidence.domain === 'string' ? f.evidence.domain : undefined;
}

/** Whether a finding of the tree sits in the root's own record (or is about the whole tree). */
function atRoot(f: Finding, root: string): boolean {
  const where = f.evidence.parent ?? f.evidence.domain;
  return typeof where !== 'string' || where === root;
}

export function spfFindingOwner(f: Finding): string | undefined {
  return owner(f);
}

function knownRecords(tree: SpfTreeEvidence): (domain: string) => RecordLookup | undefined {
  return (domain) => {
    const n = tree.nodes.find((x) => x.domain === domain && x.status === 'fetched' && x.via !== 'root');
    if (!n || n.recordTruncated || n.txtTruncated) return undefined;
    if (n.dns?.kind === 'error') return { kind: 'error', why: `TXT ${domain}: ${n.dns.error ?? 'error'}` };
    if (n.spf === 'one' && n.record !== undefined) return { kind: 'record', text: n.record };
    if (n.spf === 'none') return { kind: 'broken', why: `${domain} publishes no SPF record` };
    if (n.spf === 'many') return { kind: 'broken', why: `${domain} publishes several SPF records` };
    return undefined;
  };
}

export async function planSpfFix(input: SpfFixInput): Promise<SpfFixOutcome> {
  const { tree } = input;
  const root = tree.nodes[0];
  const remaining: Remaining[] = [];
  const notDns = (f: Finding, reason: string) => remaining.push({ id: f.id, reason });
  if (!root || root.dns?.kind === 'error') {
    for (const f of input.findings) notDns(f, 'could not be measured: the SPF record could not be read');
    return { remaining };
  }
  const notes: string[] = [];
  const warnings: string[] = [];
  const edited = editedRecord(baseRecord(root, input, notes), tree, input.ips, notes);
  const ctx: FlattenContext = { resolver: input.resolver, known: knownRecords(tree) };
  if (input.signal) ctx.signal = input.signal;
  const otherTxt = root.txt.map((s) => s.join('')).filter((t) => !isSpfText(t));
  const otherBytes = otherTxt.reduce((n, t) => n + txtAnswerBytes(t), 0);

  const flat = await flattenSpf(tree.domain, edited, ctx);
  const heavy = flat.ok
    ? flat.originalLookups >= SPF_LOOKUPS_NEAR_LIMIT
    : tree.totalLookups >= SPF_LOOKUPS_NEAR_LIMIT;
  const mxTooMany = input.findings.some((f) => f.id === 'spf/too-many-mx-names' && atRoot(f, tree.domain));
  const tooLong = txtAnswerBytes(edited) + otherBytes > 512;
  let flattened = false;
  let keptIncludes = false;
  let records: { name: string; text: string }[] = [{ name: tree.domain, text: edited }];
  let unfixable: string | undefined;
  if (heavy || mxTooMany || tooLong) {
    if (!flat.ok) {
      unfixable = `could not flatten: ${flat.reason}`;
    } else {
      const split = splitSpf(tree.domain, flat.items, otherBytes);
      if (!split.ok) unfixable = `could not flatten: ${split.reason}`;
      else if (split.lookups >= SPF_LOOKUPS_NEAR_LIMIT)
        unfixable = `flattened, the record still needs ${split.lookups} lookups (terms that cannot be flattened)`;
      else {
        flattened = true;
        keptIncludes = flat.items.some((i) => i.kind === 'term' && i.text.startsWith('include:'));
        records = [{ name: tree.domain, text: split.root }, ...split.parts];
        notes.push(...flat.notes);
        warnings.push(
          `flattened on ${input.now.toISOString().slice(0, 10)}: the ranges are your providers' as of that day; ` +
            'they go stale when a provider changes its addresses: flatten again regularly',
        );
      }
    }
  }

  const claimed: string[] = [];
  const errorLeft = { value: false };
  for (const f of input.findings) {
    const key = f.id.slice('spf/'.length);
    const fixedReason = SPF_NOT_DNS[key];
    if (fixedReason !== undefined) {
      notDns(f, fixedReason);
      if (f.severity === 'error') errorLeft.value = true;
      continue;
    }
    if (key === 'ip-permerror') continue; // decided below, once the others are known
    const lookupKey = key === 'too-many-lookups' || key === 'lookups-near-limit';
    if (lookupKey && unfixable !== undefined) {
      notDns(f, unfixable);
      errorLeft.value = true;
      continue;
    }
    if (atRoot(f, tree.domain) || (flattened && !keptIncludes)) {
      claimed.push(f.id);
      continue;
    }
    notDns(
      f,
      `in a record its owner publishes (${String(f.evidence.parent ?? f.evidence.domain)}): ask them, or flatten`,
    );
    if (f.severity === 'error') errorLeft.value = true;
  }
  for (const f of input.findings) {
    if (f.id !== 'spf/ip-permerror') continue;
    if (errorLeft.value) notDns(f, 'the permerror comes from a part this fix cannot correct');
    else claimed.push(f.id);
  }
  if (claimed.length === 0) return { remaining };

  const fixRecords: FixRecord[] = records.map((r, i) => ({
    name: r.name,
    type: 'TXT',
    ttl: FIX_TTL,
    values: i === 0 ? [r.text, ...otherTxt] : [r.text],
    comments:
      i === 0
        ? otherTxt.length > 0
          ? ['the other TXT records at this name are kept: the RRset replaces the whole TXT set']
          : []
        : [`part ${i} of the split SPF record of ${tree.domain}`],
  }));
  return {
    fix: { kind: 'spf', findings: [...new Set(claimed)], records: fixRecords, warnings, notes },
    remaining,
  };
}
