/**
 * Mail exchangers of the sending domains: the audited domain and, when it differs, the
 * MAIL FROM (envelope) domain. Receivers check that these exist (Yahoo: an SOA lookup of the
 * From and envelope domains; Postfix's reject_unknown_sender_domain: an MX or address) and
 * bounces and replies need somewhere to go. Null MX (RFC 7505) says the domain takes no mail,
 * and receivers may refuse mail from it (550 5.7.27).
 */
import type { Check, CollectContext, Condition, FindingResult, FindingSpec } from '../../src/check.js';
import { isAddressLiteral, normalizeIp, parseIp } from '../../src/ip.js';
import type { DnsErrorKind, DnsResult, MxData, Resolver } from '../../src/probe/types.js';
import type { Target } from '../../src/report.js';

/**
 * MX hosts resolved per domain. RFC 5321 has no limit, but a sender tries only a few and
 * each host costs two queries; beyond this the rest are listed as not checked.
 */
export const MX_MAX_HOSTS_CHECKED = 20;

/** Null MX: one MX whose exchange is the root (".", '' in MxData). RFC 7505 3 */
export const NULL_MX_PREFERENCE = 0;

export type DomainRole = 'domain' | 'mail-from';

export interface LookupOutcome {
  kind: DnsResult['kind'];
  error?: DnsErrorKind;
}

export interface AddressLookup extends LookupOutcome {
  /** Canonical addresses (empty unless kind is 'ok'). */
  addresses: string[];
  /** CNAMEs followed from the asked name. */
  cnameChain: string[];
}

export interface MxHostEvidence {
  exchange: string;
  preference: number;
  /** The exchange is an IP address, not a host name (not looked up). */
  addressLiteral: boolean;
  a?: AddressLookup;
  aaaa?: AddressLookup;
}

export interface MxDomainEvidence {
  domain: string;
  roles: DomainRole[];
  mx: LookupOutcome & { records: MxData[]; cnameChain: string[] };
  /** The existence test Yahoo applies to the From and envelope domains. */
  soa: LookupOutcome;
  /** Addresses of the domain itself, looked up only when it has no MX (implicit MX, RFC 5321 5.1). */
  a?: AddressLookup;
  aaaa?: AddressLookup;
  /** Non-null MX hosts, by preference, at most MX_MAX_HOSTS_CHECKED. */
  hosts: MxHostEvidence[];
  hostsNotChecked: MxData[];
}

export interface MxEvidence {
  domains: MxDomainEvidence[];
}

const findings = {
  'domain-not-found': {
    severity: 'error',
    title: 'Sending domain does not exist (NXDOMAIN)',
    message: '{domain} ({role}) does not exist: its {rrtype} lookup returned NXDOMAIN.',
    fix:
      'Send from a domain that exists, or register and delegate {domain} and publish an MX for it: ' +
      '"{domain}. IN MX 10 mail.{domain}."',
    conditions: ['domain-nxdomain'],
  },
  'dns-error': {
    severity: 'unknown',
    title: 'Could not look up the sending domain (DNS error)',
    message:
      'The {rrtype} lookup of {domain} ({role}) failed: {error}. Whether it exists and takes mail is unknown.',
    fix:
      'Check that the name servers of {domain} answer {rrtype} queries (a SERVFAIL often means broken DNSSEC ' +
      'or unreachable name servers), then run again.',
    conditions: ['domain-dns-failure'],
  },
  'null-mx': {
    severity: 'error',
    title: 'Sending domain publishes a null MX (accepts no mail)',
    message:
      '{domain} ({role}) has a null MX ("MX {preference} ."): it declares that it accepts no mail, so bounces ' +
      'and replies cannot come back and receivers may refuse its mail (550 5.7.27).',
    fix:
      'Replace "{domain}. IN MX {preference} ." with the MX of a server that accepts mail, e.g. ' +
      '"{domain}. IN MX 10 mail.{domain}.", or send from another domain.',
    conditions: ['null-mx'],
  },
  'invalid-null-mx': {
    severity: 'error',
    title: 'Null MX mixed with other MX records',
    message:
      '{domain} ({role}) has a null MX ("MX {preference} .") next to other MX records ({others}): RFC 7505 3 forbids this.',
    fix:
      'If {domain} receives mail, remove "{domain}. IN MX {preference} ."; if it does not, remove the other ' +
      'MX records ({others}).',
  },
  'mx-ip-literal': {
    severity: 'error',
    title: 'MX points at an IP address instead of a host name',
    message:
      '{domain} ({role}) has "MX {preference} {exchange}": the exchange must be a host name (RFC 5321 5.1).',
    fix:
      'Publish a name for the address and point the MX at it: "mail.{domain}. IN {rrtype} {exchange}" and ' +
      '"{domain}. IN MX {preference} mail.{domain}."',
  },
  'mx-cname': {
    severity: 'warning',
    title: 'MX points at a CNAME',
    message:
      '{domain} ({role}) has "MX {preference} {exchange}", and {exchange} is an alias of {canonical}. ' +
      'MX targets must not be aliases (RFC 2181 10.3, RFC 5321 5.1); some senders refuse them.',
    fix: 'Point the MX at the canonical name: "{domain}. IN MX {preference} {canonical}."',
  },
  'mx-host-unresolvable': {
    severity: 'warning',
    title: 'An MX host has no address',
    message:
      '{domain} ({role}) has "MX {preference} {exchange}", but {exchange} has no A or AAAA record ({answer}).',
    fix: 'Publish "{exchange}. IN A <address>" (and/or AAAA), or remove "{domain}. IN MX {preference} {exchange}."',
  },
  'mx-hosts-unresolvable': {
    severity: 'error',
    title: 'No MX host of the domain has an address',
    message:
      '{domain} ({role}): none of its MX hosts ({hosts}) has an A or AAAA record, so mail to it cannot be delivered.',
    fix: 'Publish A/AAAA records for the MX hosts ({hosts}), or point the MX at a server that exists.',
  },
  'mx-host-dns-error': {
    severity: 'unknown',
    title: 'Could not resolve an MX host (DNS error)',
    message: 'The address lookup of the MX host {exchange} of {domain} ({role}) failed: {error}.',
    fix: 'Check that the name servers of {exchange} answer A and AAAA queries, then run again.',
  },
  'implicit-mx': {
    severity: 'warning',
    title: 'No MX: mail relies on the implicit MX (the domain address)',
    message:
      '{domain} ({role}) has no MX record; mail to it goes to its address ({addresses}) (implicit MX, RFC 5321 5.1). ' +
      'This works only if that host runs a mail server; bounces and replies are easily lost.',
    fix: 'Publish an explicit MX: "{domain}. IN MX 10 mail.{domain}." pointing at a server that accepts mail.',
  },
  'no-mail-exchanger': {
    severity: 'error',
    title: 'Domain has neither MX nor address: it cannot receive mail',
    message:
      '{domain} ({role}) has no MX and no A/AAAA record: bounces and replies cannot be delivered, and receivers ' +
      'that check the sender domain (e.g. Postfix reject_unknown_sender_domain) refuse the mail.',
    fix: 'Publish an MX for {domain}: "{domain}. IN MX 10 mail.{domain}." pointing at a server that accepts mail.',
  },
  'too-many-mx': {
    severity: 'info',
    title: 'Many MX records; only the first ones were checked',
    message: '{domain} ({role}) has {count} MX hosts; the {checked} most preferred were checked.',
    fix: 'Keep the MX set small: senders try only a few hosts.',
  },
} satisfies Record<string, FindingSpec>;

export type MxFindingKey = keyof typeof findings;

export const mxCheck: Check<MxEvidence> = {
  id: 'mx',
  title: 'Mail exchangers (MX) of the sending domains',
  appliesTo: ['domain'],
  findings,
  collect: collectMx,
  judge: judgeMx,
};

/** The domains to look at: the audited domain, then the MAIL FROM domain when it differs. */
export function sendingDomains(target: Target): { domain: string; roles: DomainRole[] }[] {
  const out: { domain: string; roles: DomainRole[] }[] = [
    { domain: hostName(target.domain), roles: ['domain'] },
  ];
  const from = target.mailFrom !== undefined ? mailFromDomain(target.mailFrom) : undefined;
  if (from !== undefined) {
    const same = out.find((d) => d.domain === from);
    if (same) same.roles.push('mail-from');
    else out.push({ domain: from, roles: ['mail-from'] });
  }
  return out;
}

/** Domain of a MAIL FROM address ("bounce@example.com", "<bounce@example.com>") or a bare domain. */
export function mailFromDomain(mailFrom: string): string | undefined {
  const t = mailFrom.trim().replace(/^<|>$/g, '');
  const at = t.lastIndexOf('@');
  const d = hostName(at >= 0 ? t.slice(at + 1) : t);
  return d === '' ? undefined : d;
}

async function collectMx(target: Target, ctx: CollectContext): Promise<MxEvidence> {
  const domains = await Promise.all(
    sendingDomains(target).map((d) => collectDomain(d.domain, d.roles, ctx.probe.dns, ctx.signal)),
  );
  return { domains };
}

async function collectDomain(
  domain: string,
  roles: DomainRole[],
  dns: Resolver,
  signal: AbortSignal,
): Promise<MxDomainEvidence> {
  const [mx, soa] = await Promise.all([
    dns.query(domain, 'MX', { signal }),
    dns.query(domain, 'SOA', { signal }),
  ]);
  const records: MxData[] = [];
  if (mx.kind === 'ok') {
    for (const r of mx.records)
      if (r.type === 'MX') records.push({ ...r.data, exchange: hostName(r.data.exchange) });
  }
  const ev: MxDomainEvidence = {
    domain,
    roles,
    mx: { ...outcome(mx), records, cnameChain: [...mx.cnameChain] },
    soa: outcome(soa),
    hosts: [],
    hostsNotChecked: [],
  };
  if (mx.kind === 'nxdomain' || mx.kind === 'error') return ev;
  if (records.length === 0) {
    // RFC 5321 5.1: no MX -> the domain itself is the implicit MX.
    [ev.a, ev.aaaa] = await Promise.all([
      addressLookup(dns, domain, 'A', signal),
      addressLookup(dns, domain, 'AAAA', signal),
    ]);
    return ev;
  }
  const real = records.filter((r) => r.exchange !== '').sort((x, y) => x.preference - y.preference);
  ev.hostsNotChecked = real.slice(MX_MAX_HOSTS_CHECKED);
  ev.hosts = await Promise.all(
    real.slice(0, MX_MAX_HOSTS_CHECKED).map(async (r): Promise<MxHostEvidence> => {
      const host: MxHostEvidence = {
        exchange: r.exchange,
        preference: r.preference,
        addressLiteral: isAddressLiteral(r.exchange),
      };
      if (host.addressLiteral) return host;
      [host.a, host.aaaa] = await Promise.all([
        addressLookup(dns, r.exchange, 'A', signal),
        addressLookup(dns, r.exchange, 'AAAA', signal),
      ]);
      return host;
    }),
  );
  return ev;
}

async function addressLookup(
  dns: Resolver,
  name: string,
  type: 'A' | 'AAAA',
  signal: AbortSignal,
): Promise<AddressLookup> {
  const r = await dns.query(name, type, { signal });
  const addresses: string[] = [];
  if (r.kind === 'ok') {
    for (const rec of r.records) {
      if (rec.type !== type) continue;
      const a = normalizeIp(rec.data);
      if (a !== undefined && !addresses.includes(a)) addresses.push(a);
    }
  }
  return { ...outcome(r), addresses, cnameChain: [...r.cnameChain] };
}

function outcome(r: DnsResult): LookupOutcome {
  return r.kind === 'error' ? { kind: 'error', error: r.error } : { kind: r.kind };
}

function hostName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

type Data = Record<string, string | number | boolean>;

const ROLE_TEXT: Record<string, string> = {
  domain: 'audited domain',
  'mail-from': 'MAIL FROM domain',
  'domain,mail-from': 'audited and MAIL FROM domain',
};

function judgeMx(evidence: MxEvidence): FindingResult[] {
  return evidence.domains.flatMap(judgeDomain);
}

function judgeDomain(ev: MxDomainEvidence): FindingResult[] {
  const out: FindingResult[] = [];
  const base = { domain: ev.domain, role: ROLE_TEXT[ev.roles.join(',')] ?? ev.roles.join(', ') };
  const found = (
    key: MxFindingKey,
    data: Data,
    evidence: Record<string, unknown>,
    conditions?: Condition[],
  ) => {
    const f: FindingResult = {
      key,
      data: { ...base, ...data },
      evidence: { domain: ev.domain, roles: ev.roles, ...evidence },
    };
    if (conditions) f.conditions = conditions;
    out.push(f);
  };

  // Existence first: NXDOMAIN on either question means the name does not exist (RFC 8020).
  if (ev.mx.kind === 'nxdomain' || (ev.soa.kind === 'nxdomain' && ev.mx.kind !== 'ok')) {
    found(
      'domain-not-found',
      { rrtype: ev.mx.kind === 'nxdomain' ? 'MX' : 'SOA' },
      { mx: ev.mx, soa: ev.soa },
    );
    return out;
  }
  if (ev.soa.kind === 'error') {
    found('dns-error', { rrtype: 'SOA', error: ev.soa.error ?? 'error' }, { soa: ev.soa });
  }
  if (ev.mx.kind === 'error') {
    found('dns-error', { rrtype: 'MX', error: ev.mx.error ?? 'error' }, { mx: ev.mx });
    return out;
  }

  const records = ev.mx.records;
  if (records.length === 0) {
    judgeImplicit(ev, found);
    return out;
  }

  const nulls = records.filter((r) => r.exchange === '');
  const others = records.filter((r) => r.exchange !== '');
  const nullMx = nulls[0];
  if (nullMx && others.length === 0) {
    found('null-mx', { preference: nullMx.preference }, { mx: ev.mx }, ['null-mx']);
    return out;
  }
  if (nullMx) {
    found(
      'invalid-null-mx',
      {
        preference: nullMx.preference,
        others: others.map((r) => `${r.preference} ${r.exchange}`).join(', '),
      },
      { mx: ev.mx },
    );
  }

  const resolvable: MxHostEvidence[] = [];
  const unresolvable: MxHostEvidence[] = [];
  const unknown: MxHostEvidence[] = [];
  for (const h of ev.hosts) {
    const hostData = { exchange: h.exchange, preference: h.preference };
    if (h.addressLiteral) {
      const family = parseIp(h.exchange.replace(/^\[(ipv6:)?|\]$/gi, ''))?.family;
      found('mx-ip-literal', { ...hostData, rrtype: family === 6 ? 'AAAA' : 'A' }, { host: h });
      continue;
    }
    const lookups = [h.a, h.aaaa].filter((l): l is AddressLookup => l !== undefined);
    const canonical = lookups.find((l) => l.cnameChain.length > 0)?.cnameChain.at(-1);
    if (canonical !== undefined) found('mx-cname', { ...hostData, canonical }, { host: h });
    if (lookups.some((l) => l.addresses.length > 0)) resolvable.push(h);
    else if (lookups.some((l) => l.kind === 'error')) unknown.push(h);
    else unresolvable.push(h);
  }
  for (const h of unknown) {
    const errors = [h.a, h.aaaa].flatMap((l) => (l?.kind === 'error' ? [l.error ?? 'error'] : []));
    found('mx-host-dns-error', { exchange: h.exchange, error: errors.join(', ') }, { host: h });
  }
  if (unresolvable.length > 0) {
    if (resolvable.length === 0 && unknown.length === 0) {
      found(
        'mx-hosts-unresolvable',
        { hosts: unresolvable.map((h) => h.exchange).join(', ') },
        { hosts: unresolvable },
      );
    } else {
      for (const h of unresolvable) {
        const answer = [h.a, h.aaaa].map((l) => `${l?.kind ?? 'not asked'}`).join('/');
        found(
          'mx-host-unresolvable',
          { exchange: h.exchange, preference: h.preference, answer },
          { host: h },
        );
      }
    }
  }
  if (ev.hostsNotChecked.length > 0) {
    found(
      'too-many-mx',
      { count: ev.hosts.length + ev.hostsNotChecked.length, checked: ev.hosts.length },
      { notChecked: ev.hostsNotChecked },
    );
  }
  return out;
}

function judgeImplicit(
  ev: MxDomainEvidence,
  found: (key: MxFindingKey, data: Data, evidence: Record<string, unknown>) => void,
): void {
  const lookups = [ev.a, ev.aaaa].filter((l): l is AddressLookup => l !== undefined);
  const addresses = lookups.flatMap((l) => l.addresses);
  const evidence = { mx: ev.mx, a: ev.a, aaaa: ev.aaaa };
  if (addresses.length > 0) {
    found('implicit-mx', { addresses: addresses.join(', ') }, evidence);
    return;
  }
  const failed = [
    ['A', ev.a],
    ['AAAA', ev.aaaa],
  ] as const;
  const firstError = failed.find(([, l]) => l?.kind === 'error');
  if (firstError || lookups.length < 2) {
    const [rrtype, l] = firstError ?? ['A', undefined];
    found('dns-error', { rrtype, error: l?.error ?? 'not measured' }, evidence);
    return;
  }
  found('no-mail-exchanger', {}, evidence);
}
