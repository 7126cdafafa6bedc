/** The published findings of the mx-tls check: ids, titles, messages and fixes (stable text). */
import type { FindingSpecs } from '../../src/check.js';
import { CERT_EXPIRY_WARNING_DAYS, type TlsIssueKey } from '../shared/smtp-tls-judge.js';

const CERT_FIX =
  "Install a certificate for {host} from a public CA (e.g. Let's Encrypt), with {host} in its " +
  'subjectAltName, and renew it automatically.';

export const MX_TLS_FINDINGS = {
  'cannot-connect': {
    severity: 'unknown',
    title: 'Could not connect to an MX host over SMTP',
    message:
      'Could not connect to {host}:{port} ({address}): {detail}. Port 25 may be blocked from here; ' +
      'its TLS is unknown.',
    fix: 'Run the audit from a network that allows outbound port 25, or check that {host} accepts connections.',
  },
  'probe-incomplete': {
    severity: 'unknown',
    title: 'The SMTP probe of an MX host did not complete',
    message:
      'The SMTP dialogue with {host}:{port} ({address}) stopped at {stage}: {detail}. Its TLS is unknown.',
    fix: 'Run again; if it persists, check that {host} greets and answers EHLO promptly.',
  },
  'smtp-error': {
    severity: 'warning',
    title: 'An MX host broke the SMTP dialogue',
    message:
      '{host}:{port} ({address}) broke the SMTP dialogue at {stage} ({kind}): {detail}. Senders cannot ' +
      'deliver to it and will try other MX hosts.',
    fix: 'Check the mail server (or the firewall or proxy in front of it) on {host}.',
  },
  'no-starttls': {
    severity: 'warning',
    title: 'An MX host does not offer STARTTLS',
    message:
      '{host}:{port} ({address}) does not offer STARTTLS (EHLO: {ehlo}): mail to the domain travels in clear.',
    fix: 'Enable STARTTLS on {host} (Postfix: smtpd_tls_security_level = may with a certificate for {host}).',
  },
  'starttls-failed': {
    severity: 'error',
    title: 'STARTTLS is offered but does not work on an MX host',
    message:
      '{host}:{port} ({address}) offers STARTTLS but it fails at {stage}: {detail}. Senders that try TLS ' +
      'defer the mail, and it arrives late or not at all.',
    fix: 'Fix the TLS setup of {host} (certificate and key files, protocols, ciphers), or stop offering STARTTLS.',
  },
  'old-protocol': {
    severity: 'warning',
    title: 'An MX host negotiates an obsolete TLS version',
    message:
      '{host}:{port} ({address}) negotiated {protocol}; TLS 1.0 and 1.1 are deprecated (RFC 8996) and ' +
      'many senders refuse them.',
    fix: 'Enable TLS 1.2 and 1.3 on {host} (Postfix: smtpd_tls_protocols = >=TLSv1.2).',
  },
  'cert-expired': {
    severity: 'error',
    title: 'The certificate of an MX host has expired',
    message:
      'The certificate of {host} ({subject}) expired on {notAfter}, {days} days ago. Senders that verify ' +
      '(MTA-STS enforce, DANE-TA) refuse to deliver to it.',
    fix: CERT_FIX,
  },
  'cert-expiring': {
    severity: 'warning',
    title: `The certificate of an MX host expires within ${CERT_EXPIRY_WARNING_DAYS} days`,
    message: 'The certificate of {host} ({subject}) expires on {notAfter}, in {days} days.',
    fix: 'Renew the certificate of {host} now, and automate renewal.',
  },
  'cert-self-signed': {
    severity: 'warning',
    title: 'An MX host presents a self-signed certificate',
    message:
      '{host} presents a self-signed certificate ({subject}): opportunistic TLS still works, but senders ' +
      'that verify (MTA-STS, DANE-TA) refuse it unless a DANE-EE TLSA record pins it.',
    fix: CERT_FIX,
  },
  'cert-name-mismatch': {
    severity: 'warning',
    title: 'The certificate of an MX host does not name it',
    message:
      'The certificate of {host} is valid for {names}, not for {name}: senders that verify names ' +
      '(MTA-STS) refuse to deliver to it.',
    fix: 'Install a certificate with {name} in its subjectAltName on {host}.',
  },
  'cert-untrusted': {
    severity: 'warning',
    title: 'The certificate chain of an MX host does not verify',
    message:
      'The certificate of {host} does not verify against the trusted CAs: {detail}. Senders that verify ' +
      '(MTA-STS) refuse to deliver to it.',
    fix: 'Serve the full chain (leaf and intermediates) from a public CA on {host}.',
  },
  'no-mx': {
    severity: 'info',
    title: 'No MX host to probe',
    message: '{domain} has {what}: there is no MX host whose TLS could be probed.',
    fix: 'Nothing to do for TLS; see the mx check for whether {domain} should receive mail.',
  },
  'dns-error': {
    severity: 'unknown',
    title: 'Could not look up the MX hosts (DNS error)',
    message: 'The MX lookup of {domain} failed ({error}): the TLS of its MX hosts is unknown.',
    fix: 'Check that the name servers of {domain} answer MX queries, then run again.',
  },
  'host-not-probed': {
    severity: 'info',
    title: 'An MX host has no address to probe',
    message: 'The MX host {host} has no usable address ({answer}); its TLS was not probed.',
    fix: 'See the mx check: publish an A/AAAA record for {host} or remove the MX.',
  },
  'too-many-mx': {
    severity: 'info',
    title: 'Many MX hosts; only the first ones were probed',
    message: '{domain} has {count} MX hosts; the {probed} most preferred were probed.',
    fix: 'Keep the MX set small: senders try only a few hosts.',
  },
} as const satisfies FindingSpecs<TlsIssueKey | 'no-mx' | 'dns-error' | 'host-not-probed' | 'too-many-mx'>;

export type MxTlsFindingKey = keyof typeof MX_TLS_FINDINGS;
