/** The SPF check's published findings (ids 'spf/<key>'): never reword them. */
import type { Condition, FindingSpecs } from '../../src/check.js';

const CANNOT_PASS: Condition[] = ['spf-cannot-pass'];

export const SPF_FINDINGS = {
  missing: {
    severity: 'error',
    title: 'No SPF record',
    message:
      '{domain} publishes no SPF record (no TXT record starting with "v=spf1"); receivers get SPF "none".',
    fix:
      'Publish one TXT record at {domain} listing every service that sends as it, e.g. ' +
      '{domain}. TXT "v=spf1 include:<your provider\'s SPF domain> -all" ' +
      '(or "v=spf1 -all" if {domain} sends no mail).',
    conditions: CANNOT_PASS,
  },
  'multiple-records': {
    severity: 'error',
    title: 'More than one SPF record',
    message:
      '{domain} publishes {count} SPF records ({chain}); RFC 7208 4.5 makes that a permerror for every sender.',
    fix: 'Merge them into a single TXT record at {domain}: one "v=spf1" with all mechanisms and one "all" at the end; delete the others.',
    conditions: ['spf-cannot-pass', 'spf-suspicious'],
  },
  'syntax-error': {
    severity: 'error',
    title: 'SPF record has a syntax error',
    message:
      'The SPF record at {domain} ({chain}) has a syntax error at position {position}: {error} (term "{term}"); receivers return permerror.',
    fix: 'Correct or remove "{term}" in the TXT record at {domain} (RFC 7208 12 gives the grammar).',
    conditions: CANNOT_PASS,
  },
  'too-many-lookups': {
    severity: 'error',
    title: 'SPF needs more than 10 DNS lookups',
    message:
      "{domain}'s SPF needs {count} DNS-querying terms in the worst case (limit {limit}, RFC 7208 4.6.4), so receivers return permerror; heaviest path: {chain}.",
    fix:
      'Bring the total to at most {limit}: remove includes of services you no longer use, replace a/mx ' +
      'terms by the ip4/ip6 ranges they stand for, or move some senders to a subdomain with its own SPF record.',
    conditions: CANNOT_PASS,
  },
  'lookups-near-limit': {
    severity: 'warning',
    title: 'SPF is close to the 10-lookup limit',
    message:
      "{domain}'s SPF needs {count} of the {limit} DNS-querying terms allowed (RFC 7208 4.6.4); heaviest path: {chain}. One more include, yours or one a provider adds to its own record, makes it permerror.",
    fix: 'Leave headroom: remove unused includes, or replace a/mx terms by ip4/ip6 ranges.',
  },
  'void-lookups': {
    severity: 'warning',
    title: 'SPF terms point at names that do not exist',
    message:
      "{domain}'s SPF has {count} void lookup(s) (names with no records: {terms}); more than {limit} make it permerror (RFC 7208 4.6.4).",
    fix: 'Remove or correct the terms naming {terms}.',
  },
  'too-many-void-lookups': {
    severity: 'error',
    title: 'SPF has more than 2 void lookups',
    message:
      "{domain}'s SPF has {count} void lookups (names with no records: {terms}); more than {limit} is a permerror (RFC 7208 4.6.4).",
    fix: 'Remove or correct the terms naming {terms}.',
    conditions: CANNOT_PASS,
  },
  'include-not-found': {
    severity: 'error',
    title: 'SPF include or redirect target has no SPF record',
    message:
      '"{term}" in the record at {parent} names {target}, which {reason}; that is a permerror (RFC 7208 5.2, 6.1). Chain: {chain}.',
    fix: 'Remove "{term}" from the record at {parent}, or correct the name (your provider documents its include).',
    conditions: ['spf-suspicious', 'spf-cannot-pass'],
  },
  'include-loop': {
    severity: 'error',
    title: 'SPF include loop',
    message:
      '"{term}" in the record at {parent} leads back to {target}, already in the chain {chain}; evaluation runs into the lookup limit and gives permerror.',
    fix: 'Remove "{term}" from the record at {parent}.',
    conditions: CANNOT_PASS,
  },
  'too-many-mx-names': {
    severity: 'error',
    title: 'SPF mx term names more than 10 hosts',
    message:
      '"{term}" in the record at {domain}: {target} has {count} MX records; more than {limit} make the mx mechanism a permerror (RFC 7208 4.6.4).',
    fix: 'Replace "{term}" with the ip4/ip6 ranges of the hosts that really send, or with a:<host> terms.',
    conditions: CANNOT_PASS,
  },
  'plus-all': {
    severity: 'error',
    title: 'SPF authorises the whole Internet ("+all")',
    message:
      'The SPF record at {domain} ({chain}) has "{term}": every host on the Internet passes SPF for it.',
    fix: 'Replace "{term}" with "-all" (or "~all" while you check your senders): "{suggested}".',
    conditions: ['spf-suspicious'],
  },
  'neutral-all': {
    severity: 'warning',
    title: 'SPF ends in "?all"',
    message:
      'The SPF record at {domain} ends in "{term}": unlisted hosts get neutral, which receivers treat like no SPF at all.',
    fix: 'Replace "{term}" with "~all" or "-all": "{suggested}".',
  },
  'broad-range': {
    severity: 'warning',
    title: 'SPF authorises a very broad address range',
    message:
      '"{term}" in the record at {domain} authorises a /{prefix} (broader than /{limit}): {addresses} addresses may send as it.',
    fix: 'List only the addresses you send from (e.g. "ip4:192.0.2.10" or a /24 you own), or the include of the service that sends for you.',
    conditions: ['spf-suspicious'],
  },
  'no-all': {
    severity: 'warning',
    title: 'SPF has no "all" and no "redirect="',
    message:
      'The SPF record at {domain} has neither "all" nor "redirect=": unlisted hosts get neutral (RFC 7208 4.7).',
    fix: 'End the record with "-all" (or "~all"): "{suggested}".',
  },
  'ptr-mechanism': {
    severity: 'warning',
    title: 'SPF uses the deprecated "ptr" mechanism',
    message:
      '"{term}" in the record at {domain} uses ptr, which RFC 7208 5.5 says SHOULD NOT be used: it is slow, unreliable, and some receivers skip it.',
    fix: 'Replace "{term}" with the ip4/ip6 ranges (or a:<host> terms) of your sending hosts.',
  },
  'exp-modifier': {
    severity: 'info',
    title: 'SPF sets an explanation ("exp=")',
    message:
      'The record at {domain} has "{term}": receivers may expand it into their rejection text (RFC 7208 6.2).',
    fix: 'Nothing required. Make sure the TXT record it names exists and reveals nothing you mind showing.',
  },
  'record-too-long': {
    severity: 'warning',
    title: 'SPF answer exceeds 512 bytes',
    message:
      'The TXT answer at {domain} holds {bytes} bytes of record data (over {limit}, RFC 7208 3.4); it may not fit a UDP reply, and receivers that cannot retry over TCP get temperror.',
    fix: 'Shorten it: remove TXT records at {domain} that are no longer needed, or move ranges into an include on a subdomain.',
  },
  'dns-error': {
    severity: 'unknown',
    title: 'SPF could not be measured (DNS error)',
    message:
      'The {type} lookup for {name} failed ({error}) while reading the SPF of {domain} ({chain}); this part could not be measured, and receivers seeing the same get temperror.',
    fix: 'Check that the authoritative servers of {name} answer {type} queries (e.g. "dig {name} {type}") from outside your network.',
    conditions: ['spf-temperror'],
  },
  'sender-dependent': {
    severity: 'info',
    title: 'Part of the SPF depends on the sender (macros)',
    message:
      '"{term}" in the record at {domain} uses macros or the connecting address; the audit counted it as one lookup but could not follow it, so totals are lower bounds.',
    fix: 'Nothing required. Check the sending IPs with --ip to evaluate this part for real.',
  },
  'ip-not-authorised': {
    severity: 'error',
    title: 'Sending IP fails SPF',
    message: 'SPF for {ip} sending as {sender}: fail; the SPF of {domain} does not authorise it.',
    fix: 'Add "{term}" (or the include of the service that owns {ip}) to the record at {domain}, before its "all".',
    conditions: CANNOT_PASS,
  },
  'ip-not-pass': {
    severity: 'warning',
    title: 'Sending IP does not pass SPF',
    message: 'SPF for {ip} sending as {sender}: {result}; only "pass" authenticates the sender.',
    fix: 'Add "{term}" (or the include of the service that owns {ip}) to the record at {domain}, before its "all".',
    conditions: CANNOT_PASS,
  },
  'ip-permerror': {
    severity: 'error',
    title: 'SPF evaluation gives permerror',
    message: 'SPF for {ip} sending as {sender}: permerror ({problem}).',
    fix: 'Fix the SPF of {domain} (see the other SPF findings); a permerror never passes.',
    conditions: CANNOT_PASS,
  },
  'ip-temperror': {
    severity: 'unknown',
    title: 'SPF evaluation gives temperror',
    message: 'SPF for {ip} sending as {sender}: temperror ({problem}); could not be measured.',
    fix: 'Check that the DNS servers of the names in the SPF of {domain} answer reliably.',
    conditions: ['spf-temperror'],
  },
} as const satisfies FindingSpecs;

export type SpfFindingKey = keyof typeof SPF_FINDINGS;
