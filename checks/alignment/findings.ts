/** The alignment check's published findings (ids 'alignment/<key>'): never reword them. */
import type { FindingSpecs } from '../../src/check.js';

export const ALIGNMENT_FINDINGS = {
  unauthenticated: {
    severity: 'error',
    title: 'Neither SPF nor DKIM can pass',
    message: 'Mail from {domain} would be unauthenticated: {spfReason}; {dkimReason}.',
    fix:
      'Authorise the sending IPs in the SPF record of {mailFrom} and sign with DKIM as d={dkimDomain} ' +
      '(publish the public key at <selector>._domainkey.{dkimDomain}).',
    conditions: ['unauthenticated'],
  },
  'not-aligned': {
    severity: 'error',
    title: 'The From domain aligns with neither SPF nor DKIM',
    message:
      'DMARC needs SPF or DKIM to pass for a domain aligned with From {domain}: SPF is for {mailFrom} ' +
      '(aspf={aspf}, {spfAligned}), DKIM is for {dkimDomain} (adkim={adkim}, {dkimAligned}).',
    fix:
      'Sign with d={domain} (or a domain of the same organisation under relaxed alignment), or use a ' +
      'MAIL FROM (Return-Path) domain under {domain} whose SPF authorises the sending IPs.',
    conditions: ['from-not-aligned'],
  },
  'spf-not-aligned': {
    severity: 'info',
    title: 'SPF passes for a domain that does not align with From',
    message:
      'SPF is checked for {mailFrom}, which does not align with {domain} under aspf={aspf}; DMARC rests on DKIM alone.',
    fix: 'Use a MAIL FROM (Return-Path) domain under {domain} (a custom bounce domain at your ESP), so SPF aligns too.',
  },
  'dkim-not-aligned': {
    severity: 'warning',
    title: 'DKIM signs with a domain that does not align with From',
    message:
      'DKIM d={dkimDomain} does not align with {domain} under adkim={adkim}; DMARC rests on SPF alone, which breaks on forwarding.',
    fix: 'Sign with d={domain} (a custom DKIM domain at your ESP).',
  },
  undetermined: {
    severity: 'unknown',
    title: 'Whether mail would authenticate could not be decided',
    message: 'Could not decide whether SPF or DKIM passes and aligns for {domain}: {reason}.',
    fix: 'Give the DKIM selector you sign with (--dkim-selector) and the sending IPs (--ip), and rerun when DNS answers.',
  },
} as const satisfies FindingSpecs;

export type AlignmentFindingKey = keyof typeof ALIGNMENT_FINDINGS;
