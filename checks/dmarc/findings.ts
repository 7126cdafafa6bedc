/** The DMARC check's published findings (ids 'dmarc/<key>'): never reword them. */
import type { FindingSpecs } from '../../src/check.js';

export const DMARC_FINDINGS = {
  missing: {
    severity: 'error',
    title: 'No DMARC record',
    message:
      'No DMARC record at _dmarc.{domain}{orgNote}. Gmail, Yahoo and Microsoft require one from bulk senders.',
    fix: 'Publish: {record}',
    conditions: ['dmarc-missing'],
  },
  'multiple-records': {
    severity: 'error',
    title: 'Several DMARC records at one name',
    message:
      '_dmarc.{domain} has {count} records starting v=DMARC1: receivers discard them all and apply no DMARC policy (RFC 7489 6.6.3).',
    fix: 'Keep exactly one TXT record starting "v=DMARC1" at _dmarc.{domain}; merge the others into it.',
    conditions: ['dmarc-missing'],
  },
  'version-not-first': {
    severity: 'error',
    title: 'DMARC record does not start with v=DMARC1',
    message:
      'The TXT record at _dmarc.{domain} holds v=DMARC1 but not as its first tag, so receivers discard it (RFC 7489 6.3): "{record}".',
    fix: 'Rewrite it with v=DMARC1 first, e.g. {suggested}',
  },
  'version-case': {
    severity: 'error',
    title: 'DMARC version is not written exactly "DMARC1"',
    message:
      'The TXT record at _dmarc.{domain} starts with "{version}": the version value is case-sensitive, so receivers that follow RFC 7489 6.3 and RFC 9989 4.7 ignore the entire record and see no DMARC policy there (some receivers compare it without case and apply it anyway): "{record}".',
    fix: 'Write the version exactly "v=DMARC1": {corrected}',
  },
  'version-leading-space': {
    severity: 'error',
    title: 'DMARC record starts with a space',
    message:
      'The TXT record at _dmarc.{domain} has a space before its v tag: a DMARC record must begin with "v=DMARC1" (RFC 7489 6.4, RFC 9989 4.8), so receivers that follow the RFCs discard it and see no DMARC policy there (some trim the space and apply it anyway): "{record}".',
    fix: 'Remove the leading space: {corrected}',
  },
  'invalid-policy': {
    severity: 'error',
    title: 'DMARC p tag has an invalid value',
    message:
      'p={value} in the record at _dmarc.{domain} is not none, quarantine or reject. {consequence} (RFC 7489 6.6.3)',
    fix: 'Set p=none, p=quarantine or p=reject in the record at _dmarc.{domain}.',
  },
  'invalid-subdomain-policy': {
    severity: 'error',
    title: 'DMARC sp or np tag has an invalid value',
    message:
      '{tag}={value} in the record at _dmarc.{domain} is not none, quarantine or reject. {consequence} (RFC 7489 6.6.3, RFC 9989 4.10.1)',
    fix: 'Set {tag}=none, {tag}=quarantine or {tag}=reject, or remove {tag}, in the record at _dmarc.{domain}.',
  },
  'policy-not-second': {
    severity: 'warning',
    title: 'DMARC p tag does not follow v=DMARC1',
    message:
      'The record at _dmarc.{domain} puts {after} between v=DMARC1 and p: RFC 7489 6.4 requires p right after v, so strict RFC 7489 parsers reject the record; RFC 9989 4.8 allows the other tags in any order.',
    fix: 'Move p={value} right after v=DMARC1 in the record at _dmarc.{domain}.',
  },
  'missing-policy': {
    severity: 'warning',
    title: 'DMARC record has no p tag',
    message:
      'The record at _dmarc.{domain} has no p tag. RFC 9989 receivers read it as p=none; RFC 7489 receivers {rfc7489}.',
    fix: 'Add p=none (or quarantine, reject) right after v=DMARC1 at _dmarc.{domain}.',
  },
  'invalid-tag-value': {
    severity: 'warning',
    title: 'DMARC tag has an invalid value',
    message: 'Tag {tag} in the record at _dmarc.{domain}: "{value}": {reason}.',
    fix: 'Correct or remove {tag} in the record at _dmarc.{domain}.',
  },
  'removed-tag': {
    severity: 'info',
    title: 'DMARC tag removed by RFC 9989',
    message:
      'Tag {tag}={value} at _dmarc.{domain} is defined by RFC 7489 but removed by RFC 9989 (Appendix C); receivers following RFC 9989 ignore it.',
    fix: 'Remove {tag} from the record at _dmarc.{domain}; it has no effect on receivers following RFC 9989.',
  },
  'unknown-tag': {
    severity: 'info',
    title: 'Unknown DMARC tag',
    message:
      'Tag {tag}={value} at _dmarc.{domain} is not defined by RFC 7489 or RFC 9989; receivers ignore it.',
    fix: 'Remove {tag} from the record, or check its spelling.',
  },
  'policy-none': {
    severity: 'info',
    title: 'DMARC policy is none (monitoring only)',
    message:
      'The policy applying to {domain} is p=none: accepted by Gmail, Yahoo and Microsoft, but receivers take no action on mail that fails DMARC.',
    fix: 'Once aggregate reports show all your mail passing, move to p=quarantine, then p=reject.',
  },
  'pct-partial': {
    severity: 'warning',
    title: 'DMARC policy applies to part of the mail only',
    message:
      'pct={pct}: the {policy} policy applies to {pct}% of failing mail, the rest is treated as p=none.',
    fix: 'Remove pct (default 100) once you are confident, or use t=y for testing (RFC 9989).',
  },
  'pct-deprecated': {
    severity: 'info',
    title: 'DMARC pct tag is dropped by RFC 9989',
    message:
      'The record uses pct={pct}; RFC 9989 (DMARCbis) removes pct and receivers following it ignore it.',
    fix: 'Use t=y instead of pct<100 while testing; remove pct otherwise.',
  },
  'testing-mode': {
    severity: 'info',
    title: 'DMARC policy is in testing mode (t=y)',
    message: 't=y: RFC 9989 receivers apply one level less than p={policy}.',
    fix: 'Remove t=y when testing is over.',
  },
  'no-rua': {
    severity: 'info',
    title: 'No DMARC aggregate reports requested',
    message:
      'The record at _dmarc.{domain} has no valid rua, so you get no aggregate reports of who sends as you.',
    fix: 'Add rua=mailto:dmarc-reports@{domain} to the record at _dmarc.{domain}.',
  },
  'bad-report-uri': {
    severity: 'warning',
    title: 'DMARC report URI is invalid',
    message: '{tag} URI "{value}" at _dmarc.{domain}: {reason}.',
    fix: 'Use mailto:address@domain URIs, comma-separated, e.g. rua=mailto:dmarc-reports@{domain}.',
  },
  'report-uri-scheme': {
    severity: 'info',
    title: 'DMARC report URI is not a mailto URI',
    message:
      '{tag} URI "{value}" at _dmarc.{domain} is a valid {scheme} URI, but receivers are only required to support mailto (RFC 7489 6.2, RFC 9989 4.7) and ignore schemes they do not support, so most send no reports there.',
    fix: 'Add a mailto URI to {tag}, e.g. {tag}=mailto:dmarc-reports@{domain},{value}',
  },
  'external-destination-unverified': {
    severity: 'warning',
    title: 'External DMARC report destination not authorised',
    message:
      '{tag} sends reports to {destination}, outside the organisation of {policyDomain}, but {name} has no v=DMARC1 record: receivers will not send reports there (RFC 7489 7.1).',
    fix: 'Ask the owner of {destination} to publish: {name}. TXT "v=DMARC1"',
  },
  'external-destination-dns-error': {
    severity: 'unknown',
    title: 'Could not verify an external DMARC report destination',
    message: 'The lookup of {name} failed ({error}); whether receivers will send reports there is unknown.',
    fix: 'Retry; if it persists, check the DNS servers of {destination}.',
  },
  'inherited-from-org-domain': {
    severity: 'info',
    title: 'DMARC policy inherited from a parent domain',
    message:
      '{domain} has no record of its own; the record at _dmarc.{policyDomain} applies ({method}), with its subdomain policy sp={sp}.',
    fix: 'Nothing to do if intended; publish _dmarc.{domain} to give {domain} its own policy.',
  },
  'psl-treewalk-disagree': {
    severity: 'warning',
    title: 'RFC 7489 and RFC 9989 receivers see different DMARC policies',
    message:
      'Public Suffix List: organisational domain {pslOrg}, policy from {pslPolicy}. DNS tree walk (RFC 9989): organisational domain {walkOrg}, policy from {walkPolicy}.',
    fix: 'Publish a record at _dmarc.{domain} (and psd=n at your organisational domain) so both methods agree.',
  },
  'dns-error': {
    severity: 'unknown',
    title: 'DMARC lookup failed',
    message: 'The lookup of {name} failed ({error}); the DMARC policy of {domain} could not be determined.',
    fix: 'Retry; if it persists, check the authoritative DNS servers of {domain}.',
    conditions: ['dmarc-temperror'],
  },
} as const satisfies FindingSpecs;

export type DmarcFindingKey = keyof typeof DMARC_FINDINGS;
