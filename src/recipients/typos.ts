/**
 * Typo suggestions for recipient domains: the big mailbox providers' domains, mistyped
 * top-level domains, and the list's own most frequent domains. A suggestion is advice shown
 * beside the address; nothing is ever rewritten.
 */

/**
 * The big consumer mailbox providers' domains (Gmail, Yahoo, Microsoft, Apple, AOL, GMX/WEB.DE,
 * Yandex, Mail.ru, Proton, national ISPs). Order breaks ties between equally near candidates.
 */
export const PROVIDER_DOMAINS: readonly string[] = [
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'yahoo.de',
  'yahoo.es',
  'yahoo.it',
  'yahoo.co.jp',
  'yahoo.com.br',
  'ymail.com',
  'rocketmail.com',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'hotmail.de',
  'hotmail.it',
  'hotmail.es',
  'outlook.com',
  'outlook.fr',
  'outlook.de',
  'live.com',
  'live.co.uk',
  'live.fr',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'gmx.de',
  'gmx.net',
  'gmx.com',
  'gmx.at',
  'web.de',
  'mail.com',
  'yandex.ru',
  'yandex.com',
  'mail.ru',
  'proton.me',
  'protonmail.com',
  'orange.fr',
  'wanadoo.fr',
  'free.fr',
  'laposte.net',
  'sfr.fr',
  't-online.de',
  'libero.it',
  'virgilio.it',
  'comcast.net',
  'verizon.net',
  'att.net',
  'sbcglobal.net',
  'btinternet.com',
  'sky.com',
  'qq.com',
  '163.com',
  'naver.com',
  'seznam.cz',
  'wp.pl',
  'o2.pl',
  'interia.pl',
  'zoho.com',
];

const PROVIDERS: ReadonlySet<string> = new Set(PROVIDER_DOMAINS);

/** Mistyped top-level labels and the one meant. `.co` is a real TLD and is not here. */
export const TLD_TYPOS: Readonly<Record<string, string>> = {
  con: 'com',
  cmo: 'com',
  ocm: 'com',
  comm: 'com',
  coom: 'com',
  vom: 'com',
  xom: 'com',
  cpm: 'com',
  cim: 'com',
  ckm: 'com',
  copm: 'com',
  nte: 'net',
  nett: 'net',
  ent: 'net',
  ogr: 'org',
  orgg: 'org',
  rog: 'org',
};

/**
 * A lookalike that receives mail is flagged only at one edit from a provider whose first label
 * has at least this many letters: `gmial.com` is a typo, `mx.com` or `wed.de` are other domains.
 */
export const LOOKALIKE_MIN_LABEL_CHARS = 5;
/** Edits allowed to a candidate: 1 for short names, 2 from this many characters of the domain. */
export const TWO_EDITS_MIN_CHARS = 10;

/**
 * Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions, each
 * substring edited once), or `max + 1` as soon as it must exceed `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (prev2[j - 2] as number) + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n] as number;
}

export interface TypoVerdict {
  kind: 'likely-typo' | 'provider-lookalike' | 'tld';
  /** The domain probably meant. */
  suggestion: string;
}

/** The nearest candidate within the allowed edits (ties: the first in `candidates`). */
function nearest(
  domain: string,
  candidates: Iterable<string>,
): { domain: string; distance: number } | undefined {
  const max = domain.length >= TWO_EDITS_MIN_CHARS ? 2 : 1;
  let best: { domain: string; distance: number } | undefined;
  for (const c of candidates) {
    if (c === domain) return undefined;
    const d = editDistance(domain, c, best ? best.distance - 1 : max);
    if (d <= max && (!best || d < best.distance)) best = { domain: c, distance: d };
  }
  return best;
}

/** A mistyped top-level label (TLD_TYPOS), with the domain fixed. */
export function tldTypoOf(domain: string): TypoVerdict | undefined {
  const dot = domain.lastIndexOf('.');
  const fixed = TLD_TYPOS[domain.slice(dot + 1)];
  return dot > 0 && fixed !== undefined
    ? { kind: 'tld', suggestion: `${domain.slice(0, dot)}.${fixed}` }
    : undefined;
}

/**
 * What looks mistyped about `domain`: `receivesMail` says whether DNS found a mail host for it.
 * A domain that takes no mail gets the nearest provider or frequent domain, or a fixed TLD;
 * one that takes mail is flagged only when it is one edit from a long provider domain.
 */
export function typoOf(
  domain: string,
  receivesMail: boolean,
  frequent: readonly string[] = [],
): TypoVerdict | undefined {
  if (PROVIDERS.has(domain)) return undefined;
  if (!receivesMail) {
    const near = nearest(domain, [...PROVIDER_DOMAINS, ...frequent.filter((f) => f !== domain)]);
    if (near) return { kind: 'likely-typo', suggestion: near.domain };
    const dot = domain.lastIndexOf('.');
    const fixed = TLD_TYPOS[domain.slice(dot + 1)];
    if (dot > 0 && fixed !== undefined)
      return { kind: 'tld', suggestion: `${domain.slice(0, dot)}.${fixed}` };
    return undefined;
  }
  for (const p of PROVIDER_DOMAINS) {
    if (p.indexOf('.') < LOOKALIKE_MIN_LABEL_CHARS) continue;
    if (editDistance(domain, p, 1) <= 1) return { kind: 'provider-lookalike', suggestion: p };
  }
  return undefined;
}

/**
 * The list's most frequent domains that take mail, counted as the list streams by: a bounded
 * map (at most MAX_TRACKED entries; when full, the domains seen once are dropped), from which
 * the top TOP_N with at least MIN_COUNT addresses are candidates for typo suggestions. Early in
 * a list the top is still forming, so a typo of a list-specific domain seen before that domain
 * became frequent is matched against the providers only.
 */
export class FrequentDomains {
  static readonly MAX_TRACKED = 20_000;
  static readonly TOP_N = 50;
  static readonly MIN_COUNT = 5;
  /** The top is recomputed after this many additions. */
  static readonly REFRESH_EVERY = 1_000;
  private counts = new Map<string, number>();
  private added = 0;
  private top: string[] = [];
  /** Changes whenever the top changes: typo verdicts computed against an older top are stale. */
  version = 0;

  add(domain: string): void {
    if (PROVIDERS.has(domain)) return;
    const had = this.counts.get(domain);
    if (had === undefined && this.counts.size >= FrequentDomains.MAX_TRACKED) this.makeRoom();
    const count = (had ?? 0) + 1;
    this.counts.set(domain, count);
    // A domain becomes a candidate as soon as it is frequent enough, while the top has room.
    if (
      count === FrequentDomains.MIN_COUNT &&
      this.top.length < FrequentDomains.TOP_N &&
      !this.top.includes(domain)
    ) {
      this.top = [...this.top, domain];
      this.version++;
    }
    if (++this.added % FrequentDomains.REFRESH_EVERY === 0) this.refresh();
  }

  /**
   * Forgets the least frequent tenth of the tracked domains at once, so the map is scanned at
   * most once per MAX_TRACKED / 10 new domains. (Scanning it for every new domain once it was
   * full made a list with a long tail of domains quadratic: ~20% of a 1,000,000-address run.)
   */
  private makeRoom(): void {
    const counts = Float64Array.from(this.counts.values()).sort();
    const threshold = counts[Math.floor(counts.length / 10)] ?? 0;
    for (const [d, c] of this.counts) if (c <= threshold) this.counts.delete(d);
  }

  /** The current top domains, most frequent first. */
  current(): readonly string[] {
    return this.top;
  }

  refresh(): void {
    // One pass keeping the TOP_N most frequent (most first, then by name), not a sort of all.
    const top: [string, number][] = [];
    for (const entry of this.counts) {
      if (entry[1] < FrequentDomains.MIN_COUNT) continue;
      if (top.length === FrequentDomains.TOP_N && !ranksAbove(entry, top[top.length - 1]!)) continue;
      let at = top.length;
      while (at > 0 && ranksAbove(entry, top[at - 1]!)) at--;
      top.splice(at, 0, entry);
      if (top.length > FrequentDomains.TOP_N) top.pop();
    }
    const names = top.map(([d]) => d);
    const same = names.length === this.top.length && [...names].sort().join() === [...this.top].sort().join();
    this.top = names;
    if (!same) this.version++;
  }
}

/** `a` comes before `b` in the top: more frequent, then by name. */
function ranksAbove(a: [string, number], b: [string, number]): boolean {
  return a[1] > b[1] || (a[1] === b[1] && a[0] < b[0]);
}

/** The typo reasons said of this domain (the reason table's meaning gives only an example). */
export function typoDetail(domain: string, typo: TypoVerdict): string {
  switch (typo.kind) {
    case 'tld':
      return `The top-level domain of ${domain} looks mistyped: ${typo.suggestion} is the likely one.`;
    case 'provider-lookalike':
      return `${domain} takes mail (or was not looked up) but is one edit from ${typo.suggestion}, a big provider's domain: typo domains like it are typically registered to catch misdirected mail.`;
    case 'likely-typo':
      return `${domain} does not take mail and is a small edit away from ${typo.suggestion}: that is probably what was meant.`;
  }
}
