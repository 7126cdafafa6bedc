/**
 * The recipient benchmark's world: D domains with a realistic mix, and a list of N addresses
 * over them with a Zipf-like distribution (a few big providers hold most addresses, a long
 * tail holds the rest), plus typos of the providers. Deterministic from a seed. The lab child
 * (bench/lab-child.ts, world "recipients") serves the zone; bench/recipients.ts makes the list.
 */
import { type Zone, zoneFromObject } from '../src/lab/index.js';
import { mulberry32 } from './world.js';

/** The big providers' stand-ins (real names: typos are judged against them). */
export const BIG_PROVIDERS = ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'icloud.com'];
/** Typo domains that do not exist, each drawn for about 1 address in TYPO_EVERY. */
export const TYPO_DOMAINS = ['gmial.com', 'gmail.con', 'hotmial.com', 'yahooo.com', 'outlok.com'];
const TYPO_EVERY = 250;
/** Share of the tail domains of each kind, per thousand (the rest take mail normally). */
const NXDOMAIN_PER_MILLE = 30;
const NULL_MX_PER_MILLE = 10;
const IMPLICIT_PER_MILLE = 20;
const PRIVATE_MX_PER_MILLE = 5;
/** Zipf exponent of the domain ranks. */
const ZIPF_S = 1.0;

type Kind = 'ok' | 'nxdomain' | 'null-mx' | 'implicit' | 'private-mx';

/** The domain of rank r (0-based) and what it is. */
export function domainOf(rank: number): { name: string; kind: Kind } {
  if (rank < BIG_PROVIDERS.length) return { name: BIG_PROVIDERS[rank] as string, kind: 'ok' };
  const m = (rank * 7919) % 1000;
  const kind: Kind =
    m < NXDOMAIN_PER_MILLE
      ? 'nxdomain'
      : m < NXDOMAIN_PER_MILLE + NULL_MX_PER_MILLE
        ? 'null-mx'
        : m < NXDOMAIN_PER_MILLE + NULL_MX_PER_MILLE + IMPLICIT_PER_MILLE
          ? 'implicit'
          : m < NXDOMAIN_PER_MILLE + NULL_MX_PER_MILLE + IMPLICIT_PER_MILLE + PRIVATE_MX_PER_MILLE
            ? 'private-mx'
            : 'ok';
  // Scrambled names: consecutive ranks are not one edit apart (they would read as typos of each other).
  return { name: `${(Math.imul(rank, 2654435761) >>> 0).toString(36)}-${rank}.com`, kind };
}

/** A public-looking address for host i (no connection is ever made). */
function addressOf(i: number): string {
  return `23.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

export function buildRecipientsZone(domains: number): Zone {
  const world: Record<string, unknown> = {
    com: { SOA: 'a.nic.lab hostmaster.nic.lab 1 1800 900 604800 86400' },
  };
  for (let r = 0; r < domains; r++) {
    const { name, kind } = domainOf(r);
    if (kind === 'nxdomain') continue;
    if (kind === 'null-mx') world[name] = { MX: ['0 .'] };
    else if (kind === 'implicit') world[name] = { A: addressOf(r) };
    else if (kind === 'private-mx') {
      world[name] = { MX: [`10 mx.${name}`] };
      world[`mx.${name}`] = { A: `10.${(r >> 8) & 255}.${r & 255}.25` };
    } else if (r < BIG_PROVIDERS.length) {
      world[name] = { MX: [5, 10, 20].map((p, i) => `${p} mx${i}.${name}`) };
      for (let i = 0; i < 3; i++) world[`mx${i}.${name}`] = { A: addressOf(r * 8 + i) };
    } else {
      // Tail domains share hosting: one MX host per 50 domains, as at an ESP or hoster.
      const host = `mx${Math.floor(r / 50)}.hoster.com`;
      world[name] = { MX: [`10 ${host}`] };
      world[host] = { A: addressOf(1_000_000 + Math.floor(r / 50)) };
    }
  }
  return zoneFromObject(world);
}

/** A sampler of domain ranks with P(r) proportional to 1 / (r + 1)^ZIPF_S. */
export function zipfSampler(domains: number, random: () => number): () => number {
  const cumulative = new Float64Array(domains);
  let sum = 0;
  for (let r = 0; r < domains; r++) {
    sum += 1 / (r + 1) ** ZIPF_S;
    cumulative[r] = sum;
  }
  return () => {
    const x = random() * sum;
    let lo = 0;
    let hi = domains - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** The list: `addresses` lines ("email" header first), streamed in chunks. */
export async function* recipientList(
  addresses: number,
  domains: number,
  seed: number,
): AsyncGenerator<string> {
  const random = mulberry32(seed);
  const rank = zipfSampler(domains, random);
  const CHUNK = 5_000;
  for (let i = 0; i < addresses; i += CHUNK) {
    let chunk = i === 0 ? 'email\n' : '';
    for (let j = i; j < Math.min(addresses, i + CHUNK); j++) {
      const domain =
        j % TYPO_EVERY === 0 ? TYPO_DOMAINS[(j / TYPO_EVERY) % TYPO_DOMAINS.length] : domainOf(rank()).name;
      chunk += `user${j}@${domain}\n`;
    }
    yield chunk;
  }
}
