/**
 * What the reputation check gathers: first each chosen list's health (its RFC 5782 5 test
 * entries: the one that must be listed and the one that must not), then, for each healthy list,
 * the A answer for each sending IP or domain (and the TXT reason of a listing). All I/O goes
 * through the probe's resolver, whose run cache makes a question asked twice in a run (the
 * health probe of every audit of a fleet, an IP shared by many identities) cost one query.
 */
import type { CollectContext, ReputationSettings } from '../../src/check.js';
import { organisationalDomainPsl } from '../../src/orgdomain.js';
import type { DnsErrorKind, Resolver } from '../../src/probe/types.js';
import type { Target } from '../../src/report.js';
import { addressesOf, hostName, txtTexts } from '../shared/dns.js';
import { type Decoded, decodeAnswer, queryPrefix, zoneOf } from './decode.js';
import { BLOCKLISTS, type Blocklist, blocklistById, type CodeMeaning } from './lists.js';

/** Sending IPs queried per audit (the target allows 64; a sender rarely has more than a few). */
export const MAX_IPS_QUERIED = 16;
/** Link domains of a message queried per audit: a campaign links a handful; spam links many. */
export const MAX_LINK_DOMAINS_QUERIED = 25;
/** Characters kept of a listing's TXT reason (it is shown to people, never parsed). */
export const MAX_REASON_CHARS = 256;

/** Where a domain comes from. */
export type ItemRole = 'ip' | 'from' | 'mail-from' | 'dkim' | 'link';

/** The outcome of one question to one list. */
export type LookupState = 'listed' | 'not-listed' | 'refused' | 'unexpected' | 'error';

export interface ListLookup {
  list: string;
  item: string;
  roles: ItemRole[];
  /** The name asked, a DQS key masked. */
  query: string;
  state: LookupState;
  codes?: string[];
  meanings?: CodeMeaning[];
  /** Why a refusal is one. */
  reason?: string;
  error?: DnsErrorKind;
  /** The list's TXT text for a listing, bounded and printable ASCII only. */
  txt?: string;
}

/** Whether a list can be believed this run, from its test entries. */
export type ListHealthState = 'ok' | 'refused' | 'broken' | 'error';

export interface ListHealth {
  list: string;
  name: string;
  /** The zone asked, a DQS key masked. */
  zone: string;
  state: ListHealthState;
  /** The test lookup that made the list unusable, when one did. */
  failed?: ListLookup;
  /** Which test failed: the entry that must be listed, or the one that must not. */
  test?: 'listed' | 'not-listed';
}

export interface SkippedItem {
  item: string;
  roles: ItemRole[];
}

export interface ReputationEvidence {
  dqs: boolean;
  lists: ListHealth[];
  lookups: ListLookup[];
  /** Items over the bounds, not queried. */
  notChecked: SkippedItem[];
  /** Ids asked for in the settings that name no list. */
  unknownLists: string[];
}

interface Item {
  item: string;
  roles: ItemRole[];
}

/** The lists a run uses: the settings' choice, or the defaults. */
export function chosenLists(settings: ReputationSettings | undefined): {
  lists: Blocklist[];
  unknown: string[];
} {
  if (settings?.lists === undefined) return { lists: BLOCKLISTS.filter((l) => l.byDefault), unknown: [] };
  const lists: Blocklist[] = [];
  const unknown: string[] = [];
  for (const id of settings.lists) {
    if (id === 'none') continue;
    const list = blocklistById(id);
    if (!list) unknown.push(id);
    else if (!lists.includes(list)) lists.push(list);
  }
  return { lists, unknown };
}

export async function collectReputation(target: Target, ctx: CollectContext): Promise<ReputationEvidence> {
  const settings = ctx.reputation;
  const { lists, unknown } = chosenLists(settings);
  const dqsKey = settings?.dqsKey;
  const { ips, domains, notChecked } = itemsOf(target);
  const dns = ctx.probe.dns;
  const health = await Promise.all(lists.map((l) => listHealth(dns, l, dqsKey, ctx.signal)));
  const questions: Promise<ListLookup>[] = [];
  lists.forEach((list, i) => {
    if (health[i]?.state !== 'ok') return;
    for (const it of list.kind === 'ip' ? ips : domains)
      questions.push(lookup(dns, list, it.item, it.roles, dqsKey, ctx.signal, true));
  });
  return {
    dqs: dqsKey !== undefined,
    lists: health,
    lookups: await Promise.all(questions),
    notChecked,
    unknownLists: unknown,
  };
}

/** The sending IPs and the domains to ask about, deduplicated, with their roles, within the bounds. */
function itemsOf(target: Target): { ips: Item[]; domains: Item[]; notChecked: SkippedItem[] } {
  const notChecked: SkippedItem[] = [];
  const ips = target.ips.slice(0, MAX_IPS_QUERIED).map((ip): Item => ({ item: ip, roles: ['ip'] }));
  for (const ip of target.ips.slice(MAX_IPS_QUERIED)) notChecked.push({ item: ip, roles: ['ip'] });
  const domains: Item[] = [];
  const add = (name: string | undefined, role: ItemRole): void => {
    if (name === undefined) return;
    // The lists hold registered domains (URIBL: "we strip all hostparts"): ask for that.
    const registered = organisationalDomainPsl(hostName(name));
    if (registered === null) return;
    const known = domains.find((d) => d.item === registered);
    if (known) {
      if (!known.roles.includes(role)) known.roles.push(role);
      return;
    }
    domains.push({ item: registered, roles: [role] });
  };
  add(target.domain, 'from');
  add(target.mailFrom, 'mail-from');
  add(target.dkimDomain, 'dkim');
  const links = target.message?.links.domains ?? [];
  let linkCount = 0;
  for (const link of links) {
    const registered = organisationalDomainPsl(hostName(link));
    if (registered === null) continue;
    const known = domains.find((d) => d.item === registered);
    if (known) {
      if (!known.roles.includes('link')) known.roles.push('link');
      continue;
    }
    if (linkCount >= MAX_LINK_DOMAINS_QUERIED) {
      if (!notChecked.some((n) => n.item === registered))
        notChecked.push({ item: registered, roles: ['link'] });
      continue;
    }
    linkCount++;
    domains.push({ item: registered, roles: ['link'] });
  }
  return { ips, domains, notChecked };
}

/**
 * A list's health from its test entries (RFC 5782 5): the entry that must not be listed is
 * asked first; a list that lists it answers everything (shut down, wildcard, parked domain)
 * and is "broken". Then the entry that must be listed: a refusal there means the list refuses
 * this resolver; no listing means the list does not answer here (blocked resolver, zone gone).
 */
async function listHealth(
  dns: Resolver,
  list: Blocklist,
  dqsKey: string | undefined,
  signal: AbortSignal,
): Promise<ListHealth> {
  const base = { list: list.id, name: list.name, zone: zoneOf(list, dqsKey).shown };
  const [negative, positive] = await Promise.all([
    lookup(dns, list, list.testNotListed, [], dqsKey, signal, false),
    lookup(dns, list, list.testListed, [], dqsKey, signal, false),
  ]);
  for (const [test, l] of [
    ['not-listed', negative],
    ['listed', positive],
  ] as const) {
    if (l.state === 'refused') return { ...base, state: 'refused', failed: l, test };
    if (l.state === 'error') return { ...base, state: 'error', failed: l, test };
  }
  if (negative.state !== 'not-listed')
    return { ...base, state: 'broken', failed: negative, test: 'not-listed' };
  if (positive.state !== 'listed') return { ...base, state: 'broken', failed: positive, test: 'listed' };
  return { ...base, state: 'ok' };
}

/** One question to one list; `withReason` also asks the TXT of a listing. */
async function lookup(
  dns: Resolver,
  list: Blocklist,
  item: string,
  roles: ItemRole[],
  dqsKey: string | undefined,
  signal: AbortSignal,
  withReason: boolean,
): Promise<ListLookup> {
  const zone = zoneOf(list, dqsKey);
  // Test entries of domain lists (`invalid`, `test.surbl.org`) are asked as written.
  const prefix = queryPrefix(item, list.kind) ?? item;
  const out: ListLookup = {
    list: list.id,
    item,
    roles,
    query: `${prefix}.${zone.shown}`,
    state: 'not-listed',
  };
  const r = await dns.query(`${prefix}.${zone.zone}`, 'A', { signal });
  if (r.kind === 'error') return { ...out, state: 'error', error: r.error };
  const addresses = addressesOf(r, 'A');
  if (addresses.length === 0) return out;
  const decoded: Decoded = decodeAnswer(list, addresses);
  if (decoded.state === 'refused')
    return { ...out, state: 'refused', codes: [decoded.code], reason: decoded.reason };
  if (decoded.state === 'unexpected') return { ...out, state: 'unexpected', codes: decoded.codes };
  const listed: ListLookup = { ...out, state: 'listed', codes: decoded.codes, meanings: decoded.meanings };
  if (withReason) {
    const txt = txtTexts(await dns.query(`${prefix}.${zone.zone}`, 'TXT', { signal }))[0];
    if (txt !== undefined && txt !== '') listed.txt = printable(txt, dqsKey);
  }
  return listed;
}

/** Printable ASCII, bounded, a DQS key masked (a list may echo the name asked). */
function printable(text: string, dqsKey: string | undefined): string {
  let t = text.replace(/[^\x20-\x7e]/g, '?');
  if (dqsKey !== undefined) t = t.split(dqsKey).join('<key>');
  return t.length > MAX_REASON_CHARS ? `${t.slice(0, MAX_REASON_CHARS - 3)}...` : t;
}
