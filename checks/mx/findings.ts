/** The published findings of the mx check: ids, titles, messages and fixes (stable text). */
import type { FindingSpecs } from '../../src/check.js';

export const MX_FINDINGS = {
  'domain-not-found': {
    severity: 'error',
    title: 'Sending domain does not exist (NXDOMAIN)',
    message: '{domain} ({role}) does not exist: its {rrtype} lookup returned NXDOMAIN.',
    fix:
      'Send from a domain that exists, or register and delegate {domain} and publish an MX for it: ' +
      '"{domain}. IN MX 10 mail.{domain}."',
    conditions: ['domain-nxdomain'],
  },
  'dns-error': {
    severity: 'unknown',
    title: 'Could not look up the sending domain (DNS error)',
    message:
      'The {rrtype} lookup of {domain} ({role}) failed: {error}. Whether it exists and takes mail is unknown.',
    fix:
      'Check that the name servers of {domain} answer {rrtype} queries (a SERVFAIL often means broken DNSSEC ' +
      'or unreachable name servers), then run again.',
    conditions: ['domain-dns-failure'],
  },
  'null-mx': {
    severity: 'error',
    title: 'Sending domain publishes a null MX (accepts no mail)',
    message:
      '{domain} ({role}) has a null MX ("MX {preference} ."): it declares that it accepts no mail, so bounces ' +
      'and replies cannot come back and receivers may refuse its mail (550 5.7.27).',
    fix:
      'Replace "{domain}. IN MX {preference} ." with the MX of a server that accepts mail, e.g. ' +
      '"{domain}. IN MX 10 mail.{domain}.", or send from another domain.',
    conditions: ['null-mx'],
  },
  'invalid-null-mx': {
    severity: 'error',
    title: 'Null MX mixed with other MX records',
    message:
      '{domain} ({role}) has a null MX ("MX {preference} .") next to other MX records ({others}): RFC 7505 3 forbids this.',
    fix:
      'If {domain} receives mail, remove "{domain}. IN MX {preference} ."; if it does not, remove the other ' +
      'MX records ({others}).',
  },
  'mx-ip-literal': {
    severity: 'error',
    title: 'MX points at an IP address instead of a host name',
    message:
      '{domain} ({role}) has "MX {preference} {exchange}": the exchange must be a host name (RFC 5321 5.1).',
    fix:
      'Publish a name for the address and point the MX at it: "mail.{domain}. IN {rrtype} {exchange}" and ' +
      '"{domain}. IN MX {preference} mail.{domain}."',
  },
  'mx-cname': {
    severity: 'warning',
    title: 'MX points at a CNAME',
    message:
      '{domain} ({role}) has "MX {preference} {exchange}", and {exchange} is an alias of {canonical}. ' +
      'MX targets must not be aliases (RFC 2181 10.3, RFC 5321 5.1); some senders refuse them.',
    fix: 'Point the MX at the canonical name: "{domain}. IN MX {preference} {canonical}."',
  },
  'mx-host-unresolvable': {
    severity: 'warning',
    title: 'An MX host has no address',
    message:
      '{domain} ({role}) has "MX {preference} {exchange}", but {exchange} has no A or AAAA record ({answer}).',
    fix: 'Publish "{exchange}. IN A <address>" (and/or AAAA), or remove "{domain}. IN MX {preference} {exchange}."',
  },
  'mx-hosts-unresolvable': {
    severity: 'error',
    title: 'No MX host of the domain has an address',
    message:
      '{domain} ({role}): none of its MX hosts ({hosts}) has an A or AAAA record, so mail to it cannot be delivered.',
    fix: 'Publish A/AAAA records for the MX hosts ({hosts}), or point the MX at a server that exists.',
  },
  'mx-host-dns-error': {
    severity: 'unknown',
    title: 'Could not resolve an MX host (DNS error)',
    message: 'The address lookup of the MX host {exchange} of {domain} ({role}) failed: {error}.',
    fix: 'Check that the name servers of {exchange} answer A and AAAA queries, then run again.',
  },
  'implicit-mx': {
    severity: 'warning',
    title: 'No MX: mail relies on the implicit MX (the domain address)',
    message:
      '{domain} ({role}) has no MX record; mail to it goes to its address ({addresses}) (implicit MX, RFC 5321 5.1). ' +
      'This works only if that host runs a mail server; bounces and replies are easily lost.',
    fix: 'Publish an explicit MX: "{domain}. IN MX 10 mail.{domain}." pointing at a server that accepts mail.',
  },
  'no-mail-exchanger': {
    severity: 'error',
    title: 'Domain has neither MX nor address: it cannot receive mail',
    message:
      '{domain} ({role}) has no MX and no A/AAAA record: bounces and replies cannot be delivered, and receivers ' +
      'that check the sender domain (e.g. Postfix reject_unknown_sender_domain) refuse the mail.',
    fix: 'Publish an MX for {domain}: "{domain}. IN MX 10 mail.{domain}." pointing at a server that accepts mail.',
  },
  'too-many-mx': {
    severity: 'info',
    title: 'Many MX records; only the first ones were checked',
    message: '{domain} ({role}) has {count} MX hosts; the {checked} most preferred were checked.',
    fix: 'Keep the MX set small: senders try only a few hosts.',
  },
} as const satisfies FindingSpecs;

export type MxFindingKey = keyof typeof MX_FINDINGS;
