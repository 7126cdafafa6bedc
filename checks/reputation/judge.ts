/** The reputation check's pure judgement: evidence in, findings out. No I/O here. */
import type { FindingResult } from '../../src/check.js';
import {
  type ListLookup,
  MAX_IPS_QUERIED,
  MAX_LINK_DOMAINS_QUERIED,
  type ReputationEvidence,
} from './collect.js';
import type { ReputationFindingKey } from './findings.js';
import { BLOCKLIST_IDS, type Blocklist, blocklistById, type ListCategory } from './lists.js';

type Finding = FindingResult<ReputationFindingKey>;

/** The finding of a listing of a sending IP, by the category of the code. */
const IP_FINDING: Readonly<Record<ListCategory, ReputationFindingKey>> = {
  sbl: 'ip-listed-sbl',
  css: 'ip-listed-css',
  xbl: 'ip-listed-xbl',
  drop: 'ip-listed-drop',
  pbl: 'ip-listed-pbl',
  ip: 'ip-listed',
  dbl: 'domain-listed-dbl',
  surbl: 'domain-listed-surbl',
  uribl: 'domain-listed-uribl',
};

/** Items named in one not-checked finding. */
const MAX_ITEMS_NAMED = 10;

export function judgeReputation(evidence: ReputationEvidence): Finding[] {
  const out: Finding[] = [];
  for (const id of evidence.unknownLists) {
    out.push({ key: 'unknown-list', data: { id, known: BLOCKLIST_IDS.join(', ') }, evidence: { id } });
  }
  for (const health of evidence.lists) {
    const list = blocklistById(health.list);
    const failed = health.failed;
    if (!list || health.state === 'ok' || !failed) continue;
    if (health.state === 'broken') out.push(unreliable(list, failed, health.test ?? 'listed'));
    else out.push(notAnswered(list, failed));
  }
  for (const l of evidence.lookups) {
    const list = blocklistById(l.list);
    if (!list) continue;
    if (l.state === 'listed') out.push(...listed(list, l));
    else if (l.state === 'refused' || l.state === 'error') out.push(notAnswered(list, l));
    else if (l.state === 'unexpected') out.push(unexpected(list, l));
  }
  if (evidence.notChecked.length > 0) {
    const items = evidence.notChecked.map((n) => n.item);
    out.push({
      key: 'not-checked',
      data: {
        count: items.length,
        items: items.slice(0, MAX_ITEMS_NAMED).join(', ') + (items.length > MAX_ITEMS_NAMED ? ', ...' : ''),
        maxIps: MAX_IPS_QUERIED,
        maxLinks: MAX_LINK_DOMAINS_QUERIED,
      },
      evidence: { notChecked: evidence.notChecked },
    });
  }
  return out;
}

/** One finding per category a listing falls in (ZEN may answer SBL and PBL at once). */
function listed(list: Blocklist, l: ListLookup): Finding[] {
  const meanings = l.meanings ?? [];
  const categories = [...new Set(meanings.map((m) => m.category))];
  const linkOnly = l.roles.length > 0 && l.roles.every((r) => r === 'link');
  const out: Finding[] = [];
  for (const category of categories) {
    const key: ReputationFindingKey = linkOnly ? 'link-domain-listed' : IP_FINDING[category];
    const meaning = meanings
      .filter((m) => m.category === category)
      .map((m) => m.meaning)
      .join('; ');
    out.push({
      key,
      data: {
        item: l.item,
        list: list.name,
        query: l.query,
        codes: (l.codes ?? []).join(', '),
        meaning,
        roles: rolesText(l.roles),
        lookup: lookupUrl(list, l.item),
        reason: l.txt !== undefined ? ` The list says: "${l.txt}".` : '',
      },
      evidence: { ...lookupEvidence(l), lookup: lookupUrl(list, l.item) },
    });
    if (linkOnly) break;
  }
  return out;
}

/** What a list needs besides your own resolver, for the fix of a refusal or a failed lookup. */
function accessOf(list: Blocklist): string {
  if (list.dqsZone !== undefined) return ' (or use a Spamhaus DQS key: --dqs-key)';
  if (list.needsRegistration) return ' (registered with the list first)';
  return '';
}

/** Said after the reason of a refusal or a failed lookup of a list that wants its users registered. */
function registrationNote(list: Blocklist): string {
  return list.needsRegistration ? ' (this list answers only registered resolvers)' : '';
}

/** A refusal or a failed lookup: what the list said (or the DNS error) and how to get answers. */
function notAnswered(list: Blocklist, l: ListLookup): Finding {
  const data = { list: list.name, query: l.query, item: l.item, access: accessOf(list) };
  if (l.state === 'refused') {
    const code = (l.codes ?? []).join(', ');
    const reason = `${l.reason ?? 'refused'}${registrationNote(list)}`;
    return { key: 'list-refused', data: { ...data, code, reason }, evidence: lookupEvidence(l) };
  }
  const error = `${l.error ?? 'error'}${registrationNote(list)}`;
  return { key: 'lookup-failed', data: { ...data, error }, evidence: lookupEvidence(l) };
}

function unexpected(list: Blocklist, l: ListLookup): Finding {
  return {
    key: 'unexpected-answer',
    data: {
      list: list.name,
      query: l.query,
      item: l.item,
      codes: (l.codes ?? []).join(', '),
      lookup: lookupUrl(list, l.item),
    },
    evidence: lookupEvidence(l),
  };
}

/** A list that lists what must not be listed, or does not list its own test entry (RFC 5782 5). */
function unreliable(list: Blocklist, l: ListLookup, test: 'listed' | 'not-listed'): Finding {
  const answer = l.state === 'not-listed' ? 'no listing' : (l.codes ?? []).join(', ') || l.state;
  const why =
    test === 'not-listed'
      ? 'A list that lists everything has usually shut down (or its domain expired).'
      : 'The list does not answer here (its zone is gone, or it blocks this resolver).';
  return {
    key: 'list-unreliable',
    data: {
      list: list.name,
      query: l.query,
      answer,
      must: test === 'listed' ? 'be listed (RFC 5782 5)' : 'never be listed (RFC 5782 5)',
      why:
        list.needsRegistration && test === 'listed'
          ? `${why} This list answers only registered resolvers.`
          : why,
    },
    evidence: lookupEvidence(l),
  };
}

function rolesText(roles: readonly string[]): string {
  const names: Record<string, string> = {
    from: 'From domain',
    'mail-from': 'MAIL FROM domain',
    dkim: 'DKIM d= domain',
    link: 'linked from the message',
    ip: 'sending IP',
  };
  return roles.map((r) => names[r] ?? r).join(', ');
}

function lookupUrl(list: Blocklist, item: string): string {
  return list.lookupUrl.replace('{item}', encodeURIComponent(item));
}

function lookupEvidence(l: ListLookup): Record<string, unknown> {
  const e: Record<string, unknown> = { list: l.list, item: l.item, query: l.query, state: l.state };
  if (l.roles.length > 0) e['roles'] = l.roles;
  if (l.codes) e['codes'] = l.codes;
  if (l.meanings) e['meanings'] = l.meanings;
  if (l.reason !== undefined) e['reason'] = l.reason;
  if (l.error !== undefined) e['error'] = l.error;
  if (l.txt !== undefined) e['txt'] = l.txt;
  return e;
}
