/** Worlds made for the --fix tests: SPF trees that need flattening, broken records of every kind. */
import type { TargetInput } from '../../src/target.js';
import type { ZoneObject } from '../helpers/memory-resolver.js';

const SOA = (d: string) => `ns1.${d} hostmaster.${d} 1 7200 3600 1209600 300`;

/** Provider records: nested includes, a/mx terms, a non-pass range shadowing a later one. */
export const PROVIDERS: ZoneObject = {
  '_spf.p1.example': { TXT: 'v=spf1 include:_a.p1.example include:_b.p1.example ~all' },
  '_a.p1.example': { TXT: 'v=spf1 ip4:198.51.100.0/25 ip6:2001:db8:100::/48 ~all' },
  '_b.p1.example': { TXT: 'v=spf1 -ip4:203.0.113.8/29 ip4:203.0.113.0/27 ~all' },
  'spf.p2.example': { TXT: 'v=spf1 a:out.p2.example mx:p2.example ~all' },
  'out.p2.example': { A: ['192.0.2.10', '192.0.2.11'], AAAA: '2001:db8:200::10' },
  'p2.example': { MX: '10 mx.p2.example', SOA: SOA('p2.example') },
  'mx.p2.example': { A: '192.0.2.20' },
  'spf.p3.example': { TXT: 'v=spf1 include:n1.p3.example redirect=r.p3.example' },
  'n1.p3.example': { TXT: 'v=spf1 ip4:198.51.100.128/26 -all' },
  'r.p3.example': { TXT: 'v=spf1 ip4:198.51.100.192/27 ?all' },
  'spf.p4.example': { TXT: 'v=spf1 include:x1.p4.example include:x2.p4.example -all' },
  'x1.p4.example': { TXT: 'v=spf1 ip4:192.0.2.128/28 -all' },
  'x2.p4.example': { TXT: 'v=spf1 ip4:192.0.2.160/28 -all' },
};

export const FIX_WORLD: ZoneObject = {
  ...PROVIDERS,
  // 13 lookups, a macro and an exists: flattened.
  'heavy.fix.example': {
    SOA: SOA('heavy.fix.example'),
    MX: '10 mx.heavy.fix.example',
    TXT: [
      'v=spf1 a mx include:_spf.p1.example include:spf.p2.example include:spf.p3.example include:spf.p4.example exists:%{i}._spf.heavy.fix.example include:%{d}.macro.example ~all',
      'verification=xyz',
    ],
    A: '192.0.2.50',
  },
  'mx.heavy.fix.example': { A: '192.0.2.51' },
  // No SPF, no DMARC; an IP sends.
  'nospf.fix.example': { SOA: SOA('nospf.fix.example'), MX: '10 mx.heavy.fix.example' },
  // Two SPF records, a "?all", a ptr, an include of a name that is gone.
  'two.fix.example': {
    SOA: SOA('two.fix.example'),
    MX: '10 mx.heavy.fix.example',
    TXT: ['v=spf1 ip4:192.0.2.60 ?all', 'v=spf1 include:spf.p4.example -all'],
  },
  'gone.fix.example': {
    SOA: SOA('gone.fix.example'),
    MX: '10 mx.heavy.fix.example',
    TXT: 'v=spf1 ptr include:nothing.fix.example a:void.fix.example ip4:192.0.2.70 ?all',
  },
  '_dmarc.gone.fix.example': { TXT: 'v=DMARC1; p=rejected; adkim=x; rua=dmarc@gone.fix.example; foo=bar' },
  '_smtp._tls.gone.fix.example': { TXT: 'v=TLSRPTv1; rua=ftp://x.example' },
  // A domain that sends nothing: SPF -all and no MX.
  'quiet.fix.example': { SOA: SOA('quiet.fix.example'), A: '192.0.2.90', TXT: 'v=spf1 -all' },
  '_dmarc.quiet.fix.example': { TXT: 'v=DMARC1; p=reject; rua=mailto:d@quiet.fix.example' },
};

export const FIX_IDENTITIES: TargetInput[] = [
  { domain: 'heavy.fix.example', ips: ['192.0.2.50'] },
  { domain: 'nospf.fix.example', ips: ['192.0.2.99', '2001:db8:99::1'] },
  { domain: 'two.fix.example', ips: ['192.0.2.60'] },
  { domain: 'gone.fix.example', ips: ['192.0.2.70', '192.0.2.71'] },
  { domain: 'quiet.fix.example' },
];
