/** The dns check's published findings (ids 'dns/<key>'): never reword them. */
import type { FindingSpecs } from '../../src/check.js';

export const DNS_FINDINGS = {
  'resolver-unreliable': {
    severity: 'unknown',
    title: 'The DNS resolver denies names that exist',
    message:
      'The resolver answered {answer} when asked for the SOA record of {zone}., a top-level domain that ' +
      'exists. Its answers that a name or record does not exist cannot be believed, so every verdict ' +
      'resting on one (no SPF, no DMARC, no MX, domain not found...) is unknown.',
    fix:
      'Run again through a resolver that answers truthfully: --resolver host[:port] (your network or ' +
      "provider's recursive resolver). Captive portals, filtering or broken forwarders and CI sandboxes " +
      'often answer NXDOMAIN or empty answers to everything.',
  },
} as const satisfies FindingSpecs;

export type DnsFindingKey = keyof typeof DNS_FINDINGS;
