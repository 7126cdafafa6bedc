/** The published findings of the tls-rpt check: ids, titles, messages and fixes (stable text). */
import type { FindingSpecs } from '../../src/check.js';

const fixRecord = '_smtp._tls.{domain}. IN TXT "v=TLSRPTv1; rua=mailto:tlsrpt@{domain}"';

export const TLS_RPT_FINDINGS = {
  missing: {
    severity: 'info',
    title: 'No TLS-RPT record (optional)',
    message:
      '{name} has no TLS-RPT record, so senders do not report TLS failures when delivering to {domain} ' +
      '(RFC 8460). Optional while the domain publishes neither MTA-STS nor DANE.',
    fix: `To receive TLS failure reports, publish ${fixRecord} (a mailto: or https: address you read).`,
  },
  recommended: {
    severity: 'warning',
    title: 'TLS-RPT record missing while {published} is published',
    message:
      '{domain} publishes {published} but no TLS-RPT record at {name}: when a certificate or policy breaks, ' +
      'senders defer or bounce mail to {domain} and nobody is told (RFC 8460, RFC 8461 and RFC 7672 ' +
      'recommend reporting).',
    fix: `Publish ${fixRecord} (a mailto: or https: address you read).`,
  },
  'multiple-records': {
    severity: 'error',
    title: 'More than one TLS-RPT record',
    message:
      '{name} has {count} records starting with "v=TLSRPTv1": with more than one, senders treat the domain ' +
      'as not publishing TLS-RPT at all (RFC 8460 3). Records: {records}',
    fix: `Keep exactly one record: merge the report addresses into one rua list, e.g. ${fixRecord}.`,
  },
  'invalid-record': {
    severity: 'error',
    title: 'TLS-RPT record is not valid',
    message: 'The TLS-RPT record "{record}" at {name} cannot be used by senders: {problems}.',
    fix: `Publish it in the RFC 8460 3 syntax: ${fixRecord}.`,
  },
  'no-valid-rua': {
    severity: 'error',
    title: 'TLS-RPT record has no usable report address',
    message:
      'None of the report URIs of "{record}" at {name} can be used: {problems}. Only mailto: and https: ' +
      'are defined (RFC 8460 3).',
    fix: `Use a mailto: or https: URI: ${fixRecord}.`,
  },
  'invalid-rua': {
    severity: 'warning',
    title: 'A TLS-RPT report URI is not usable',
    message:
      'The report URI "{uri}" in the TLS-RPT record at {name} {problem}; senders skip it and report to the ' +
      'other URIs.',
    fix: 'Remove "{uri}" from the rua list or replace it with a mailto: or https: URI.',
  },
  'ignored-record': {
    severity: 'warning',
    title: 'A TXT record looks like TLS-RPT but senders ignore it',
    message:
      '"{record}" at {name} does not start exactly with "v=TLSRPTv1;" (case-sensitive, no leading space), so ' +
      'senders discard it (RFC 8460 3).',
    fix: `Rewrite it as ${fixRecord}.`,
  },
  'dns-error': {
    severity: 'unknown',
    title: 'Could not look up the TLS-RPT record (DNS error)',
    message: 'The TXT lookup of {name} failed ({error}): whether {domain} publishes TLS-RPT is unknown.',
    fix:
      'Check that the name servers of {domain} answer TXT queries for {name} (a SERVFAIL often means broken ' +
      'DNSSEC), then run again.',
  },
} as const satisfies FindingSpecs;

export type TlsRptFindingKey = keyof typeof TLS_RPT_FINDINGS;
