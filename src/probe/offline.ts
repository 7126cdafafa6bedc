/**
 * The probe of a run that may not use the network (the message command's --no-dns): every DNS
 * question is answered "refused" with the reason, so whatever rests on DNS is `unknown`, never
 * missing; there is no SMTP and no HTTPS.
 */
import { newCounters } from './dns.js';
import type { ClosableProbe, DnsResult, RRType } from './types.js';

export const OFFLINE_DETAIL = 'DNS lookups are off (--no-dns)';

export function createOfflineProbe(): ClosableProbe {
  const counters = newCounters();
  return {
    dns: {
      query: async (name: string, type: RRType): Promise<DnsResult> => {
        counters.errors++;
        return { kind: 'error', error: 'refused', detail: OFFLINE_DETAIL, name, type, cnameChain: [] };
      },
    },
    counters: () => ({ ...counters }),
    close: () => {},
  };
}
