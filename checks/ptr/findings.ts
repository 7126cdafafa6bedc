/** The reverse-DNS check's published findings (ids 'ptr/<key>'): never reword them. */
import type { FindingSpecs } from '../../src/check.js';

export const PTR_FINDINGS = {
  missing: {
    severity: 'error',
    title: 'Sending IP has no reverse DNS (PTR)',
    message: '{ip} has no PTR record ({reverseName}: {answer}).',
    fix:
      'Ask the owner of the IP block (your hosting provider or ISP) to set the PTR of {ip} to {suggested}, ' +
      'and publish "{suggested}. IN {rrtype} {ip}" so that it resolves back.',
    conditions: ['ptr-missing'],
  },
  'not-forward-confirmed': {
    severity: 'error',
    title: 'Reverse DNS does not resolve back to the IP (no FCrDNS)',
    message: '{ip} has PTR {names}, but no such name has an {rrtype} record for {ip} (found: {found}).',
    fix:
      'Publish "{name}. IN {rrtype} {ip}", or ask your hosting provider to change the PTR of {ip} to a name ' +
      'that resolves to it.',
    conditions: ['ptr-mismatch'],
  },
  'forward-lookup-failed': {
    severity: 'unknown',
    title: 'Could not resolve the PTR name back (DNS error)',
    message: 'The {rrtype} lookup of {names} (PTR of {ip}) failed: {error}. Forward confirmation is unknown.',
    fix: 'Check that the authoritative servers of {name} answer {rrtype} queries, then run again.',
  },
  'multiple-ptr': {
    severity: 'warning',
    title: 'Sending IP has several PTR records',
    message: '{ip} has {count} PTR records ({names}). Receivers usually use only one, and which one varies.',
    fix: 'Keep a single PTR for {ip} ({name}), matching your HELO name.',
  },
  'generic-name': {
    severity: 'warning',
    title: 'PTR name looks generic or dynamic',
    message: 'The PTR of {ip} is {name}, which looks like a generic or dynamic name: {reason}.',
    fix:
      'Ask your hosting provider to set the PTR of {ip} to a name of your own mail domain (e.g. {suggested}), ' +
      'and publish "{suggested}. IN {rrtype} {ip}".',
    conditions: ['ptr-dynamic'],
  },
  'helo-mismatch': {
    severity: 'warning',
    title: 'HELO name does not match the reverse DNS',
    message: 'The HELO name {helo} is not the PTR name of {ip} ({ptr}) and does not resolve to {ip}.',
    fix: 'Make the server say "EHLO {ptr}", or set the PTR of {ip} to {helo} and publish "{helo}. IN {rrtype} {ip}".',
  },
  'helo-lookup-failed': {
    severity: 'unknown',
    title: 'Could not resolve the HELO name (DNS error)',
    message: 'The {rrtype} lookup of the HELO name {helo} failed: {error}.',
    fix: 'Check that the authoritative servers of {helo} answer, then run again.',
  },
  'dns-error': {
    severity: 'unknown',
    title: 'Could not look up the reverse DNS (DNS error)',
    message: 'The PTR lookup of {reverseName} (for {ip}) failed: {error}. Whether a PTR exists is unknown.',
    fix: 'Check that the reverse zone of {ip} is served (ask your hosting provider), then run again.',
  },
  'invalid-ip': {
    severity: 'error',
    title: 'Not an IP address',
    message: '"{ip}" is not an IPv4 or IPv6 address.',
    fix: 'Give the sending addresses as plain IPv4 or IPv6 addresses.',
  },
} as const satisfies FindingSpecs;

export type PtrFindingKey = keyof typeof PTR_FINDINGS;
