/** Pure judgement of the mx check: evidence in, findings out. */
import type { Condition, FindingResult } from '../../src/check.js';
import { parseIp } from '../../src/ip.js';
import type { AddressLookup } from '../shared/dns.js';
import type { MxDomainEvidence, MxEvidence, MxHostEvidence } from './collect.js';
import type { MxFindingKey } from './findings.js';

type Data = Record<string, string | number | boolean>;

const ROLE_TEXT: Record<string, string> = {
  domain: 'audited domain',
  'mail-from': 'MAIL FROM domain',
  'domain,mail-from': 'audited and MAIL FROM domain',
};

export function judgeMx(evidence: MxEvidence): FindingResult<MxFindingKey>[] {
  return evidence.domains.flatMap(judgeDomain);
}

function judgeDomain(ev: MxDomainEvidence): FindingResult<MxFindingKey>[] {
  const out: FindingResult<MxFindingKey>[] = [];
  const base = { domain: ev.domain, role: ROLE_TEXT[ev.roles.join(',')] ?? ev.roles.join(', ') };
  const found = (
    key: MxFindingKey,
    data: Data,
    evidence: Record<string, unknown>,
    conditions?: Condition[],
  ) => {
    const f: FindingResult<MxFindingKey> = {
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
