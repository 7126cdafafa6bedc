/**
 * Seeded generator of a synthetic sending world for the fleet benchmark: N identities
 * modelled on real sending setups, and the DNS zone that serves them through the lab.
 *
 * What is in it (weights in the *_WEIGHTS tables below):
 * - Shared ESP trees: `espmail` (Google-style: one record with three nested includes holding
 *   ip4/ip6 ranges), `bulkmta` (ip4 ranges), `cloudsend` (ip6 + ip4 ranges), `crmsuite` (a
 *   chain of three includes), 64 corporate records reached by `redirect=`, and dead ESP
 *   names (broken includes, NXDOMAIN).
 * - SPF per identity: ESP include, ESP ranges, own IPs plus ESP, redirect=, +all, broken
 *   include, over the 10-lookup limit (RFC 7208 4.6.4), or none.
 * - DMARC at the domain, at the organisational domain only (the identity is a subdomain),
 *   or missing; external rua= destinations authorised by a wildcard report record.
 * - DKIM at one to three common selectors (all listed in the identity: known selectors),
 *   some delegated by CNAME to the ESP, some with one selector's key missing.
 * - MX: a shared hosted MX pair, an own MX host, none (implicit MX) or a null MX. The mail
 *   servers sit at documentation addresses; with `{ smtp: true }` on loopback addresses where
 *   the benchmark starts real SMTP servers (worldSmtpServers, bench/smtp-lab.ts).
 * - Sending IPs from ESP pools (good PTR) or dedicated (good, missing or mismatched PTR).
 *
 * Everything random is drawn in `planWorld` (one mulberry32 stream per seed); `buildZone`
 * is a pure function of the plan. So a process that only needs the identities (the audit
 * worker) and one that serves the zone (the lab) agree without shipping the zone around.
 * The zone is built as a `Zone` directly: no YAML and no per-record validation, since at
 * 100,000 identities parse cost would dominate; shared records are one object.
 */
import type { Zone, ZoneNode, ZoneRecord, ZoneType } from '../src/lab/zone.js';
import type { MxData, SoaData } from '../src/probe/types.js';

export type SpfKind =
  | 'esp-nested'
  | 'esp-ranges'
  | 'own-ip'
  | 'redirect'
  | 'plus-all'
  | 'broken-include'
  | 'over-limit'
  | 'missing';
export type DmarcKind = 'own' | 'own-external-rua' | 'org-only' | 'missing';
export type DkimKind = 'ok' | 'cname' | 'missing-one';
export type MxKind = 'hosted' | 'own' | 'implicit' | 'null';
export type PtrKind = 'good' | 'missing' | 'mismatch';

export interface IdentityKinds {
  spf: SpfKind;
  dmarc: DmarcKind;
  dkim: DkimKind;
  mx: MxKind;
  /** One per sending IP, in `target.ips` order. */
  ptr: PtrKind[];
}

/** What the audit is asked about one identity (a TargetInput with known selectors). */
export interface WorldTarget {
  domain: string;
  ips: string[];
  helo?: string;
  dkimSelectors: string[];
  dkimDiscovery: false;
  profile: 'bulk' | 'transactional';
}

export interface WorldIdentity {
  index: number;
  /** Organisational domain: the identity's domain or its parent. */
  org: string;
  target: WorldTarget;
  kinds: IdentityKinds;
  /** Index of the corporate SPF record a `redirect` identity points to. */
  corp?: number;
  /** Index of the dead ESP name a `broken-include` identity includes. */
  dead?: number;
  /** The ESP of an `esp-ranges` identity. */
  esp?: 'bulkmta' | 'cloudsend';
}

export interface WorldPlan {
  seed: number;
  identities: WorldIdentity[];
}

export interface WorldStats {
  identities: number;
  ips: number;
  spf: Record<SpfKind, number>;
  dmarc: Record<DmarcKind, number>;
  dkim: Record<DkimKind, number>;
  mx: Record<MxKind, number>;
  ptr: Record<PtrKind, number>;
  selectors: number;
}

/** Upper bound on identities, so a typo cannot exhaust memory (100.64.0.0/10 holds 4M IPs). */
export const WORLD_MAX_IDENTITIES = 1_000_000;

export const SPF_WEIGHTS: Record<SpfKind, number> = {
  'esp-nested': 33,
  'esp-ranges': 18,
  'own-ip': 15,
  redirect: 9,
  'plus-all': 4,
  'broken-include': 6,
  'over-limit': 7,
  missing: 8,
};
export const DMARC_WEIGHTS: Record<DmarcKind, number> = {
  own: 50,
  'own-external-rua': 20,
  'org-only': 15,
  missing: 15,
};
export const DKIM_WEIGHTS: Record<DkimKind, number> = { ok: 75, cname: 15, 'missing-one': 10 };
export const MX_WEIGHTS: Record<MxKind, number> = { hosted: 55, own: 30, implicit: 12, null: 3 };
/** Dedicated IPs only; ESP pool IPs always have a forward-confirmed PTR. */
export const PTR_WEIGHTS: Record<PtrKind, number> = { good: 70, missing: 18, mismatch: 12 };

export const SELECTOR_POOL = ['s1', 's2', 'k1', 'google', 'selector1', 'mail', 'default', 'dkim', 'smtp'];
export const CORP_COUNT = 64;
export const DEAD_ESPS = ['spf.gone-esp.example', '_spf.oldmailer.example', 'spf.typo-esp.example'];
const POOL_SIZE = 1024;
const CLOUD_POOL_SIZE = 512;
const CORP_POOL_SIZE = 200;

/** A fixed 2048-bit RSA public key (SPKI, base64): every key record of the world holds it. */
export const WORLD_DKIM_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEArJya2jELb/Bnpdnk8I3kzs3U0EhCbU6ClrWdayJOU+Bb4YcF9sWrOalNamDKpbwerrlc4SQXhsk89oh65nJwpW2vIN04MUby8EBSDrFvhy0fyuvmSnUYhLDpWA5Hnf/DcJQinuRojd4f6pAeiLEUbSmhqgEdDMhrCN0FTBGJYav5968I7iA+9VFzCxwpfQyd/RTu1XDRSH4JjQW51hLv9ck2KtAIZowyb8RCRWfKJ4EGiLoJ/zSlixllauGlQy6tDcdlNEIkv/OZ5YSa+8imtw72TpZnNW8Zg/Vh35QlazLG3ltNt97LcWnuaaYEs7KIBkJdsuorSK9Ta4VMQSMFHQIDAQAB';

/** mulberry32: small, fast, good enough for a benchmark world; same seed, same world. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<K extends string>(random: () => number, weights: Record<K, number>): K {
  const entries = Object.entries(weights) as [K, number][];
  let total = 0;
  for (const [, w] of entries) total += w;
  let r = random() * total;
  for (const [k, w] of entries) {
    r -= w;
    if (r < 0) return k;
  }
  return entries[entries.length - 1]![0];
}

function ip4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
const BASE_ESPMAIL = (198 << 24) | (18 << 16); // 198.18.0.0/20 (RFC 2544 benchmarking range)
const BASE_BULKMTA = (198 << 24) | (18 << 16) | (16 << 8); // 198.18.16.0/19
const BASE_CLOUD4 = (198 << 24) | (18 << 16) | (48 << 8); // 198.18.48.0/20
const BASE_DEDICATED = ((100 << 24) | (64 << 16)) >>> 0; // 100.64.0.0/10, one address per use

export function espmailIp(k: number): string {
  return ip4((BASE_ESPMAIL + k * 4) >>> 0);
}
export function bulkmtaIp(k: number): string {
  return ip4((BASE_BULKMTA + k * 8) >>> 0);
}
export function cloudIp6(k: number): string {
  return `2001:db8:c5::${(k + 1).toString(16)}`;
}
export function cloudIp4(k: number): string {
  return ip4((BASE_CLOUD4 + k) >>> 0);
}
export function corpIp(corp: number, k: number): string {
  return `198.19.${corp}.${k + 1}`;
}

/** Plans a world of `n` identities: every random choice is made here. */
export function planWorld(n: number, seed = 1): WorldPlan {
  if (!Number.isInteger(n) || n < 0 || n > WORLD_MAX_IDENTITIES) {
    throw new RangeError(`identities must be an integer 0..${WORLD_MAX_IDENTITIES}, got ${n}`);
  }
  const random = mulberry32(seed);
  const int = (max: number) => Math.floor(random() * max);
  let dedicated = 0;
  const nextDedicated = () => ip4((BASE_DEDICATED + dedicated++) >>> 0);
  const identities: WorldIdentity[] = [];
  for (let i = 0; i < n; i++) {
    const org = `brand${i}.example`;
    const spf = pick(random, SPF_WEIGHTS);
    const dmarc = pick(random, DMARC_WEIGHTS);
    const dkim = pick(random, DKIM_WEIGHTS);
    const mx = pick(random, MX_WEIGHTS);
    const domain = dmarc === 'org-only' ? `news.${org}` : org;
    const identity: WorldIdentity = {
      index: i,
      org,
      target: { domain, ips: [], dkimSelectors: [], dkimDiscovery: false, profile: 'bulk' },
      kinds: { spf, dmarc, dkim, mx, ptr: [] },
    };
    if (random() < 0.2) identity.target.profile = 'transactional';
    const ipCount = 1 + (random() < 0.35 ? 1 : 0);
    const addPool = (ip: string) => {
      identity.target.ips.push(ip);
      identity.kinds.ptr.push('good');
    };
    switch (spf) {
      case 'esp-nested':
        for (let k = 0; k < ipCount; k++) addPool(espmailIp(int(POOL_SIZE)));
        break;
      case 'esp-ranges':
        identity.esp = random() < 0.5 ? 'bulkmta' : 'cloudsend';
        if (identity.esp === 'bulkmta') {
          for (let k = 0; k < ipCount; k++) addPool(bulkmtaIp(int(POOL_SIZE)));
        } else {
          addPool(cloudIp6(int(CLOUD_POOL_SIZE)));
          if (ipCount > 1) addPool(cloudIp4(int(CLOUD_POOL_SIZE)));
        }
        break;
      case 'redirect': {
        const corp = int(CORP_COUNT);
        identity.corp = corp;
        for (let k = 0; k < ipCount; k++) addPool(corpIp(corp, int(CORP_POOL_SIZE)));
        break;
      }
      default:
        // own servers: dedicated addresses with their own reverse DNS
        for (let k = 0; k < ipCount; k++) {
          identity.target.ips.push(nextDedicated());
          identity.kinds.ptr.push(pick(random, PTR_WEIGHTS));
        }
        identity.target.helo = `mail.${org}`;
    }
    if (spf === 'broken-include') identity.dead = int(DEAD_ESPS.length);
    // Dedupe pool draws (two draws may hit the same address).
    const seen = new Set<string>();
    for (let k = identity.target.ips.length - 1; k >= 0; k--) {
      const ip = identity.target.ips[k]!;
      if (seen.has(ip)) {
        identity.target.ips.splice(k, 1);
        identity.kinds.ptr.splice(k, 1);
      }
      seen.add(ip);
    }
    const selectorCount = 1 + int(3);
    const pool = [...SELECTOR_POOL];
    for (let k = 0; k < selectorCount; k++) {
      identity.target.dkimSelectors.push(pool.splice(int(pool.length), 1)[0]!);
    }
    identities.push(identity);
  }
  return { seed, identities };
}

export function worldStats(plan: WorldPlan): WorldStats {
  const zero = <K extends string>(w: Record<K, number>) =>
    Object.fromEntries(Object.keys(w).map((k) => [k, 0])) as Record<K, number>;
  const stats: WorldStats = {
    identities: plan.identities.length,
    ips: 0,
    spf: zero(SPF_WEIGHTS),
    dmarc: zero(DMARC_WEIGHTS),
    dkim: zero(DKIM_WEIGHTS),
    mx: zero(MX_WEIGHTS),
    ptr: zero(PTR_WEIGHTS),
    selectors: 0,
  };
  for (const id of plan.identities) {
    stats.spf[id.kinds.spf]++;
    stats.dmarc[id.kinds.dmarc]++;
    stats.dkim[id.kinds.dkim]++;
    stats.mx[id.kinds.mx]++;
    for (const p of id.kinds.ptr) stats.ptr[p]++;
    stats.ips += id.target.ips.length;
    stats.selectors += id.target.dkimSelectors.length;
  }
  return stats;
}

/** Reverse-mapping name of an address (RFC 1035 3.5, RFC 3596 2.5). */
export function reverseName(ip: string): string {
  if (!ip.includes(':')) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const nibbles = groups.map((g) => g.padStart(4, '0')).join('');
  return `${[...nibbles].reverse().join('.')}.ip6.arpa`;
}

const TTL = 300;

// --- where the world's mail servers are -----------------------------------------------------

/** Without --smtp: documentation addresses (RFC 5737), nothing listens there. */
const DOC_SHARED_MX_ADDRESSES = ['192.0.2.10', '192.0.2.11'] as const;
const DOC_IMPLICIT_MX_ADDRESS = '192.0.2.20';
const DOC_OWN_MX_BASE = ((192 << 24) | (0 << 16) | (2 << 8) | 128) >>> 0;
/** Addresses the own MX hosts share (one per org host, round robin). */
export const WORLD_OWN_MX_SERVERS = 100;

/**
 * With --smtp: loopback addresses where the benchmark's lab starts one real SMTP server each
 * (STARTTLS, a certificate from the lab CA naming every host served there). The shared hosted
 * pair sits in one /24, the own servers are spread over SMTP_OWN_MX_NETWORKS /24s, so the
 * probe's per-/24 politeness has something to hold back.
 */
export const SMTP_SHARED_MX_ADDRESSES = ['127.0.80.10', '127.0.80.11'] as const;
/** The own (private) servers' /24s: 127.0.81.0/24 .. 127.0.84.0/24. */
export const SMTP_OWN_MX_NETWORKS = 4;
const SMTP_OWN_MX_FIRST_NETWORK = 81;
const SMTP_OWN_MX_FIRST_HOST = 10;

/** The k-th own SMTP server's address (k modulo WORLD_OWN_MX_SERVERS), spread over the /24s. */
export function smtpOwnMxAddress(k: number): string {
  const n = k % WORLD_OWN_MX_SERVERS;
  const net = SMTP_OWN_MX_FIRST_NETWORK + (n % SMTP_OWN_MX_NETWORKS);
  return `127.0.${net}.${SMTP_OWN_MX_FIRST_HOST + Math.floor(n / SMTP_OWN_MX_NETWORKS)}`;
}

/** The shared hosted MX pair (preference 10 and 20). */
export const SHARED_MX_HOSTS = ['mx1.mailhost.example', 'mx2.mailhost.example'] as const;

/** Where the zone puts the mail servers: documentation addresses, or loopback with --smtp. */
interface MxAddressing {
  shared: readonly [string, string];
  /** The next org's own MX host (kind `own`). */
  own(): string;
}

function mxAddressing(smtp: boolean): MxAddressing {
  let k = 0;
  if (!smtp)
    return {
      shared: DOC_SHARED_MX_ADDRESSES,
      own: () => ip4((DOC_OWN_MX_BASE + (k++ % WORLD_OWN_MX_SERVERS)) >>> 0),
    };
  return { shared: SMTP_SHARED_MX_ADDRESSES, own: () => smtpOwnMxAddress(k++) };
}

/** One SMTP server of the --smtp world: its address and the host names that resolve to it. */
export interface WorldSmtpServer {
  address: string;
  kind: 'shared' | 'own';
  /** Host names served here (the certificate names them all); sorted. */
  names: string[];
}

/**
 * The SMTP servers of a plan's --smtp world (`buildZone(plan, { smtp: true })`): every address
 * an MX host resolves to, with the names resolving there (the shared pair always; own servers
 * that some org's MX host uses). A domain without MX (implicit MX) keeps its documentation
 * address: mx-tls probes MX hosts only, so nothing would connect there.
 */
export function worldSmtpServers(plan: WorldPlan): WorldSmtpServer[] {
  const addressing = mxAddressing(true);
  const servers = new Map<string, WorldSmtpServer>();
  const serve = (address: string, name: string, kind: WorldSmtpServer['kind']) => {
    let s = servers.get(address);
    if (!s) {
      s = { address, kind, names: [] };
      servers.set(address, s);
    }
    s.names.push(name);
  };
  serve(addressing.shared[0], SHARED_MX_HOSTS[0], 'shared');
  serve(addressing.shared[1], SHARED_MX_HOSTS[1], 'shared');
  for (const id of plan.identities) {
    if (id.kinds.mx === 'own') serve(addressing.own(), ownMxHost(id.org), 'own');
  }
  for (const s of servers.values()) s.names.sort();
  return [...servers.values()];
}

function ownMxHost(org: string): string {
  return `mx.${org}`;
}

export interface ZoneOptions {
  /** Mail servers on loopback (worldSmtpServers) instead of documentation addresses. */
  smtp?: boolean;
}

function txt(text: string): ZoneRecord {
  const bytes = Buffer.from(text, 'utf8');
  const data: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 255) data.push(bytes.subarray(i, i + 255));
  return { type: 'TXT', data: data.length ? data : [Buffer.alloc(0)] };
}

/** Builds the zone of a plan: shared infrastructure plus every identity's records. */
export function buildZone(plan: WorldPlan, options: ZoneOptions = {}): Zone {
  const mxAt = mxAddressing(options.smtp === true);
  const nodes = new Map<string, ZoneNode>();
  const node = (name: string): ZoneNode => {
    let n = nodes.get(name);
    if (!n) {
      n = { name, ttl: TTL, rrsets: new Map() };
      nodes.set(name, n);
    }
    return n;
  };
  const add = (name: string, record: ZoneRecord) => {
    const n = node(name);
    const set = n.rrsets.get(record.type as ZoneType);
    if (Array.isArray(set)) set.push(record);
    else n.rrsets.set(record.type as ZoneType, [record]);
  };
  const shared = new Map<string, ZoneRecord>();
  const sharedTxt = (text: string): ZoneRecord => {
    let r = shared.get(text);
    if (!r) {
      r = txt(text);
      shared.set(text, r);
    }
    return r;
  };
  const a = (ip: string): ZoneRecord => ({ type: ip.includes(':') ? 'AAAA' : 'A', data: ip });
  const ptr = (host: string): ZoneRecord => ({ type: 'PTR', data: host });
  const mx = (data: MxData): ZoneRecord => ({ type: 'MX', data });
  const soaData: SoaData = {
    mname: 'ns1.dns-host.example',
    rname: 'hostmaster.dns-host.example',
    serial: 2024010101,
    refresh: 7200,
    retry: 3600,
    expire: 1209600,
    minimum: 300,
  };
  const soa: ZoneRecord = { type: 'SOA', data: soaData };

  // --- shared infrastructure ---------------------------------------------------------
  for (const apex of [
    'espmail.example',
    'bulkmta.example',
    'cloudsend.example',
    'crmsuite.example',
    'mailhost.example',
    'dmarcsvc.example',
    'dns-host.example',
  ]) {
    add(apex, soa);
  }
  add(
    '_spf.espmail.example',
    txt(
      'v=spf1 include:_netblocks1.espmail.example include:_netblocks2.espmail.example include:_netblocks3.espmail.example ~all',
    ),
  );
  add('_netblocks1.espmail.example', txt('v=spf1 ip4:198.18.0.0/22 ip4:198.18.4.0/23 ~all'));
  add(
    '_netblocks2.espmail.example',
    txt('v=spf1 ip4:198.18.6.0/23 ip4:198.18.8.0/22 ip6:2001:db8:e5::/48 ~all'),
  );
  add('_netblocks3.espmail.example', txt('v=spf1 ip4:198.18.12.0/22 ~all'));
  add('spf.bulkmta.example', txt('v=spf1 ip4:198.18.16.0/20 ip4:198.18.32.0/20 ~all'));
  add('_spf.cloudsend.example', txt('v=spf1 ip6:2001:db8:c5::/48 ip4:198.18.48.0/20 -all'));
  add('_spf.crmsuite.example', txt('v=spf1 ip4:198.18.64.0/24 include:_a.crmsuite.example ~all'));
  add('_a.crmsuite.example', txt('v=spf1 ip4:198.18.65.0/24 include:_b.crmsuite.example ~all'));
  add('_b.crmsuite.example', txt('v=spf1 ip4:198.18.66.0/24 include:_c.crmsuite.example ~all'));
  add('_c.crmsuite.example', txt('v=spf1 ip4:198.18.67.0/24 ~all'));
  for (let c = 0; c < CORP_COUNT; c++) {
    add(`corp${c}.example`, soa);
    add(`_spf.corp${c}.example`, txt(`v=spf1 ip4:198.19.${c}.0/24 include:spf.bulkmta.example -all`));
    for (let k = 0; k < CORP_POOL_SIZE; k++) {
      const host = `relay${k}.corp${c}.example`;
      add(host, a(corpIp(c, k)));
      add(reverseName(corpIp(c, k)), ptr(host));
    }
  }
  for (let k = 0; k < POOL_SIZE; k++) {
    const e = `o${k}.out.espmail.example`;
    add(e, a(espmailIp(k)));
    add(reverseName(espmailIp(k)), ptr(e));
    const b = `mta${k}.bulkmta.example`;
    add(b, a(bulkmtaIp(k)));
    add(reverseName(bulkmtaIp(k)), ptr(b));
  }
  for (let k = 0; k < CLOUD_POOL_SIZE; k++) {
    const h6 = `s${k}.v6.cloudsend.example`;
    add(h6, a(cloudIp6(k)));
    add(reverseName(cloudIp6(k)), ptr(h6));
    const h4 = `s${k}.v4.cloudsend.example`;
    add(h4, a(cloudIp4(k)));
    add(reverseName(cloudIp4(k)), ptr(h4));
  }
  add(SHARED_MX_HOSTS[0], a(mxAt.shared[0]));
  add(SHARED_MX_HOSTS[1], a(mxAt.shared[1]));
  // RFC 7489 7.1: the report receiver authorises every policy domain at once.
  add('*._report._dmarc.dmarcsvc.example', txt('v=DMARC1'));

  const hostedMx = [
    mx({ preference: 10, exchange: SHARED_MX_HOSTS[0] }),
    mx({ preference: 20, exchange: SHARED_MX_HOSTS[1] }),
  ];
  const nullMx = mx({ preference: 0, exchange: '' });
  const key = sharedTxt(`v=DKIM1; k=rsa; p=${WORLD_DKIM_KEY}`);
  const dmarcExternal = sharedTxt('v=DMARC1; p=quarantine; rua=mailto:rua@dmarcsvc.example');
  const verification = sharedTxt('site-verification=bench-world');

  // --- identities -------------------------------------------------------------------------
  for (const id of plan.identities) {
    const { org, target, kinds } = id;
    const d = target.domain;
    add(org, soa);
    const esp = 'include:_spf.espmail.example';
    const own = target.ips.map((ip) => (ip.includes(':') ? `ip6:${ip}` : `ip4:${ip}`)).join(' ');
    switch (kinds.spf) {
      case 'esp-nested':
        add(d, sharedTxt(`v=spf1 ${esp} -all`));
        break;
      case 'esp-ranges':
        add(
          d,
          sharedTxt(
            id.esp === 'cloudsend'
              ? 'v=spf1 include:_spf.cloudsend.example -all'
              : 'v=spf1 include:spf.bulkmta.example ~all',
          ),
        );
        break;
      case 'own-ip':
        add(d, txt(`v=spf1 ${own} ${esp} -all`));
        break;
      case 'redirect':
        add(d, sharedTxt(`v=spf1 redirect=_spf.corp${id.corp ?? 0}.example`));
        break;
      case 'plus-all':
        add(d, sharedTxt('v=spf1 include:spf.bulkmta.example +all'));
        break;
      case 'broken-include':
        add(d, txt(`v=spf1 ${esp} include:${DEAD_ESPS[id.dead ?? 0]} ${own} -all`));
        break;
      case 'over-limit':
        // a + mx + espmail (4) + bulkmta + cloudsend + crmsuite (4) = 12 > 10 (RFC 7208 4.6.4)
        add(
          d,
          txt(
            `v=spf1 a mx ${esp} include:spf.bulkmta.example include:_spf.cloudsend.example include:_spf.crmsuite.example ${own} -all`,
          ),
        );
        break;
      case 'missing':
        add(d, verification);
        break;
    }
    switch (kinds.dmarc) {
      case 'own':
        add(`_dmarc.${d}`, txt(`v=DMARC1; p=reject; rua=mailto:dmarc@${org}`));
        break;
      case 'own-external-rua':
        add(`_dmarc.${d}`, dmarcExternal);
        break;
      case 'org-only':
        add(`_dmarc.${org}`, txt(`v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc@${org}`));
        break;
      case 'missing':
        break;
    }
    for (const [k, sel] of target.dkimSelectors.entries()) {
      const name = `${sel}._domainkey.${d}`;
      if (kinds.dkim === 'missing-one' && k === 0) continue;
      if (kinds.dkim === 'cname') {
        const hosted = `${sel}.${id.index}.dkim.espmail.example`;
        add(name, { type: 'CNAME', data: hosted });
        add(hosted, key);
      } else {
        add(name, key);
      }
    }
    switch (kinds.mx) {
      case 'hosted':
        for (const r of hostedMx) add(d, r);
        break;
      case 'own': {
        add(d, mx({ preference: 10, exchange: ownMxHost(org) }));
        add(ownMxHost(org), a(mxAt.own()));
        break;
      }
      case 'implicit':
        add(d, a(DOC_IMPLICIT_MX_ADDRESS));
        break;
      case 'null':
        add(d, nullMx);
        break;
    }
    // Dedicated IPs: the PTR names mail.<org>; its A record confirms the good ones only.
    if (target.helo !== undefined) {
      const host = target.helo;
      let confirmed = false;
      for (const [k, ip] of target.ips.entries()) {
        const p = kinds.ptr[k];
        if (p === 'missing') continue;
        add(reverseName(ip), ptr(host));
        if (p === 'good') {
          add(host, a(ip));
          confirmed = true;
        }
      }
      // A mismatched PTR names a host whose address is another one.
      if (!confirmed) add(host, a('192.0.2.99'));
    }
  }
  return { nodes };
}

/** The world in one call: plan (identities) and zone. */
export function generateWorld(
  n: number,
  seed = 1,
  options: ZoneOptions = {},
): { plan: WorldPlan; zone: Zone } {
  const plan = planWorld(n, seed);
  return { plan, zone: buildZone(plan, options) };
}
