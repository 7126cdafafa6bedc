/** The published findings of the tls check: ids, titles, messages and fixes (stable text). */
import type { FindingSpecs } from '../../src/check.js';
import { CERT_EXPIRY_WARNING_DAYS, type TlsIssueKey } from '../shared/smtp-tls-judge.js';

export const TLS_FINDINGS = {
  'cannot-connect': {
    severity: 'unknown',
    title: 'Could not connect to a sending host over SMTP',
    message:
      'Could not connect to {address}:{port}: {detail}. Port 25 may be blocked from here (or the host does ' +
      'not accept mail); whether it uses TLS is unknown.',
    fix:
      'Run the audit from a network that allows outbound port 25, or make sure the sending MTA uses STARTTLS ' +
      'when it sends (Postfix: smtp_tls_security_level = may).',
  },
  'probe-incomplete': {
    severity: 'unknown',
    title: 'The SMTP probe of a sending host did not complete',
    message: 'The SMTP dialogue with {address}:{port} stopped at {stage}: {detail}. Its TLS is unknown.',
    fix: 'Run again; if it persists, check that the host greets and answers EHLO promptly.',
  },
  'smtp-error': {
    severity: 'unknown',
    title: 'A sending host broke the SMTP dialogue',
    message:
      '{address}:{port} broke the SMTP dialogue at {stage} ({kind}): {detail}. Whether it uses TLS is unknown.',
    fix: 'Check the mail server (or the firewall or proxy in front of it) on {address}.',
  },
  'no-starttls': {
    severity: 'warning',
    title: 'A sending host does not offer STARTTLS',
    message:
      '{address}:{port} does not offer STARTTLS (EHLO: {ehlo}). A server without TLS on its inbound side ' +
      'usually sends without it too, and Gmail and Yahoo refuse bulk mail that does not arrive over TLS.',
    fix:
      'Enable TLS on the sending MTA for outgoing mail (Postfix: smtp_tls_security_level = may) and for ' +
      'incoming mail with a certificate for its HELO name (smtpd_tls_security_level = may).',
    conditions: ['tls-missing'],
  },
  'starttls-failed': {
    severity: 'warning',
    title: 'STARTTLS is offered but does not work on a sending host',
    message:
      '{address}:{port} offers STARTTLS but it fails at {stage}: {detail}. Its TLS setup is broken; if it ' +
      'sends without TLS, Gmail and Yahoo refuse its bulk mail.',
    fix: 'Fix the TLS setup of the sending MTA (certificate and key files, protocols, ciphers).',
    conditions: ['tls-missing'],
  },
  'old-protocol': {
    severity: 'warning',
    title: 'A sending host negotiates an obsolete TLS version',
    message:
      '{address}:{port} negotiated {protocol}; TLS 1.2 or later is expected (RFC 8996 deprecates 1.0 and 1.1).',
    fix: 'Enable TLS 1.2 and 1.3 on the MTA (Postfix: smtp_tls_protocols and smtpd_tls_protocols = >=TLSv1.2).',
  },
  'cert-expired': {
    severity: 'warning',
    title: 'The certificate of a sending host has expired',
    message: 'The certificate of {address} ({subject}) expired on {notAfter}, {days} days ago.',
    fix: 'Renew the certificate of the sending host, and automate renewal.',
  },
  'cert-expiring': {
    severity: 'warning',
    title: `The certificate of a sending host expires within ${CERT_EXPIRY_WARNING_DAYS} days`,
    message: 'The certificate of {address} ({subject}) expires on {notAfter}, in {days} days.',
    fix: 'Renew the certificate of the sending host now, and automate renewal.',
  },
  'cert-self-signed': {
    severity: 'warning',
    title: 'A sending host presents a self-signed certificate',
    message: '{address} presents a self-signed certificate ({subject}).',
    fix: "Install a certificate for the HELO name from a public CA (e.g. Let's Encrypt).",
  },
  'cert-name-mismatch': {
    severity: 'warning',
    title: 'The certificate of a sending host does not match its HELO name',
    message: 'The certificate of {address} is valid for {names}, not for the HELO name {name}.',
    fix: 'Install a certificate with {name} in its subjectAltName, or make the MTA say HELO with a name it has.',
  },
  'cert-untrusted': {
    severity: 'warning',
    title: 'The certificate chain of a sending host does not verify',
    message: 'The certificate of {address} does not verify against the trusted CAs: {detail}.',
    fix: 'Serve the full chain (leaf and intermediates) from a public CA.',
  },
  'no-helo': {
    severity: 'info',
    title: 'No HELO name given: certificate names not checked',
    message: 'Without --helo the certificates of the sending hosts were not compared with a name.',
    fix: 'Give the name the MTA uses in EHLO with --helo.',
  },
  'helo-dns-error': {
    severity: 'unknown',
    title: 'Could not resolve the HELO name',
    message: 'The address lookup of the HELO name {helo} failed ({error}); its host was not probed.',
    fix: 'Check that the name servers of {helo} answer A and AAAA queries, then run again.',
  },
  'too-many-hosts': {
    severity: 'info',
    title: 'Many sending hosts; only the first ones were probed',
    message: '{count} sending hosts were given; the first {probed} were probed ({rest} not).',
    fix: 'Audit the others separately if their setup differs.',
  },
} as const satisfies FindingSpecs<TlsIssueKey | 'no-helo' | 'helo-dns-error' | 'too-many-hosts'>;

export type TlsFindingKey = keyof typeof TLS_FINDINGS;
