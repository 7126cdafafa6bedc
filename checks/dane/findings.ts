/** The published findings of the dane check: ids, titles, messages and fixes (stable text). */
import type { FindingSpecs } from '../../src/check.js';

export const DANE_FINDINGS = {
  'not-published': {
    severity: 'info',
    title: 'No DANE (TLSA) records for the MX hosts (optional)',
    message:
      'None of the MX hosts of {domain} ({hosts}) publishes a TLSA record at _25._tcp.<host>: senders use ' +
      'opportunistic TLS without authenticating the certificate. DANE is optional and needs a DNSSEC-signed zone.',
    fix:
      'Optional: with DNSSEC-signed zones, publish for each MX host a record matching its certificate, ' +
      'e.g. "_25._tcp.<mx-host>. IN TLSA 3 1 1 <SHA-256 of the certificate public key>", and monitor it.',
  },
  'partially-published': {
    severity: 'warning',
    title: 'Some MX hosts have TLSA records, others do not',
    message:
      '{domain}: {withTlsa} publish TLSA records but {withoutTlsa} do not; a sender that reaches a host without ' +
      'TLSA delivers over unauthenticated TLS, so DANE protects only part of the mail.',
    fix: 'Publish TLSA records for every MX host ({withoutTlsa}), e.g. "_25._tcp.<host>. IN TLSA 3 1 1 <hash>".',
  },
  'not-validated': {
    severity: 'unknown',
    title: 'TLSA answer not DNSSEC-validated (AD bit not set)',
    message:
      'The TLSA answer for {name} came without the AD bit: either the zone is not DNSSEC-signed (then ' +
      'senders ignore these TLSA records) or the resolver used does not validate DNSSEC. Which one is not ' +
      'known from here.',
    fix:
      'Rerun with a validating resolver (--resolver). If {host} is in an unsigned zone, sign the zone ' +
      '(DNSSEC) or remove the TLSA records, which have no effect without it.',
  },
  'unusable-usage': {
    severity: 'warning',
    title: 'TLSA record with a usage SMTP senders do not use',
    message: '"{record}" at {name}: {problem}. Senders skip it{allUnusable}.',
    fix:
      'Replace it with a DANE-EE record for the host certificate, "{name}. IN TLSA 3 1 1 <SHA-256 of its ' +
      'public key>", or a DANE-TA (2 x x) record for its issuing CA.',
  },
  'malformed-tlsa': {
    severity: 'warning',
    title: 'Malformed TLSA record',
    message: '"{record}" at {name}: {problem}. Senders skip it{allUnusable}.',
    fix:
      'Publish the record with a defined selector (0 or 1), matching type (0, 1 or 2) and data of the right ' +
      'length (SHA-256: 32 bytes, 64 hex digits; SHA-512: 64 bytes), e.g. "{name}. IN TLSA 3 1 1 <64 hex digits>".',
  },
  'no-match': {
    severity: 'error',
    title: 'MX certificate matches none of its TLSA records',
    message:
      'The certificate {host} presented matches none of its {usable} usable TLSA record(s) ({details}). ' +
      'Senders that do DANE refuse to deliver to {host} (RFC 7672 2.2); if no MX host matches, mail to ' +
      '{domain} fails. The TLSA answer was {validation}.',
    fix:
      'Publish a record for the certificate {host} serves now, "{name}. IN TLSA {suggested}" (computed from ' +
      'the certificate it presented), next to the old one until caches expire; or reinstall the certificate ' +
      'the records describe. Update TLSA before every certificate or key change.',
  },
  'no-starttls': {
    severity: 'error',
    title: 'MX host with TLSA records does not offer STARTTLS',
    message:
      '{host} publishes TLSA records but does not offer STARTTLS: senders that do DANE require TLS and will ' +
      'not deliver to it (RFC 7672 2.2).',
    fix: 'Enable STARTTLS on {host} with a certificate matching {name}, or remove the TLSA records.',
  },
  'tls-failed': {
    severity: 'error',
    title: 'TLS fails on an MX host with TLSA records',
    message:
      '{host} publishes TLSA records but its STARTTLS/TLS handshake failed ({error}): senders that do DANE ' +
      'require TLS and will not deliver to it (RFC 7672 2.2).',
    fix: 'Fix the TLS setup of {host} (certificate, key, protocol versions), or remove the TLSA records.',
  },
  'match-unknown': {
    severity: 'unknown',
    title: 'Could not check the MX certificate against its TLSA records',
    message:
      '{host} publishes TLSA records, but its certificate could not be fetched: {error}. Whether it matches ' +
      'is unknown (port 25 may be blocked from here).',
    fix: 'Run the audit from a network that allows outbound port 25 to check the certificate against TLSA.',
  },
  'match-not-checked': {
    severity: 'info',
    title: 'MX certificate not checked against TLSA (SMTP probing off)',
    message:
      '{host} publishes TLSA records; SMTP probing is off, so its certificate was not compared with them.',
    fix: 'Run without --no-smtp to compare the certificate {host} serves with its TLSA records.',
  },
  'dns-error': {
    severity: 'unknown',
    title: 'Could not look up DANE records (DNS error)',
    message: 'The {rrtype} lookup of {name} failed ({error}). {note}',
    fix:
      'Check that the name servers answer {rrtype} queries for {name}; a SERVFAIL often means broken DNSSEC ' +
      '(expired signatures, a DS without matching DNSKEY).',
  },
} as const satisfies FindingSpecs;

export type DaneFindingKey = keyof typeof DANE_FINDINGS;
