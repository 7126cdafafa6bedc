/**
 * Does a PTR name look like an ISP's or cloud's generic name rather than a mail server's?
 * Receivers (Microsoft, Spamhaus PBL-style heuristics, many Postfix/SpamAssassin setups)
 * treat names such as `pool-71-105-44-3.nycmny.fios.verizon.net` or
 * `ec2-1-2-3-4.compute-1.amazonaws.com` as dynamic or end-user space and score or refuse them.
 * A heuristic, so the finding is a warning, and the reason says what matched.
 */
import { parse as parseHostname } from 'tldts';
import type { ParsedIp } from '../../src/ip.js';
import { hostName } from '../shared/dns.js';

/**
 * Words ISPs put in names of dynamic, residential or customer space. Matched as whole
 * alphabetic tokens of the part left of the registrable domain, so `dynamicsmail.com` or
 * `pool.example` (registrable) do not match. "static" is not here: static space with an
 * address-embedding name is caught by the address rule instead.
 */
export const GENERIC_KEYWORDS: readonly string[] = [
  'dynamic',
  'dyn',
  'dynip',
  'dip',
  'dhcp',
  'pool',
  'dsl',
  'adsl',
  'vdsl',
  'xdsl',
  'sdsl',
  'cable',
  'hsd',
  'ppp',
  'pppoe',
  'dial',
  'dialup',
  'dialin',
  'client',
  'clients',
  'customer',
  'cust',
  'broadband',
  'res',
  'resi',
  'residential',
  'cpe',
  'ftth',
  'unassigned',
];

/** Default reverse names of cloud and hosting providers (suffixes), used until the customer sets one. */
export const CLOUD_DEFAULT_SUFFIXES: readonly string[] = [
  'compute.amazonaws.com',
  'compute-1.amazonaws.com',
  'bc.googleusercontent.com',
  'clients.your-server.de',
  'members.linode.com',
  'ip.linodeusercontent.com',
  'vultrusercontent.com',
  'contaboserver.net',
];

/** Why `name` looks generic for `ip`, or undefined when it does not. */
export function genericNameReason(name: string, ip: ParsedIp): string | undefined {
  const host = hostName(name);
  for (const suffix of CLOUD_DEFAULT_SUFFIXES) {
    if (host === suffix || host.endsWith(`.${suffix}`))
      return `a cloud provider's default name (*.${suffix})`;
  }
  const embedded = ip.family === 4 ? embedsIPv4(host, ip.bytes) : embedsIPv6(host, ip.bytes);
  if (embedded) return `it contains the address (${embedded})`;
  const sub = parseHostname(host).subdomain ?? '';
  const tokens = sub.split(/[^a-z]+/).filter((t) => t !== '');
  const keyword = tokens.find((t) => GENERIC_KEYWORDS.includes(t));
  if (keyword) return `it contains the word "${keyword}"`;
  // "ip-77", "host-12": the dash form ISPs use; "host13" alone is a common server name.
  const prefixed = /(?:^|[.-])((?:ip|host)-[0-9]+)/.exec(sub);
  if (prefixed?.[1]) return `it contains "${prefixed[1]}"`;
  return undefined;
}

const SEP = '[-._x]';

function octet(n: number): string {
  // Allows zero padding: 7, 07, 007.
  return `0{0,${3 - String(n).length}}${n}`;
}

/** The matched text when the name spells the IPv4 address (forward or reversed, separated, padded or hex). */
function embedsIPv4(host: string, bytes: Uint8Array): string | undefined {
  const o = Array.from(bytes);
  // Every decimal form below spells the two middle octets (zero padding only prepends), so
  // a name lacking either digit string cannot match: skip building the patterns, which is
  // the costly part (a fleet run judges thousands of PTR names).
  const decimal = host.includes(String(o[1])) && host.includes(String(o[2]));
  const orders = decimal ? [o, [...o].reverse()] : [];
  for (const seq of orders) {
    const re = new RegExp(`(?<![0-9])${seq.map(octet).join(SEP)}(?![0-9])`);
    const m = re.exec(host);
    if (m) return m[0];
    const padded = seq.map((n) => String(n).padStart(3, '0')).join('');
    const re12 = new RegExp(`(?<![0-9])${padded}(?![0-9])`);
    const m12 = re12.exec(host);
    if (m12) return m12[0];
  }
  const hex = o.map((n) => n.toString(16).padStart(2, '0')).join('');
  if (host.includes(hex)) return hex;
  // Three octets joined by dashes (e.g. OVH's ip-51-68-12.eu): both ends, both orders.
  const triples = decimal ? [o.slice(0, 3), o.slice(1), o.slice(0, 3).reverse(), o.slice(1).reverse()] : [];
  for (const seq of triples) {
    const re3 = new RegExp(`(?<![0-9])${seq.map(octet).join('-')}(?![0-9])`);
    const m3 = re3.exec(host);
    if (m3) return m3[0];
  }
  return undefined;
}

/** The matched text when the name spells the IPv6 address (groups with '-', or all 32 nibbles). */
function embedsIPv6(host: string, bytes: Uint8Array): string | undefined {
  const groups: string[] = [];
  for (let i = 0; i < 8; i++)
    groups.push((((bytes[i * 2] ?? 0) << 8) | (bytes[i * 2 + 1] ?? 0)).toString(16));
  const nibbles = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  const candidates = [
    groups.join('-'),
    groups.map((g) => g.padStart(4, '0')).join('-'),
    nibbles,
    nibbles.split('').reverse().join(''),
  ];
  for (const c of candidates) if (host.includes(c)) return c;
  // Compressed form with ':' written as '-' ("2001-db8--1"); only when long enough to be telling.
  const compressed = compressedDashes(groups);
  if (compressed.length >= 8 && host.includes(compressed)) return compressed;
  return undefined;
}

function compressedDashes(groups: string[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join('-');
  return `${groups.slice(0, bestStart).join('-')}--${groups.slice(bestStart + bestLen).join('-')}`;
}
