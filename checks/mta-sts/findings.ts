/**
 * The published findings of the mta-sts check: ids, titles, messages and fixes (stable text).
 * These are inbound problems: they predict no reply to the domain's own outgoing mail, so no
 * finding raises a Condition.
 */
import type { FindingSpecs } from '../../src/check.js';

export const MTA_STS_FINDINGS = {
  'no-record': {
    severity: 'info',
    title: 'No MTA-STS record (MTA-STS is optional)',
    message:
      '{domain} publishes no MTA-STS record at _mta-sts.{domain} ({answer}): senders that support MTA-STS may ' +
      'deliver to it without TLS when an attacker strips STARTTLS.',
    fix:
      'To protect inbound mail, serve this policy at https://mta-sts.{domain}/.well-known/mta-sts.txt ' +
      '(text/plain, valid certificate for mta-sts.{domain}):\n{policyText}\nthen publish ' +
      '"_mta-sts.{domain}. IN TXT \\"v=STSv1; id={id}\\"" (change the id whenever the policy changes). ' +
      'Start with mode: testing, move to enforce once TLS reports are clean.',
  },
  'tls-rpt-without-mta-sts': {
    severity: 'info',
    title: 'TLS-RPT is published but MTA-STS is not',
    message:
      '{domain} publishes a TLS-RPT record ({tlsRptName}) but no MTA-STS record: reports will cover DANE only ' +
      '(if published) and senders do not enforce TLS through MTA-STS.',
    fix:
      'If you meant to deploy MTA-STS, serve the policy at https://mta-sts.{domain}/.well-known/mta-sts.txt:\n' +
      '{policyText}\nand publish "_mta-sts.{domain}. IN TXT \\"v=STSv1; id={id}\\"".',
  },
  'policy-without-record': {
    severity: 'warning',
    title: 'MTA-STS policy is served but the TXT record is missing',
    message:
      'https://mta-sts.{domain}/.well-known/mta-sts.txt serves a policy (mode {mode}), but _mta-sts.{domain} ' +
      'has no "v=STSv1" TXT record ({answer}): senders never fetch the policy, so it has no effect (RFC 8461 3.1).',
    fix: 'Publish "_mta-sts.{domain}. IN TXT \\"v=STSv1; id={id}\\"", or remove the policy if it is obsolete.',
  },
  'record-dns-error': {
    severity: 'unknown',
    title: 'Could not look up the MTA-STS record (DNS error)',
    message: 'The TXT lookup of _mta-sts.{domain} failed: {error}. Whether MTA-STS is published is unknown.',
    fix: 'Check that the name servers of {domain} answer TXT queries for _mta-sts.{domain}, then run again.',
  },
  'multiple-records': {
    severity: 'error',
    title: 'Several MTA-STS records',
    message:
      '_mta-sts.{domain} has {count} TXT records beginning with "v=STSv1" ({records}): senders then treat the ' +
      'domain as having no MTA-STS policy (RFC 8461 3.1).',
    fix: 'Keep exactly one: "_mta-sts.{domain}. IN TXT \\"v=STSv1; id={id}\\"", and delete the others.',
  },
  'invalid-record': {
    severity: 'error',
    title: 'MTA-STS record is invalid',
    message:
      'The MTA-STS record "{record}" at _mta-sts.{domain} is invalid: {errors}. Senders ignore it, so the ' +
      'policy is not applied (RFC 8461 3.1).',
    fix: 'Publish "_mta-sts.{domain}. IN TXT \\"v=STSv1; id={id}\\"" (id: 1 to 32 letters and digits).',
  },
  'record-syntax-warning': {
    severity: 'warning',
    title: 'MTA-STS record gives a field more than once',
    message:
      'The MTA-STS record "{record}" at _mta-sts.{domain} is valid, but {warnings}: senders use the first ' +
      'value of a repeated field (RFC 8461 3.2), so changing a later one has no effect.',
    fix: 'Give each field once: "_mta-sts.{domain}. IN TXT \\"v=STSv1; id={recordId}\\"".',
  },
  'policy-not-checked': {
    severity: 'unknown',
    title: 'MTA-STS policy not fetched',
    message: 'The policy at {url} was not fetched: {reason}.',
    fix: 'Run the audit with HTTPS fetching available.',
  },
  'policy-fetch-unknown': {
    severity: 'unknown',
    title: 'Could not fetch the MTA-STS policy (timeout or DNS error)',
    message: 'Fetching {url} did not complete: {reason}. Whether senders can load the policy is unknown.',
    fix:
      'Check that mta-sts.{domain} resolves and that its HTTPS server answers quickly (senders give up after ' +
      'about a minute, RFC 8461 3.3), then run again.',
  },
  'policy-host-missing': {
    severity: 'error',
    title: 'The MTA-STS policy host does not exist',
    message:
      'The MTA-STS record promises a policy, but mta-sts.{domain} has no address ({reason}): senders cannot ' +
      'fetch the policy, so MTA-STS is not in effect.',
    fix:
      'Publish an address for mta-sts.{domain} (e.g. "mta-sts.{domain}. IN A <web server>" or a CNAME to your ' +
      'policy host) and serve https://mta-sts.{domain}/.well-known/mta-sts.txt, or remove _mta-sts.{domain}.',
  },
  'policy-fetch-failed': {
    severity: 'error',
    title: 'The MTA-STS policy could not be fetched',
    message: 'Fetching {url} failed: {reason}. Senders cannot load the policy, so MTA-STS is not in effect.',
    fix:
      'Serve the policy over HTTPS on port 443 at https://mta-sts.{domain}/.well-known/mta-sts.txt with a valid ' +
      'certificate for mta-sts.{domain}.',
  },
  'policy-cert-invalid': {
    severity: 'error',
    title: 'The MTA-STS policy host has an invalid certificate',
    message:
      'The certificate of https://mta-sts.{domain} is not valid: {reason}. Senders must refuse the policy ' +
      '(RFC 8461 3.3), so MTA-STS is not in effect.',
    fix:
      'Install a certificate for mta-sts.{domain} from a publicly trusted CA (the name must be in its ' +
      'subjectAltName), with the full chain, and renew it before it expires.',
  },
  'policy-redirect': {
    severity: 'error',
    title: 'The MTA-STS policy URL redirects',
    message:
      '{url} answers HTTP {status} to {location}: senders must not follow redirects (RFC 8461 3.3), so they ' +
      'cannot load the policy.',
    fix: 'Serve the policy directly at https://mta-sts.{domain}/.well-known/mta-sts.txt with status 200.',
  },
  'policy-http-status': {
    severity: 'error',
    title: 'The MTA-STS policy URL does not answer 200',
    message: '{url} answers HTTP {status}: senders treat the policy as unavailable.',
    fix: 'Serve the policy file at https://mta-sts.{domain}/.well-known/mta-sts.txt with status 200:\n{policyText}',
  },
  'policy-too-large': {
    severity: 'error',
    title: 'The MTA-STS policy is too large',
    message: '{url}: {reason}. Senders limit the policy size (64 KiB here), so they may refuse it.',
    fix: 'Serve a short policy (a few lines):\n{policyText}',
  },
  'policy-content-type': {
    severity: 'warning',
    title: 'The MTA-STS policy is not served as text/plain',
    message:
      '{url} is served as "{contentType}"; the policy media type is text/plain (RFC 8461 3.2), and some ' +
      'senders refuse other types.',
    fix: 'Configure the web server to send "Content-Type: text/plain" for /.well-known/mta-sts.txt.',
  },
  'policy-content-type-ignored': {
    severity: 'error',
    title: 'The MTA-STS policy is served with a media type senders ignore',
    message:
      '{url} is served as "{contentType}", not text/plain: senders that follow RFC 8461 3.3 (they SHOULD ' +
      'check the media type) ignore the policy, so for them {domain} effectively has no MTA-STS. Only ' +
      'senders that skip the check apply it.',
    fix: 'Configure the web server to send "Content-Type: text/plain" for /.well-known/mta-sts.txt.',
  },
  'policy-invalid': {
    severity: 'error',
    title: 'The MTA-STS policy is invalid',
    message:
      'The policy at {url} is invalid: {errors}. Senders discard an invalid policy (RFC 8461 3.2), so MTA-STS is ' +
      'not in effect.',
    fix: 'Serve a valid policy (one "key: value" per line):\n{policyText}',
  },
  'policy-syntax-warning': {
    severity: 'warning',
    title: 'The MTA-STS policy has questionable lines',
    message: 'The policy at {url} is accepted, but: {warnings}.',
    fix: 'Give each of version, mode and max_age once, and one "mx:" line per pattern.',
  },
  'mode-none': {
    severity: 'info',
    title: 'MTA-STS policy mode is none',
    message:
      'The policy of {domain} has mode none: MTA-STS is switched off (the way to withdraw a policy, RFC 8461 8.3).',
    fix: 'If MTA-STS should protect inbound mail, set "mode: testing" (then "enforce") and change the TXT id.',
  },
  'mode-testing': {
    severity: 'info',
    title: 'MTA-STS policy is in testing mode',
    message:
      'The policy of {domain} has mode testing: senders deliver even when TLS fails and only report it (TLS-RPT).',
    fix:
      'Once TLS reports show no failures, set "mode: enforce" in the policy and change the id in ' +
      '"_mta-sts.{domain}. IN TXT \\"v=STSv1; id=<new id>\\"".',
  },
  'max-age-short': {
    severity: 'warning',
    title: 'MTA-STS max_age is very short',
    message:
      'The policy of {domain} has max_age {maxAge} s (less than a day): senders cache it only briefly, which ' +
      'leaves room for downgrade attacks at refresh time; RFC 8461 3.2 expects weeks or more.',
    fix: 'Set "max_age: {suggestedMaxAge}" (one week) or longer once the policy is stable.',
  },
  'mx-dns-error': {
    severity: 'unknown',
    title: 'Could not look up the MX hosts (DNS error)',
    message:
      'The MX lookup of {domain} failed: {error}; the MX hosts could not be matched against the policy.',
    fix: 'Check that the name servers of {domain} answer MX queries, then run again.',
  },
  'mx-not-matched': {
    severity: 'error',
    title: 'An MX host is not allowed by the enforced MTA-STS policy',
    message:
      'MX host {host} of {domain} matches no "mx:" pattern of the policy ({patterns}); in enforce mode senders ' +
      'refuse to deliver to it, so mail routed there fails.',
    fix: 'Add "mx: {host}" to the policy (or fix the MX), then change the id of _mta-sts.{domain}.',
  },
  'mx-not-matched-testing': {
    severity: 'warning',
    title: 'An MX host is not allowed by the MTA-STS policy (testing)',
    message:
      'MX host {host} of {domain} matches no "mx:" pattern of the policy ({patterns}); senders report it as a ' +
      'failure now and would refuse it in enforce mode.',
    fix: 'Add "mx: {host}" to the policy (or fix the MX), then change the id of _mta-sts.{domain}.',
  },
  'mx-tls-failed': {
    severity: 'error',
    title: 'An MX host fails TLS under an enforced MTA-STS policy',
    message:
      'MX host {host} of {domain}: {reason}. With MTA-STS in enforce mode, senders refuse to deliver to it ' +
      '(RFC 8461 4.2), so mail to {domain} fails when routed there.',
    fix:
      'Offer STARTTLS on {host} with a certificate for {host} from a publicly trusted CA (full chain, not ' +
      'expired), or switch the policy to "mode: testing" until it does.',
  },
  'mx-tls-failed-testing': {
    severity: 'warning',
    title: 'An MX host fails TLS (MTA-STS testing)',
    message:
      'MX host {host} of {domain}: {reason}. The policy is in testing mode, so senders still deliver and report ' +
      'the failure; in enforce mode this MX would refuse mail.',
    fix: 'Offer STARTTLS on {host} with a certificate for {host} from a publicly trusted CA before enforcing.',
  },
  'mx-tls-unknown': {
    severity: 'unknown',
    title: 'Could not test TLS on an MX host',
    message:
      'MX host {host} of {domain} could not be probed: {reason}. Port 25 may be blocked from here; whether it ' +
      'passes MTA-STS is unknown.',
    fix: 'Run the audit from a network that allows outbound port 25, or check {host} with another tool.',
  },
  'mx-tls-not-checked': {
    severity: 'info',
    title: 'MX TLS not tested (SMTP probing off)',
    message:
      'SMTP probing is off, so the TLS of the MX hosts of {domain} ({hosts}) was not tested against the MTA-STS ' +
      'policy (mode {mode}).',
    fix: 'Run without --no-smtp to test STARTTLS and certificates of the MX hosts.',
  },
} as const satisfies FindingSpecs;

export type MtaStsFindingKey = keyof typeof MTA_STS_FINDINGS;
