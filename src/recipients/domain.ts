/**
 * Whether a recipient domain takes mail, from DNS alone: the MX lookup (null MX, RFC 7505;
 * implicit MX, RFC 5321 5.1), then the addresses of the mail hosts. Every question goes through
 * the run's one probe (its cache joins identical questions, its canary disbelieves a lying
 * resolver's NXDOMAIN), and each domain is judged once per run (DomainJudge).
 *
 * Could-not-measure (timeout, SERVFAIL, refused, an unreliable resolver) is `unknown`, never
 * undeliverable: an address is condemned only on an answer of absence.
 */
import { addressesOf, hostName } from '../../checks/shared/dns.js';
import { distinctMxHosts, MX_MAX_HOSTS_PROBED, mxHostSetOf } from '../../checks/shared/mx-hosts.js';
import { isSpecialUseName } from '../probe/canary.js';
import type { DnsResult, Resolver } from '../probe/types.js';
import { addressSpaceOf } from './address-space.js';
import type { RecipientReason } from './reasons.js';
import type { DomainEvidence } from './types.js';

export interface DomainVerdict {
  reason: RecipientReason;
  /** The domain has a usable mail host (for typo rules: "it receives mail"). */
  receivesMail: boolean;
  evidence: DomainEvidence;
}

/** What one mail host's addresses came to. */
type HostState = 'public' | 'not-public' | 'none' | 'error';

export interface HostLook {
  state: HostState;
  /** For evidence: the addresses, or the outcome. */
  summary: string;
  detail?: string;
}

function outcomeText(r: DnsResult): string {
  return r.kind === 'error' ? `error (${r.error})` : r.kind;
}

/**
 * One host's addresses: A first, AAAA only when A gives no public address (most hosts have A,
 * so this asks one question where it can).
 */
async function lookHost(dns: Resolver, host: string, signal: AbortSignal | undefined): Promise<HostLook> {
  const seen: string[] = [];
  const outcomes: DnsResult[] = [];
  for (const type of ['A', 'AAAA'] as const) {
    const r = await dns.query(host, type, signal ? { signal } : {});
    outcomes.push(r);
    const addresses = addressesOf(r, type);
    seen.push(...addresses);
    if (addresses.some((a) => addressSpaceOf(a) === 'public'))
      return { state: 'public', summary: seen.join(' ') };
    // NXDOMAIN for A is NXDOMAIN for AAAA too (RFC 8020): no second question.
    if (r.kind === 'nxdomain') break;
  }
  if (seen.length > 0)
    return {
      state: 'not-public',
      summary: seen.map((a) => `${a} (${addressSpaceOf(a)})`).join(' '),
    };
  const error = outcomes.find((r) => r.kind === 'error');
  if (error?.kind === 'error') return { state: 'error', summary: outcomeText(error), detail: error.detail };
  return { state: 'none', summary: outcomes.map(outcomeText).join(', ') };
}

function unknownOf(r: DnsResult & { kind: 'error' }, evidence: DomainEvidence): DomainVerdict {
  return {
    reason: r.error === 'unreliable' ? 'dns/resolver-unreliable' : 'dns/lookup-failed',
    receivesMail: false,
    evidence: { ...evidence, detail: r.detail },
  };
}

/** Mail hosts' looks kept per run (many domains share their MX hosts); cleared when full. */
export const MAX_HOST_LOOKS = 100_000;

/** One look per mail host for the whole run (`looks`), else a fresh one. */
function lookHostOnce(
  dns: Resolver,
  host: string,
  signal: AbortSignal | undefined,
  looks: Map<string, Promise<HostLook>> | undefined,
): Promise<HostLook> {
  if (!looks) return lookHost(dns, host, signal);
  let look = looks.get(host);
  if (look === undefined) {
    if (looks.size >= MAX_HOST_LOOKS) looks.clear();
    look = lookHost(dns, host, signal);
    looks.set(host, look);
  }
  return look;
}

/**
 * The verdict on one domain (A-labels, lower case). `looks`: the run's memo of mail hosts'
 * addresses (DomainJudge), so a host shared by many domains is looked at once.
 */
export async function judgeDomain(
  dns: Resolver,
  domain: string,
  signal?: AbortSignal,
  looks?: Map<string, Promise<HostLook>>,
): Promise<DomainVerdict> {
  if (isSpecialUseName(domain))
    return {
      reason: 'domain/special-use',
      receivesMail: false,
      evidence: { mx: 'not asked (special-use name)' },
    };
  const mx = await dns.query(domain, 'MX', signal ? { signal } : {});
  const evidence: DomainEvidence = { mx: outcomeText(mx) };
  if (mx.kind === 'error') return unknownOf(mx, evidence);
  if (mx.kind === 'nxdomain') return { reason: 'domain/nxdomain', receivesMail: false, evidence };
  const set = mxHostSetOf(domain, mx);
  // RFC 7505 3: a null MX is the domain's only MX record. One among others is a misconfiguration
  // senders read differently: the other hosts are judged, and the domain is at best risky.
  const mixedNullMx = set.nullMx && set.byPreference.length > 0;
  if (set.nullMx) {
    if (!mixedNullMx)
      return { reason: 'domain/null-mx', receivesMail: false, evidence: { mx: 'null MX (MX 0 .)' } };
    evidence.mx = `${evidence.mx}; a null MX among other MX records (RFC 7505 3 forbids it; senders differ: some bounce, some use the other hosts)`;
  }
  if (set.implicit) {
    // RFC 5321 5.1: no MX at all, so the domain itself is the mail host.
    const look = await lookHostOnce(dns, domain, signal, looks);
    const withImplicit = { ...evidence, implicit: look.summary };
    if (look.state === 'public')
      return { reason: 'ok/implicit-mx', receivesMail: true, evidence: withImplicit };
    if (look.state === 'not-public')
      return { reason: 'domain/mx-not-public', receivesMail: false, evidence: withImplicit };
    if (look.state === 'error')
      return {
        reason: 'dns/lookup-failed',
        receivesMail: false,
        evidence: { ...withImplicit, ...(look.detail ? { detail: look.detail } : {}) },
      };
    return { reason: 'domain/no-mail-host', receivesMail: false, evidence: withImplicit };
  }
  const hosts = distinctMxHosts(set).slice(0, MX_MAX_HOSTS_PROBED);
  const found = await Promise.all(hosts.map((h) => lookHostOnce(dns, hostName(h.host), signal, looks)));
  const withHosts: DomainEvidence = {
    ...evidence,
    hosts: hosts.map((h, i) => ({
      host: h.host,
      preference: h.preference,
      addresses: found[i]?.summary ?? '',
      ...(found[i]?.detail ? { detail: found[i]?.detail } : {}),
    })),
  };
  const states = new Set(found.map((l) => l.state));
  if (states.has('public')) {
    const broken = states.has('none') || states.has('not-public') || mixedNullMx;
    return { reason: broken ? 'domain/some-mx-unusable' : 'ok', receivesMail: true, evidence: withHosts };
  }
  if (states.has('error')) {
    const detail = found.find((l) => l.state === 'error')?.detail;
    return {
      reason: 'dns/lookup-failed',
      receivesMail: false,
      evidence: { ...withHosts, ...(detail ? { detail } : {}) },
    };
  }
  return {
    reason: states.has('not-public') ? 'domain/mx-not-public' : 'domain/mx-unresolvable',
    receivesMail: false,
    evidence: withHosts,
  };
}

/**
 * Each domain judged once per run: the verdict (a promise, so addresses of a domain whose
 * lookup is in flight wait on that one lookup) is kept in a bounded map; the oldest verdict
 * goes first when it is full, and would be asked again through the probe's cache.
 */
export class DomainJudge {
  static readonly MAX_VERDICTS = 200_000;
  /** Prefetched lookups not yet asked for by an address, at most (half the verdicts kept). */
  static readonly MAX_AHEAD = 100_000;
  private verdicts = new Map<string, Promise<DomainVerdict>>();
  private readonly looks = new Map<string, Promise<HostLook>>();
  /** Domains judged ahead of their first address (prefetch.ts), until that address comes. */
  private ahead = new Set<string>();
  judged = 0;
  /** Prefetched lookups not settled yet. */
  prefetchUnsettled = 0;

  constructor(
    private readonly dns: Resolver,
    private readonly signal?: AbortSignal,
  ) {}

  /** Lookups started ahead of their addresses and not yet asked for. */
  get aheadCount(): number {
    return this.ahead.size;
  }

  /** Starts the lookup of a domain that addresses further down the list will ask for. */
  prefetch(domain: string): void {
    if (this.verdicts.has(domain) || this.ahead.size >= DomainJudge.MAX_AHEAD) return;
    this.prefetchUnsettled++;
    const settled = (): void => {
      this.prefetchUnsettled--;
    };
    this.verdict(domain).then(settled, settled);
    this.ahead.add(domain);
  }

  verdict(domain: string): Promise<DomainVerdict> {
    if (this.ahead.size > 0) this.ahead.delete(domain);
    let v = this.verdicts.get(domain);
    if (v === undefined) {
      if (this.verdicts.size >= DomainJudge.MAX_VERDICTS) {
        const oldest = this.verdicts.keys().next().value;
        if (oldest !== undefined) this.verdicts.delete(oldest);
      }
      v = judgeDomain(this.dns, domain, this.signal, this.looks);
      this.verdicts.set(domain, v);
      this.judged++;
    }
    return v;
  }
}
