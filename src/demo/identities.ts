/** The sending identities the demo audits, one per lesson of the demo world (world.yaml). */
import type { TargetInput } from '../target.js';

export interface DemoIdentity {
  input: TargetInput;
  shows: string;
}

export const DEMO_IDENTITIES: readonly DemoIdentity[] = [
  {
    input: {
      domain: 'good.example',
      ips: ['127.0.77.10'],
      helo: 'mail.good.example',
      dkimSelectors: ['s1'],
    },
    shows: 'a clean setup: SPF, DKIM (2048-bit), strict DMARC, FCrDNS, MX, STARTTLS on MX and sending host',
  },
  {
    input: { domain: 'plusall.example', ips: ['127.0.77.7'] },
    shows: 'SPF "+all", DMARC p=none, no DKIM key at the selectors tried, no PTR, no STARTTLS',
  },
  {
    input: { domain: 'broken.example', ips: ['127.0.77.20'], dkimSelectors: ['k1'] },
    shows: 'an include of a domain that is gone, no DMARC, a 512-bit DKIM key, a dynamic-looking PTR',
  },
  {
    input: { domain: 'news.heavy.example', ips: ['127.0.77.41'] },
    shows: 'SPF over the 10-lookup limit, DMARC inherited from heavy.example, PTR not forward-confirmed',
  },
  {
    input: { domain: 'slow.example' },
    shows: 'a TXT query that times out and a DMARC SERVFAIL: reported unknown, not missing',
  },
  {
    input: { domain: 'nullmx.example' },
    shows: 'a null MX on a sending domain (RFC 7505)',
  },
];
