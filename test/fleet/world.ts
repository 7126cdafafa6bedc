/** A small generated world for fleet tests: ~20 identities sharing an ESP include tree and an MX. */
import type { TargetInput } from '../../src/target.js';
import { HEALTHY_BLOCKLISTS } from '../helpers/blocklists.js';

export const ESP_INCLUDE = '_spf.esp.example';

const KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAkp0a/MEz598wygSx6hkQjPz3+RVM2RiJG99CtRTgP7o7SOUtyuHYMWhgSu0serpNXHcWe+L61OE7H/a1idxgy+GEcVuKH76Epaf/s2w9iJZOP0zyeQbFYMchEC5fGXJslCAUD213cnKV4FyjBbWuVImZMdDzhZlXcxsmr5bQ3QWykS3JRoyhBX/kBMepucSk4BkOP731BC35McHEZTV/pkQe15wG/OGZtOKKzHk08We0BZ//2OxYRvhnBZFIBUBIA8/4R3MfMb2AaCg1l7OnLFwRkiTQwtnSCBTpA+hTI9EzAAQttA3FvlH8i020dwvQgxjy6Yq9ZoDCgNVOXbwP1QIDAQAB';
export const DKIM_RECORD = `v=DKIM1; k=rsa; p=${KEY}`;
/** Another 2048-bit RSA key: a key rotation. */
export const DKIM_RECORD_ROTATED =
  'v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1nOu8TlhmHka2K/DiqQdOuTXS4c+gYJ/K79gZ8fTaPRAyLoQEpT7zF91SmaGL9SX8pMyums+jJPJf32gMIDwRlf2nbklQBtrzHLzSX5lh0A/JTtldOw3tplvxIpob9hte6iQ4ibkH+pV6+LpM/teBsr7By5We7rN+1Z4zpHmoQAdYzt0+dn+gr8Wkaq8vyYr6XSS/JCGEtJ6SzWhp1JyO4uDBZxXOsTfomm7rWAYn7QWD8E3STn0apgcaNJcFvOcUk0Af6XejIdCJOPWMer4/5ssytAuuc42dzfE1dIlEZK4oNAiDEanccLPdPiF1Gu9zMlrSHCxu0COxbfGH3r23wIDAQAB';

export interface World {
  zone: Record<string, unknown>;
  identities: TargetInput[];
}

export function domainOf(i: number): string {
  return `d${String(i).padStart(2, '0')}-fleet.example`;
}

/** Every identity i: even ones are clean, every 5th has no DMARC, every 7th SPF "+all". */
export function makeWorld(count = 20): World {
  const zone: Record<string, unknown> = {
    [ESP_INCLUDE]: {
      TXT: 'v=spf1 include:_a.esp.example include:_b.esp.example include:_c.esp.example ~all',
    },
    '_a.esp.example': { TXT: 'v=spf1 ip4:203.0.113.0/26 ~all' },
    '_b.esp.example': { TXT: 'v=spf1 ip4:203.0.113.64/26 ~all' },
    '_c.esp.example': { TXT: 'v=spf1 ip4:192.0.2.0/24 ~all' },
    'esp.example': { SOA: 'ns1.esp.example hostmaster.esp.example 1 7200 3600 1209600 300' },
    'mx.shared.example': { A: '198.51.100.25' },
    'shared.example': { SOA: 'ns1.shared.example hostmaster.shared.example 1 7200 3600 1209600 300' },
    // The blocklists the reputation check asks, answering only their test entries.
    ...HEALTHY_BLOCKLISTS,
  };
  const identities: TargetInput[] = [];
  for (let i = 1; i <= count; i++) {
    const d = domainOf(i);
    const ip = `192.0.2.${i}`;
    const spf = i % 7 === 0 ? `v=spf1 include:${ESP_INCLUDE} +all` : `v=spf1 include:${ESP_INCLUDE} -all`;
    zone[d] = {
      SOA: `ns1.${d} hostmaster.${d} 1 7200 3600 1209600 300`,
      MX: '10 mx.shared.example',
      TXT: spf,
    };
    if (i % 5 !== 0) zone[`_dmarc.${d}`] = { TXT: 'v=DMARC1; p=reject' };
    zone[`s1._domainkey.${d}`] = { TXT: DKIM_RECORD };
    zone[`mail.${d}`] = { A: ip };
    zone[`${i}.2.0.192.in-addr.arpa`] = { PTR: `mail.${d}` };
    identities.push({ domain: d, ips: [ip], helo: `mail.${d}`, dkimSelectors: ['s1'] });
  }
  return { zone, identities };
}
